import Foundation
import Testing
@testable import TorDescriptors

/// Churn over the bundled corpus consensuses in time order, checked against set differences
/// of fingerprints computed here by brute force (no dictionaries shared with the library),
/// and on small hand-made series whose answers follow from their construction.
@Suite struct ConsensusChurnTests {
    static let files = [
        "consensus/2012-06-18-21-00-00-cached-consensus",
        "consensus/cropped--2026-07-27-10-00-00-consensus-arti-live",
        "consensus/cropped--metrics-web--2018-10-15-00-00-00-consensus.part",
        "microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus",
        "microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live",
    ]

    /// Parsed once for every test here (debug builds take seconds over the 2015 consensus).
    static let parsed: [(file: String, consensus: NetworkStatusConsensus)]? = try? files.map {
        ($0, try NetworkStatusConsensus(parsing: ProjectFiles.corpus($0)))
    }

    static func corpusConsensuses() throws -> [(file: String, consensus: NetworkStatusConsensus)] {
        try #require(parsed, "the corpus consensuses parse")
    }

    @Test("corpus consensuses in time order: joined, left, new fingerprints, same-address and /16 reuse match set differences")
    func corpusSeries() throws {
        let loaded = try Self.corpusConsensuses()
        let churn = ConsensusChurn(loaded.compactMap { ChurnSnapshot($0.consensus, label: $0.file) }, minimumGroupSize: 3)

        // Independent order: by valid-after, the first file listed for a time kept.
        var series: [(file: String, consensus: NetworkStatusConsensus)] = []
        for item in loaded.sorted(by: { $0.consensus.header.validAfter! < $1.consensus.header.validAfter! })
        where !series.contains(where: { $0.consensus.header.validAfter == item.consensus.header.validAfter }) {
            series.append(item)
        }
        #expect(series.count == 4, "the two 2026 flavors share a valid-after")
        #expect(churn.steps.map(\.label) == series.map(\.file))
        #expect(churn.skipped.map(\.label) == ["microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live"])
        #expect(churn.steps.first?.previousValidAfter == nil && churn.steps.first?.joined.isEmpty == true)

        var sawAddressReuse = false
        for index in 1..<series.count {
            let step = churn.steps[index]
            let before = Set(series[index - 1].consensus.entries.map(\.fingerprint.hex))
            let now = Set(series[index].consensus.entries.map(\.fingerprint.hex))
            let earlier = series[..<index].flatMap(\.consensus.entries)
            let joined = now.subtracting(before)
            #expect(Set(step.joined.map(\.fingerprint.hex)) == joined)
            #expect(step.joined.count == joined.count)
            #expect(Set(step.left.map(\.fingerprint.hex)) == before.subtracting(now))
            #expect(step.relays == now.count)
            let new = joined.subtracting(Set(earlier.map(\.fingerprint.hex)))
            #expect(step.newFingerprints == new.count)

            // Brute force: a new fingerprint at an address (else a.b.x.y /16) an earlier entry had.
            // (Every earlier entry has another fingerprint: a new one was in none of them.)
            let earlierAddresses = Set(earlier.map(\.address.description))
            let earlierSubnets = Set(earlier.map(\.address.bytes).filter { $0.count == 4 }.map { Array($0.prefix(2)) })
            var sameAddress: Set<String> = [], sameSubnet: Set<String> = []
            for entry in series[index].consensus.entries where new.contains(entry.fingerprint.hex) {
                let bytes = entry.address.bytes
                if earlierAddresses.contains(entry.address.description) {
                    sameAddress.insert(entry.fingerprint.hex)
                } else if bytes.count == 4, earlierSubnets.contains(Array(bytes.prefix(2))) {
                    sameSubnet.insert(entry.fingerprint.hex)
                }
            }
            #expect(Set(step.addressReuse.map(\.relay.fingerprint.hex)) == sameAddress)
            #expect(Set(step.subnetReuse.map(\.relay.fingerprint.hex)) == sameSubnet)
            for reuse in step.addressReuse {
                let others = Set(earlier.filter { $0.address == reuse.relay.address }.map(\.fingerprint.hex))
                #expect(reuse.earlierCount == others.count && Set(reuse.earlier.map(\.hex)).isSubset(of: others))
            }
            sawAddressReuse = sawAddressReuse || !sameAddress.isEmpty
        }
        #expect(sawAddressReuse, "the corpus has new fingerprints at known addresses (2012 -> 2015); without one this test checks less")
    }

