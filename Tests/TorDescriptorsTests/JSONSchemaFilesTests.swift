import Foundation
import Testing
import TorDescriptors

/// `Resources/schemas/` holds exactly one schema per `@type` that `tordesc parse --json` can print
/// (scripts/check-json-schemas.py validates the output itself, once, in CI), and the JSON lines
/// carry that `@type` first.
struct JSONSchemaFilesTests {
    static let directory = ProjectFiles.root.appendingPathComponent("Resources/schemas")

    /// Every `@type` the output can carry: each document type, the entry type of those that
    /// print entry lines, the `--progress json` lines on stderr, and `tordesc lookup --json`.
    static var outputTypes: Set<String> {
        Set(DescriptorType.allCases.map(\.rawValue) + DescriptorType.allCases.filter(\.hasEntryLines).map(\.entryTypeName)
            + ["tordesc-progress", "tordesc-lookup"])
    }

    @Test("every document type and entry type has a schema file, and every schema file is one of them")
    func schemaFilesMatchTypes() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        let schemaNames = Set(files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(".json".count)) })
        #expect(Self.outputTypes.subtracting(schemaNames).sorted() == [], "types with no schema file")
        #expect(schemaNames.subtracting(Self.outputTypes).sorted() == [], "schema files of no type")
    }

    @Test("a consensus prints its @type first, then one -entry line per router status entry")
    func consensusLinesAreTagged() throws {
        let path = ProjectFiles.root.appendingPathComponent("Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus")
        let bytes = [UInt8](try Data(contentsOf: path))
        let document = try #require(try AnyDescriptor.parseAll(bytes[...], as: .networkStatusConsensus).first?.get())
        let lines = document.typedJSONLines(as: .networkStatusConsensus).map { $0.serialized() }
        guard case .consensus(let consensus) = document else { Issue.record("not a consensus"); return }
        #expect(lines.count == consensus.entries.count + 1)
        #expect(lines.first?.hasPrefix(#"{"@type":"network-status-consensus-3","#) == true)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(#"{"@type":"network-status-consensus-3-entry","#) })
    }
}
