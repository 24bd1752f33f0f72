import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory
import TorNetwork
import TorWire

/// The private network's onion service (TORNET_ONION=1) fetched as a client fetches it (#17):
/// HSDirs refuse one-hop descriptor requests, so each is asked over a two-hop circuit
/// (CREATE_FAST to another relay, EXTEND2 with ntor to the HSDir).
@Suite(.enabled(if: PrivateNet.isAvailable && PrivateNet.onionAddress != nil,
                "needs TORDESC_PRIVATE_NET with an onion service (scripts/test-private-network.sh)"), .serialized)
struct PrivateNetworkOnionTests {
    static var address: String? { PrivateNet.onionAddress }

    /// The verified microdesc consensus, its microdescriptors, and the ring built from them.
    struct Directory {
        let consensus: NetworkStatusConsensus
        let ring: OnionHashRing
        let ntorKeys: [Fingerprint: [UInt8]]
        let ed25519Identities: [Fingerprint: [UInt8]]
    }

    static func directory(_ client: DirectoryClient) async throws -> Directory {
        let consensus = try await client.consensus(flavor: .microdesc)
        let micro = try await client.microdescriptors(for: consensus)
        let identities = OnionHashRing.ed25519Identities(consensus: consensus, microdescriptors: micro)
        return Directory(consensus: consensus, ring: OnionHashRing(consensus: consensus, ed25519Identities: identities, testingNetwork: true),
                         ntorKeys: OnionHashRing.ntorOnionKeys(consensus: consensus, microdescriptors: micro), ed25519Identities: identities)
    }

    /// Asks until an answer comes, for up to `seconds`: on a 4-minute testing time period the
    /// service uploads each period's descriptor some seconds after the period starts.
    static func eventually<T>(_ seconds: Double, _ body: () async throws -> T) async throws -> T {
        let until = Date().addingTimeInterval(seconds)
        while true {
            do { return try await body() } catch {
                if Date() > until { throw error }
                try await Task.sleep(for: .seconds(3))
            }
        }
    }

