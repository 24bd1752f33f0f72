import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `tordesc families`: the effective relay families of the given descriptors.
struct Families: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "families",
        abstract: "List relay families as tor computes them, with their bandwidth and path-selection share.",
        discussion: """
            Two relays are one family when each one's family line names the other (by $FINGERPRINT,
            $FINGERPRINT=nick, $FINGERPRINT~nick or nickname), or when they share a family id whose
            family-cert verifies (tor 0.4.9, proposal 321; microdescriptors' family-ids lines as
            the authorities wrote them). Families come from --descriptors (server descriptors),
            or from --microdescriptors with the --consensus that names them. With a consensus,
            each family shows its consensus weight and its summed guard, middle and exit
            probabilities; with tor's GeoIP files, its countries. A family marked "incomplete"
            holds pairs of relays that do not name each other (tor lets those share a circuit).
            One-sided declarations (a relay naming another that does not name it back) follow.

            Examples:
              tordesc families --descriptors Resources/corpus/server-descriptors/2020-02-29-10-05-00-server-descriptors
              tordesc families --consensus cached-microdesc-consensus --microdescriptors cached-microdescs --json
            """
    )

    @OptionGroup var sources: SourceOptions
    @OptionGroup var geoip: GeoIPOptions

    @Option(help: "How many families to list in text output, largest first (JSON lists all).")
    var limit = 20

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "Never colour the output (also: the NO_COLOR environment variable).")
    var noColor = false

    func run() async throws {
        guard !sources.descriptors.isEmpty || !sources.microdescriptors.isEmpty else {
            throw reportError("name --descriptors (server descriptors) or --microdescriptors with --consensus")
        }
        if sources.descriptors.isEmpty, sources.consensus == nil {
            throw reportError("microdescriptors carry no identity: name the --consensus that lists them")
        }
        let loaded = try sources.load()
        let report = FamilyReport(sources: loaded, countries: try geoip.load())
        var output = BufferedOutput()
        if json {
            output.write(report.json(limit: nil).serialized())
        } else {
            for line in report.textLines(color: ColorChoice(noColor: noColor), limit: limit) { output.write(line) }
        }
        output.flush()
        if loaded.failures > 0 { throw ExitCode.failure }
    }
}

/// Families with what the consensus and GeoIP say about their members.
struct FamilyReport {
    let families: RelayFamilies
    let consensus: NetworkStatusConsensus?
    let selection: PathSelection?
    let countries: CountryLookup?
    let entries: [Fingerprint: RouterStatusEntry]

    init(sources: RelaySources, countries: CountryLookup?) {
        families = RelayFamilies(members: sources.familyMembers)
        consensus = sources.consensus
        selection = sources.consensus.flatMap { PathSelection($0) }
        self.countries = countries
        var entries: [Fingerprint: RouterStatusEntry] = [:]
        for entry in sources.consensus?.entries ?? [] { entries[entry.fingerprint] = entry }
        self.entries = entries
    }

    func nickname(_ fingerprint: Fingerprint) -> String {
        families.members[fingerprint]?.nickname ?? entries[fingerprint]?.nickname ?? "?"
    }

    func country(_ fingerprint: Fingerprint) -> String? {
        entries[fingerprint].flatMap { countries?.countryCode(of: $0) }
    }

    /// Consensus weight summed over `members` (those the consensus lists).
    func weight(_ members: [Fingerprint]) -> Int { members.reduce(0) { $0 + (entries[$1]?.bandwidth ?? 0) } }

    func exits(_ members: [Fingerprint]) -> Int {
        members.filter { entries[$0].map { $0.flags.contains(.exit) && !$0.flags.contains(.badExit) } ?? false }.count
    }

    func countryCodes(_ members: [Fingerprint]) -> [String] { Set(members.compactMap(country)).sorted() }

