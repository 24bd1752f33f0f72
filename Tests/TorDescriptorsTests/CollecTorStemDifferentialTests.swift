import Foundation
import Testing
@testable import TorDescriptors

/// Exit lists and bandwidth files against Stem 1.8.2: `Tests/StemOracle/dump.py tordnsel|bandwidth-file`
/// prints every attribute Stem reads (per `ExitNode` block for exit lists, one object for a
/// bandwidth file, `recent_stats`, `header` and `measurements` included) and each must equal
/// our `stemJSON` value under the same key.
@Suite(.enabled(if: StemOracle.available, "Stem is not installed (python3 -m pip install stem==1.8.2)"))
struct CollecTorStemDifferentialTests {
    static let cases: [String] = {
        var cases: [String] = []
        for folder in ["exit-lists", "bandwidth"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: ProjectFiles.root.path + "/Resources/corpus/" + folder)) ?? []
            cases += names.sorted().map { folder + "/" + $0 }
        }
        return cases
    }()

    @Test("the bundled files are there") func bundled() { #expect(Self.cases.count >= 7) }

    @Test("our values equal Stem's", arguments: cases)
    func matchesStem(_ relative: String) throws {
        let path = ProjectFiles.root.path + "/Resources/corpus/" + relative
        let type: DescriptorType = relative.hasPrefix("exit-lists/") ? .exitList : .bandwidthFile
        let stem = try StemOracle.python([ProjectFiles.root.path + "/Tests/StemOracle/dump.py", type.rawValue, path])
        #expect(stem.status == 0)
        let stemObjects = try String(decoding: stem.output, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let results = AnyDescriptor.parseAll(bytes[...], as: type, mode: .lenient)
        try #require(results.count == 1)
        // An exit list's first JSON line is the file; Stem's objects are its ExitNode blocks.
        var lines = try results[0].get().stemJSONLines
        if type == .exitList { lines.removeFirst() }
        let ours = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.serialized().utf8)) as? [String: Any]) }
        try #require(ours.count == stemObjects.count, "document counts differ: ours \(ours.count), Stem's \(stemObjects.count)")
        var compared = 0
        for (index, (mine, theirs)) in zip(ours, stemObjects).enumerated() {
            for (key, stemValue) in theirs.sorted(by: { $0.key < $1.key }) {
                let ourValue = try StemDifferentialTests.canonical(mine[key] ?? NSNull())
                let stemText = try StemDifferentialTests.canonical(stemValue)
                #expect(ourValue == stemText, "object \(index + 1), \(key): ours \(ourValue.prefix(300)), Stem's \(stemText.prefix(300))")
                compared += 1
            }
        }
        #expect(compared >= stemObjects.count * 4)
    }
}
