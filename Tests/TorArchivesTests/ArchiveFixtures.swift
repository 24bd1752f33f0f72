import Foundation
import TestSupport
import TorArchives
import TorDescriptors

/// Paths and helpers for the archive tests: archives are built at test time with the `tar`,
/// `gzip`, `xz`, `zstd` and `bzip2` command-line tools from files in Resources/corpus.
enum ArchiveFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let sharedArchives = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/archives")
    static var hasSharedArchives: Bool { FileManager.default.fileExists(atPath: sharedArchives.path) }

    static func corpusPath(_ relative: String) -> String { root.appendingPathComponent("Resources/corpus/" + relative).path }

    /// Real files copied into the test tree (kept small so every test stays fast).
    static let treeFiles = [
        "server-descriptors/metrics-lib--2017-07-17-17-20-00-server-descriptors",
        "server-descriptors/stem--example_descriptor",
        "microdescs/metrics-lib--2017-07-17-17-20-00-micro",
        "extra-info/metrics-lib--2017-07-17-17-20-00-extra-infos",
        "consensus/2012-06-18-21-00-00-cached-consensus",
        "key-certs",
    ]

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("torarchives-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A directory `tree/` in a fresh temporary directory holding copies of ``treeFiles``.
    static func makeTree() throws -> URL {
        let dir = try temporaryDirectory()
        let tree = dir.appendingPathComponent("tree")
        for relative in treeFiles {
            let target = tree.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: corpusPath(relative), toPath: target.path)
        }
        return dir
    }

    static func tool(_ name: String) -> String? { ExternalTool.path(name) }

    /// Runs a tool in `directory`; throws when it fails.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.currentDirectoryURL = directory
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return process.terminationStatus
    }

    /// Reads `paths` and returns every item.
    static func read(_ paths: [String], options: DescriptorReaderOptions = DescriptorReaderOptions()) -> [DescriptorReadItem] {
        Array(DescriptorReader(paths: paths, options: options))
    }

    /// A comparable summary of an item: the member path under `tree/`, the type, and the
    /// document's raw bytes (or the error text).
    static func fingerprint(_ item: DescriptorReadItem) -> String {
        let name = item.source.member ?? item.source.path
        let relative = name.range(of: "tree/").map { String(name[$0.upperBound...]) } ?? name
        switch item.result {
        case .success(let document):
            return "\(relative) \(item.type?.rawValue ?? "-") \(String(decoding: document.rawBytes, as: UTF8.self).hashValue)"
        case .failure(let error):
            return "\(relative) error \(error)"
        }
    }
}
