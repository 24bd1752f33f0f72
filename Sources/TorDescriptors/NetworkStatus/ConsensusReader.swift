import Crypto

/// Reads a consensus incrementally: the header is parsed on creation, then entries are parsed
/// one per ``nextEntry()`` (nothing keeps them), then ``footer()`` reads the rest. Memory stays
/// flat apart from the input buffer. Also a `Sequence` of entries for `for` loops.
///
/// ```swift
/// var reader = try ConsensusReader(bytes[...])
/// print(reader.header.validAfter!)
/// var exits = 0
/// while let entry = try reader.nextEntry() where entry.flags.contains(.exit) { exits += 1 }
/// let signatures = try reader.footer().footer.signatures
/// ```
public struct ConsensusReader: Sendable, Sequence, IteratorProtocol {
    /// Annotations before the first line.
    public let annotations: [Annotation]
    /// Preamble and authority section.
    public let header: ConsensusHeader
    /// Problems lenient parsing stepped over in the header.
    public let headerWarnings: [DescriptorParseError]
    /// Where `network-status-version` starts.
    public let contentStart: Int
    /// Set when a `for` loop stopped at a strict-mode error.
    public private(set) var failure: DescriptorParseError?
    private var scanner: RouterStatusEntryScanner
    private let mode: ValidationMode

    /// Entries whose `r` line could not be read so far (lenient mode leaves them out).
    public var skippedEntries: [DescriptorParseError] { scanner.skipped }

    /// Parses the header of a buffer holding one consensus.
    public init(_ bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient) throws(DescriptorParseError) {
        try self.init(DocumentSlice(bytes: bytes, firstLine: 1), mode: mode)
    }

    public init(_ slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let bytes = slice.bytes
        let (position, line) = RouterStatusEntryScanner.headerEnd(bytes, firstLine: slice.firstLine)
        let headerDocument = try Tokenizer.tokenize(bytes[bytes.startIndex..<position], kind: ConsensusKind.document, mode: mode,
                                                    firstLine: slice.firstLine, nonASCIIAllowed: ["contact"])
        var parser = ConsensusHeaderParser(document: headerDocument, strict: mode.isStrict)
        let header = try parser.parse()
        try parser.checkAuthorities(header)
        self.annotations = headerDocument.annotations
        self.header = header
        self.headerWarnings = parser.warnings
        self.contentStart = headerDocument.content.lowerBound
        self.mode = mode
        self.scanner = RouterStatusEntryScanner(bytes: bytes, flavor: header.flavor, mode: mode, position: position, line: line)
    }

    /// The next entry, or `nil` once the footer is reached. Strict mode throws at the first bad entry.
    public mutating func nextEntry() throws(DescriptorParseError) -> RouterStatusEntry? {
        try scanner.next()
    }

    /// Appends every remaining entry to `entries` (faster than calling ``nextEntry()`` in a loop).
    public mutating func readAllEntries(into entries: inout [RouterStatusEntry]) throws(DescriptorParseError) {
        try scanner.collect(into: &entries)
    }

    /// For `for entry in reader`: stops at a strict-mode error and records it in ``failure``.
    public mutating func next() -> RouterStatusEntry? {
        do throws(DescriptorParseError) { return try scanner.next() } catch {
            failure = error
            return nil
        }
    }

    /// Skips any remaining entries and parses the footer, with the signed range it closes.
    public mutating func footer() throws(DescriptorParseError) -> (footer: ConsensusFooter, signedRange: Range<Int>?, warnings: [DescriptorParseError]) {
        while try scanner.next() != nil {}
        let bytes = scanner.bytes
        let start = scanner.position
        var warnings: [DescriptorParseError] = []
        var document: TokenizedDocument? = nil
        if start < bytes.endIndex {
            document = try Tokenizer.tokenize(bytes[start..<bytes.endIndex], kind: ConsensusKind.document, mode: mode, firstLine: scanner.line)
        }
        let footer = try ConsensusHeaderParser.parseFooter(document, flavor: header.flavor, strict: mode.isStrict,
                                                            warnings: &warnings, endLine: scanner.line)
        var signedRange: Range<Int>? = nil
        if let document, let first = document.items.first(where: { $0.keywordEquals("directory-signature", in: bytes) }) {
            // Through the space after the keyword, not the newline (dir-spec §3.4.1).
            signedRange = contentStart..<Swift.min(first.keyword.upperBound + 1, bytes.endIndex)
        }
        return (footer, signedRange, warnings)
    }
}

/// SHA3-256 where the Crypto module provides it: swift-crypto's own implementation on Linux and
/// other non-Apple platforms; on Apple platforms `Crypto` re-exports CryptoKit, which only has
/// SHA3 on its newest OS releases.
enum ConsensusSHA3 {
    static func digest(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        #if canImport(Darwin)
        return nil
        #else
        var hasher = SHA3_256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
        #endif
    }
}
