/// Router status entries with no consensus around them: what tor's ControlPort answers to
/// `GETINFO ns/all` and `ns/id/<fingerprint>`, and the data of a `NEWCONSENSUS` event
/// (control-spec §4.1.12): `r`, `s`, `w` (and sometimes `a`, `v`, `pr`, `p`, `m`) lines, one
/// entry per `r` line, no header and no footer.
///
/// ```swift
/// let list = try RouterStatusEntryList(parsing: reply[...])
/// for entry in list.entries { print(entry.nickname, entry.address, entry.flags.contains(.exit)) }
/// ```
public struct RouterStatusEntryList: Sendable {
    /// The entries, in the order tor wrote them.
    public let entries: [RouterStatusEntry]
    /// Entries left out in lenient mode (their `r` line did not parse), and lines before the
    /// first `r` line; each names its line.
    public let skipped: [DescriptorParseError]

    /// Reads every entry of `bytes`. Strict mode throws on the first problem; lenient mode
    /// (the default) skips an entry whose `r` line is unusable and records it in ``skipped``.
    /// `flavor` says whether `r` lines carry a descriptor digest (ns, as the ControlPort writes
    /// them) or not (microdesc); lenient mode accepts both either way.
    public init(parsing bytes: ArraySlice<UInt8>, flavor: ConsensusFlavor = .ns, mode: ValidationMode = .lenient) throws(DescriptorParseError) {
        var scanner = RouterStatusEntryScanner(bytes: bytes, flavor: flavor, mode: mode, position: bytes.startIndex, line: 1)
        var entries: [RouterStatusEntry] = []
        try scanner.collect(into: &entries)
        // The scanner stops at a footer keyword; here nothing may follow the entries.
        if scanner.position < bytes.endIndex {
            let failure = DescriptorParseError(document: ConsensusKind.document, line: scanner.line, keyword: nil,
                                               failure: .misplacedKeyword(expected: "router status entries only (no footer or signature)"))
            if mode.isStrict { throw failure }
            self.skipped = scanner.skipped + [failure]
        } else {
            self.skipped = scanner.skipped
        }
        self.entries = entries
    }
}
