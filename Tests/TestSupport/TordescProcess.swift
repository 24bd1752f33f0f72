import Foundation

/// Runs the built `tordesc` executable as a user would; shared by the test targets with CLI
/// tests through the TestSupport target.
///
/// ```swift
/// let run = try TordescProcess.run(try #require(TordescProcess.executable(projectRoot: root)), ["verify", path], in: root)
/// #expect(run.status == 0)
/// ```
public enum TordescProcess {
    /// What one run printed and how it ended.
    public struct Run: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The `tordesc` built next to the test bundle first, so that `swift test --sanitize=...`
    /// (its own scratch directory) runs the sanitized executable, not a plain `.build` one.
    public static func executable(projectRoot: URL) -> URL? {
        [
            Bundle.main.bundleURL.appendingPathComponent("tordesc"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tordesc"),
            projectRoot.appendingPathComponent(".build/debug/tordesc"),
        ].first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `binary` with `arguments` in `directory`. Standard error is drained on its own
    /// thread: read one pipe after the other, a child filling the second pipe would block.
    public static func run(_ binary: URL, _ arguments: [String], in directory: URL) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderrBox = StderrBox()
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stderrBox.set(err.fileHandleForReading.readDataToEndOfFile())
            drained.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderrBox.get(), as: UTF8.self))
    }

    /// ``run(_:_:in:)`` on a thread of its own, for async tests: a child's run then blocks no
    /// thread of Swift's cooperative pool (two threads on a 2-core machine), where it would
    /// stall every other test of a parallel run, deadline checks included.
    public static func running(_ binary: URL, _ arguments: [String], in directory: URL) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(binary, arguments, in: directory) })
            }
        }
    }

    private final class StderrBox: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
        func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
    }
}
