import Foundation
import Testing
@testable import TorDescriptors

/// `tordesc churn` and `tordesc export --sql` run as a user would on the bundled consensuses.
/// The loading into a real PostgreSQL is scripts/test-postgres.sh (CI runs it once).
@Suite struct TordescChurnExportCLITests {
    static let directories = ["Resources/corpus/consensus", "Resources/corpus/microdesc-consensus"]

    @Test("churn --json --no-relays over the corpus directories: per step, the joined and left counts are the fingerprint set differences")
    func churnJSON() throws {
        let run = try TordescCLITests.run(["churn", "--json", "--no-relays"] + Self.directories)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("is already in the series; skipped"), "the two 2026 flavors share a valid-after")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let steps = try #require(object["consensuses"] as? [[String: Any]])
        // Independent: every corpus consensus, by valid-after, one per time.
        var byTime: [TorTimestamp: Set<Fingerprint>] = [:]
        for (_, consensus) in try ConsensusChurnTests.corpusConsensuses() where byTime[consensus.header.validAfter!] == nil {
            byTime[consensus.header.validAfter!] = Set(consensus.entries.map(\.fingerprint))
        }
        let times = byTime.keys.sorted()
        #expect(steps.map { $0["valid_after"] as? String } == times.map(\.description))
        #expect(steps.first?["previous_valid_after"] is NSNull)
        for index in 1..<times.count {
            let before = byTime[times[index - 1]]!, now = byTime[times[index]]!
            #expect(steps[index]["joined"] as? Int == now.subtracting(before).count)
            #expect(steps[index]["left"] as? Int == before.subtracting(now).count)
            #expect(steps[index]["relays"] as? Int == now.count)
            #expect(steps[index]["joined_relays"] == nil, "--no-relays leaves the lists out")
        }
    }

    @Test("churn text: a baseline line, then one line per consensus with +joined -left; a directory with no consensus is a usage error")
    func churnText() throws {
        let run = try TordescCLITests.run(["churn", "--show", "2"] + Self.directories)
        #expect(run.status == 0, "\(run.stderr)")
        let heads = run.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(heads.count == 4)
        #expect(heads.first?.hasPrefix("2012-06-18 21:00:00  2,993 relays  baseline") == true)
        #expect(heads.dropFirst().allSatisfy { $0.contains(" +") && $0.contains(" -") && $0.contains("same address") })
        let empty = try TordescCLITests.run(["churn", "Resources/corpus/exit-lists"])
        #expect(empty.status == 2 && empty.stderr.contains("no consensus found"))
    }

    @Test("export --sql: schema, COPY blocks and COMMIT on stdout, the counts on stderr; without --sql a usage error")
    func exportSQL() throws {
        let run = try TordescCLITests.run(["export", "--sql", "Resources/corpus/exit-lists", "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("-- Written by tordesc export --sql"))
        #expect(run.stdout.hasSuffix("COMMIT;\n"))
        #expect(run.stderr.contains("exported: 1 network-status-consensus-3, 2 tordnsel"))
        let entries = PostgresExportTests.copyBlocks(run.stdout)["consensus_entries"]
        #expect(entries?.count == 2993)
        let usage = try TordescCLITests.run(["export", "Resources/corpus/exit-lists"])
        #expect(usage.status == 2 && usage.stderr.contains("--sql"))
    }
}
