import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

/// `tordesc export --sql`: a PostgreSQL load script for the documents read.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write documents as a PostgreSQL load script (schema and COPY blocks).",
        discussion: """
            --sql writes, on stdout, CREATE TABLE IF NOT EXISTS statements for a normalized schema
            (documents, consensuses, consensus_entries, entry_flags, server_descriptors with their
            exit policy summarised, declared_families, bandwidth_files, bandwidth_entries,
            exit_lists, exit_list_entries, exit_list_addresses), then one transaction that COPYs
            the rows into temporary tables and inserts them with ON CONFLICT DO NOTHING. Keys
            start with each document's SHA-256, so loading the same documents again adds nothing.
            Other document types are counted on stderr and left out. Example queries:
            Examples/sql/.

            Examples:
              tordesc export --sql Resources/corpus > load.sql
              psql -v ON_ERROR_STOP=1 -d tor -f load.sql
            """
    )

    @Flag(help: "Write a PostgreSQL load script (the only format so far).")
    var sql = false

    @Argument(help: "Files, directories or archives to export.")
    var paths: [String]

    func validate() throws {
        if !sql { throw ValidationError("name the format: --sql") }
    }

    func run() throws {
        try InputFiles.validate(paths)
        var output = BufferedOutput()
        // The library's text ends in a newline and BufferedOutput adds one per write.
        func emit(_ text: String) { output.write(text.hasSuffix("\n") ? String(text.dropLast()) : text) }
        emit(PostgresExport.prologue)
        var exported: [String: Int] = [:]
        var leftOut: [String: Int] = [:]
        var failures = 0
        for item in DescriptorReader(paths: paths) {
            switch item.result {
            case .success(let document):
                let type = item.type?.rawValue ?? "unknown"
                if let blocks = PostgresExport.copyBlocks(for: document, source: item.source.description) {
                    emit(blocks)
                    exported[type, default: 0] += 1
                } else {
                    leftOut[type, default: 0] += 1
                }
            case .failure(.parse(let error)):
                failures += 1
                StandardStream.error("error: \(item.source):\(error.line): \(error)\n")
            case .failure(.archive(let error)):
                failures += 1
                StandardStream.error("error: \(error)\n")
            case .failure(.unknownType):
                continue
            }
        }
        emit(PostgresExport.epilogue)
        output.flush()
        func list(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
        StandardStream.error("exported: \(list(exported)); left out (no table): \(list(leftOut)); failed: \(failures)\n")
        if failures > 0 { throw ExitCode.failure }
    }
}
