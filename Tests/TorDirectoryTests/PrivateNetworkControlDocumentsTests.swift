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

    @Test func serverDescriptorsMicrodescriptorsAndExtraInfoMatchTheDirPort() async throws {
        let network = try await Self.networkFingerprints()
        // Relays re-publish while the network settles: ask both sides again until they hold the
        // same descriptors (a minute at most).
        for attempt in 1...20 {
            let (descriptors, micros, extraInfos) = try await Self.session { session in
                let descriptors = try await session.serverDescriptors(mode: .strict)
                return (descriptors, try await session.microdescriptors(mode: .strict), try await session.extraInfos(of: descriptors, mode: .strict))
            }
            let client = try PrivateNet.client()
            let fromDirPort = try await client.serverDescriptors()
            let microsFromDirPort = try await client.microdescriptors(for: try await client.consensus(flavor: .microdesc))
            let extraFromDirPort = try await client.extraInfo()
            let sameDescriptors = Set(descriptors.compactMap(\.digest)) == Set(fromDirPort.compactMap(\.digest))
            let sameExtra = Set(extraInfos.compactMap(\.digest)) == Set(extraFromDirPort.compactMap(\.digest))
            let sameMicros = Set(microsFromDirPort.map(\.digest)).isSubset(of: Set(micros.map(\.digest)))
            if (sameDescriptors && sameExtra && sameMicros) || attempt == 20 {
                #expect(Set(descriptors.compactMap(\.fingerprint)) == network)
                #expect(sameDescriptors, "control: \(descriptors.compactMap(\.digest).sorted()), DirPort: \(fromDirPort.compactMap(\.digest).sorted())")
                #expect(Set(extraInfos.map(\.fingerprint)) == network)
                #expect(sameExtra)
                #expect(sameMicros)
                return
            }
            try await Task.sleep(for: .seconds(3))
        }
    }

    @Test func extraInfoNeedsFortyHexDigits() async throws {
        await #expect(throws: ControlSessionError.self) {
            try await Self.session { session in try await session.extraInfo(digest: "4ADB") }
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