    @Test("join groups in the corpus: by /16 and by nickname pattern, at least the minimum size, computed here from the joined relays")
    func corpusGroups() throws {
        let loaded = try Self.corpusConsensuses()
        let churn = ConsensusChurn(loaded.compactMap { ChurnSnapshot($0.consensus, label: $0.file) }, minimumGroupSize: 4)
        var sawNicknameGroup = false
        for step in churn.steps.dropFirst() {
            var bySubnet: [String: Set<String>] = [:], byPattern: [String: Set<String>] = [:]
            for relay in step.joined {
                let bytes = relay.address.bytes
                bySubnet["\(bytes[0]).\(bytes[1]).0.0/16", default: []].insert(relay.fingerprint.hex)
                var stem = relay.nickname.lowercased()
                var digits = 0
                while let last = stem.last, last.isASCII, last.isNumber { stem.removeLast(); digits += 1 }
                let key = (digits > 0 && !stem.isEmpty) ? stem + "#" : relay.nickname.lowercased()
                byPattern[key, default: []].insert(relay.fingerprint.hex)
            }
            #expect(Dictionary(uniqueKeysWithValues: step.subnetGroups.map { ($0.key, Set($0.relays.map(\.fingerprint.hex))) }) == bySubnet.filter { $0.value.count >= 4 })
            #expect(Dictionary(uniqueKeysWithValues: step.nicknameGroups.map { ($0.key, Set($0.relays.map(\.fingerprint.hex))) }) == byPattern.filter { $0.value.count >= 4 })
            #expect(step.countryGroups.isEmpty, "no country lookup given")
            sawNicknameGroup = sawNicknameGroup || step.nicknameGroups.contains { $0.key.hasSuffix("#") }
        }
        #expect(sawNicknameGroup)
    }

    static func relay(_ number: UInt8, _ nickname: String, _ address: String) -> ChurnSnapshot.Relay {
        ChurnSnapshot.Relay(fingerprint: Fingerprint(bytes: [UInt8](repeating: number, count: 20))!, nickname: nickname, address: IPAddress(address)!)
    }

    @Test("a new fingerprint at an address seen two consensuses earlier is reuse; a returning fingerprint is not new; ties at one valid-after keep the first")
    func handMadeSeries() {
        let hour: Int64 = 3600
        let a = Self.relay(1, "alpha", "198.51.100.7"), b = Self.relay(2, "node1", "203.0.113.1")
        let c = Self.relay(3, "node2", "203.0.113.2"), d = Self.relay(4, "node3", "203.0.113.3")
        let sybil = Self.relay(5, "beta", "198.51.100.7"), neighbour = Self.relay(6, "gamma", "198.51.9.9")
        let snapshots = [
            ChurnSnapshot(validAfter: .init(secondsSince1970: 3 * hour), label: "h3", relays: [b, c, d, sybil, neighbour]),
            ChurnSnapshot(validAfter: .init(secondsSince1970: 1 * hour), label: "h1", relays: [a, b]),
            ChurnSnapshot(validAfter: .init(secondsSince1970: 2 * hour), label: "h2", relays: [b]),
            ChurnSnapshot(validAfter: .init(secondsSince1970: 2 * hour), label: "h2-again", relays: [a]),
            ChurnSnapshot(validAfter: .init(secondsSince1970: 4 * hour), label: "h4", relays: [a, b]),
        ]
        let churn = ConsensusChurn(snapshots, minimumGroupSize: 2, country: { $0 == IPAddress("198.51.9.9") ? "zz" : "xx" })
        #expect(churn.steps.map(\.label) == ["h1", "h2", "h3", "h4"])
        #expect(churn.skipped.map(\.label) == ["h2-again"])
        let h2 = churn.steps[1], h3 = churn.steps[2], h4 = churn.steps[3]
        #expect(h2.joined.isEmpty && h2.left == [a])
        #expect(h3.joined == [c, d, sybil, neighbour] && h3.left.isEmpty && h3.newFingerprints == 4)
        // a left at h2, yet its address counts: "seen before" is any earlier consensus.
        #expect(h3.addressReuse.map(\.relay) == [sybil] && h3.addressReuse.first?.earlier == [a.fingerprint])
        #expect(h3.subnetReuse.map(\.relay) == [c, d, neighbour])
        #expect(h3.subnetGroups.map(\.key) == ["198.51.0.0/16", "203.0.0.0/16"])
        #expect(h3.nicknameGroups.map(\.key) == ["node#"] && h3.nicknameGroups.first?.relays == [c, d])
        #expect(h3.countryGroups.map(\.key) == ["xx"] && h3.countryGroups.first?.relays.count == 3)
        // a comes back: joined, but not a new fingerprint, so no reuse either.
        #expect(h4.joined == [a] && h4.newFingerprints == 0 && h4.addressReuse.isEmpty)
        #expect(Set(h4.left) == [c, d, sybil, neighbour])
    }

    @Test("nickname patterns: trailing digits become #, case is folded, all-digit and digit-free nicknames stay whole")
    func nicknamePatterns() {
        #expect(ChurnGrouping.nicknamePattern("Relay07") == "relay#")
        #expect(ChurnGrouping.nicknamePattern("relay12") == "relay#")
        #expect(ChurnGrouping.nicknamePattern("a1b22") == "a1b#")
        #expect(ChurnGrouping.nicknamePattern("Unnamed") == "unnamed")
        #expect(ChurnGrouping.nicknamePattern("0815") == "0815")
        #expect(ChurnGrouping.subnet(of: IPAddress("10.20.30.40")!) == "10.20.0.0/16")
        #expect(ChurnGrouping.subnet(of: IPAddress("2001:db8::1")!) == "2001:db8::/32")
    }
}
