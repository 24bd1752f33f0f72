/// The keywords of a router status entry, as tor's `rtrstatus_token_table` names them.
enum EntryKeyword: String, DocumentKeyword {
    case r, a, s, v, pr, w, p, m, id, stats
}

extension RouterStatusEntry {
    /// What strict mode checks on every entry of a consensus (both flavors), as rules: tor's
    /// `rtrstatus_token_table` (ns_parse.c), which tor uses for entries of consensuses and votes
    /// of every flavor. The entry scanner reads the lines themselves (the hot path) and, in strict
    /// mode, holds a plain entry to these rules in the same pass; an unusual one (unknown keywords,
    /// objects, a vote's entry) is tokenized once more and checked against this table
    /// (`TorTokenRulesTests` compares the table with tor's).
    static let consensusRules = KeywordRules<EntryKeyword>(kind: .networkStatusConsensus,
                                                           source: .tor("ns_parse.c", "rtrstatus_token_table"), [
        .once(.r, .atLeast(7), .forbidden),
        .any(.a, .atLeast(1), .forbidden),
        .once(.s, .any, .forbidden),
        .atMostOnce(.v, .concat, .forbidden),
        .atMostOnce(.pr, .concat, .forbidden,
                    differs: "tor 0.4.8 requires pr (T1); entries of consensuses made before tor 0.2.9 (2016) have none, and strict mode reads archived documents"),
        .atMostOnce(.w, .any, .forbidden),
        .atMostOnce(.p, .concat, .forbidden),
        .atMostOnce(.m, .concat, .forbidden,
                    differs: "tor's table allows any number (votes list one m line per group of consensus methods); a consensus entry has one digest, and strict refuses a second"),
        .atMostOnce(.id, .atLeast(2), .forbidden,
                    differs: "tor's table allows any number; a vote entry names one ed25519 identity, and the entry keeps one"),
        .any(.stats, .any, .forbidden, source: .spec("3.4.1 stats (votes only)")),
    ])

    /// Votes: as consensuses, but with tor's any number of `m` lines.
    static let voteRules = consensusRules.replacing(kind: .networkStatusVote, [
        .any(.m, .concat, .forbidden),
    ])
}

extension RouterStatusEntryScanner {
    /// Strict mode's rule check of one entry the scan could not vouch for (`bytes[range]`,
    /// starting on `line`): tokenized on its own and held to ``RouterStatusEntry/consensusRules``
    /// (or the vote rules).
    func checkRules(_ range: Range<Int>, line: Int) -> DescriptorParseError? {
        do throws(DescriptorParseError) {
            let document = try Tokenizer.tokenize(bytes[range], kind: kind, mode: .strict, firstLine: line)
            try (isVote ? RouterStatusEntry.voteRules : RouterStatusEntry.consensusRules).check(document)
            return nil
        } catch {
            return error
        }
    }
}
