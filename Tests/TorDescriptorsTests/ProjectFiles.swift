import Foundation

/// Paths to the project's bundled data, found from this file's location so tests run from any
/// working directory.
enum ProjectFiles {
    /// The project root (the folder holding Package.swift).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Bytes of a file under `Resources/corpus/`.
    static func corpus(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent("Resources/corpus/" + relative)))
    }
}
