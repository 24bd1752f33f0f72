import ArgumentParser
import Foundation
import TorDescriptors

extension DescriptorType: ExpressibleByArgument {}

/// `tordesc parse`: parse files or directories and print a summary line or a JSON object per document.
struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse descriptor files and print one line per document.",
        discussion: """
            The type of each file comes from its CollecTor `@type` line, else tor's cache file name
            (cached-descriptors, cached-extrainfo, cached-microdescs and their .new journals), else
            --type, else the first keyword of the content. Directories are read recursively.

            Examples:
              tordesc parse Resources/corpus/server-descriptors
              tordesc parse --json --strict ~/.tor/cached-microdescs
              tordesc parse --type extra-info some-file
            """
    )

    @Option(help: "Document type when it cannot be detected: \(DescriptorType.allCases.map(\.rawValue).joined(separator: ", ")).")
    var type: DescriptorType?

    @Flag(help: "Enforce the spec's keyword rules, argument syntax and ASCII-only content.")
    var strict = false

    @Flag(help: "Print one JSON object per line with Stem's attribute names.")
    var json = false

    @Flag(help: "Print only the totals and the failures.")
    var quiet = false

    @Argument(help: "Files or directories to parse.")
    var paths: [String]

    func run() throws {
        var totals = ParseTotals()
        var output = BufferedOutput()
        for input in try InputFiles.expand(paths) {
            let file = input.path
            guard let data = FileManager.default.contents(atPath: file) else {
                totals.report(failure: "\(file): cannot read file")
                continue
            }
            let bytes = [UInt8](data)
            let name = (file as NSString).lastPathComponent
            guard let documentType = detectType(name: name, bytes: bytes[...]) else {
                // A file met while walking a directory (a README, a consensus) is not a failure.
                if input.named {
                    totals.report(failure: "\(file): unknown document type (use --type)")
                } else {
                    totals.skipped += 1
                    if !quiet { FileHandle.standardError.write(Data("skipped: \(file): not a document type parse reads\n".utf8)) }
                }
                continue
            }
            for result in AnyDescriptor.parseAll(bytes[...], as: documentType, mode: strict ? .strict : .lenient) {
                switch result {
                case .success(let document):
                    totals.parsed[documentType, default: 0] += 1
                    if quiet { continue }
                    if json {
                        for line in document.stemJSONLines { output.write(line.serialized()) }
                    } else {
                        for line in document.summaryLines { output.write(line) }
                    }
                case .failure(let error):
                    totals.report(failure: "\(file):\(error.line): \(error)")
                }
            }
        }
        output.flush()
        totals.printSummary()
        if totals.failed > 0 { throw ExitCode.failure }
    }

    private func detectType(name: String, bytes: ArraySlice<UInt8>) -> DescriptorType? {
        if let annotation = DescriptorType.collectorAnnotation(in: bytes) {
            return DescriptorType(collectorType: annotation.name)
        }
        if let cached = DescriptorType(cacheFileName: name) { return cached }
        return type ?? DescriptorType.sniff(bytes)
    }
}

/// Counts per type and failures, printed to stderr at the end.
struct ParseTotals {
    var parsed: [DescriptorType: Int] = [:]
    var failed = 0
    var skipped = 0

    mutating func report(failure: String) {
        failed += 1
        FileHandle.standardError.write(Data(("error: " + failure + "\n").utf8))
    }

    func printSummary() {
        let counts = parsed.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
        let text = "parsed: " + (counts.isEmpty ? "0 documents" : counts.joined(separator: ", ")) + "; failed: \(failed)" + (skipped > 0 ? "; skipped files: \(skipped)" : "") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
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
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
