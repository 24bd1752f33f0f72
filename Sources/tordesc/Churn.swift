import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

/// `tordesc churn`: relays joining and leaving over a series of consensuses.
struct Churn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "Relays joined and left per consensus over an archive of consensuses, with Sybil signs.",
        discussion: """
            Reads every consensus (ns or microdesc flavor) in the files, directories and archives
            named, sorts them by valid-after and compares each with the one before: relays joined
            and left (by fingerprint), new fingerprints at an IPv4 address that an earlier
            consensus listed under another fingerprint ("same address"), or else in such a /16
            ("same /16"), and joins that came in groups of at least --min-group relays sharing a
            /16 or a nickname pattern (lowercased, trailing digits as #: relay07 -> relay#).
            The first consensus is the baseline. A second consensus with the same valid-after
            (the other flavor of the same hour) is skipped and named on stderr. Other documents
            are ignored.

            Examples:
              tordesc churn Resources/corpus/consensus Resources/corpus/microdesc-consensus
              tordesc churn --json --no-relays consensuses-2024-01.tar.xz
            """
    )

    @Flag(help: "Print one JSON object: the series and the skipped files.")
    var json = false

    @Flag(help: "JSON: counts and groups only, without the joined, left and reuse relay lists.")
    var noRelays = false

    @Option(help: "Smallest group of joins (same /16 or nickname pattern) worth listing.")
    var minGroup = 3

    @Option(help: "Text: how many relays to name per list and group.")
    var show = 5

    @Argument(help: "Consensus files, directories or archives.")
    var paths: [String]

    func validate() throws {
        if minGroup < 2 { throw ValidationError("--min-group \(minGroup): a group has at least 2 relays") }
        if show < 0 { throw ValidationError("--show \(show) is negative") }
    }

    func run() throws {
        try InputFiles.validate(paths)
        var snapshots: [ChurnSnapshot] = []
        var failures = 0
        for item in DescriptorReader(paths: paths) {
            switch item.result {
            case .success(.consensus(let consensus)):
                if let snapshot = ChurnSnapshot(consensus, label: item.source.description) {
                    snapshots.append(snapshot)
                } else {
                    warn("\(item.source): the consensus has no valid-after line; left out")
                }
            case .success:
                continue
            case .failure(.parse(let error)) where item.type == .networkStatusConsensus || item.type == .networkStatusMicrodescConsensus:
                failures += 1
                StandardStream.error("error: \(item.source):\(error.line): \(error)\n")
            case .failure(.archive(let error)):
                failures += 1
                StandardStream.error("error: \(error)\n")
            case .failure:
                continue
            }
        }
        guard !snapshots.isEmpty else { throw reportError("no consensus found in \(paths.joined(separator: ", "))", code: failures > 0 ? 1 : 2) }
        let churn = ConsensusChurn(snapshots, minimumGroupSize: minGroup)
        for skipped in churn.skipped { warn("\(skipped.label): valid-after \(skipped.validAfter) is already in the series; skipped") }
        var output = BufferedOutput()
        if json {
            output.write(churn.json(listRelays: !noRelays).serialized())
        } else {
            for step in churn.steps { for line in textLines(step) { output.write(line) } }
        }
        output.flush()
        if failures > 0 { throw ExitCode.failure }
    }

    func textLines(_ step: ConsensusChurn.Step) -> [String] {
        let head = "\(step.validAfter)  \(Formatting.grouped(step.relays)) relays"
        guard step.previousValidAfter != nil else { return ["\(head)  baseline  \(step.label)"] }
        var lines = ["\(head)  +\(Formatting.grouped(step.joined.count)) -\(Formatting.grouped(step.left.count))  new \(Formatting.grouped(step.newFingerprints))  same address \(step.addressReuse.count)  same /16 \(step.subnetReuse.count)  \(step.label)"]
        func names(_ relays: [ChurnSnapshot.Relay]) -> String {
            let named = relays.prefix(show).map { "\($0.nickname) \($0.fingerprint.hex.prefix(8))" }
            return (named + (relays.count > show ? ["+\(relays.count - show) more"] : [])).joined(separator: ", ")
        }
        for reuse in step.addressReuse.prefix(show) {
            lines.append("    same address: \(reuse.relay.nickname) \(reuse.relay.fingerprint.hex) at \(reuse.place), earlier \(reuse.earlierCount): \(reuse.earlier.map { String($0.hex.prefix(8)) }.joined(separator: " "))")
        }
        if step.addressReuse.count > show { lines.append("    same address: +\(step.addressReuse.count - show) more (--json lists all)") }
        for (title, groups) in [("joined in /16", step.subnetGroups), ("joined as", step.nicknameGroups), ("joined from", step.countryGroups)] {
            for group in groups.prefix(show) { lines.append("    \(title) \(group.key) (\(group.relays.count)): \(names(group.relays))") }
            if groups.count > show { lines.append("    \(title): +\(groups.count - show) more groups") }
        }
        return lines
    }
}
