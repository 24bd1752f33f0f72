import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// `tordesc`: parse, verify and query Tor directory documents.
@main
struct Tordesc: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tordesc",
        abstract: "Parse and inspect Tor directory documents.",
        discussion: """
            Exit codes: 0 when every document parsed, 1 when any document failed, 2 for usage errors.
            """,
        version: "0.1.0",
        subcommands: [Parse.self, Verify.self, Exits.self, Relay.self, Summary.self, Families.self, Fetch.self, Collector.self, Policy.self, Diff.self, Onion.self, Lookup.self, Health.self, Churn.self, Export.self, Watch.self]
    )

    /// ArgumentParser exits with 64 on usage errors; this project promises 2. Commands that do
    /// network I/O (`fetch`, `collector`, and `exits`/`relay`/`summary` with no file) are
    /// `AsyncParsableCommand`s and are awaited here; the others run synchronously.
    static func main() async {
        // `tordesc --version` alone is answered before ArgumentParser: parsing builds the command
        // tree and reflects over every command on the path (its own completion-script parsers
        // included), and the Swift runtime's first conformance lookups scan every conformance
        // record in the binary. That was half the startup instructions (#15). Anything else,
        // `--version` with more arguments included, goes through the parser as before.
        if CommandLine.arguments.count == 2, CommandLine.arguments[1] == "--version" {
            StandardStream.output(Array((configuration.version + "\n").utf8))
            return
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || code == .failure {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { StandardStream.error((message + "\n")) }
            #if canImport(Glibc)
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue)
            #else
            Darwin.exit(code == .validationFailure ? 2 : code.rawValue)
            #endif
        }
    }
}
