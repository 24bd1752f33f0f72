import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `tordesc summary`: network totals from one consensus.
struct Summary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Network totals from a consensus: relays, flags, bandwidth, versions, protocols; or a bandwidth file's or exit list's totals.",
        discussion: """
            Counts relays per flag with the consensus weight they carry, tor versions (from the v
            lines), protocol support (from the pr lines: relays supporting each version), the
            consensus times, shared-random values and the params line; then path selection: the
            relays most likely picked as guard, middle and exit (tor's client weighting from the
            bandwidth-weights line) and, with tor's GeoIP files (--geoip, Debian's tor-geoipdb by
            default), the probabilities summed by country. FILE is an ns or microdesc
            consensus. A bandwidth file gives its relays measured, eligible share and scanner; an
            exit list its relays, exit addresses and times; bridge pool assignments, BridgeDB
            metrics, snowflake statistics, Torperf results and web logs one line per document.

            Examples:
              tordesc summary Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus
              tordesc summary --json Resources/corpus/microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus
              tordesc summary --control 127.0.0.1:9051
            """
    )

    @Argument(help: ArgumentHelp("A consensus, bandwidth file, exit list or CollecTor statistics file.", valueName: "file"))
    var file: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "How many tor versions to list in text output (JSON lists all).")
    var versions = 12

    @Option(help: "How many countries to list in text output (JSON lists all).")
    var countries = 10

    @OptionGroup var geoip: GeoIPOptions

    @Flag(help: "Never colour the output (also: the NO_COLOR environment variable).")
    var noColor = false

    @Option(help: ArgumentHelp("With no file: torrc DirAuthority lines of the authorities to fetch the live consensus from and verify it with (default: the public network's).", valueName: "file"))
    var authorities: String?

    @OptionGroup var control: ControlPortOptions

    func run() async throws {
        if let file, let summary = try collecTorSummary(file) {
            var output = BufferedOutput()
            for line in json ? [summary.serialized()] : CollecTorSummary.textLines(summary) { output.write(line) }
            output.flush()
            return
        }
        var sources = RelaySources()
        if control.isSet {
            guard file == nil, authorities == nil else { throw reportError("--control reads the consensus from tor; name no file and no --authorities with it") }
            sources = try await control.load(.consensus)
        } else if let file {
            try sources.loadConsensus(file, option: "summary")
        } else {
            guard let live = try await LiveFetchHook.fetchVerifiedConsensus(authoritiesFile: authorities) else {
                throw reportError(LiveFetchHook.unavailableMessage(command: "summary").replacing("summary --consensus", with: "summary"))
            }
            try sources.loadConsensus(bytes: live, label: "live consensus")
        }
        guard let consensus = sources.consensus else { return }
        let totals = NetworkTotals(consensus)
        let paths = PathSelectionSummary(consensus, countries: try geoip.load())
        var output = BufferedOutput()
        if json {
            guard case .object(let pairs) = totals.json(consensus) else { return }
            output.write(JSONValue.object(pairs + [("path_selection", paths.json)]).serialized())
        } else {
            let color = ColorChoice(noColor: noColor)
            for line in totals.textLines(consensus, color: color, versionLimit: versions) { output.write(line) }
            for line in paths.textLines(color: color, countryLimit: countries) { output.write(line) }
        }
        output.flush()
    }
}

extension Summary {
    /// The summary of a bandwidth file or exit list; `nil` for other types (the consensus path).
    func collecTorSummary(_ path: String) throws -> JSONValue? {
        let bytes = try RelaySources.read(path)
        let name = InputFiles.lastPathComponent(path)
        switch DescriptorType.detect(fileName: name, bytes: bytes[...]) {
        case .bandwidthFile?:
            do { return CollecTorSummary.bandwidthFile(try BandwidthFile(parsing: bytes[...])) } catch {
                throw reportError("\(path):\(error.line): the bandwidth file does not parse: \(error)", code: 1)
            }
        case .exitList?:
            do { return CollecTorSummary.exitList(try ExitList(parsing: bytes[...])) } catch {
                throw reportError("\(path):\(error.line): the exit list does not parse: \(error)", code: 1)
            }
        case let type? where CollecTorSummary.statisticsTypes.contains(type):
            return try CollecTorSummary.statistics(bytes[...], as: type, path: path)
        default:
            return nil
        }
    }
}

