import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

@Suite struct OnionHashRingTests {
    static func hex(_ text: String) -> [UInt8] { Hex.decode(Array(text.utf8))! }

    /// tor's src/test/test_hs_common.c, test_hs_indexes: key 32 × 0x42, SRV 32 × 0x43, period 42.
    @Test func torIndexVectors() {
        let period = OnionTimePeriod(number: 42)
        let key = [UInt8](repeating: 0x42, count: 32)
        #expect(OnionHashRing.serviceIndex(blindedKey: key, replica: 1, period: period)
                == Self.hex("37e5cbbd56a22823714f18f1623ece5983a0d64c78495a8cfab854245e5f9a8a"))
        #expect(OnionHashRing.relayIndex(identity: key, sharedRandomValue: [UInt8](repeating: 0x43, count: 32), period: period)
                == Self.hex("db475361014a09965e7e5e4d4a25b8f8d4b8f16cb1d8a7e95eed50249cc1a2d5"))
    }

    static func ring(members count: Int, parameters: OnionHashRing.Parameters = .init()) -> OnionHashRing {
        let members = (0..<count).map { index in
            OnionHashRing.Member(nickname: "relay\(index)", fingerprint: Fingerprint(bytes: [UInt8](repeating: UInt8(index), count: 20))!,
                                 ed25519Identity: [UInt8](repeating: UInt8(index), count: 32), address: IPAddress("127.0.0.1")!,
                                 orPort: UInt16(5000 + index), index: [])
        }
        return OnionHashRing(period: OnionTimePeriod(number: 20_000), sharedRandomValue: [UInt8](repeating: 7, count: 32),
                             parameters: parameters, members: members)
    }

    @Test func membersAreSortedByIndex() {
        let ring = Self.ring(members: 30)
        #expect(ring.members.count == 30)
        for (a, b) in zip(ring.members, ring.members.dropFirst()) { #expect(a.index.lexicographicallyPrecedes(b.index)) }
        #expect(ring.members.allSatisfy {
            $0.index == OnionHashRing.relayIndex(identity: $0.ed25519Identity, sharedRandomValue: ring.sharedRandomValue, period: ring.period)
        })
    }

    /// Each replica starts at the first member at or after its index (wrapping to the first
    /// member when none is) and takes the next members not already chosen.
    @Test func selectionFollowsTheRing() {
        let ring = Self.ring(members: 30)
        let blinded = [UInt8](repeating: 0x42, count: 32)
        let fetch = ring.responsibleHSDirs(blindedKey: blinded)
        #expect(fetch.count == 6)
        #expect(Set(fetch.map(\.fingerprint)).count == 6)
        let store = ring.responsibleHSDirs(blindedKey: blinded, forFetching: false)
        #expect(store.count == 8)
        // Replica 1's picks are consecutive ring members from its start.
        let target = OnionHashRing.serviceIndex(blindedKey: blinded, replica: 1, period: ring.period)
        let start = ring.members.firstIndex { !$0.index.lexicographicallyPrecedes(target) } ?? 0
        #expect(Array(fetch.prefix(3)) == (0..<3).map { ring.members[(start + $0) % 30] })
        #expect(Array(store.prefix(4)) == (0..<4).map { ring.members[(start + $0) % 30] })
    }

    @Test func smallRingsGiveEveryMemberOnce() {
        #expect(Self.ring(members: 4).responsibleHSDirs(blindedKey: [UInt8](repeating: 1, count: 32)).count == 4)
        #expect(Self.ring(members: 1).responsibleHSDirs(blindedKey: [UInt8](repeating: 1, count: 32)).count == 1)
        #expect(Self.ring(members: 0).responsibleHSDirs(blindedKey: [UInt8](repeating: 1, count: 32)).isEmpty)
        let wide = Self.ring(members: 40, parameters: .init(replicas: 99, spreadFetch: 0, spreadStore: 500))
        #expect(wide.parameters == .init(replicas: 16, spreadFetch: 1, spreadStore: 128))
        #expect(wide.responsibleHSDirs(blindedKey: [UInt8](repeating: 1, count: 32), forFetching: false).count == 40)
    }

    /// tor's test_client_service_hsdir_set_sync positions: 11:00 and 01:00 (between a new
    /// shared-random value and the next period) use the previous value; 13:00 and 23:00 the current.
    @Test(arguments: [("2016-04-13 11:00:00", false), ("2016-04-13 13:00:00", true),
                      ("2016-04-13 23:00:00", true), ("2016-04-14 01:00:00", false),
                      ("2016-04-14 00:00:00", false), ("2016-04-13 12:00:00", true)])
    func sharedRandomValueChoice(_ time: String, _ current: Bool) throws {
        let at = try #require(TorTimestamp(parsing: time))
        #expect(OnionHashRing.usesCurrentValue(at: at, period: OnionTimePeriod(containing: at), votingIntervalMinutes: 60) == current)
    }

    @Test func disasterValueDependsOnThePeriod() {
        let a = OnionHashRing.disasterSharedRandomValue(period: OnionTimePeriod(number: 1))
        let b = OnionHashRing.disasterSharedRandomValue(period: OnionTimePeriod(number: 2))
        #expect(a.count == 32 && b.count == 32 && a != b)
    }

    /// A real microdesc consensus with its microdescriptors: the ring holds the HSDirs whose
    /// microdescriptor is at hand, placed with the consensus's shared random value.
    @Test(.enabled(if: ProjectFiles.hasSharedCorpus, "needs ../shared/corpus"))
    func ringFromARealConsensus() throws {
        let consensus = try NetworkStatusConsensus(parsing: ProjectFiles.shared("microdesc-consensus/2021-08-29-19-00-00-cached-microdesc-consensus"))
        let micros = Microdescriptor.parseAll(try ProjectFiles.shared("microdescs/2021-08-cached-microdescs.new")[...]).compactMap { try? $0.get() }
        let identities = OnionHashRing.ed25519Identities(consensus: consensus, microdescriptors: micros)
        try #require(identities.count > 100)
        let ring = OnionHashRing(consensus: consensus, ed25519Identities: identities)
        let hsdirs = consensus.entries.filter { $0.flags.contains(.hsDir) }
        #expect(ring.members.count + ring.missingIdentities.count <= hsdirs.count)
        #expect(ring.members.count > 50)
        #expect(ring.members.allSatisfy { identities[$0.fingerprint] == $0.ed25519Identity })
        // valid-after 19:00 is between the period start (12:00) and the next run: current SRV.
        #expect(ring.sharedRandomValue == consensus.header.sharedRandomCurrent?.value)
        #expect(!ring.usesDisasterValue)
        #expect(ring.period == OnionTimePeriod(containing: consensus.header.validAfter!))
        let address = try OnionAddress("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion")
        let chosen = ring.responsibleHSDirs(blindedKey: try address.blindedKey(for: ring.period))
        #expect(chosen.count == 6)
        #expect(chosen.allSatisfy { member in hsdirs.contains { $0.fingerprint == member.fingerprint } })
    }
}
