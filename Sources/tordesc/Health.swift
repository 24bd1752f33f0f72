import ArgumentParser
import Foundation
import TorArchives
import TorDescriptors

/// `tordesc health`: DocTor-style consensus-health checks over archived votes and a consensus.
struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check the health of a voting period: missing votes and signatures, disagreements, clock skew.",
        discussion: """
            Reads every vote under --votes (files, directories or archives; tor's v3-status-votes
            holds several) and the consensus of the same period, and reports one finding per line,
            grouped by severity, followed by the per-authority flag table. --json writes one JSON
            object per finding instead.

            Times: --at now (default) checks freshness and certificate expiry today; --at document
            checks them at the consensus's valid-after (for archived data); --at
            "YYYY-MM-DD HH:MM:SS" at that UTC time.

            Exit codes: 0 when no finding reaches --fail-on (default error), 1 when one does,
            2 for usage errors.

            Example:
              tordesc health --votes 2018-10-15-00-votes/ --consensus 2018-10-15-00-00-00-consensus --at document
            """
    )

    @Option(help: "Votes: a file (several votes may follow each other), directory or archive; repeatable.")
    var votes: [String] = []

    @Option(help: "The consensus of the same period.")
    var consensus: String?

    @Option(name: .customLong("certs"), help: "Key certificates (file, directory or archive); repeatable.")
    var certificateFiles: [String] = []

    @Option(help: "The authority set: `nickname v3ident` lines or torrc `DirAuthority` lines. Default: the consensus's dir-source lines.")
    var authorities: String?

    @Option(help: "When to check freshness and expiry: now, document, or \"YYYY-MM-DD HH:MM:SS\" (UTC).")
    var at: String = "now"

    @Option(help: "Exit 1 when a finding is at least this severe: warning or error.")
    var failOn: FailLevel = .error

    @Option(help: "Warn about key certificates expiring within this many days.")
    var certificateDays = 14

    @Option(help: "Warn about bandwidth authorities measuring a smaller share of their relays than this (0-1).")
    var measuredShare = 0.5

    @Flag(help: "Print one JSON object per finding.")
    var json = false

    @Flag(help: "Do not colour the output.")
    var noColor = false

    enum FailLevel: String, ExpressibleByArgument, CaseIterable {
        case warning, error
        var severity: HealthSeverity { self == .warning ? .warning : .error }
    }

    func validate() throws {
        if votes.isEmpty { throw ValidationError("--votes is required (live mode, without files, is not built yet)") }
        if at != "now", at != "document", TorTimestamp(parsing: at) == nil {
            throw ValidationError("--at wants now, document, or a UTC time like \"2018-10-15 00:00:00\"; got \"\(at)\"")
        }
        if !(0...1).contains(measuredShare) { throw ValidationError("--measured-share wants a number from 0 to 1") }
    }

    func run() throws {
        try InputFiles.validate(votes + certificateFiles + (consensus.map { [$0] } ?? []) + (authorities.map { [$0] } ?? []))
        var parsedVotes: [NetworkStatusVote] = []
        var certificates: [KeyCertificate] = []
        for item in DescriptorReader(paths: votes) {
            switch item.result {
            case .success(.vote(let vote)): parsedVotes.append(vote)
            case .success(.keyCertificate(let certificate)): certificates.append(certificate)
            case .success: continue
            case .failure(.unknownType) where !(item.source.isNamedPath && item.source.member == nil): continue
            case .failure(let error): throw ValidationError("\(item.source): not a readable vote: \(error)")
            }
        }
        if parsedVotes.isEmpty { throw ValidationError("no votes found in \(votes.joined(separator: ", "))") }
        var parsedConsensus: NetworkStatusConsensus?
        if let consensus {
            for item in DescriptorReader(paths: [consensus]) {
                guard case .consensus(let document)? = item.document else {
                    throw ValidationError("\(item.source) is not a consensus; --consensus wants one")
                }
                parsedConsensus = document
            }
        }
        for item in DescriptorReader(paths: certificateFiles) {
            if case .keyCertificate(let certificate)? = item.document { certificates.append(certificate) }
        }
        var options = ConsensusHealth.Options()
        options.certificateWarningDays = certificateDays
        options.measuredShareThreshold = measuredShare
        let health = ConsensusHealth(votes: parsedVotes, consensus: parsedConsensus, certificates: certificates,
                                     expectedAuthorities: try authorities.map { try AuthorityFile.load($0).authorities }, options: options)
        let time: TorTimestamp = switch at {
        case "now": TorTimestamp(Date())
        case "document": parsedConsensus?.header.validAfter ?? parsedVotes.compactMap(\.header.validAfter).max() ?? TorTimestamp(Date())
        default: TorTimestamp(parsing: at)!
        }
        let report = health.run(at: time)
        var output = BufferedOutput()
        if json {
            for finding in report.findings { output.write(finding.json.serialized()) }
        } else {
            writeText(report, to: &output)
        }
        output.flush()
        if let worst = report.worstSeverity, worst >= failOn.severity { throw ExitCode.failure }
    }

    private func writeText(_ report: ConsensusHealthReport, to output: inout BufferedOutput) {
        let color = ColorChoice(noColor: noColor)
        for severity in HealthSeverity.allCases.reversed() {
            let findings = report.findings.filter { $0.severity == severity }
            guard !findings.isEmpty else { continue }
            let title = "\(severity.rawValue) (\(findings.count))"
            output.write(severity == .error ? color.red(color.bold(title)) : color.bold(title))
            for finding in findings {
                let evidence = finding.evidence.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
                output.write("  \(finding.check.rawValue): \(finding.message)" + (evidence.isEmpty ? "" : color.dim(" [\(evidence)]")))
            }
        }
        if report.findings.isEmpty { output.write(color.green("healthy: no findings")) }
        let rows = report.comparison.authorities
        var flags: [String] = []
        for row in rows { for flag in row.flagCounts.keys.sorted() where !flags.contains(flag) { flags.append(flag) } }
        flags.sort()
        var table = TextTable(headers: ["authority", "relays", "measured", "missing"] + flags)
        table.rightAligned = Set(1..<(4 + flags.count))
        for row in rows {
            table.add([row.authority.nickname, "\(row.relayCount)", "\(row.measuredCount)", "\(row.missingRelays.count)"]
                      + flags.map { row.flagCounts[$0].map(String.init) ?? "-" })
        }
        output.write("")
        for line in table.render(color: color) { output.write(line) }
        let counts = HealthSeverity.allCases.reversed().map { severity in "\(report.findings.filter { $0.severity == severity }.count) \(severity.rawValue)" }
        output.write("")
        output.write("\(rows.count) votes, \(report.expectedAuthorities.count) authorities expected: " + counts.joined(separator: ", "))
    }
}
