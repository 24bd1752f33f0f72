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
        + RouterStatusEntry.consensusRules.torNotationRows + RouterStatusEntry.voteRules.torNotationRows
        + FooterKey.rules.torNotationRows

    /// tor rows no table of ours compares, and why.
    static let notCompared: [String: String] = [:]
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

    /// The entry rules are enforced, not only listed: `id` takes two arguments (tor's `GE(2)`),
    /// which the entry scanner itself does not check. A real vote passes strict; with its first
    /// `id` line cut to one argument, strict names the line and keyword, and lenient still reads it.
    @Test func entryRulesAreEnforcedInStrictMode() throws {
        let bytes = try ProjectFiles.corpus("votes/cropped--2026-07-27-10-00-00-vote-tor26-arti-live")
        _ = try NetworkStatusVote(parsing: bytes, mode: .strict)
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("id ed25519 ") })
        lines[index] = "id ed25519"
        let cut = Array(lines.joined(separator: "\n").utf8)
        #expect(throws: DescriptorParseError.self) { try NetworkStatusVote(parsing: cut, mode: .strict) }
        do {
            _ = try NetworkStatusVote(parsing: cut, mode: .strict)
        } catch {
            #expect(error.line == index + 1 && error.keyword == "id", "\(error)")
        }
        #expect(try NetworkStatusVote(parsing: cut).entries.count == NetworkStatusVote(parsing: bytes).entries.count)
    }

    /// A footer with two `bandwidth-weights` lines breaks the footer table's `T01`.
    @Test func footerRulesAreEnforcedInStrictMode() throws {
        let bytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        _ = try NetworkStatusConsensus(parsing: bytes, mode: .strict)
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("bandwidth-weights ") })
        lines.insert(lines[index], at: index + 1)
        let doubled = Array(lines.joined(separator: "\n").utf8)
        do {
            _ = try NetworkStatusConsensus(parsing: doubled, mode: .strict)
            Issue.record("a second bandwidth-weights line passed strict mode")
        } catch {
            #expect(error.keyword == "bandwidth-weights" && error.line == index + 2, "\(error)")
        }
    }

    /// tor base64-decodes every object body as it tokenizes; strict does too. A real server
    /// descriptor with one `*` in its `router-signature` body fails strict at that item and
    /// still parses leniently (where signature verification then reports it).
    @Test func objectBodiesMustBeBase64InStrictMode() throws {
        let bytes = try ProjectFiles.corpus("server-descriptors/2026-07-arti-live--Akka")
        _ = try ServerDescriptor(parsing: bytes, mode: .strict)
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let keyword = try #require(lines.firstIndex(of: "router-signature"))
        #expect(lines[keyword + 1] == "-----BEGIN SIGNATURE-----")
        lines[keyword + 2] = "*" + lines[keyword + 2].dropFirst()
        let broken = Array(lines.joined(separator: "\n").utf8)
        do {
            _ = try ServerDescriptor(parsing: broken, mode: .strict)
            Issue.record("a signature body with '*' passed strict mode")
        } catch {
            #expect(error.keyword == "router-signature" && "\(error)".contains("base64"), "\(error)")
        }
        _ = try ServerDescriptor(parsing: broken)
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
