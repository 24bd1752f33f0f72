#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `tordesc summary`'s path-selection part: the weights, the relays most likely picked for each
/// position, and the probabilities summed by country when tor's GeoIP files are at hand.
struct PathSelectionSummary {
    struct CountryTotal {
        var code: String
        var relays = 0
        var chances = SelectionProbabilities()
    }

    let selection: PathSelection?
    let top: [(position: PathPosition, entries: [(RouterStatusEntry, Double)])]
    let countries: [CountryTotal]
    let geoipDate: String?

    init(_ consensus: NetworkStatusConsensus, countries lookup: CountryLookup?, topCount: Int = 5) {
        let selection = PathSelection(consensus)
        self.selection = selection
        top = PathPosition.allCases.map { position in
            guard let selection else { return (position, []) }
            let ranked = consensus.entries.map { ($0, selection[$0.fingerprint]?[position] ?? 0) }.filter { $0.1 > 0 }
            return (position, Array(ranked.sorted { $0.1 > $1.1 }.prefix(topCount)))
        }
        var byCountry: [String: CountryTotal] = [:]
        if let lookup {
            for entry in consensus.entries {
                let code = lookup.countryCode(of: entry) ?? "??"
                byCountry[code, default: CountryTotal(code: code)].relays += 1
            }
            if let selection {
                for (code, sum) in selection.totals(of: consensus.entries, by: { lookup.countryCode(of: $0) ?? "??" }) {
                    byCountry[code]?.chances = sum
                }
            }
        }
        countries = byCountry.values.sorted {
            $0.chances.consensusWeightFraction != $1.chances.consensusWeightFraction
                ? $0.chances.consensusWeightFraction > $1.chances.consensusWeightFraction : $0.code < $1.code
        }
        geoipDate = lookup?.dateText
    }

    func textLines(color: ColorChoice, countryLimit: Int) -> [String] {
        var lines = ["", color.bold("path selection")]
        guard let selection else {
            lines.append("  no usable bandwidth-weights line: tor's client falls back to unweighted selection")
            return lines
        }
        let w = selection.weights
        func f(_ value: Double) -> String { Formatting.fixed(value, digits: 4) }
        lines.append("  weights (÷ bwweightscale \(w.scale))  Wgg \(f(w.wgg)) Wgd \(f(w.wgd)) Wmg \(f(w.wmg)) Wmm \(f(w.wmm)) Wme \(f(w.wme)) Wmd \(f(w.wmd)) Wee \(f(w.wee)) Wed \(f(w.wed))")
        var table = TextTable(headers: ["POSITION", "RELAY", "FINGERPRINT", "PROBABILITY"])
        table.rightAligned = [3]
        for (position, entries) in top {
            for (index, (entry, probability)) in entries.enumerated() {
                table.add([index == 0 ? position.rawValue : "", entry.nickname, entry.fingerprint.hex, Formatting.probability(probability)])
            }
        }
        lines += table.render(color: color).map { "  " + $0 }
        if !countries.isEmpty {
            lines.append("")
            lines.append(color.bold("countries (tor's GeoIP files\(geoipDate.map { ", \($0)" } ?? ""); \(countries.count) distinct)"))
            var byCountry = TextTable(headers: ["CC", "RELAYS", "WEIGHT", "GUARD", "MIDDLE", "EXIT"])
            byCountry.rightAligned = [1, 2, 3, 4, 5]
            for country in countries.prefix(countryLimit) {
                byCountry.add([country.code.lowercased(), Formatting.grouped(country.relays), Formatting.probability(country.chances.consensusWeightFraction),
                               Formatting.probability(country.chances.guardProbability), Formatting.probability(country.chances.middleProbability),
                               Formatting.probability(country.chances.exitProbability)])
            }
            lines += byCountry.render(color: color).map { "  " + $0 }
        }
        return lines
    }

    var json: JSONValue {
        guard let selection else { return .null }
        let w = selection.weights
        return .object([
            ("bwweightscale", .int(Int(w.scale))),
            ("weights", .object([("Wgg", w.wgg), ("Wgd", w.wgd), ("Wmg", w.wmg), ("Wmm", w.wmm), ("Wme", w.wme), ("Wmd", w.wmd),
                                 ("Wee", w.wee), ("Wed", w.wed)].map { ($0.0, .double($0.1)) })),
            ("top", .object(top.map { position, entries in
                (position.rawValue, .array(entries.map { entry, probability in
                    .object([("fingerprint", .string(entry.fingerprint.hex)), ("nickname", .string(entry.nickname)), ("probability", .double(probability))])
                }))
            })),
            ("geoip_date", .optional(geoipDate) { .string($0) }),
            ("countries", .array(countries.map { country in
                .object([("country", .string(country.code.lowercased())), ("relays", .int(country.relays))] + {
                    if case .object(let pairs) = country.chances.json { return pairs } else { return [] }
                }())
            })),
        ])
    }
}