    @Test func theDescriptorComesOverTwoHopCircuitsAndNamesTheNetworksRelays() async throws {
        let onion = try OnionAddress(try #require(Self.address))
        let client = try PrivateNet.client()
        let fetched = try await Self.eventually(120) {
            let directory = try await Self.directory(client)
            return (directory, try await client.onionServiceDescriptor(for: onion, ring: directory.ring, ntorOnionKeys: directory.ntorKeys))
        }
        let (directory, fetch) = fetched
        #expect(directory.ntorKeys.count == directory.consensus.entries.count)
        #expect(fetch.report.isValid)
        #expect(directory.ring.members.contains(fetch.hsdir))
        let points = fetch.decrypted.inner.introductionPoints
        #expect(points.count == 3)
        let relays = Set(directory.ed25519Identities.values)
        for point in points {
            let ids = point.linkSpecifiers.compactMap { if case .ed25519ID(let key) = $0 { key } else { nil } }
            #expect(ids.count == 1 && ids.allSatisfy(relays.contains), "\(point.linkSpecifiers)")
        }
    }

    /// The introduction points a client gets from the HSDirs are the ones the service itself
    /// holds: its own descriptor, from its ControlPort (`GETINFO hs/service/desc/id/...`, cookie
    /// authentication), decrypted the same way, lists the same auth keys.
    ///
    /// The two are compared only when they are the same descriptor: the same blinded key (tor
    /// keeps separate introduction points for the current and the next time period, and on a
    /// 4-minute testing period the service and the client can be either side of a boundary) and
    /// the same revision counter (the service re-uploads when an introduction point changes, and
    /// an HSDir holds the previous revision until the upload arrives). Otherwise both are asked
    /// again; 40 rounds that never meet are a failure.
    @Test func theFetchedIntroductionPointsAreTheServicesOwn() async throws {
        let onion = try OnionAddress(try #require(Self.address))
        let client = try PrivateNet.client()
        var seen: [String] = []
        for _ in 0..<40 {
            let fetch = try await Self.eventually(120) {
                let directory = try await Self.directory(client)
                return try await client.onionServiceDescriptor(for: onion, ring: directory.ring, ntorOnionKeys: directory.ntorKeys)
            }
            let own = try await ControlSession.withSession(host: "127.0.0.1", port: try PrivateNetworkControlPortTests.controlPort(),
                                                           limits: PrivateNetworkControlPortTests.limits) { session in
                try await session.getInfo("hs/service/desc/id/\(onion.encoded)")
            }
            let ownDescriptor = try OnionServiceDescriptor(parsing: own[...], mode: .strict)
            guard ownDescriptor.blindedKey == fetch.descriptor.blindedKey,
                  ownDescriptor.revisionCounter == fetch.descriptor.revisionCounter else {
                seen.append("own \(Base64.encode(ownDescriptor.blindedKey ?? [], padded: false).prefix(8)) rev \(ownDescriptor.revisionCounter), "
                            + "fetched \(Base64.encode(fetch.descriptor.blindedKey ?? [], padded: false).prefix(8)) rev \(fetch.descriptor.revisionCounter)")
                try await Task.sleep(for: .seconds(3))
                continue
            }
            let ownPoints = try ownDescriptor.decrypt(address: onion).inner.introductionPoints
            let fetchedPoints = fetch.decrypted.inner.introductionPoints
            #expect(ownPoints.count == 3)
            #expect(Set(fetchedPoints.map(\.authKey)) == Set(ownPoints.map(\.authKey)))
            #expect(Set(fetchedPoints.map(\.linkSpecifiers.description)) == Set(ownPoints.map(\.linkSpecifiers.description)))
            return
        }
        Issue.record("the service's own descriptor and the fetched one were never the same descriptor: \(seen)")
    }

    /// Why the second hop: the same request on a one-hop circuit is refused, on a two-hop
    /// circuit through another relay it is answered (by the same HSDir).
    @Test func anHSDirRefusesOneHopAndAnswersTwoHops() async throws {
        let onion = try OnionAddress(try #require(Self.address))
        let client = try PrivateNet.client()
        try await Self.eventually(120) {
            let directory = try await Self.directory(client)
            let blinded = try onion.blindedKey(for: directory.ring.period)
            let hsdir = try #require(directory.ring.responsibleHSDirs(blindedKey: blinded).first)
            let first = try #require(directory.ring.members.first { $0 != hsdir })
            let request = try ORPortDirectoryConnection.request(path: "/tor/hs/3/" + Base64.encode(blinded, padded: false))
            let oneHop = try await ORPortDirectoryConnection.exchange(host: hsdir.address.description, port: Int(hsdir.orPort), fingerprint: hsdir.fingerprint,
                                                                      request: request, deadline: .now + .seconds(20))
            #expect(oneHop.response.starts(with: Array("HTTP/1.0 503".utf8)), "\(String(decoding: oneHop.response.prefix(60), as: UTF8.self))")
            let target = CircuitExtension(address: hsdir.address.bytes, port: hsdir.orPort, fingerprint: hsdir.fingerprint,
                                          ed25519Identity: hsdir.ed25519Identity, ntorOnionKey: try #require(directory.ntorKeys[hsdir.fingerprint]))
            let twoHops = try await ORPortDirectoryConnection.exchange(host: first.address.description, port: Int(first.orPort), fingerprint: first.fingerprint,
                                                                       extendingTo: target, request: request, deadline: .now + .seconds(20))
            #expect(twoHops.identity.fingerprint == first.fingerprint)
            // The HSDir may not hold this period's descriptor yet: ask again until it does.
            guard twoHops.response.starts(with: Array("HTTP/1.0 200".utf8)) else {
                throw DirectoryClientError.invalidRequest(String(decoding: twoHops.response.prefix(60), as: UTF8.self))
            }
            let body = try #require(String(decoding: twoHops.response, as: UTF8.self).range(of: "\r\n\r\n")).upperBound
            _ = try OnionServiceDescriptor(parsing: Array(String(decoding: twoHops.response, as: UTF8.self)[body...].utf8)[...])
        }
    }

    /// A wrong ntor onion key: the HSDir's AUTH does not check out, and the client says so.
    @Test func aWrongOnionKeyFailsTheNtorCheck() async throws {
        let directory = try await Self.directory(try PrivateNet.client())
        let hsdir = try #require(directory.ring.members.first), first = try #require(directory.ring.members.last)
        let other = try #require(directory.ring.members.first { $0 != hsdir && directory.ntorKeys[$0.fingerprint] != nil })
        let target = CircuitExtension(address: hsdir.address.bytes, port: hsdir.orPort, fingerprint: hsdir.fingerprint,
                                      ed25519Identity: hsdir.ed25519Identity, ntorOnionKey: try #require(directory.ntorKeys[other.fingerprint]))
        do {
            _ = try await ORPortDirectoryConnection.exchange(host: first.address.description, port: Int(first.orPort), fingerprint: first.fingerprint,
                                                             extendingTo: target, request: try ORPortDirectoryConnection.request(path: "/tor/server/authority"),
                                                             deadline: .now + .seconds(20))
            Issue.record("a circuit was extended with another relay's onion key")
        } catch {
            // tor answers a CREATE2 whose KEYID is not its key by closing the circuit.
            switch error {
            case .link(.destroyed), .link(.circuitHandshake): break
            default: Issue.record("unexpected failure: \(error)")
            }
        }
    }

    @Test func tordescOnionFetchesAndDecryptsIt() async throws {
        let address = try #require(Self.address)
        let authorities = PrivateNet.directory!.appendingPathComponent("authorities").path
        let arguments = ["onion", address, "--authorities", authorities, "--testing-network"]
        let run = try await Self.eventually(120) {
            let run = try await FetchCLITests.run(arguments)
            guard run.status == 0 else { throw DirectoryClientError.invalidRequest(run.stderr) }
            return run
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("introduction points: 3"), "\(run.stdout)")
        #expect(run.stdout.contains("verified         5 checks passed"), "\(run.stdout)")
    }
}

extension PrivateNet {
    /// The onion service's address (DIR/onion-address, written when TORNET_ONION=1).
    static var onionAddress: String? {
        guard let directory,
              let text = try? String(contentsOf: directory.appendingPathComponent("onion-address"), encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
