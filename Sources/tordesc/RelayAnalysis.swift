#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// What `tordesc relay` adds beyond the documents: path-selection probabilities, country,
/// effective family and the ContactInfo fields, computed once per run for every report.
struct RelayAnalysis {
    let selection: PathSelection?
    let families: RelayFamilies?
    let countries: CountryLookup?

    init(sources: RelaySources, countries: CountryLookup?) {
        selection = sources.consensus.flatMap { PathSelection($0) }
        let members = sources.familyMembers
        families = members.isEmpty ? nil : RelayFamilies(members: members)
        self.countries = countries
    }

    func country(of report: RelayReport) -> String? {
        guard let countries else { return nil }
        if let entry = report.entry { return countries.countryCode(of: entry) }
        return report.descriptor.flatMap { countries.countryCode(for: $0.address) }
    }

    func contact(of report: RelayReport) -> ContactInfo? {
        report.descriptor?.contact.map { ContactInfo(parsing: $0[...]) }
    }

    private func name(_ fingerprint: Fingerprint) -> String {
        (families?.members[fingerprint]?.nickname ?? "?") + " " + fingerprint.hex
    }

    func textLines(for fingerprint: Fingerprint, report: RelayReport, color: ColorChoice) -> [String] {
        var lines: [String] = []
        func row(_ key: String, _ value: String) { lines.append("  " + key.padded(to: 18) + value) }
        if let selection, let chances = selection[fingerprint] {
            lines.append(color.bold("path selection (bandwidth-weights, bwweightscale \(selection.weights.scale)):"))
            row("consensus weight", Formatting.probability(chances.consensusWeightFraction))
            row("guard", Formatting.probability(chances.guardProbability))
            row("middle", Formatting.probability(chances.middleProbability))
            row("exit", Formatting.probability(chances.exitProbability))
        } else if report.entry != nil {
            lines.append(color.dim("path selection: the consensus has no usable bandwidth-weights"))
        }
        if let countries {
            lines.append(color.bold("country:") + " " + (country(of: report) ?? "unknown") + color.dim(" (tor's GeoIP files\(countries.dateText.map { ", \($0)" } ?? ""))"))
        }
        if let families, let member = families.members[fingerprint] {
            let effective = families.effectiveFamily(of: fingerprint)
            lines.append(color.bold("effective family: \(effective.count) other relay\(effective.count == 1 ? "" : "s")"))
            for other in effective { row("", name(other)) }
            for other in families.oneSidedDeclarations(of: fingerprint) {
                lines.append(color.red("  names \(name(other)), which does not name it back"))
            }
            for id in member.familyIDs { row("family id", id + " (verified)") }
            for (id, reason) in member.rejectedFamilyIDs { lines.append(color.red("  family id         \(id) rejected: \(reason)")) }
        }
        if let contact = contact(of: report), contact.isSpecified {
            lines.append(color.bold("contact info (ContactInfo sharing spec, version \(contact.version ?? 0)):"))
            for field in contact.fields { row(field.key, field.key == "email" || field.key == "abuse" ? (field.key == "email" ? contact.email! : contact.abuse!) : field.value) }
            if let location = contact.proofLocation(for: fingerprint) { row("proof at", location + " (not fetched)") }
        }
        return lines
    }

    func json(for fingerprint: Fingerprint, report: RelayReport) -> JSONValue {
        let member = families?.members[fingerprint]
        let contact = contact(of: report)
        return .object([
            ("probabilities", .optional(selection?[fingerprint]) { $0.json }),
            ("country", .optional(country(of: report)) { .string($0.lowercased()) }),
            ("geoip_date", .optional(countries?.dateText) { .string($0) }),
            ("effective_family", .optional(families.flatMap { member == nil ? nil : $0.effectiveFamily(of: fingerprint) }) { .array($0.map { .string($0.hex) }) }),
            ("one_sided_family", .optional(families.flatMap { member == nil ? nil : $0.oneSidedDeclarations(of: fingerprint) }) { .array($0.map { .string($0.hex) }) }),
            ("family_ids", .optional(member?.familyIDs) { .array($0.map(JSONValue.string)) }),
            ("contact_info", .optional(contact.flatMap { $0.isSpecified ? $0 : nil }) { info in
                .object(info.fields.map { field in
                    (field.key, .string(field.key == "email" ? info.email! : field.key == "abuse" ? info.abuse! : field.value))
                })
            }),
        ])
    }
}