    func textLines(color: ColorChoice, limit: Int) -> [String] {
        let inFamilies = families.families.reduce(0) { $0 + $1.members.count }
        var lines = [color.bold("\(Formatting.grouped(families.members.count)) relays, \(Formatting.grouped(families.families.count)) families holding \(Formatting.grouped(inFamilies)) of them, \(Formatting.grouped(families.oneSided.count)) one-sided declarations")]
        if let consensus, let validAfter = consensus.header.validAfter { lines.append("  consensus valid-after \(validAfter)") }
        if let date = countries?.dateText { lines.append("  countries from tor's GeoIP files (\(date))") }
        var table = TextTable(headers: ["#", "RELAYS", "EXITS", "WEIGHT", "GUARD", "MIDDLE", "EXIT", "CC", "FAMILY ID", "MEMBERS"])
        table.rightAligned = [0, 1, 2, 3, 4, 5, 6]
        for (index, family) in families.families.prefix(limit).enumerated() {
            let total = selection?.total(of: family.members)
            let names = family.members.map(nickname).joined(separator: " ")
            table.add([String(index + 1), String(family.members.count) + (family.isComplete ? "" : "*"), String(exits(family.members)),
                       Formatting.grouped(weight(family.members)), Formatting.probability(total?.guardProbability),
                       Formatting.probability(total?.middleProbability), Formatting.probability(total?.exitProbability),
                       countryCodes(family.members).joined(separator: ","), family.familyIDs.first.map { Formatting.truncated($0, to: 20) } ?? "-",
                       Formatting.truncated(names, to: 60)])
        }
        if !families.families.isEmpty {
            lines.append("")
            lines += table.render(color: color).map { "  " + $0 }
            if families.families.count > limit { lines.append("  (\(families.families.count - limit) smaller families; --limit or --json for all)") }
            if families.families.contains(where: { !$0.isComplete }) {
                lines.append(color.dim("  * incomplete: some members do not name each other, and tor lets those share a circuit"))
            }
        }
        if !families.oneSided.isEmpty {
            lines.append("")
            lines.append(color.bold("one-sided declarations (the named relay does not name the declarer back)"))
            for declaration in families.oneSided.prefix(limit) {
                lines.append("  \(nickname(declaration.declarer)) \(declaration.declarer.hex) names \(nickname(declaration.declared)) \(declaration.declared.hex)")
            }
            if families.oneSided.count > limit { lines.append("  (\(families.oneSided.count - limit) more; --json for all)") }
        }
        let rejected = families.members.values.filter { !$0.rejectedFamilyIDs.isEmpty }.sorted { $0.fingerprint < $1.fingerprint }
        for member in rejected {
            for (id, reason) in member.rejectedFamilyIDs {
                lines.append(color.red("  \(member.nickname) \(member.fingerprint.hex): family-cert \(id) rejected: \(reason)"))
            }
        }
        return lines
    }

    func json(limit: Int?) -> JSONValue {
        func member(_ fingerprint: Fingerprint) -> JSONValue {
            .object([
                ("fingerprint", .string(fingerprint.hex)),
                ("nickname", .string(nickname(fingerprint))),
                ("consensus_weight", .optional(entries[fingerprint]?.bandwidth) { .int($0) }),
                ("country", .optional(country(fingerprint)) { .string($0.lowercased()) }),
                ("family_ids", .array((families.members[fingerprint]?.familyIDs ?? []).map(JSONValue.string))),
                ("effective_family", .array(families.effectiveFamily(of: fingerprint).map { .string($0.hex) })),
            ])
        }
        let listed = limit.map { Array(families.families.prefix($0)) } ?? families.families
        return .object([
            ("relays", .int(families.members.count)),
            ("valid_after", .optional(consensus?.header.validAfter) { .string($0.description) }),
            ("geoip_date", .optional(countries?.dateText) { .string($0) }),
            ("families", .array(listed.map { family in
                .object([
                    ("size", .int(family.members.count)),
                    ("complete", .bool(family.isComplete)),
                    ("family_ids", .array(family.familyIDs.map(JSONValue.string))),
                    ("exits", .int(exits(family.members))),
                    ("consensus_weight", .int(weight(family.members))),
                    ("probabilities", .optional(selection?.total(of: family.members)) { $0.json }),
                    ("countries", .array(countryCodes(family.members).map { .string($0.lowercased()) })),
                    ("members", .array(family.members.map(member))),
                ])
            })),
            ("one_sided", .array(families.oneSided.map {
                .object([("declarer", .string($0.declarer.hex)), ("declared", .string($0.declared.hex))])
            })),
            ("unresolved", .array(families.unresolved.map {
                .object([("declarer", .string($0.declarer.hex)), ("entry", .string($0.entry))])
            })),
            ("rejected_family_certs", .array(families.members.values.sorted { $0.fingerprint < $1.fingerprint }.flatMap { member in
                member.rejectedFamilyIDs.map { .object([("fingerprint", .string(member.fingerprint.hex)), ("family_id", .string($0.id)), ("reason", .string($0.reason))]) }
            })),
        ])
    }
}
