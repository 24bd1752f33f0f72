import Foundation
import Testing
@testable import TorDescriptors

/// Our strict rules against tor's token tables (`Resources/tor-token-rules/tor-token-rules.tsv`,
/// written by `scripts/extract-tor-token-rules.py` from tor's source): every rule that names a
/// tor table must match tor's row or say why not, and every reason is listed in the README.
@Suite struct TorTokenRulesTests {
    struct TorRow: Hashable {
        let table, keyword, count, arguments, object, source: String
    }

    static let torRows: [TorRow] = {
        let path = ProjectFiles.root.path + "/Resources/tor-token-rules/tor-token-rules.tsv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return TorRow(table: f[0], keyword: f[1], count: f[2], arguments: f[3], object: f[4], source: f[5])
        }
    }()

    /// Every rule table of the library.
    static let ours: [TorNotationRow] = ServerDescriptor.relayRules.torNotationRows
        + ServerDescriptor.bridgeRules.torNotationRows
        + ExtraInfoRules.relay.torNotationRows + ExtraInfoRules.bridge.torNotationRows
        + Microdescriptor.rules.torNotationRows + KeyCertificate.rules.torNotationRows
        + DetachedSignatures.rules.torNotationRows + BridgeNetworkStatusParser.rules.torNotationRows
        + HeaderKey.consensusRules.torNotationRows + HeaderKey.voteRules.torNotationRows

    /// tor rows no table of ours compares, and why.
    static let notCompared: [String: String] = [
        "rtrstatus_token_table": "router status entries are read by the entry scanner, which has no rule table yet",
        "networkstatus_vote_footer_token_table": "the footer reader has no rule table yet",
    ]
    static let notComparedKeywords: [String: String] = [
        "opt": "the tokenizer strips `opt ` before looking the keyword up, as tor does",
        "@purpose": "annotations are read by the tokenizer, not checked by rules",
        "@last-listed": "annotations are read by the tokenizer, not checked by rules",
    ]
    /// The vote table also holds the vote's embedded key certificate, which tor reads with it.
    static let voteCertificateKeywords: Set<String> = [
        "dir-key-certificate-version", "dir-identity-key", "dir-key-published", "dir-key-expires", "dir-signing-key",
        "dir-key-crosscert", "dir-key-certification", "dir-address", "fingerprint", "signing-ed25519",
    ]

    @Test func torRulesAreLoaded() {
        #expect(Self.torRows.count > 150, "Resources/tor-token-rules/tor-token-rules.tsv missing or short")
    }

    /// A rule naming a tor table matches tor's row exactly, or carries the reason it differs;
    /// a reason on a rule that matches is stale.
    @Test func everyRuleMatchesTorOrSaysWhy() {
        let tor = Dictionary(Self.torRows.map { ("\($0.table) \($0.keyword)", $0) }, uniquingKeysWith: { first, _ in first })
        var compared = 0
        for row in Self.ours where row.source.isTor {
            guard let theirs = tor["\(row.source.table) \(row.keyword)"] else {
                Issue.record("\(row.kind) \(row.keyword): tor's \(row.source) has no such keyword")
                continue
            }
            compared += 1
            // tor's `T` (obsolete documents) is `T0N` in all but name.
            let torCount = theirs.count == "T" ? "T0N" : theirs.count
            let same = (torCount, theirs.arguments, theirs.object) == (row.count, row.arguments, row.object)
            if same, let reason = row.difference {
                Issue.record("\(row.kind) \(row.keyword) matches tor but claims a difference: \(reason)")
            }
            if !same, row.difference == nil {
                Issue.record("\(row.kind) \(row.keyword): ours \(row.count) \(row.arguments) \(row.object), tor \(theirs.count) \(theirs.arguments) \(theirs.object)")
            }
        }
        #expect(compared >= 120)
    }

    /// Every tor rule is compared by some table of ours, or is listed here as not compared.
    @Test func everyTorRuleIsComparedOrListed() {
        let covered = Set(Self.ours.filter(\.source.isTor).map { "\($0.source.table) \($0.keyword)" })
        for row in Self.torRows where !covered.contains("\(row.table) \(row.keyword)") {
            if Self.notCompared[row.table] != nil || Self.notComparedKeywords[row.keyword] != nil { continue }
            if row.table == "networkstatus_token_table", Self.voteCertificateKeywords.contains(row.keyword) { continue }
            Issue.record("tor's \(row.table) \(row.keyword) (\(row.count) \(row.arguments) \(row.object)) has no rule of ours")
        }
    }

    /// Each keyword enum case has a rule, so lenient lookups find every keyword the parser handles.
    @Test func everyKeywordHasARule() {
        #expect(ServerDescriptor.relayRules.keywordsWithoutRule == [])
        #expect(ExtraInfoRules.relay.keywordsWithoutRule == [])
        #expect(Microdescriptor.rules.keywordsWithoutRule == [])
        #expect(KeyCertificate.rules.keywordsWithoutRule == [])
        #expect(DetachedSignatures.rules.keywordsWithoutRule == [])
        #expect(BridgeNetworkStatusParser.rules.keywordsWithoutRule == [])
        #expect(HeaderKey.consensusRules.keywordsWithoutRule == [])
        #expect(HeaderKey.voteRules.keywordsWithoutRule == [])
    }

    /// The README's "Strict mode and tor's token rules" section lists every difference.
    @Test func readmeListsEveryDifference() throws {
        let readme = try String(contentsOfFile: ProjectFiles.root.path + "/README.md", encoding: .utf8)
        let differences = Set(Self.ours.compactMap { row in row.difference.map { "- `\(row.source.table)` `\(row.keyword)`: \($0)" } })
        #expect(differences.count >= 10)
        for line in differences.sorted() where !readme.contains(line) {
            Issue.record("README lacks: \(line)")
        }
    }
}
