/// A directory document type that can be parsed from bytes, alone or many to a file.
///
/// Conforming types implement ``init(parsing:mode:)`` for one ``DocumentSlice``; the extension
/// gives single-buffer parsing and whole-file splitting for free.
///
/// ```swift
/// let bytes = Array(try Data(contentsOf: url))
/// for result in Microdescriptor.parseAll(bytes[...]) {
///     switch result {
///     case .success(let micro): print(micro.digest.base64)
///     case .failure(let error): print(error)      // the documents around it still parse
///     }
/// }
/// ```
public protocol ParsableDocument: Sendable {
    /// The kind errors about documents of this type name (a bridge descriptor's parser may
    /// report the bridge kind instead, once it knows).
    static var documentKind: DocumentKind { get }
    /// Keywords that open a document of this type in a multi-document file.
    static var startKeywords: [String] { get }
    /// A keyword that opens a new document when the current one already has it (see ``DocumentSplitter``).
    static var repeatStartKeyword: String? { get }
    /// Parses one document. `slice.firstLine` is used for error line numbers.
    init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError)
}

extension ParsableDocument {
    public static var repeatStartKeyword: String? { nil }

    /// Parses a buffer that holds exactly one document.
    public init(parsing bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient) throws(DescriptorParseError) {
        try self.init(parsing: DocumentSlice(bytes: bytes, firstLine: 1), mode: mode)
    }

    /// Parses a buffer that holds exactly one document.
    public init(parsing bytes: [UInt8], mode: ValidationMode = .lenient) throws(DescriptorParseError) {
        try self.init(parsing: DocumentSlice(bytes: bytes[...], firstLine: 1), mode: mode)
    }

    /// Splits a buffer into this type's documents without copying.
    public static func slices(in bytes: ArraySlice<UInt8>) -> DocumentSplitter {
        DocumentSplitter(bytes: bytes, startKeywords: startKeywords, repeatStartKeyword: repeatStartKeyword)
    }

    /// Parses every document of a buffer; a bad document becomes a `.failure` and never hides
    /// the documents around it.
    ///
    /// After ``ParseLimits/maxDocumentsPerBuffer`` documents, the rest of the buffer becomes one
    /// `.failure` naming that limit.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient) -> [Result<Self, DescriptorParseError>] {
        splitAndParseAll(bytes, mode: mode)
    }

    /// ``parseAll(_:mode:)`` through ``slices(in:)``: what a type with its own `parseAll` falls
    /// back to.
    static func splitAndParseAll(_ bytes: ArraySlice<UInt8>, mode: ValidationMode) -> [Result<Self, DescriptorParseError>] {
        var results: [Result<Self, DescriptorParseError>] = []
        let maxDocuments = mode.limits.maxDocumentsPerBuffer
        for slice in slices(in: bytes) {
            if results.count >= maxDocuments {
                results.append(.failure(mode.limits.exceeded(.documentsPerBuffer, kind: documentKind, line: slice.firstLine)))
                break
            }
            do throws(DescriptorParseError) { results.append(.success(try Self(parsing: slice, mode: mode))) } catch {
                results.append(.failure(error))
            }
        }
        return results
    }
}
