/// Upper bounds on what one parse may consume, so hostile input gives a typed error instead of
/// a crash, a hang or an out-of-memory kill.
///
/// The defaults sit well above anything tor or CollecTor produce (the largest real line in the
/// project's corpus is about 7 KB, the largest vote about 10 MB, a consensus about 10,000
/// entries) and well below what would exhaust memory. Exceeding a limit throws (or, in
/// `parseAll`, yields) a ``DescriptorParseError`` whose failure is
/// ``ParseFailure/limitExceeded(_:limit:)``, naming the limit.
///
/// | Limit | Default | Checked by |
/// |---|---|---|
/// | ``maxDocumentBytes`` | 64 MiB | `parseAll` per document, the tokenizer, consensus readers |
/// | ``maxLineBytes`` | 256 KiB | the tokenizer, consensus entry lines |
/// | ``maxItemsPerDocument`` | 200,000 | the tokenizer |
/// | ``maxObjectBytes`` | 1 MiB | the tokenizer (`-----BEGIN` to `-----END`) |
/// | ``maxEntriesPerConsensus`` | 200,000 | consensus and vote entry readers |
/// | ``maxDocumentsPerBuffer`` | 1,000,000 | `parseAll` (the rest of the buffer is one failure) |
///
/// ```swift
/// var limits = ParseLimits.default
/// limits.maxDocumentBytes = 1 << 20
/// let results = Microdescriptor.parseAll(bytes[...], mode: .lenient(limits: limits))
/// ```
public struct ParseLimits: Sendable, Hashable {
    /// Bytes in one document (annotations included).
    public var maxDocumentBytes: Int
    /// Bytes in one line, line end excluded.
    public var maxLineBytes: Int
    /// Keyword lines in one tokenized document.
    public var maxItemsPerDocument: Int
    /// Bytes in one object, BEGIN and END lines included.
    public var maxObjectBytes: Int
    /// Router status entries in one consensus or vote.
    public var maxEntriesPerConsensus: Int
    /// Documents `parseAll` returns from one buffer.
    public var maxDocumentsPerBuffer: Int

    public init(maxDocumentBytes: Int = 64 << 20, maxLineBytes: Int = 256 << 10, maxItemsPerDocument: Int = 200_000,
                maxObjectBytes: Int = 1 << 20, maxEntriesPerConsensus: Int = 200_000,
                maxDocumentsPerBuffer: Int = 1_000_000) {
        self.maxDocumentBytes = maxDocumentBytes
        self.maxLineBytes = maxLineBytes
        self.maxItemsPerDocument = maxItemsPerDocument
        self.maxObjectBytes = maxObjectBytes
        self.maxEntriesPerConsensus = maxEntriesPerConsensus
        self.maxDocumentsPerBuffer = maxDocumentsPerBuffer
    }

    /// The documented defaults.
    public static var `default`: ParseLimits { ParseLimits() }

    /// No limits at all, for trusted input (e.g. files written by the local tor).
    public static var unlimited: ParseLimits {
        ParseLimits(maxDocumentBytes: .max, maxLineBytes: .max, maxItemsPerDocument: .max, maxObjectBytes: .max,
                    maxEntriesPerConsensus: .max, maxDocumentsPerBuffer: .max)
    }

    /// Which limit a document exceeded.
    public enum Limit: String, Sendable, Hashable, CaseIterable {
        case documentBytes = "maxDocumentBytes"
        case lineBytes = "maxLineBytes"
        case itemsPerDocument = "maxItemsPerDocument"
        case objectBytes = "maxObjectBytes"
        case entriesPerConsensus = "maxEntriesPerConsensus"
        case documentsPerBuffer = "maxDocumentsPerBuffer"
    }

    /// The value of one limit.
    public subscript(limit: Limit) -> Int {
        switch limit {
        case .documentBytes: maxDocumentBytes
        case .lineBytes: maxLineBytes
        case .itemsPerDocument: maxItemsPerDocument
        case .objectBytes: maxObjectBytes
        case .entriesPerConsensus: maxEntriesPerConsensus
        case .documentsPerBuffer: maxDocumentsPerBuffer
        }
    }

    /// The error for a document of `kind` that went over `limit` at `line`.
    func exceeded(_ limit: Limit, kind: DocumentKind, line: Int, keyword: String? = nil) -> DescriptorParseError {
        DescriptorParseError(document: kind, line: line, keyword: keyword, failure: .limitExceeded(limit, limit: self[limit]))
    }

    /// Throws when a document is larger than ``maxDocumentBytes``.
    func checkDocumentSize(_ count: Int, kind: DocumentKind, line: Int) throws(DescriptorParseError) {
        if count > maxDocumentBytes { throw exceeded(.documentBytes, kind: kind, line: line) }
    }
}
