import Foundation

/// Paths to the project's bundled data, found from this file's location so tests run from any
/// working directory.
enum ProjectFiles {
    /// The project root (the folder holding Package.swift).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The steering repository's corpus beside the project (`../shared/corpus`), present on
    /// developer machines and in CI, absent from a bare clone.
    static let sharedCorpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static var hasSharedCorpus: Bool { FileManager.default.fileExists(atPath: sharedCorpus.path) }

    /// Bytes of a file under `../shared/corpus/`.
    static func shared(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: sharedCorpus.appendingPathComponent(relative)))
    }

    /// Bytes of a file under `Resources/corpus/`.
    static func corpus(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent("Resources/corpus/" + relative)))
    }
}
