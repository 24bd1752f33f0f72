import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

extension DescriptorType: ExpressibleByArgument {}

/// `tordesc parse`: parse files or directories and print a summary line or a JSON object per document.
struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse descriptor files and print one line per document.",
        discussion: """
            The type of each file comes from its CollecTor `@type` line, else tor's cache file name
            (cached-descriptors, cached-extrainfo, cached-microdescs and their .new journals), else
            --type, else the first keyword of the content. Directories are read recursively.
            Archives (.tar, .tar.gz/.tgz, .tar.xz, .tar.bz2, .tar.zst) are read member by member
            without unpacking them; single compressed files (.gz, .xz, .zst, .bz2, .z) are
            decompressed as they are read. Progress is shown on stderr when it is a terminal;
            --progress json prints it as JSON lines for job logs.

            Examples:
              tordesc parse Resources/corpus/server-descriptors
              tordesc parse --json --strict ~/.tor/cached-microdescs
              tordesc parse --json --tagged consensuses-2024-01.tar.xz
              tordesc parse --type extra-info some-file
              tordesc parse --quiet server-descriptors-2024-01.tar.xz
              tordesc parse --json --jobs 0 consensuses-2024-01.tar.xz > consensuses.jsonl
              tordesc parse --json --progress json consensuses-2024-01.tar.xz > out.jsonl 2> progress.jsonl
            """
    )

    @Option(help: "Document type when it cannot be detected: \(DescriptorType.commaSeparatedRawValues).")
    var type: DescriptorType?

    @Flag(help: "Enforce the spec's keyword rules, argument syntax and ASCII-only content.")
    var strict = false

    @Flag(help: "Print one JSON object per line with Stem's attribute names.")
    var json = false

    @Flag(help: "With --json, wrap each object as {type, source, document, part, data} (for loaders reading many types from one stream).")
    var tagged = false

    @Flag(help: "Print only the totals and the failures.")
    var quiet = false

    @Flag(help: "Follow symbolic links met inside directories.")
    var followSymlinks = false

    @Option(help: "History file: files listed there (unchanged since) are skipped, files read are added.")
    var history: String?

    @Flag(help: "Do not show progress on stderr (it is only shown when stderr is a terminal).")
    var noProgress = false

    @Option(help: "Progress on stderr whether or not it is a terminal: 'text' (one self-overwriting line) or 'json' (a JSON object per line every second and a final one, for job logs).")
    var progress: ProgressFormat?

    /// Read as text and converted here: an `Int` option instantiated ArgumentParser's generic
    /// machinery for `Int` at every start of every subcommand, 0.97 M instructions (8 % of
    /// `parse --version`); `String?` options are already there for `--history`.
    @Option(help: "Threads that parse: 1 (the default) parses on one thread while another reads and decompresses; N parses each batch of files or archive members, and a large consensus in chunks, on N threads; 0 uses every core. The output is the same, in the same order.")
    var jobs: String?

    /// `--jobs` as a count: nil when absent, or when it is not a number of threads.
    private var threadCount: Int? { jobs.flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil } }

    @Argument(help: "Files, directories or archives (.tar, .tar.gz, .tar.xz, .tar.bz2, .tar.zst, .gz, .xz, .zst, .bz2, .z) to parse.")
    var paths: [String]

    func validate() throws {
        if tagged && !json { throw ValidationError("--tagged needs --json") }
        if let jobs, threadCount == nil {
            throw ValidationError("--jobs is a number of threads: 0 (every core) or more, not '\(jobs)'")
        }
    }

    func run() throws {
        try InputFiles.validate(paths)
        var totals = ParseTotals()
        var output = BufferedOutput()
        var documentNumber = 0
        var options = DescriptorReaderOptions()
        options.mode = strict ? .strict : .lenient
        options.explicitType = type
        options.followSymlinks = followSymlinks
        options.historyFile = history
        let threads = threadCount ?? 1
        options.parallelism = threads == 0 ? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) : threads
        if noProgress && progress != nil { throw ValidationError("--no-progress and --progress exclude each other.") }
        let reporter = ProgressReporter(format: noProgress ? nil : progress ?? (isatty(STDERR_FILENO) != 0 ? .text : nil))
        if let format = reporter.format {
            options.progressInterval = format == .json ? 1 : 0.5
            options.progress = { reporter.show($0) }
        }
        for item in DescriptorReader(paths: paths, options: options) {
            switch item.result {
            case .success(let document):
                totals.count(item.type!)
                if quiet { continue }
                if tagged {
                    let lines = TaggedJSON.lines(of: document, type: item.type!, source: item.source.description, number: documentNumber)
                    for line in lines { output.write(line.serialized()) }
                    documentNumber += 1
                } else if json {
                    for line in document.typedJSONLines(as: item.type!) { output.write(line.serialized()) }
                } else {
                    for line in document.summaryLines { output.write(line) }
                }
            case .failure(.parse(let error)):
                totals.report(failure: "\(item.source):\(error.line): \(error)")
            case .failure(.unknownType):
                // A file met while walking a directory or an archive (a README, tor's sr-state
                // file) is not a failure; a file the user named is.
                if item.source.isNamedPath && item.source.member == nil {
                    totals.report(failure: "\(item.source): unknown document type (use --type)")
                } else {
                    totals.skipped += 1
                    if !quiet { StandardStream.error("skipped: \(item.source): not a document type parse reads\n") }
                }
            case .failure(.archive(let error)):
                totals.report(failure: "\(error)")
            }
        }
        output.flush()
        reporter.clear()
        totals.printSummary()
        if totals.failed > 0 { throw ExitCode.failure }
    }
}

/// Counts per type and failures, printed to stderr at the end.
struct ParseTotals {
    /// Documents parsed, per type, in the order first met. A short array, not a dictionary: the
    /// first insertion into a `[DescriptorType: Int]` instantiated its storage's generic
    /// metadata at run time, a scan of the binary's conformance records: 0.38 M instructions a
    /// run, as much as 70 consensus entries.
    private(set) var parsed: [(type: DescriptorType, count: Int)] = []
    var failed = 0
    var skipped = 0

    mutating func count(_ type: DescriptorType) {
        if let index = parsed.firstIndex(where: { $0.type == type }) {
            parsed[index].count += 1
        } else {
            parsed.append((type, 1))
        }
    }

    mutating func report(failure: String) {
        failed += 1
        StandardStream.error(("error: " + failure + "\n"))
    }

    func printSummary() {
        // A loop rather than map/joined, which cost their run-time type metadata in every run
        // (see `commaSeparatedRawValues`).
        var text = "parsed: "
        for (index, entry) in parsed.sorted(by: { $0.type.rawValue < $1.type.rawValue }).enumerated() {
            text += (index == 0 ? "" : ", ") + String(entry.count) + " " + entry.type.rawValue
        }
        if parsed.isEmpty { text += "0 documents" }
        text += "; failed: " + String(failed) + (skipped > 0 ? "; skipped files: " + String(skipped) : "") + "\n"
        StandardStream.error(text)
    }
}

/// Collects output lines and writes them in large blocks (print() per line is slow on big files).
struct BufferedOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        StandardStream.output(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
