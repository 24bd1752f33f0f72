import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// `tordesc parse --json` and `tordesc summary` on the bundled real files of CollecTor's
/// statistics types (bridge pool assignments, BridgeDB metrics, snowflake statistics, Torperf,
/// webstats), run as a user runs them.
@Suite struct CollecTorStatisticsCLITests {
    static let files: [(path: String, type: String, key: String)] = [
        ("Resources/corpus/bridge-pool-assignments/excerpt--collector-formats--2011-03-13-14-38-03", "bridge-pool-assignment", "published_millis"),
        ("Resources/corpus/bridgedb-metrics/excerpt--metrics-lib--2019-09-17-00-33-44-bridgedb-metrics", "bridgedb-metrics", "bridgedb_metric_counts"),
        ("Resources/corpus/snowflakes/metrics-lib--example_metrics.log", "snowflake-stats", "counts"),
        ("Resources/corpus/torperf/metrics-lib--op-nl-5242880-2017-07-17.tpf", "torperf", "data_complete_millis"),
        ("Resources/corpus/webstats/archive.torproject.org_archeotrichon.torproject.org_access.log_20151007.xz", "webstats", "log_lines"),
    ]

    static func tordesc(_ arguments: [String]) throws -> TordescProcess.Run {
        let binary = try #require(TordescProcess.executable(projectRoot: ProjectFiles.root), "tordesc is not built: run swift build first")
        return try TordescProcess.run(binary, arguments, in: ProjectFiles.root)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("parse --json reads every type with metrics-lib's names, one object per document, none skipped")
    func parseJSON() throws {
        let run = try Self.tordesc(["parse", "--json"] + Self.files.map(\.path))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("skipped"))
        let objects = try run.stdout.split(separator: "\n").map { try Self.object(String($0)) }
        for file in Self.files {
            #expect(objects.contains { $0["type"] as? String == file.type && $0[file.key] != nil }, "\(file.type)")
        }
        // The snowflake log holds one document per snowflake-stats-end line; Torperf one per line.
        let snowflake = String(decoding: try ProjectFiles.corpus("snowflakes/metrics-lib--example_metrics.log"), as: UTF8.self)
        #expect(objects.filter { $0["type"] as? String == "snowflake-stats" }.count == snowflake.components(separatedBy: "snowflake-stats-end ").count - 1)
    }

    @Test("summary lists each document of a statistics file")
    func summary() throws {
        let run = try Self.tordesc(["summary", "--json", Self.files[2].path])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try Self.object(run.stdout)
        #expect(summary["type"] as? String == "snowflake-stats")
        #expect((summary["summaries"] as? [String])?.count == summary["documents"] as? Int)
        let snowflake = String(decoding: try ProjectFiles.corpus("snowflakes/metrics-lib--example_metrics.log"), as: UTF8.self)
        #expect(summary["documents"] as? Int == snowflake.components(separatedBy: "snowflake-stats-end ").count - 1)
    }
}
