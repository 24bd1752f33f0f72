import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

/// How `tordesc parse --progress` shows progress on stderr.
enum ProgressFormat: String, ExpressibleByArgument, CaseIterable {
    /// One self-overwriting line, for a person at a terminal.
    case text
    /// One JSON object per line (`"@type":"tordesc-progress"`), for job logs and schedulers.
    case json
}

/// Writes `tordesc parse` progress to stderr: a self-overwriting line (`text`) or JSON lines (`json`).
///
/// A JSON line carries `documents`, `bytes` (read from disk, compressed), `files`,
/// `elapsed_seconds`, `documents_per_second`, `bytes_per_second`, `current_path` (the file, or
/// `archive!member`, of the last document) and `final` (true on the last line, written once the
/// read ends). Built with ``JSONValue`` like the documents, not Foundation's encoder.
final class ProgressReporter: @unchecked Sendable {
    let format: ProgressFormat?
    private var shown = false

    init(format: ProgressFormat?) { self.format = format }

    func show(_ progress: ReadProgress) {
        switch format {
        case .text:
            guard !progress.isFinal else { return }
            let megabytes = Formatting.fixed(Double(progress.fileBytes) / 1_000_000, digits: 1)
            let rates = Formatting.fixed(progress.documentsPerSecond, digits: 0) + " documents/s, "
                + Formatting.fixed(progress.bytesPerSecond / 1_000_000, digits: 1) + " MB/s "
            let text = "\r\(megabytes) MB read, \(progress.files) files, \(progress.documents) documents, " + rates
            StandardStream.error(text)
            shown = true
        case .json:
            StandardStream.error((Self.jsonLine(progress).serialized() + "\n"))
        case nil:
            return
        }
    }

    /// Clears the terminal line before the totals are printed (JSON lines stay).
    func clear() {
        if shown { StandardStream.error("\r\u{1B}[K") }
    }

    static func jsonLine(_ progress: ReadProgress) -> JSONValue {
        // Rates to 0.1, time to the millisecond: more digits would only be noise in a log.
        func tenths(_ value: Double) -> JSONValue { .double((value * 10).rounded() / 10) }
        return .object([
            ("@type", .string("tordesc-progress")),
            ("final", .bool(progress.isFinal)),
            ("elapsed_seconds", .double((progress.elapsed * 1000).rounded() / 1000)),
            ("documents", .int(progress.documents)),
            ("bytes", .int(progress.fileBytes)),
            ("files", .int(progress.files)),
            ("documents_per_second", tenths(progress.documentsPerSecond)),
            ("bytes_per_second", tenths(progress.bytesPerSecond)),
            ("current_path", .optional(progress.currentPath) { .string($0) }),
        ])
    }
}
