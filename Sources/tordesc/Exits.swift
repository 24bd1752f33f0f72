import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `tordesc exits`: the exit relays of a consensus or of a set of descriptors, optionally only
/// those whose exit policy allows a given port and address.
struct Exits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exits",
        abstract: "List exit relays, optionally only those that allow a port and address.",
        discussion: """
            Without --port or --address, an exit relay is one with the Exit flag when the input has
            flags (a consensus), else one whose policy allows exiting somewhere.

            With --port or --address the question is the one a tor client asks when it picks an exit
            for that destination: every relay whose exit policy allows it is listed, with or without
            the Exit flag (the flags column shows which; the flag needs two of ports 80, 443 and
            6667, so a relay allowing only 443 has none). Several --port options must all be allowed.

            Relays flagged BadExit are left out, since a client never exits through them; the summary
            line says how many. --include-bad-exits lists them too (their flags column shows BadExit).

            Which policy answers depends on the input, and the output names it:
              server descriptors (--descriptors)  the exact policy (accept/reject lines, ipv6-policy)
              microdescriptors (--microdescriptors)  their p and p6 port summaries
              an ns consensus (--consensus)  the p line port summary
            A port summary knows nothing of addresses: --address only picks the IPv4 or IPv6 summary.
            A consensus together with descriptors or microdescriptors takes the relay list and flags
            from the consensus and the policies from the other files.

            --ips prints only addresses, one per line, deduplicated, IPv4 then IPv6, ready for a
            firewall, as the bulk exit list: the listed exits' OR addresses (r and a lines, or router
            and or-address lines) and, from each --exit-list file (TorDNSEL), the addresses those
            same relays were seen exiting from. --port narrows it to exits allowing that port.
            Without --ips, --exit-list adds those observed addresses to each relay: an
            exit-addresses column (shown by default then) and exit_addresses in --json (null
            without --exit-list). They can differ from the OR address: a relay may exit from
            another address of its host.

            Relays are sorted by bandwidth, highest first (the consensus weight, or the advertised
            bandwidth of descriptors), ties by fingerprint.

            Columns for --format: \(Column.commaSeparatedRawValues).

            Examples:
              tordesc exits --consensus Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus
              tordesc exits --port 443 --consensus cached-consensus --json
              tordesc exits --port 22 --address 198.51.100.7 --descriptors cached-descriptors
              tordesc exits --flag Guard --format nickname,fingerprint,bandwidth --consensus cached-consensus
              tordesc exits --consensus cached-microdesc-consensus --microdescriptors cached-microdescs --port 6667
              tordesc exits --control 127.0.0.1:9051 --port 443
              tordesc exits --ips --port 443 --consensus cached-consensus --exit-list exit-list
            """
    )

    enum Column: String, CaseIterable, ExpressibleByArgument {
        case nickname, fingerprint, address, ports, bandwidth, flags, version, microdescriptor
        case exitAddresses = "exit-addresses"
    }

    @Option(name: .customLong("port"), help: ArgumentHelp("Only relays that allow exiting to this port (repeatable).", valueName: "port"))
    var ports: [Int] = []

    @Option(help: ArgumentHelp("Only relays that allow exiting to this IPv4 or IPv6 address.", valueName: "address"))
    var address: String?

    @Option(name: .customLong("flag"), help: ArgumentHelp("Only relays with this consensus flag (repeatable), e.g. Guard, Stable.", valueName: "flag"))
    var flags: [String] = []

    @Flag(help: "Also list relays flagged BadExit (left out by default: clients never exit through them).")
    var includeBadExits = false

    @OptionGroup var sources: SourceOptions

    // Not --addresses: --address already filters by one destination address.
    @Flag(help: "Print only the listed exits' IP addresses, one per line, deduplicated (IPv4, then IPv6): a firewall list like the bulk exit list.")
    var ips = false

    @Option(name: .customLong("exit-list"), parsing: .upToNextOption, help: ArgumentHelp("Exit lists (TorDNSEL): the addresses the listed relays were seen exiting from (a column, a JSON key, or with --ips more lines).", valueName: "file"))
    var exitLists: [String] = []

    @Flag(help: "Print one JSON object per relay (JSON Lines).")
    var json = false

    @Option(help: ArgumentHelp("Comma-separated columns to print.", valueName: "columns"))
    var format: String?

    @Flag(help: "Never colour the output (also: the NO_COLOR environment variable).")
    var noColor = false

    func validate() throws {
        for port in ports where !(1...65535).contains(port) {
            throw ValidationError("--port \(port) is not a port; ports are 1 to 65535")
        }
        if let address, Self.parseAddress(address) == nil {
            throw ValidationError("--address \(address) is not an IPv4 or IPv6 address")
        }
        _ = try columns()
        if ips, json || format != nil { throw ValidationError("--ips prints bare addresses; it does not mix with --json or --format") }
    }

    static func parseAddress(_ text: String) -> IPAddress? { IPAddress(text) }

    func columns() throws -> [Column] {
        guard let format else {
            return [.nickname, .fingerprint, .address, .ports, .bandwidth, .flags] + (exitLists.isEmpty ? [] : [.exitAddresses])
        }
        var columns: [Column] = []
        for name in format.split(separator: ",") {
            let trimmed = name.trimmed.lowercased()
            guard let column = Column(rawValue: trimmed) else {
                throw ValidationError("--format: unknown column '\(trimmed)'; the columns are \(Column.commaSeparatedRawValues)")
            }
            columns.append(column)
        }
        guard !columns.isEmpty else { throw ValidationError("--format needs at least one column") }
        return columns
    }

    func run() async throws {
        var loaded: RelaySources
        if sources.control.isSet {
            loaded = try await sources.control.load(.relays(extraInfoFor: { _ in false }))
        } else if sources.isEmpty {
            guard let live = try await LiveFetchHook.fetchVerifiedConsensus(authoritiesFile: sources.authorities) else {
                throw reportError(LiveFetchHook.unavailableMessage(command: "exits"))
            }
            loaded = RelaySources()
            try loaded.loadConsensus(bytes: live, label: "live consensus")
        } else {
            loaded = try sources.load()
        }
        let query = ExitQuery(ports: ports, address: address.flatMap(Self.parseAddress), flags: flags,
                              includeBadExits: includeBadExits)
        var listing = try ExitListing(sources: loaded, query: query)
        for note in listing.notes { warn(note) }
        let lists = try ExitAddresses.load(exitLists, into: &loaded)
        if !exitLists.isEmpty { ExitAddresses.annotate(&listing.rows, exitLists: lists) }

        if ips {
            var output = BufferedOutput()
            for address in ExitAddresses.addresses(of: listing.rows, exitLists: lists) { output.write(address.description) }
            output.flush()
        } else if json {
            var output = BufferedOutput()
            for row in listing.rows { output.write(row.json(policySource: listing.policySource).serialized()) }
            output.flush()
        } else {
            printTable(listing)
        }
        if loaded.failures > 0 { throw ExitCode.failure }
    }

    private func printTable(_ listing: ExitListing) {
        let color = ColorChoice(noColor: noColor)
        let columns = (try? columns()) ?? []
        var table = TextTable(headers: columns.map { $0.rawValue.uppercased() })
        table.rightAligned = Set(columns.indices.filter { columns[$0] == .bandwidth })
        if let flagsIndex = columns.firstIndex(of: .flags) {
            table.styles[flagsIndex] = { text in text.contains("BadExit") ? color.red(text) : text }
        }
        for row in listing.rows {
            table.add(columns.map { column in
                switch column {
                case .nickname: row.nickname ?? "-"
                case .fingerprint: row.fingerprint?.hex ?? "-"
                case .address: row.address.map { address in row.orPort.map { "\(address.isIPv6 ? "[\(address)]" : "\(address)"):\($0)" } ?? "\(address)" } ?? "-"
                case .ports: Formatting.truncated(row.portsSummary ?? "-", to: 40)
                case .bandwidth: row.bandwidthText
                case .flags: row.flags.map { $0.joined(separator: ",") } ?? "-"
                case .version: row.version ?? "-"
                case .microdescriptor: row.microdescriptorDigest ?? "-"
                case .exitAddresses: row.exitAddresses.map { $0.isEmpty ? "-" : $0.map(\.description).joined(separator: ",") } ?? "-"
                }
            })
        }
        var output = BufferedOutput()
        for line in table.render(color: color) { output.write(line) }
        output.write("")
        output.write(color.dim(listing.summaryLine))
        output.flush()
    }
}

extension RelaySources {
    mutating func loadConsensus(bytes: [UInt8], label: String) throws {
        do {
            consensus = try NetworkStatusConsensus(parsing: bytes)
            consensusPath = label
        } catch {
            throw reportError("\(label):\(error.line): the consensus does not parse: \(error)", code: 1)
        }
    }
}