/// Totals over a consensus's entries.
struct NetworkTotals {
    struct FlagTotal {
        var relays = 0
        var bandwidth = 0
    }

    var relays = 0
    var bandwidth = 0
    var unmeasured = 0
    /// Flag name → relays and summed weight, for every flag any entry has.
    var flags: [String: FlagTotal] = [:]
    /// Relays with both Exit and Guard (they count for both positions in path selection).
    var exitGuards = FlagTotal()
    /// `v` line → relays.
    var versions: [String: Int] = [:]
    /// Protocol name → version → relays supporting it (from `pr` lines).
    var protocols: [String: [Int: Int]] = [:]
    var withProtocols = 0

    init(_ consensus: NetworkStatusConsensus) {
        for entry in consensus.entries {
            relays += 1
            let weight = entry.bandwidth ?? 0
            bandwidth += weight
            if entry.isUnmeasured { unmeasured += 1 }
            for name in entry.flagNames {
                flags[name, default: FlagTotal()].relays += 1
                flags[name, default: FlagTotal()].bandwidth += weight
            }
            if entry.flags.contains(.exit), entry.flags.contains(.guard) {
                exitGuards.relays += 1
                exitGuards.bandwidth += weight
            }
            versions[entry.versionLine ?? "(no v line)", default: 0] += 1
            if let supported = entry.protocols {
                withProtocols += 1
                for protocolEntry in supported.entries {
                    for range in protocolEntry.ranges {
                        for version in range { protocols[protocolEntry.name, default: [:]][version, default: 0] += 1 }
                    }
                }
            }
        }
    }

    /// Flags by relay count, highest first, then name.
    var sortedFlags: [(name: String, total: FlagTotal)] {
        flags.map { ($0.key, $0.value) }.sorted { $0.1.relays != $1.1.relays ? $0.1.relays > $1.1.relays : $0.0 < $1.0 }
    }

