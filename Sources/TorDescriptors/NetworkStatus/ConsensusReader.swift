import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// Reads a consensus incrementally: the header is parsed on creation, then entries are parsed
/// one per ``nextEntry()`` (nothing keeps them), then ``footer()`` reads the rest. Memory stays
/// flat apart from the input buffer. Also a `Sequence` of entries for `for` loops: a loop that
/// stops at a strict-mode error leaves it in ``failure`` of the reader it looped over.
///
/// ```swift
/// var reader = try ConsensusReader(bytes[...])
/// print(reader.header.validAfter!)
/// var exits = 0
/// while let entry = try reader.nextEntry() where entry.flags.contains(.exit) { exits += 1 }
/// let signatures = try reader.footer().footer.signatures
///
/// let strictReader = try ConsensusReader(bytes[...], mode: .strict)
/// for entry in strictReader { print(entry.nickname) }
/// if let error = strictReader.failure { print(error) }
/// ```
public struct ConsensusReader: Sendable, Sequence {
    /// Annotations before the first line.
    public let annotations: [Annotation]
    /// Preamble and authority section.
    public let header: ConsensusHeader
    /// Problems lenient parsing stepped over in the header.
    public let headerWarnings: [DescriptorParseError]
    /// Where `network-status-version` starts.
    public let contentStart: Int
    /// Line number of the first line of the buffer (as given by the ``DocumentSlice``).
    public let firstLine: Int
    /// Set when a `for` loop over this reader (or ``next()``) stopped at a strict-mode error.
    /// `for` loops iterate a copy (``makeIterator()``), so the copies share this record.
    public var failure: DescriptorParseError? { failureRecord.value }
    private let failureRecord = FailureRecord()
    private var scanner: RouterStatusEntryScanner
    private let mode: ValidationMode

    /// Entries whose `r` line could not be read so far (lenient mode leaves them out).
    public var skippedEntries: [DescriptorParseError] { scanner.skipped }
    /// Where the entries start: the first `r` line, or the footer when there are none.
    let entriesStart: Int
    /// Where the scanner stands: after ``readAllEntries(into:)``, the footer's first line.
    var entriesPosition: Int { scanner.position }
    /// Whether an entry line read so far opens another document (see ``watchForDocumentStarts()``).
    var sawDocumentStart: Bool { scanner.sawDocumentStart }

    /// Makes the entry scanner watch the lines it reads for one that opens another document.
    mutating func watchForDocumentStarts() { scanner.watchesForDocumentStarts = true }

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
        self.firstLine = slice.firstLine
        self.mode = mode
        self.entriesStart = position
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

    /// The next entry, or `nil` at the footer or at a strict-mode error (recorded in ``failure``).
    public mutating func next() -> RouterStatusEntry? {
        Self.next(&scanner, failure: failureRecord)
    }

    /// The entries from where the reader stands, for `for` loops; an error that stops the loop
    /// is recorded in ``failure`` of the reader (and of every copy of it).
    public func makeIterator() -> EntryIterator {
        EntryIterator(scanner: scanner, failure: failureRecord)
    }

    /// Iterates a reader's remaining entries (see ``ConsensusReader/makeIterator()``).
    public struct EntryIterator: IteratorProtocol, Sendable {
        fileprivate var scanner: RouterStatusEntryScanner
        fileprivate let failure: FailureRecord

        public mutating func next() -> RouterStatusEntry? { ConsensusReader.next(&scanner, failure: failure) }
    }

    private static func next(_ scanner: inout RouterStatusEntryScanner, failure: FailureRecord) -> RouterStatusEntry? {
        do throws(DescriptorParseError) { return try scanner.next() } catch {
            failure.value = error
            return nil
        }
    }

    /// Skips any remaining entries and parses the footer, with the signed range it closes.
    public mutating func footer() throws(DescriptorParseError) -> (footer: ConsensusFooter, signedRange: Range<Int>?, warnings: [DescriptorParseError]) {
        while try scanner.next() != nil {}
        return try ConsensusFooter.read(scanner.bytes, from: scanner.position, line: scanner.line, flavor: header.flavor,
                                        kind: ConsensusKind.document, mode: mode, contentStart: contentStart)
    }
}

/// The error that stopped a `for` loop over a ``ConsensusReader``, shared between the reader and
/// the iterator copies the loop runs on. Locked, since the reader is `Sendable`.
private final class FailureRecord: @unchecked Sendable {
    private let lock = Lock()
    private var stored: DescriptorParseError?

    var value: DescriptorParseError? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
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
