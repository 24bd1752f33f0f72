import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory
import TorNetwork
import TorWire

/// The typed ControlPort fetches against the private network's onion-service tor, which holds
/// every document (FetchUselessDescriptors, DownloadExtraInfo): each parsed result is compared
/// with the same documents fetched over the authorities' DirPorts.
@Suite(.enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"), .serialized)
struct PrivateNetworkControlDocumentsTests {
    static func session<T: Sendable>(_ body: (inout ControlSession) async throws -> T) async throws -> T {
        try await ControlSession.withSession(host: "127.0.0.1", port: try PrivateNetworkControlPortTests.controlPort(),
                                             limits: PrivateNetworkControlPortTests.limits, body)
    }

    /// The network's six routers, as the authorities publish them (the relay set never changes;
    /// the consensus does, every 10 s, so only identities are compared across the two paths).
    static func networkFingerprints() async throws -> Set<Fingerprint> {
        Set(try await PrivateNet.client().consensus(flavor: .ns).entries.map(\.fingerprint))
    }

    @Test func bothConsensusFlavorsAndTheRouterStatusEntries() async throws {
        let (ns, microdesc, entries) = try await Self.session { session in
            (try await session.consensus(flavor: .ns, mode: .strict), try await session.consensus(flavor: .microdesc, mode: .strict),
             try await session.routerStatusEntries(mode: .strict))
        }
        let network = try await Self.networkFingerprints()
        #expect(network.count == 6)
        #expect(ns.header.flavor == .ns && microdesc.header.flavor == .microdesc)
        #expect(Set(ns.entries.map(\.fingerprint)) == network)
        #expect(Set(microdesc.entries.map(\.fingerprint)) == network)
        #expect(Set(entries.map(\.fingerprint)) == network)
        // ns/all is tor's current consensus, entry by entry: the nicknames, addresses and flags agree.
        for entry in entries {
            let inConsensus = try #require(microdesc.entry(for: entry.fingerprint) ?? ns.entry(for: entry.fingerprint))
            #expect(entry.nickname == inConsensus.nickname && entry.address == inConsensus.address && entry.orPort == inConsensus.orPort)
            #expect(entry.flags.contains(.running) && entry.flags.contains(.valid))
        }
    }

    @Test func oneRelayByFingerprintAndAnUnknownOneIsNil() async throws {
        let network = try await Self.networkFingerprints()
        let relay = try #require(network.sorted().first)
        let unknown = try #require(Fingerprint(hex: String(repeating: "0", count: 40)))
        let (entry, micro, descriptor, none) = try await Self.session { session in
            (try await session.routerStatusEntry(for: relay), try await session.microdescriptor(for: relay),
             try await session.serverDescriptor(for: relay),
             [try await session.routerStatusEntry(for: unknown) as Any?, try await session.microdescriptor(for: unknown),
              try await session.serverDescriptor(for: unknown)].compactMap { $0 }.count)
        }
        #expect(entry?.fingerprint == relay)
        #expect(descriptor?.fingerprint == relay)
        #expect(micro?.ed25519Identity != nil && micro?.ed25519Identity == descriptor?.masterKeyEd25519)
        #expect(none == 0)
    }

    /// Every document the tor hands over is one the authorities serve, byte for byte: asked
    /// by digest (`/tor/server/d/`, `/tor/extra/d/`), a DirPort returns the same digests. (Not
    /// "the same set as /tor/server/all": relays of a young network republish every few
    /// seconds, and the tor holds the descriptors its consensus lists, which lag the newest
    /// uploads; comparing those two sets failed for a whole minute on a fresh network.)
    @Test func serverDescriptorsMicrodescriptorsAndExtraInfoMatchTheDirPort() async throws {
        let network = try await Self.networkFingerprints()
        // A young network's tor fetches extra-infos some seconds after the descriptors (one CI
        // run found none yet): asked again until it holds one per relay, or the time runs out.
        let (descriptors, micros, extraInfos) = try await PrivateNetworkOnionTests.eventually(60) {
            let documents = try await Self.session { session in
                let descriptors = try await session.serverDescriptors(mode: .strict)
                return (descriptors, try await session.microdescriptors(mode: .strict), try await session.extraInfos(of: descriptors, mode: .strict))
            }
            guard Set(documents.2.map(\.fingerprint)) == network else { throw DirectoryClientError.invalidRequest("extra-infos not all there yet") }
            return documents
        }
        #expect(Set(descriptors.compactMap(\.fingerprint)) == network)
        #expect(Set(extraInfos.map(\.fingerprint)) == network)
        let client = try PrivateNet.client()
        let digests = descriptors.compactMap(\.digest)
        let served = try await client.fetch(path: "/tor/server/d/" + digests.map(\.hex).joined(separator: "+")) { response throws(DirectoryAttempt.Failure) in
            try DirectoryClient.parseAll(ServerDescriptor.self, response.body)
        }
        #expect(Set(served.compactMap(\.digest)) == Set(digests))
        let extraDigests = extraInfos.compactMap(\.digest)
        let extraServed = try await client.fetch(path: "/tor/extra/d/" + extraDigests.map(\.hex).joined(separator: "+")) { response throws(DirectoryAttempt.Failure) in
            try DirectoryClient.parseAll(ExtraInfoDescriptor.self, response.body)
        }
        #expect(Set(extraServed.compactMap(\.digest)) == Set(extraDigests))
        // Microdescriptors: those of the DirPort's current consensus are among the tor's, once
        // both hold the same consensus (one every 10 s): asked again for up to a minute.
        var held = Set(micros.map(\.digest))
        for attempt in 1...20 {
            let fromDirPort = try await client.microdescriptors(for: try await client.consensus(flavor: .microdesc))
            if Set(fromDirPort.map(\.digest)).isSubset(of: held) { break }
            #expect(attempt < 20, "the tor's microdescriptors never covered the DirPort consensus's")
            try await Task.sleep(for: .seconds(3))
            held = Set(try await Self.session { try await $0.microdescriptors(mode: .strict) }.map(\.digest))
        }
    }

    /// The network votes every 10 s: the stream yields a NEWCONSENSUS within a round or two,
    /// with the network's routers, and stopping the iteration closes its connection (one
    /// consensus is enough: each costs up to a voting round of wall time).
    @Test func directoryEventsYieldTheNextConsensus() async throws {
        let network = try await Self.networkFingerprints()
        let events = ControlSession.directoryEvents(host: "127.0.0.1", port: try PrivateNetworkControlPortTests.controlPort(),
                                                    kinds: [.newConsensus], limits: PrivateNetworkControlPortTests.limits)
        var consensuses = 0
        for try await event in events {
            guard case .newConsensus(let entries) = event else { continue }
            #expect(Set(entries.map(\.fingerprint)) == network)
            consensuses += 1
            break
        }
        #expect(consensuses == 1)
    }
}
