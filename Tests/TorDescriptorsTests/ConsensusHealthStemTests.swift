import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// ``VoteComparison``'s tables (per-authority entry, Measured and flag counts, relays missing
/// from each vote, relays given a flag by a minority) against the same tables computed by
/// `Tests/StemOracle/vote_tables.py` from Stem 1.8.2's parse of the same votes. Stem is
/// required: these tests fail, not skip, when it is missing.
@Suite struct ConsensusHealthStemTests {
    static let period2018 = [
        "0232AF901C31A04EE9848595AF9BB7620D4C5B2E-55A38ED50848BE1F13C6A35C3CA637B0D962C2EF",
        "27102BC123E7AF1D4741AE047E160C91ADC76B21-049AB3179B12DACC391F06A10C2A8904E4339D33",
        "ED03BB616EB2F60BEC80151114BB25CEF515B226-2669AD153408F88E416CE6206D1A75EC3324A2F4",
        "EFCBE720AB3A82B99F9E953CD5BF50F7EEFC7B97-38C6A19F78948B689345EE41D7119D76246C4D3E",
    ].map { ProjectFiles.root.path + "/Resources/corpus/votes/cropped--metrics-web--2018-10-15-00-00-00-vote-\($0).part" }
    static let testnet = [ProjectFiles.root.path + "/Resources/corpus/testnet/arti-shadow-chutney-000a/v3-status-votes"]

    /// Ours in the oracle's shape: sorted-key JSON text per table, so the comparison is textual.
    static func ourTables(_ paths: [String]) throws -> (rows: [String], minority: [String]) {
        var votes: [NetworkStatusVote] = []
        for path in paths {
            for result in NetworkStatusVote.parseAll([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))[...]) { votes.append(try result.get()) }
        }
        let comparison = VoteComparison(votes: votes)
        #expect(comparison.authorities.count == votes.count)
        let rows = try comparison.authorities.map { row in
            try canonical([
                "nickname": row.authority.nickname, "identity": row.authority.identity.hex, "relays": row.relayCount,
                "measured": row.measuredCount, "flags": row.flagCounts, "missing": row.missingRelays.map(\.hex),
            ] as [String: Any])
        }
        let minority = try comparison.minorityFlags.map { try canonical([$0.relay.hex, $0.flag, $0.givenBy.map(\.nickname)] as [Any]) }
        return (rows, minority.sorted())
    }

    static func stemTables(_ paths: [String]) throws -> (rows: [String], minority: [String]) {
        try #require(StemOracle.available, "Stem 1.8.2 is required (python3 -m pip install stem==1.8.2)")
        let run = try StemOracle.python([ProjectFiles.root.path + "/Tests/StemOracle/vote_tables.py"] + paths)
        try #require(run.status == 0, "vote_tables.py failed")
        let object = try #require(try JSONSerialization.jsonObject(with: run.output) as? [String: Any])
        let rows = try #require(object["authorities"] as? [Any]).map(canonical)
        let minority = try #require(object["minority"] as? [Any]).map(canonical)
        return (rows, minority.sorted())
    }

    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    static func compare(_ paths: [String]) throws -> (rows: [String], minority: [String]) {
        let ours = try ourTables(paths), stem = try stemTables(paths)
        #expect(ours.rows.count == stem.rows.count)
        for (index, (mine, theirs)) in zip(ours.rows, stem.rows).enumerated() {
            #expect(mine == theirs, "vote \(index + 1): ours \(mine.prefix(400)), Stem's \(theirs.prefix(400))")
        }
        #expect(ours.minority == stem.minority, "minority flags: ours \(ours.minority.count), Stem's \(stem.minority.count)")
        return ours
    }

    @Test("2018-10-15 00:00, four real (cropped) votes: the tables equal Stem's")
    func period2018Tables() throws {
        let ours = try Self.compare(Self.period2018)
        #expect(!ours.minority.isEmpty, "this period has relays with minority flags; an empty table would test nothing")
    }

    @Test("the private test network's v3-status-votes (four votes in one file): the tables equal Stem's")
    func testnetTables() throws {
        _ = try Self.compare(Self.testnet)
    }

    /// The 2018 votes with five entries cut from bastet's vote (real entries removed, nothing
    /// added), so that relays are missing from one vote and the flag majorities shift.
    @Test("relays cut from one real vote are missing from it, as Stem counts them")
    func missingRelays() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths = Self.period2018
        let cut = try Self.cuttingEntries(2..<7, from: [UInt8](try Data(contentsOf: URL(fileURLWithPath: paths[1]))))
        paths[1] = directory.appendingPathComponent("bastet-cut").path
        try Data(cut).write(to: URL(fileURLWithPath: paths[1]))
        let ours = try Self.compare(paths)
        let rows = try ours.rows.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect((rows[1]["missing"] as? [Any])?.count == 5)
        #expect(rows.enumerated().allSatisfy { $0.offset == 1 || ($0.element["missing"] as? [Any])?.isEmpty == true })
    }

    @Test("the two full 2016 votes (7,903 and 7,961 entries): the tables equal Stem's",
          .enabled(if: ProjectFiles.hasSharedCorpus, "../shared/corpus is absent"))
    func fullVotes2016() throws {
        let folder = ProjectFiles.sharedCorpus.appendingPathComponent("votes").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("2016-") }.sorted()
        try #require(names.count == 2)
        let ours = try Self.compare(names.map { folder + "/" + $0 })
        #expect(!ours.minority.isEmpty)
    }

    /// The vote's bytes without its router status entries at `range` (0-based): each entry runs
    /// from its `r ` line to the next `r ` line or `directory-footer`.
    static func cuttingEntries(_ range: Range<Int>, from bytes: [UInt8]) throws -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let starts = lines.indices.filter { lines[$0].hasPrefix("r ") }
        let footer = try #require(lines.firstIndex { $0.hasPrefix("directory-footer") })
        let lower = starts[range.lowerBound]
        let upper = range.upperBound < starts.count ? starts[range.upperBound] : footer
        lines.removeSubrange(lower..<upper)
        return Array(lines.joined(separator: "\n").utf8)
    }
}
