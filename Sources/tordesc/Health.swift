import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors
import TorDirectory

/// `tordesc health`: DocTor-style consensus-health checks over archived votes and a consensus.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check the health of a voting period: missing votes and signatures, disagreements, clock skew.",
        discussion: """
            Reads every vote under --votes (files, directories or archives; tor's v3-status-votes
            holds several) and the consensus of the same period, and reports one finding per line,
            grouped by severity, followed by the per-authority flag table. --json writes one JSON
            object per finding instead.

            Without --votes it works live: it asks each authority of --authorities (default: the
            public network's) for its current vote, timing each request and reading its HTTP
            Date, then fetches a verified consensus and the key certificates. An authority that
            does not answer within --timeout is reported.

            Times: --at now (default) checks freshness and certificate expiry today; --at document
            checks them at the consensus's valid-after (for archived data); --at
            "YYYY-MM-DD HH:MM:SS" at that UTC time.

            Exit codes: 0 when no finding reaches --fail-on (default error), 1 when one does,
            2 for usage errors.

            Examples:
              tordesc health --authorities private-net/authorities --timeout 5
              tordesc health --votes 2018-10-15-00-votes/ --consensus 2018-10-15-00-00-00-consensus --at document
            """
    )

    @Option(help: "Votes: a file (several votes may follow each other), directory or archive; repeatable.")
    var votes: [String] = []

    @Option(help: "The consensus of the same period.")
    var consensus: String?

    @Option(help: "An earlier consensus: relays that kept their address and ORPort under a new fingerprint since it are reported.")
    var previousConsensus: String?

    @Option(name: .customLong("certs"), help: "Key certificates (file, directory or archive); repeatable.")
    var certificateFiles: [String] = []

    @Option(help: "The authority set: `nickname v3ident` lines or torrc `DirAuthority` lines (live mode needs the latter). Default: the consensus's dir-source lines offline, the public network's authorities live.")
    var authorities: String?

    @Option(help: "Live mode: seconds to wait for each authority.")
    var timeout = 10

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

    @Option(help: "Also write one self-contained HTML page with the findings and the per-authority tables.")
    var html: String?

    @Flag(help: "Do not colour the output.")
    var noColor = false

    enum FailLevel: String, ExpressibleByArgument, CaseIterable {
        case warning, error
        var severity: HealthSeverity { self == .warning ? .warning : .error }
    }

    func validate() throws {
        if votes.isEmpty, consensus != nil { throw ValidationError("--consensus needs --votes (without --votes the command fetches both)") }
        if !(1...3600).contains(timeout) { throw ValidationError("--timeout wants a number of seconds from 1 to 3600") }
        if at != "now", at != "document", TorTimestamp(parsing: at) == nil {
            throw ValidationError("--at wants now, document, or a UTC time like \"2018-10-15 00:00:00\"; got \"\(at)\"")
        }
        if !(0...1).contains(measuredShare) { throw ValidationError("--measured-share wants a number from 0 to 1") }
    }

    func run() async throws {
        try InputFiles.validate(votes + certificateFiles + (consensus.map { [$0] } ?? []) + (authorities.map { [$0] } ?? []))
        var inputs = votes.isEmpty ? try await live() : try offline()
        for item in DescriptorReader(paths: certificateFiles) {
            if case .keyCertificate(let certificate)? = item.document { inputs.certificates.append(certificate) }
        }
        let parsedVotes = inputs.votes, parsedConsensus = inputs.consensus
        var options = ConsensusHealth.Options()
        options.certificateWarningDays = certificateDays
        options.measuredShareThreshold = measuredShare
        let expected = votes.isEmpty ? inputs.expected : try authorities.map { try AuthorityFile.load($0).authorities }
        var health = ConsensusHealth(votes: parsedVotes, consensus: parsedConsensus, certificates: inputs.certificates, expectedAuthorities: expected,
                                     clockObservations: inputs.clocks, fetches: inputs.fetches, options: options)
        if let previousConsensus {
            try InputFiles.validate([previousConsensus])
            for item in DescriptorReader(paths: [previousConsensus]) {
                guard case .consensus(let document)? = item.document else {
                    throw ValidationError("\(item.source) is not a consensus; --previous-consensus wants one")
                }
                health.previousConsensus = document
            }
        }
        let time: TorTimestamp = switch at {
        case "now": TorTimestamp(Date())
        case "document": parsedConsensus?.header.validAfter ?? parsedVotes.compactMap(\.header.validAfter).max() ?? TorTimestamp(Date())
        default: TorTimestamp(parsing: at)!
        }
        let report = health.run(at: time)
        if let html {
            let page = HealthHTML.page(report, votes: parsedVotes, consensus: parsedConsensus, time: time)
            do { try Data(page.utf8).write(to: URL(fileURLWithPath: html)) } catch {
                throw ValidationError("cannot write \(html): \(error)")
            }
        }
        var output = BufferedOutput()
        if json {
            for finding in report.findings { output.write(finding.json.serialized()) }
        } else {
            writeText(report, to: &output)
        }
        output.flush()
        if let worst = report.worstSeverity, worst >= failOn.severity { throw ExitCode.failure }
    }

    private func offline() throws -> HealthLive.Collected {
        var inputs = HealthLive.Collected()
        for item in DescriptorReader(paths: votes) {
            switch item.result {
            case .success(.vote(let vote)): inputs.votes.append(vote)
            case .success(.keyCertificate(let certificate)): inputs.certificates.append(certificate)
            case .success: continue
            case .failure(.unknownType) where !(item.source.isNamedPath && item.source.member == nil): continue
            case .failure(let error): throw ValidationError("\(item.source): not a readable vote: \(error)")
            }
        }
        if inputs.votes.isEmpty { throw ValidationError("no votes found in \(votes.joined(separator: ", "))") }
        if let consensus {
            for item in DescriptorReader(paths: [consensus]) {
                guard case .consensus(let document)? = item.document else {
                    throw ValidationError("\(item.source) is not a consensus; --consensus wants one")
                }
                inputs.consensus = document
            }
        }
        return inputs
    }

    private func live() async throws -> HealthLive.Collected {
        var list = DirectoryList.tor
        if let authorities {
            do { list = try DirectoryList(parsing: try String(contentsOfFile: authorities, encoding: .utf8)) } catch {
                throw ValidationError("\(authorities): live mode wants torrc DirAuthority lines: \(error)")
            }
        }
        var collected = await HealthLive.collect(list: list, timeout: .seconds(timeout))
        collected.expected = list.authorities.filter { !$0.isBridgeAuthority }.map(HealthLive.identity(of:))
        for problem in collected.problems { StandardStream.error("health: \(problem)\n") }
        return collected
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
