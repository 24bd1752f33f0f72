import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `tordesc relay`: everything the given files say about one relay.
struct Relay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Show everything the given files know about one relay.",
        discussion: """
            RELAY is a fingerprint (40 hex digits; a leading $, spaces and a ~nickname or =nickname
            suffix are ignored) or a nickname (case-insensitive; several relays may share one, and
            each is shown). The consensus entry, the newest server descriptor, the microdescriptor
            (found through the consensus m line or its rsa1024 id) and the newest extra-info
            descriptor are printed, with Stem's attribute names. Exit code 1 when no relay matches.

            Examples:
              tordesc relay moria1 --consensus Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus
              tordesc relay '$9695 DFC3 5FFE B861 329B 9F1A B04C 4639 7020 CE31' --consensus cached-consensus --json
              tordesc relay caerSidi --descriptors Resources/corpus/server-descriptors/stem--example_descriptor
              tordesc relay moria1 --control /run/tor/control
            """
    )

    @Argument(help: ArgumentHelp("The relay's fingerprint or nickname.", valueName: "fingerprint|nickname"))
    var relay: String

    @OptionGroup var sources: SourceOptions
    @OptionGroup var geoip: GeoIPOptions

    @Option(name: .customLong("extra-info"), parsing: .upToNextOption, help: ArgumentHelp("Extra-info descriptor files.", valueName: "file"))
    var extraInfo: [String] = []

    @Flag(help: "Print one JSON object per matching relay.")
    var json = false

    @Flag(help: "Never colour the output (also: the NO_COLOR environment variable).")
    var noColor = false

    /// A fingerprint when the text is one (40 hex digits once `$`, spaces and a nickname suffix
    /// are removed), else `nil` (the text is a nickname).
    static func fingerprint(in text: String) -> Fingerprint? {
        var hex = text.filter { !$0.isWhitespace }
        if hex.hasPrefix("$") { hex.removeFirst() }
        if let cut = hex.firstIndex(where: { $0 == "~" || $0 == "=" }) { hex = String(hex[..<cut]) }
        guard hex.count == 40 else { return nil }
        return Fingerprint(hex: hex.uppercased())
    }

    func run() async throws {
        var loaded: RelaySources
        if sources.control.isSet {
            let query = relay
            loaded = try await sources.control.load(.relays(extraInfoFor: { descriptor in
                Relay.fingerprint(in: query).map { $0 == descriptor.fingerprint } ?? (descriptor.nickname.lowercased() == query.lowercased())
            }))
        } else if sources.isEmpty && extraInfo.isEmpty {
            guard let live = try await LiveFetchHook.fetchVerifiedConsensus(authoritiesFile: sources.authorities) else {
                throw reportError(LiveFetchHook.unavailableMessage(command: "relay \(relay)"))
            }
            loaded = RelaySources()
            try loaded.loadConsensus(bytes: live, label: "live consensus")
        } else {
            loaded = try sources.load(extraInfo: extraInfo)
        }
        var reports = RelayReport.find(relay, in: loaded)
        let analysis = RelayAnalysis(sources: loaded, countries: try geoip.load())
        for index in reports.indices { reports[index].analysis = analysis }
        guard !reports.isEmpty else {
            throw reportError("no relay matches '\(relay)' in the given files; check the spelling, or name a consensus or descriptor file that lists it", code: 1)
        }
        var output = BufferedOutput()
        let color = ColorChoice(noColor: noColor)
        for (index, report) in reports.enumerated() {
            if json {
                output.write(report.json.serialized())
            } else {
                if index > 0 { output.write("") }
                for line in report.textLines(color: color) { output.write(line) }
            }
        }
        output.flush()
        if loaded.failures > 0 { throw ExitCode.failure }
    }
}

/// What the loaded files say about one relay identity.
struct RelayReport {
    var fingerprint: Fingerprint?
    var nickname: String?
    var entry: RouterStatusEntry?
    var consensus: NetworkStatusConsensus?
    var descriptor: ServerDescriptor?
    var microdescriptor: Microdescriptor?
    var extraInfo: ExtraInfoDescriptor?
    /// Path selection, family and country, shared by every report of one run.
    var analysis: RelayAnalysis?