    var sortedVersions: [(version: String, relays: Int)] {
        versions.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    func textLines(_ consensus: NetworkStatusConsensus, color: ColorChoice, versionLimit: Int) -> [String] {
        let header = consensus.header
        var lines: [String] = []
        func heading(_ text: String) { lines.append(""); lines.append(color.bold(text)) }
        lines.append(color.bold("\(header.flavor == .microdesc ? "microdesc" : "ns") consensus, method \(header.consensusMethod.map(String.init) ?? "-")"))
        lines.append("  valid-after  \(header.validAfter.map(\.description) ?? "-")")
        lines.append("  fresh-until  \(header.freshUntil.map(\.description) ?? "-")")
        lines.append("  valid-until  \(header.validUntil.map(\.description) ?? "-")")
        lines.append("  authorities  \(header.authorities.filter { !$0.isLegacy }.count), signatures \(consensus.footer.signatures.count)")
        lines.append("  relays       \(Formatting.grouped(relays)), total weight \(Formatting.grouped(bandwidth))\(unmeasured > 0 ? ", \(Formatting.grouped(unmeasured)) unmeasured" : "")")
        let badExits = flags["BadExit"]?.relays ?? 0
        let badExitText = "  bad exits    \(Formatting.grouped(badExits)) relays flagged BadExit\(badExits > 0 ? " (clients never exit through them)" : "")"
        lines.append(badExits > 0 ? color.red(badExitText) : badExitText)

        heading("flags")
        var flagTable = TextTable(headers: ["FLAG", "RELAYS", "SHARE", "WEIGHT", "WEIGHT SHARE"])
        flagTable.rightAligned = [1, 2, 3, 4]
        var flagRows = sortedFlags.map { ($0.name, $0.total) }
        flagRows.append(("Exit+Guard", exitGuards))
        for (name, total) in flagRows {
            flagTable.add([name, Formatting.grouped(total.relays), Formatting.percent(total.relays, of: relays),
                           Formatting.grouped(total.bandwidth), Formatting.percent(total.bandwidth, of: bandwidth)])
        }
        lines += flagTable.render(color: color).map { "  " + $0 }

        heading("tor versions (\(versions.count) distinct)")
        var versionTable = TextTable(headers: ["VERSION", "RELAYS", "SHARE"])
        versionTable.rightAligned = [1, 2]
        let sorted = sortedVersions
        for (version, count) in sorted.prefix(versionLimit) { versionTable.add([version, Formatting.grouped(count), Formatting.percent(count, of: relays)]) }
        if sorted.count > versionLimit {
            let rest = sorted.dropFirst(versionLimit).reduce(0) { $0 + $1.relays }
            versionTable.add(["(\(sorted.count - versionLimit) others)", Formatting.grouped(rest), Formatting.percent(rest, of: relays)])
        }
        lines += versionTable.render(color: color).map { "  " + $0 }

        if withProtocols > 0 {
            heading("protocol support (relays per version, of \(Formatting.grouped(withProtocols)) with a pr line)")
            let width = protocols.keys.map(\.count).max() ?? 0
            for name in protocols.keys.sorted() {
                let versions = protocols[name, default: [:]].sorted { $0.key < $1.key }.map { "\($0.key):\(Formatting.grouped($0.value))" }
                lines.append("  " + name.padded(to: width) + "  " + versions.joined(separator: "  "))
            }
        }
        if let required = header.requiredRelayProtocols { lines.append("  required relay protocols: \(required)") }
        if let required = header.requiredClientProtocols { lines.append("  required client protocols: \(required)") }

        heading("shared randomness")
        lines.append("  previous  \(header.sharedRandomPrevious.map { "\($0.base64) (\($0.revealCount) reveals)" } ?? "-")")
        lines.append("  current   \(header.sharedRandomCurrent.map { "\($0.base64) (\($0.revealCount) reveals)" } ?? "-")")

        heading("params")
        lines.append("  " + (header.params.isEmpty ? "-" : header.params.entries.map { "\($0.name)=\($0.value)" }.joined(separator: " ")))
        return lines
    }

    func json(_ consensus: NetworkStatusConsensus) -> JSONValue {
        let header = consensus.header
        func total(_ value: FlagTotal) -> JSONValue { .object([("relays", .int(value.relays)), ("bandwidth", .int(value.bandwidth))]) }
        func shared(_ value: SharedRandomValue?) -> JSONValue {
            .optional(value) { .object([("reveal_count", .int($0.revealCount)), ("value", .string($0.base64))]) }
        }
        return .object([
            ("flavor", .string(header.flavor == .microdesc ? "microdesc" : "ns")),
            ("consensus_method", .optional(header.consensusMethod) { .int($0) }),
            ("valid_after", .optional(header.validAfter) { .string($0.description) }),
            ("fresh_until", .optional(header.freshUntil) { .string($0.description) }),
            ("valid_until", .optional(header.validUntil) { .string($0.description) }),
            ("relays", .int(relays)),
            ("exits", .int(flags["Exit"]?.relays ?? 0)),
            ("bad_exits", .int(flags["BadExit"]?.relays ?? 0)),
            ("guards", .int(flags["Guard"]?.relays ?? 0)),
            ("fast", .int(flags["Fast"]?.relays ?? 0)),
            ("stable", .int(flags["Stable"]?.relays ?? 0)),
            ("hsdir", .int(flags["HSDir"]?.relays ?? 0)),
            ("bandwidth", .int(bandwidth)),
            ("unmeasured", .int(unmeasured)),
            ("flags", .object(sortedFlags.map { ($0.name, total($0.total)) })),
            ("exit_and_guard", total(exitGuards)),
            ("versions", .object(sortedVersions.map { ($0.version, .int($0.relays)) })),
            ("relays_with_protocols", .int(withProtocols)),
            ("protocols", .object(protocols.keys.sorted().map { name in
                (name, .object(protocols[name, default: [:]].sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) }))
            })),
            ("required_relay_protocols", header.requiredRelayProtocols?.stemJSON ?? .object([])),
            ("required_client_protocols", header.requiredClientProtocols?.stemJSON ?? .object([])),
            ("shared_randomness_previous", shared(header.sharedRandomPrevious)),
            ("shared_randomness_current", shared(header.sharedRandomCurrent)),
            ("params", .object(header.params.entries.map { ($0.name, .int(Int($0.value))) })),
            ("authorities", .int(header.authorities.filter { !$0.isLegacy }.count)),
            ("signatures", .int(consensus.footer.signatures.count)),
        ])
    }
}
