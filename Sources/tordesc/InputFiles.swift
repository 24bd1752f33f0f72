import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// Checks the command-line paths before reading (the reader itself walks directories and
/// archives): a missing path is a usage error (exit 2), as before.
enum InputFiles {
    /// The name after the last `/` (`NSString.lastPathComponent` without Foundation): the
    /// whole path when it has none, and trailing slashes ignored.
    static func lastPathComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed.split(separator: "/").last.map(String.init) ?? String(trimmed)
    }

    static func validate(_ paths: [String]) throws {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or directory: \(path)")
        }
    }
}