    /// Every relay the query names: one report per identity, in fingerprint order.
    static func find(_ query: String, in sources: RelaySources) -> [RelayReport] {
        let wanted = Relay.fingerprint(in: query)
        func matches(_ fingerprint: Fingerprint?, _ nickname: String) -> Bool {
            if let wanted { return fingerprint == wanted }
            return nickname.lowercased() == query.lowercased()
        }
        var identities = Set<Fingerprint>()
        var microOnly: [Microdescriptor] = []
        for entry in sources.consensus?.entries ?? [] where matches(entry.fingerprint, entry.nickname) { identities.insert(entry.fingerprint) }
        for descriptor in sources.descriptors where matches(descriptor.fingerprint, descriptor.nickname) {
            if let fingerprint = descriptor.fingerprint { identities.insert(fingerprint) }
        }
        for extra in sources.extraInfos where matches(extra.fingerprint, extra.nickname) { identities.insert(extra.fingerprint) }
        if let wanted {
            for micro in sources.microdescriptors where micro.rsa1024Identity == wanted {
                identities.insert(wanted)
                microOnly.append(micro)
            }
        }
        let descriptors = sources.latestDescriptors
        let micros = sources.microdescriptorsByDigest
        return identities.sorted().map { identity in
            var report = RelayReport(fingerprint: identity)
            report.consensus = sources.consensus
            report.entry = sources.consensus?.entry(for: identity)
            report.descriptor = descriptors[identity]
            report.extraInfo = sources.extraInfos.filter { $0.fingerprint == identity }
                .max { ($0.published?.secondsSince1970 ?? 0) < ($1.published?.secondsSince1970 ?? 0) }
            if let digest = report.entry?.microdescriptorDigest { report.microdescriptor = micros[digest] }
            if report.microdescriptor == nil {
                report.microdescriptor = sources.microdescriptors.first { $0.rsa1024Identity == identity } ?? microOnly.first
            }
            report.nickname = report.entry?.nickname ?? report.descriptor?.nickname ?? report.extraInfo?.nickname
            return report
        }
    }

    var json: JSONValue {
        .object([
            ("fingerprint", .optional(fingerprint) { .string($0.hex) }),
            ("nickname", .optional(nickname) { .string($0) }),
            ("bad_exit", .optional(entry) { .bool($0.flags.contains(.badExit)) }),
            ("analysis", .optional(analysis.flatMap { analysis in fingerprint.map { analysis.json(for: $0, report: self) } }) { $0 }),
            ("consensus", .optional(entry) { $0.stemJSON }),
            ("server_descriptor", .optional(descriptor) { $0.stemJSON }),
            ("microdescriptor", .optional(microdescriptor) { $0.stemJSON }),
            ("extra_info", .optional(extraInfo) { $0.stemJSON }),
        ])
    }

    func textLines(color: ColorChoice) -> [String] {
        var lines = [color.bold("relay \(nickname ?? "?") \(fingerprint?.hex ?? "-")")]
        if entry?.flags.contains(.badExit) == true {
            lines.append(color.red("BadExit: the authorities flag this relay as a bad exit; tor clients never exit through it"))
        }
        func section(_ title: String, _ value: JSONValue?) {
            guard let value, case .object(let pairs) = value else {
                lines.append(color.dim("\(title): not in the given files"))
                return
            }
            lines.append(color.bold(title + ":"))
            let shown = pairs.compactMap { key, value in Self.text(value).map { (key, $0) } }
            let width = shown.map(\.0.count).max() ?? 0
            for (key, text) in shown { lines.append("  " + key.padded(to: width) + "  " + text) }
        }
        let validAfter = consensus?.header.validAfter.map { ", valid-after \($0)" } ?? ""
        section("consensus entry\(validAfter)", entry?.stemJSON)
        if let analysis, let fingerprint { lines += analysis.textLines(for: fingerprint, report: self, color: color) }
        section("server descriptor", descriptor?.stemJSON)
        section("microdescriptor", microdescriptor?.stemJSON)
        section("extra-info descriptor", extraInfo?.stemJSON)
        return lines
    }

    /// A value as one line of text; `nil` for empty values (null, [], {}), which are left out.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag ? "yes" : "no"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let string):
            if string.isEmpty { return nil }
            if string.contains("\n") { return "(\(string.split(separator: "\n").count) lines; see --json)" }
            return string
        case .array(let values):
            if values.isEmpty { return nil }
            if values.allSatisfy({ if case .array = $0 { false } else if case .object = $0 { false } else { true } }) {
                return values.compactMap(text).joined(separator: ", ")
            }
            return value.serialized()
        case .object(let pairs):
            return pairs.isEmpty ? nil : value.serialized()
        }
    }
}
