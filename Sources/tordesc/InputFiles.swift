import ArgumentParser
import Foundation

/// Checks the command-line paths before reading (the reader itself walks directories and
/// archives): a missing path is a usage error (exit 2), as before.
enum InputFiles {
    static func validate(_ paths: [String]) throws {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or directory: \(path)")
        }
    }
}
