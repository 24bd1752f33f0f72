import ArgumentParser
import Dispatch
import CollecTor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

/// `tordesc collector list|download`: query CollecTor's index and mirror its files.
struct Collector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "List and download files from CollecTor (collector.torproject.org).",
        discussion: """
            Files are chosen from CollecTor's index/index.json by descriptor type (the @type \
            name, e.g. server-descriptor, network-status-consensus-3, optionally with a version), \
            by publication time (files whose first..last published span overlaps --from..--to) \
            and by path prefix (recent/ or archive/).

            Examples:
              tordesc collector list --type server-descriptor --path-prefix recent/
              tordesc collector list --type network-status-consensus-3 --from 2019-05-01 --to 2019-05-31 --json
              tordesc collector download --type extra-info --path-prefix recent/ -o mirror
            """,
        subcommands: [List.self, Download.self]
    )

    /// Options shared by both subcommands.
    struct Selection: ParsableArguments {
        @Option(name: .customLong("type"), help: "Descriptor type (repeatable); any when omitted.")
        var types: [String] = []

        @Option(help: "Earliest publication time: YYYY-MM-DD[ HH:MM[:SS]] (UTC).")
        var from: String?

        @Option(help: "Latest publication time: YYYY-MM-DD[ HH:MM[:SS]] (UTC); a bare date means its end.")
        var to: String?

        @Option(help: "Only paths starting with this, e.g. recent/ or archive/relay-descriptors/.")
        var pathPrefix: String?

        @Option(help: "The CollecTor server.")
        var baseURL: String = CollecTorClient.defaultBaseURL.absoluteString

        @Option(help: "Seconds without data (or to connect) before a request fails.")
        var timeout: Double = 60

        @Option(help: "A PEM file of CA certificates to trust instead of the system's (for a test server).")
        var caFile: String?

        func validate() throws {
            _ = try filter()
            _ = try client()
        }

        func client() throws -> CollecTorClient {
            guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                throw ValidationError("--base-url '\(baseURL)' is not an http(s) URL")
            }
            guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
            return CollecTorClient(baseURL: url, timeout: timeout, caCertificatesFile: caFile)
        }

        func filter() throws -> CollecTorFilter {
            var filter = CollecTorFilter(types: types, pathPrefix: pathPrefix)
            if let from {
                guard let time = Collector.time(from, endOfDay: false) else { throw ValidationError("--from '\(from)' is not YYYY-MM-DD[ HH:MM[:SS]]") }
                filter.from = time
            }
            if let to {
                guard let time = Collector.time(to, endOfDay: true) else { throw ValidationError("--to '\(to)' is not YYYY-MM-DD[ HH:MM[:SS]]") }
                filter.to = time
            }
            if let low = filter.from, let high = filter.to, low > high { throw ValidationError("--from is after --to") }
            return filter
        }

        /// Fetches the index and applies the filter; exits 1 when the index cannot be had.
        func selectedFiles() async throws -> [CollecTorFile] {
            let client = try client()
            let filter = try filter()
            do throws(CollecTorError) {
                return try await client.fetchIndex().files(matching: filter)
            } catch {
                Collector.printError("cannot read the CollecTor index: \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the matching files: path, size, first and last published, types.",
            discussion: "Output is tab-separated, or one JSON object per line with --json (the index's field names)."
        )

        @OptionGroup var selection: Selection

        @Flag(help: "One JSON object per file.")
        var json = false

        func run() async throws {
            let files = try await selection.selectedFiles()
            var output = BufferedOutput()
            for file in files {
                output.write(json ? Collector.json(file).serialized() : Collector.line(file))
            }
            output.flush()
            let bytes = files.reduce(0) { $0 + $1.size }
            StandardStream.error("files: \(files.count); bytes: \(bytes)\n")
        }
    }

    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "download",
            abstract: "Download the matching files into a local mirror, checking size and SHA-256.",
            discussion: """
                Files keep CollecTor's paths under DIR. Files already there with the right size \
                and SHA-256 are skipped; an interrupted download (NAME.part) is continued with an \
                HTTP Range request, or restarted when the server does not support ranges. \
                Exit code 1 when any file failed.
                """
        )

        @OptionGroup var selection: Selection

        @Option(name: .shortAndLong, help: "The mirror directory.")
        var output: String

        @Option(help: "Files downloaded at the same time.")
        var jobs: Int = 4

        @Flag(help: "Never show progress (it is shown on stderr only when stderr is a terminal).")
        var noProgress = false

        func validate() throws {
            guard jobs >= 1, jobs <= 64 else { throw ValidationError("--jobs must be between 1 and 64") }
        }

        func run() async throws {
            let files = try await selection.selectedFiles()
            let client = try selection.client()
            var options = CollecTorDownloadOptions()
            options.maxConcurrentDownloads = jobs
            let showProgress = !noProgress && isatty(STDERR_FILENO) == 1
            let directory = URL(fileURLWithPath: output)
            var callback: (@Sendable (CollecTorProgress) -> Void)? = nil
            if showProgress { callback = { @Sendable progress in Collector.showProgress(progress) } }
            let chosen = options
            let reporter = callback
            let report = await client.download(files, to: directory, options: chosen, progress: reporter)
            if showProgress { StandardStream.error("\r\u{1B}[K") }
            for result in report.results {
                switch result.outcome {
                case .downloaded: print("downloaded\t\(result.file.path)")
                case .resumed(let offset): print("resumed\t\(result.file.path)\t(from byte \(offset))")
                case .alreadyPresent: print("present\t\(result.file.path)")
                case .failed(let error): Collector.printError("\(result.file.path): \(error)")
                }
            }
            let summary = "files: \(files.count); downloaded: \(report.downloaded.count); already present: \(report.alreadyPresent.count); "
                + "failed: \(report.failures.count); bytes transferred: \(report.bytesTransferred)\n"
            StandardStream.error(summary)
            if !report.failures.isEmpty { throw ExitCode.failure }
        }
    }

    // MARK: - Helpers

    static func line(_ file: CollecTorFile) -> String {
        [file.path, String(file.size), file.firstPublished?.description ?? "-", file.lastPublished?.description ?? "-",
         file.types.isEmpty ? "-" : file.types.map(\.description).joined(separator: ",")].joined(separator: "\t")
    }

    static func json(_ file: CollecTorFile) -> JSONValue {
        func time(_ value: TorTimestamp?) -> JSONValue { JSONValue.optional(value) { .string($0.description) } }
        return .object([
            ("path", .string(file.path)),
            ("size", .int(file.size)),
            ("last_modified", time(file.lastModified)),
            ("types", .array(file.types.map { .string($0.description) })),
            ("first_published", time(file.firstPublished)),
            ("last_published", time(file.lastPublished)),
            ("sha256", JSONValue.optional(file.sha256) { .string($0) }),
        ])
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS` (a `T` may replace the space).
    static func time(_ text: String, endOfDay: Bool) -> TorTimestamp? {
        let normalized = text.replacing("T", with: " ")
        switch normalized.utf8.count {
        case 10: return TorTimestamp(parsing: normalized + (endOfDay ? " 23:59:59" : " 00:00:00"))
        case 16: return TorTimestamp(parsing: normalized + (endOfDay ? ":59" : ":00"))
        case 19: return TorTimestamp(parsing: normalized)
        default: return nil
        }
    }

    static func showProgress(_ progress: CollecTorProgress) {
        let megabytes = Double(progress.bytesTransferred) / 1_048_576
        let rate = progress.bytesPerSecond / 1_048_576
        let text = "\r\u{1B}[K\(progress.filesDone)/\(progress.filesTotal) files, \(Formatting.fixed(megabytes, digits: 1)) MiB, "
            + "\(Formatting.fixed(rate, digits: 2)) MiB/s, \(Formatting.fixed(progress.filesPerSecond, digits: 2)) files/s"
        StandardStream.error(text)
    }

    static func printError(_ message: String) {
        StandardStream.error("error: \(message)\n")
    }
}
