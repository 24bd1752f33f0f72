import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `tordesc diff apply BASE DIFF`: apply a consensus diff and write the resulting consensus.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Work with consensus diffs (network-status-diff-version 1).",
        subcommands: [Apply.self]
    )

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Apply DIFF to BASE, check both SHA3-256 hashes, and write the result.",
            discussion: """
                DIFF may be a plain diff or an entry of tor's diff-cache/ directory.

                Example:
                  tordesc diff apply 2021-08-26-19-00-00-unverified-microdesc-consensus diff-cache/1048 -o new-consensus
                """
        )

        @Argument(help: "The base consensus.") var base: String
        @Argument(help: "The diff.") var diff: String
        @Option(name: .shortAndLong, help: "Where to write the result (default: standard output).") var output: String?
        @Flag(help: "Skip the base and target hash checks.") var noVerify = false

        func run() throws {
            guard let baseData = FileManager.default.contents(atPath: base) else { throw ValidationError("cannot read \(base)") }
            guard let diffData = FileManager.default.contents(atPath: diff) else { throw ValidationError("cannot read \(diff)") }
            let diffBytes = [UInt8](diffData)
            let parsed: ConsensusDiff
            do {
                parsed = DescriptorType.isDiffCacheEntry(diffBytes[...])
                    ? try ConsensusDiffCacheEntry(parsing: diffBytes).diff(mode: .strict)
                    : try ConsensusDiff(parsing: diffBytes, mode: .strict)
                let result = try parsed.apply(to: [UInt8](baseData)[...], verifyingHashes: !noVerify)
                if let output {
                    try Data(result).write(to: URL(fileURLWithPath: output))
                } else {
                    StandardStream.output(result)
                }
            } catch {
                StandardStream.error("error: \(diff): \(error)\n")
                throw ExitCode.failure
            }
        }
    }
}
