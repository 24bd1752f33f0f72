#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `tordesc health --html FILE`: one self-contained page (inline CSS, no scripts, no external
/// resources) with the tables consensus-health shows: findings, flags per authority, relays
/// with minority flags, bandwidth measurements and shared-random participation.
enum HealthHTML {
    static func page(_ report: ConsensusHealthReport, votes: [NetworkStatusVote], consensus: NetworkStatusConsensus?, time: TorTimestamp) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Consensus health</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; background: #fff; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
            th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            tr.error td:first-child { background: #f4b6b6; } tr.warning td:first-child { background: #f7e0a3; } tr.info td:first-child { background: #d5e5f5; }
            code { font-size: 12px; }
            </style></head><body>

            """
        let validAfter = consensus?.header.validAfter?.description ?? votes.compactMap(\.header.validAfter).max()?.description ?? "-"
        html += "<h1>Consensus health</h1>\n<p>Period valid-after \(escape(validAfter)); checked at \(escape(time.description)); "
        html += "\(votes.count) votes of \(report.expectedAuthorities.count) authorities.</p>\n"

        html += "<h2>Findings</h2>\n"
        html += table(["severity", "check", "authorities", "message"], report.findings.map { finding in
            (finding.severity.rawValue, [finding.severity.rawValue, finding.check.rawValue,
                                         finding.authorities.map(\.nickname).joined(separator: ", "), finding.message].map { cell($0) })
        }, empty: "No findings.")

        let rows = report.comparison.authorities
        var flags: [String] = []
        for row in rows { flags += row.flagCounts.keys.filter { !flags.contains($0) } }
        flags.sort()
        html += "<h2>Flags per authority</h2>\n"
        html += table(["authority", "relays", "missing"] + flags, rows.map { row in
            ("", [cell(row.authority.nickname), number(row.relayCount), number(row.missingRelays.count)]
                + flags.map { row.flagCounts[$0].map(number) ?? cell("-") })
        }, empty: "No votes.")

        html += "<h2>Relays given a flag by a minority</h2>\n"
        html += table(["relay", "nickname", "flag", "given by", "withheld by"], report.comparison.minorityFlags.map { item in
            ("", [cell(item.relay.hex, code: true), cell(item.nickname), cell(item.flag),
                  cell(item.givenBy.map(\.nickname).joined(separator: ", ")), cell(item.withheldBy.map(\.nickname).joined(separator: ", "))])
        }, empty: "Every flag was given by a majority or by nobody.")

        html += "<h2>Bandwidth measurements</h2>\n"
        html += table(["authority", "relays", "measured", "share"], rows.map { row in
            ("", [cell(row.authority.nickname), number(row.relayCount), number(row.measuredCount),
                  cell(row.relayCount == 0 ? "-" : Formatting.fixed(Double(row.measuredCount) * 100 / Double(row.relayCount), digits: 1) + "%")])
        }, empty: "No votes.")

        html += "<h2>Shared randomness</h2>\n"
        html += table(["authority", "participates", "commits in vote", "own commit", "own reveal", "current SRV"], votes.map { vote in
            let author = ConsensusHealth.author(of: vote)
            let own = vote.sharedRandomCommits.first { $0.identity == author?.identity }
            return ("", [cell(author?.nickname ?? "?"), cell(vote.sharedRandomParticipate ? "yes" : "no"), number(vote.sharedRandomCommits.count),
                         cell(own == nil ? "no" : "yes"), cell(own?.reveal == nil ? "no" : "yes"),
                         cell(vote.header.sharedRandomCurrent?.base64 ?? "-", code: true)])
        }, empty: "No votes.")
        return html + "</body></html>\n"
    }

    private static func table(_ headers: [String], _ rows: [(rowClass: String, cells: [String])], empty: String) -> String {
        guard !rows.isEmpty else { return "<p>\(escape(empty))</p>\n" }
        var html = "<table>\n<tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            html += (row.rowClass.isEmpty ? "<tr>" : "<tr class=\"\(row.rowClass)\">") + row.cells.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }

    private static func cell(_ text: String, code: Bool = false) -> String {
        code ? "<td><code>\(escape(text))</code></td>" : "<td>\(escape(text))</td>"
    }

    private static func number(_ value: Int) -> String { "<td class=\"n\">\(value)</td>" }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
