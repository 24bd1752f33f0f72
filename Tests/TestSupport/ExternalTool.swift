import Foundation

/// Command-line tools some tests need (reference encoders, `tar`, `openssl`, python3 and Stem).
/// A test that needs one declares it with Swift Testing's `.enabled(if:)` and a reason, so a
/// machine without the tool reports the test as skipped instead of passing it silently; inside
/// the test, ``require(_:)`` fails loudly should the tool vanish in between.
///
/// ```swift
/// @Test(.enabled(if: ExternalTool.available("xz"), "needs xz to make .lzma streams"))
/// func legacyLZMA() throws {
///     let xz = try ExternalTool.require("xz")
///     ...
/// }
/// ```
public enum ExternalTool {
    /// A tool a test needed and did not find.
    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "\(name) is not installed (searched PATH, /usr/bin, /usr/local/bin, /bin, /opt/homebrew/bin)" }
    }

    /// The executable `name` on `PATH` or in the usual system directories, if any.
    public static func path(_ name: String) -> String? {
        let fromEnvironment = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (fromEnvironment + ["/usr/bin", "/usr/local/bin", "/bin", "/opt/homebrew/bin"])
            .map { $0 + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether every one of `names` is installed.
    public static func available(_ names: String...) -> Bool { names.allSatisfy { path($0) != nil } }

    /// The path of `name`, or ``Missing``.
    public static func require(_ name: String) throws -> String {
        guard let path = path(name) else { throw Missing(name: name) }
        return path
    }

    /// Whether python3 can import Stem (the differential tests' oracle).
    public static let stemAvailable: Bool = {
        guard let python = path("python3") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import stem"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
