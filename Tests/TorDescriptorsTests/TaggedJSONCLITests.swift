import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// `tordesc parse --json --tagged`, the stream the Spark example (Examples/spark) reads: each
/// line's `data` is the untagged `--json` line, in the same order, with the right type and part.
@Suite struct TaggedJSONCLITests {
    static func tordesc(_ arguments: [String]) throws -> TordescProcess.Run {
        let binary = try #require(TordescProcess.executable(projectRoot: ProjectFiles.root), "tordesc is not built: run swift build first")
        return try TordescProcess.run(binary, arguments, in: ProjectFiles.root)
    }

    static func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    static func canonical(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    @Test("tagged lines wrap the untagged ones: a consensus's header and entries, then descriptors")
    func taggedWrapsUntagged() throws {
        let paths = ["Resources/corpus/consensus/cropped--metrics-web--2018-10-15-00-00-00-consensus.part", "Resources/corpus/server-descriptors/stem--metrics_server_desc_multiple"]
        let plain = try Self.tordesc(["parse", "--json"] + paths)
        let tagged = try Self.tordesc(["parse", "--json", "--tagged"] + paths)
        #expect(plain.status == 0 && tagged.status == 0, "\(tagged.stderr)")
        let plainLines = try Self.objects(plain.stdout)
        let taggedLines = try Self.objects(tagged.stdout)
        #expect(plainLines.count == taggedLines.count)
        let differing = try zip(plainLines, taggedLines).filter { bare, wrapped in
            let data = try #require(wrapped["data"] as? [String: Any])
            return try Self.canonical(data) != Self.canonical(bare)
        }
        #expect(differing.isEmpty, "\(differing.count) tagged lines whose data differs from the plain line")
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/cropped--metrics-web--2018-10-15-00-00-00-consensus.part")[...])
        let consensusLines = taggedLines.prefix(1 + consensus.entries.count)
        #expect(consensusLines.allSatisfy { $0["document"] as? Int == 0 && ($0["data"] as? [String: Any])?["@type"] as? String == $0["type"] as? String })
        #expect(consensusLines.first?["type"] as? String == "network-status-consensus-3")
        #expect(consensusLines.dropFirst().allSatisfy { $0["type"] as? String == "network-status-consensus-3-entry" })
        #expect(consensusLines.first?["part"] as? String == "header")
        #expect(consensusLines.dropFirst().allSatisfy { $0["part"] as? String == "entry" })
        let rest = taggedLines.dropFirst(1 + consensus.entries.count)
        #expect(!rest.isEmpty && rest.allSatisfy { $0["part"] as? String == "document" && ($0["type"] as? String)?.hasSuffix("server-descriptor") == true })
        #expect(rest.compactMap { $0["document"] as? Int } == Array(1...rest.count))
    }

    @Test("--tagged without --json is a usage error")
    func taggedNeedsJSON() throws {
        let run = try Self.tordesc(["parse", "--tagged", "Resources/corpus/consensus"])
        #expect(run.status == 64 || run.status == 2, "\(run.status) \(run.stderr)")
        #expect(run.stderr.contains("--tagged needs --json"))
    }
}
