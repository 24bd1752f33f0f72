import Foundation
import Testing
@testable import TorDescriptors

/// How the consensus's header steers the period and the ring: a real (cropped) 2026 microdesc
/// consensus with its header lines edited.
@Suite struct OnionConsensusParameterTests {
    static let file = "microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live"

    static func consensus(editing edit: (inout [String]) -> Void) throws -> NetworkStatusConsensus {
        var lines = String(decoding: try ProjectFiles.corpus(file), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        edit(&lines)
        return try NetworkStatusConsensus(parsing: Array(lines.joined(separator: "\n").utf8))
    }

    static func setParams(_ params: String) -> (inout [String]) -> Void {
        { lines in lines = lines.map { $0.hasPrefix("params ") ? "params " + params : $0 } }
    }

    @Test func unchangedHeaderUsesDefaultsAndThePreviousValueBeforeNoon() throws {
        let consensus = try Self.consensus { _ in }
        let ring = OnionHashRing(consensus: consensus, ed25519Identities: [:])
        #expect(ring.period.lengthMinutes == 1440 && ring.period.rotationOffsetMinutes == 720)
        #expect(ring.parameters == OnionHashRing.Parameters())
        // valid-after 10:00 is after the run's start (00:00) and before the period's (12:00).
        #expect(ring.sharedRandomValue == consensus.header.sharedRandomPrevious?.value)
        #expect(!ring.usesDisasterValue)
        // No identities given: every v3 HSDir is listed as missing, none is on the ring.
        #expect(ring.members.isEmpty)
        #expect(ring.missingIdentities.count == consensus.entries.filter { OnionHashRing.isV3HSDir($0) }.count)
    }

    @Test func paramsAreReadAndClampedAsTorDoes() throws {
        let consensus = try Self.consensus(editing: Self.setParams("hsdir_interval=60 hsdir_n_replicas=1 hsdir_spread_fetch=200 hsdir_spread_store=0"))
        let period = OnionTimePeriod(consensus: consensus)
        #expect(period.lengthMinutes == 60)
        #expect(period == OnionTimePeriod(containing: consensus.header.validAfter!, lengthMinutes: 60))
        #expect(OnionHashRing.Parameters(consensus: consensus) == .init(replicas: 1, spreadFetch: 128, spreadStore: 1))
        let short = try Self.consensus(editing: Self.setParams("hsdir_interval=5"))
        #expect(OnionTimePeriod(consensus: short).lengthMinutes == 30)
    }

    @Test func missingSharedRandomValuesGiveTheDisasterValue() throws {
        let consensus = try Self.consensus { lines in lines.removeAll { $0.hasPrefix("shared-rand-") } }
        let ring = OnionHashRing(consensus: consensus, ed25519Identities: [:])
        #expect(ring.usesDisasterValue)
        #expect(ring.sharedRandomValue == OnionHashRing.disasterSharedRandomValue(period: ring.period))
    }

    /// A private network votes every 10 s: tor's offset is 12 intervals (2 minutes) and, under
    /// TestingTorNetwork, the period is one 24-interval run (4 minutes).
    @Test func testingNetworkTiming() throws {
        let consensus = try Self.consensus { lines in
            lines = lines.map { line in
                if line.hasPrefix("valid-after ") { return "valid-after 2026-07-27 10:00:00" }
                if line.hasPrefix("fresh-until ") { return "fresh-until 2026-07-27 10:00:10" }
                if line.hasPrefix("valid-until ") { return "valid-until 2026-07-27 10:00:30" }
                return line
            }
        }
        let period = OnionTimePeriod(consensus: consensus, testingNetwork: true)
        #expect(period.lengthMinutes == 4 && period.rotationOffsetMinutes == 2)
        #expect(OnionTimePeriod(consensus: consensus).lengthMinutes == 1440)
    }
}
