import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// Differential check against Stem 1.8.2 (`pip install stem==1.8.2`; `.ci/run` installs it):
/// `Tests/StemOracle/dump.py` prints Stem's values of a set of attributes per document, and each
/// must equal the value under the same key in our `stemJSON`. Deliberate differences from Stem
/// are kept out of the compared attributes and listed in each parser's tests.
@Suite(.enabled(if: StemOracle.available, "Stem is not installed (python3 -m pip install stem==1.8.2)"))
struct StemDifferentialTests {
    static func python(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        try StemOracle.python(arguments)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let path: String
        let type: DescriptorType
        var testDescription: String { path }
    }

    /// Every bundled file of the three descriptor families, with the type Stem must be told.
    static let cases: [Case] = {
        var cases: [Case] = []
        for (folder, type) in [("server-descriptors", DescriptorType.serverDescriptor), ("extra-info", .extraInfo), ("microdescs", .microdescriptor)] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: ProjectFiles.root.path + "/Resources/corpus/" + folder)) ?? []
            cases += names.sorted().map { Case(path: folder + "/" + $0, type: type) }
        }
        let bridges: [(String, DescriptorType)] = [
            ("bridge/bridge-2016-10-02-16-09-00-server-descriptors", .bridgeServerDescriptor),
            ("bridge/metrics-lib--2017-07-17-17-09-00-server-descriptors", .bridgeServerDescriptor),
            ("bridge/stem--bridge_descriptor", .bridgeServerDescriptor),
            ("bridge/bridge-2016-10-02-08-09-00-extra-infos", .bridgeExtraInfo),
            ("bridge/stem--extrainfo_bridge_descriptor_multiple", .bridgeExtraInfo),
            ("malformed/stem--non-ascii_descriptor", .serverDescriptor),
            ("malformed/stem--negative_uptime", .serverDescriptor),
        ]
        return cases + bridges.map { Case(path: $0.0, type: $0.1) }
    }()

    @Test("our values equal Stem's", arguments: cases)
    func matchesStem(_ testCase: Case) throws {
        let path = ProjectFiles.root.path + "/Resources/corpus/" + testCase.path
        let script = ProjectFiles.root.path + "/Tests/StemOracle/dump.py"
        let stem = try Self.python([script, testCase.type.rawValue, path])
        #expect(stem.status == 0)
        let stemObjects = String(decoding: stem.output, as: UTF8.self).split(separator: "\n").map {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let ours = try AnyDescriptor.parseAll(bytes[...], as: testCase.type, mode: .lenient).map { result in
            try JSONSerialization.jsonObject(with: Data(result.get().stemJSON.serialized().utf8)) as? [String: Any]
        }
        try #require(ours.count == stemObjects.count, "document counts differ")
        for (index, (mine, theirs)) in zip(ours, stemObjects).enumerated() {
            let mine = try #require(mine), theirs = try #require(theirs)
            for (key, stemValue) in theirs.sorted(by: { $0.key < $1.key }) {
                let ourValue = try Self.canonical(mine[key] ?? NSNull())
                let stemText = try Self.canonical(stemValue)
                #expect(ourValue == stemText, "document \(index + 1), \(key): ours \(ourValue), Stem's \(stemText)")
            }
        }
    }

    /// A JSON value as sorted-key text, so values compare independently of their Foundation types.
    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]), as: UTF8.self)
    }
}

/// Runs python3 for the Stem oracle.
enum StemOracle {
    static var available: Bool { ExternalTool.stemAvailable }

    static func python(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
