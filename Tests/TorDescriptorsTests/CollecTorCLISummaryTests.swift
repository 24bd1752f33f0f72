import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// `tordesc summary` on a bandwidth file and an exit list, `tordesc parse` reading both, and
/// the vote digest check behind `tordesc verify --bandwidth-file`, on real files.
@Suite struct CollecTorCLISummaryTests {
    static func tordesc(_ arguments: [String]) throws -> TordescProcess.Run {
        let binary = try #require(TordescProcess.executable(projectRoot: ProjectFiles.root), "tordesc is not built: run swift build first")
        return try TordescProcess.run(binary, arguments, in: ProjectFiles.root)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("summary of a real bandwidth file: relays measured, eligible share, scanner, digest")
    func bandwidthSummary() throws {
        let path = "Resources/corpus/bandwidth/stem--bandwidth_file_v1.4"
        let run = try Self.tordesc(["summary", "--json", path])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try Self.object(run.stdout)
        let file = try BandwidthFile(parsing: try ProjectFiles.corpus("bandwidth/stem--bandwidth_file_v1.4")[...])
        #expect(summary["relays_measured"] as? Int == file.relays.filter { $0.unmeasured != true }.count)
        #expect(summary["software"] as? String == file.headerValue("software"))
        #expect(summary["scanner_country"] as? String == file.headerValue("scanner_country"))
        let share = try #require(summary["eligible_share"] as? Double)
        #expect(abs(share - Double(file.headerValue("number_eligible_relays")!)! / Double(file.headerValue("number_consensus_relays")!)!) < 0.0001)
        #expect(summary["sha256"] as? String == Base64.encode(Digest.sha256(try ProjectFiles.corpus("bandwidth/stem--bandwidth_file_v1.4")), padded: false))
        let text = try Self.tordesc(["summary", path])
        #expect(text.status == 0 && text.stdout.contains("relays measured: "))
    }

    @Test("summary of a real exit list: relays and addresses")
    func exitListSummary() throws {
        let run = try Self.tordesc(["summary", "--json", "Resources/corpus/exit-lists/stem--2018-11-01-00-02-01"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try Self.object(run.stdout)
        let text = String(decoding: try ProjectFiles.corpus("exit-lists/stem--2018-11-01-00-02-01"), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(summary["relays"] as? Int == lines.filter { $0.hasPrefix("ExitNode ") }.count)
        #expect(summary["exit_addresses"] as? Int == lines.filter { $0.hasPrefix("ExitAddress ") }.count)
        #expect(summary["distinct_addresses"] as? Int == Set(lines.filter { $0.hasPrefix("ExitAddress ") }.map { $0.split(separator: " ")[1] }).count)
    }

    @Test("parse --json reads both types with Stem's names")
    func parseJSON() throws {
        let run = try Self.tordesc(["parse", "--json", "Resources/corpus/exit-lists/cropped--metrics-lib--2017-07-17-17-02-00",
                                    "Resources/corpus/bandwidth/stem--bandwidth_file_v1.0"])
        #expect(run.status == 0, "\(run.stderr)")
        let objects = try run.stdout.split(separator: "\n").map { try Self.object(String($0)) }
        #expect(objects.contains { $0["last_status"] != nil && $0["exit_addresses"] is [Any] })
        #expect(objects.contains { $0["measurements"] is [String: Any] && $0["version"] as? String == "1.0.0" })
    }

    @Test("a real vote's bandwidth-file-digest does not name an unrelated real bandwidth file; a vote without the line is not checked")
    func digestCheck() throws {
        let vote = try NetworkStatusVote.parseAll(try ProjectFiles.corpus("votes/cropped--2026-07-27-10-00-00-vote-tor26-arti-live")[...])[0].get()
        let file = try BandwidthFile(parsing: try ProjectFiles.corpus("bandwidth/stem--bandwidth_file_v1.4")[...])
        #expect(file.digestCheck(against: vote).failed)
        let older = try NetworkStatusVote.parseAll(try ProjectFiles.corpus("votes/cropped--stem--metrics_vote")[...])[0].get()
        #expect(older.header.bandwidthFileDigests.isEmpty)
        if case .notApplicable = file.digestCheck(against: older).outcome {} else { Issue.record("expected not applicable") }
        // Synthetic: the same vote text with the digest line naming this file (signatures no
        // longer hold; only the digest comparison is exercised).
        let text = String(decoding: try ProjectFiles.corpus("votes/cropped--2026-07-27-10-00-00-vote-tor26-arti-live"), as: UTF8.self)
            .replacingOccurrences(of: "sha256=hL3XtSgzbNfR+DRCSUy7MfKMHgE6U3kDU2ZZPq3spFk", with: "sha256=" + file.sha256.base64)
        let renamed = try NetworkStatusVote.parseAll(Array(text.utf8)[...])[0].get()
        #expect(file.digestCheck(against: renamed).outcome == .passed)
    }
}
