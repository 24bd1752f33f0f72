/// A network-status vote (`vote-status vote`, dir-spec §3.4.1): one authority's opinion, with
/// its preamble, one authority section, its embedded key certificate, entries with `m` lines per
/// consensus-method set, and its signature.
///
/// The fields it shares with a consensus live in ``header`` (reachable directly:
/// `vote.validAfter`).
///
/// ```swift
/// let vote = try NetworkStatusVote(parsing: Array(try Data(contentsOf: url)))
/// print(vote.published!, vote.consensusMethods, vote.sharedRandomCommits.count, vote.entries.count)
/// ```
@dynamicMemberLookup
public struct NetworkStatusVote: ParsableDocument, Sendable {
    public static let startKeywords = ["network-status-version"]

    public let rawBytes: ArraySlice<UInt8>
    public let annotations: [Annotation]
    public let firstLine: Int
    /// Fields shared with a consensus (times, flags, params, protocols, authority section).
    public let header: ConsensusHeader
    /// `consensus-methods`: the methods this authority supports.
    public let consensusMethods: [Int]
    /// `published`.
    public let published: TorTimestamp?
    /// `flag-thresholds` pairs as written (values such as `98.000%` are not all numbers).
    public let flagThresholds: [KeyValueText]
    /// Whether the authority section has `shared-rand-participate`.
    public let sharedRandomParticipate: Bool
    /// Every `shared-rand-commit` line, in order.
    public let sharedRandomCommits: [SharedRandomCommit]
    /// The embedded authority key certificate (`nil` if missing or unusable in lenient mode).
    public let keyCertificate: KeyCertificate?
    public let entries: [VoteEntry]
    public let footer: ConsensusFooter
    public let warnings: [DescriptorParseError]
    /// From `network-status-version` through the space after the first `directory-signature`.
    public let signedRange: Range<Int>?

    public subscript<Value>(dynamicMember keyPath: KeyPath<ConsensusHeader, Value>) -> Value { header[keyPath: keyPath] }

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let bytes = slice.bytes
        let strict = mode == .strict
        let kind = DocumentKind.networkStatusVote
        let (position, line) = RouterStatusEntryScanner.headerEnd(bytes, firstLine: slice.firstLine)
        // Tokenized once: the key certificate runs from its version line to the end of the
        // header part, and the items before it are the vote's own header.
        let all = try Tokenizer.tokenize(bytes[bytes.startIndex..<position], kind: kind, mode: mode,
                                         firstLine: slice.firstLine, nonASCIIAllowed: ["contact"])
        var warnings: [DescriptorParseError] = []
        var document = all
        var certificate: KeyCertificate? = nil
        if let certIndex = all.items.firstIndex(where: { $0.keywordEquals("dir-key-certificate-version", in: bytes) }) {
            let certItem = all.items[certIndex]
            let headerEnd = certItem.range.lowerBound
            do throws(DescriptorParseError) {
                certificate = try KeyCertificate(parsing: DocumentSlice(bytes: bytes[headerEnd..<position], firstLine: certItem.line), mode: mode)
            } catch {
                if strict { throw error }
                warnings.append(error)
            }
            guard certIndex > 0 else { throw DescriptorParseError(document: kind, line: slice.firstLine, keyword: nil, failure: .empty) }
            document = TokenizedDocument(bytes: bytes[bytes.startIndex..<headerEnd], annotations: all.annotations,
                                         items: Array(all.items[..<certIndex]), content: all.content.lowerBound..<headerEnd,
                                         firstLine: all.firstLine, kind: kind)
        }
        var parser = ConsensusHeaderParser(document: document, strict: strict)
        parser.isVote = true
        let header = try parser.parse()
        warnings += parser.warnings
        var vote = VotePreamble(document: document, strict: strict)
        try vote.read()
        warnings += vote.warnings
        if strict, certificate == nil, document.items.count == all.items.count {
            throw all.error(.missingKeyword, keyword: "dir-key-certificate-version")
        }
        if header.voteStatus != "vote" {
            let error = document.error(.malformedArguments("vote-status must be 'vote'"), keyword: "vote-status")
            if strict { throw error }
            warnings.append(error)
        }

        var scanner = RouterStatusEntryScanner(bytes: bytes, flavor: header.flavor, mode: mode, position: position, line: line)
        scanner.isVote = true
        var entries: [VoteEntry] = []
        entries.reserveCapacity(bytes.count / 450 + 1)
        while let entry = try scanner.next() {
            let lines = try VotePreamble.microdescriptorLines(entry, strict: strict, warnings: &warnings)
            if !entry.warnings.isEmpty { warnings += entry.warnings }
            entries.append(VoteEntry(entry: entry, microdescriptorLines: lines))
        }
        warnings += scanner.skipped
        let (footer, signedRange, footerWarnings) = try ConsensusFooter.read(
            bytes, from: scanner.position, line: scanner.line, flavor: header.flavor, kind: kind, mode: mode,
            contentStart: document.content.lowerBound)
        warnings += footerWarnings
        self.rawBytes = bytes
        self.annotations = document.annotations
        self.firstLine = slice.firstLine
        self.header = header
        self.consensusMethods = vote.consensusMethods
        self.published = vote.published
        self.flagThresholds = vote.flagThresholds
        self.sharedRandomParticipate = vote.participate
        self.sharedRandomCommits = vote.commits
        self.keyCertificate = certificate
        self.entries = entries
        self.footer = footer
        self.signedRange = signedRange
        self.warnings = warnings
    }
}
