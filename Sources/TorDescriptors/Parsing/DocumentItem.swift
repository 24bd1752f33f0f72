/// An object block (`-----BEGIN NAME-----` ... `-----END NAME-----`) that follows a keyword line.
///
/// All ranges are indices into the buffer the document was tokenized from, so the object costs no
/// copy until its bytes are asked for.
///
/// ```swift
/// if let object = item.object { let der = object.decodedBytes(in: document.bytes) }
/// ```
public struct DocumentObject: Sendable, Hashable {
    /// The type name between `BEGIN ` and the closing dashes, e.g. `RSA PUBLIC KEY`.
    public let name: Range<Int>
    /// The base64 lines between the BEGIN and END lines, newlines included.
    public let body: Range<Int>
    /// From the first dash of the BEGIN line to the end of the END line's newline.
    public let range: Range<Int>
    /// 1-based line number of the BEGIN line.
    public let line: Int

    /// The type name as a string.
    public func name(in bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes[name], as: UTF8.self)
    }

    /// The body decoded from base64 (line breaks ignored), or `nil` when it is not valid base64.
    public func decodedBytes(in bytes: ArraySlice<UInt8>) -> [UInt8]? {
        Base64.decode(bytes[body])
    }

    /// The whole block as text, BEGIN and END lines included, with a final newline.
    public func text(in bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}

/// One keyword line of a directory document, with the object that follows it, if any.
///
/// ```swift
/// for item in document.items where item.keywordEquals("router", in: document.bytes) {
///     var args = item.argumentCursor(in: document.bytes)
///     let nickname = args.next().map { document.string($0) }
/// }
/// ```
public struct DocumentItem: Sendable, Hashable {
    /// 1-based line number of the keyword line in the tokenized input.
    public let line: Int
    /// From the first byte of the keyword line to the end of the item (object included), newline included.
    public let range: Range<Int>
    /// The keyword (after any `opt ` prefix).
    public let keyword: Range<Int>
    /// Everything after the keyword and its separating whitespace, up to (not including) the line end.
    public let arguments: Range<Int>
    /// The object block that follows the line, if any.
    public let object: DocumentObject?
    /// Whether the line had tor's obsolete `opt ` prefix.
    public let hadOptPrefix: Bool
    /// Whether the line holds a byte ≥ 0x80 (only tracked by strict tokenizing).
    public let hasNonASCII: Bool

    /// The keyword as a string (for messages and unknown items; hot paths use `KeywordTable`).
    public func keywordString(in bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes[keyword], as: UTF8.self)
    }

    /// Whether the keyword equals an ASCII string.
    public func keywordEquals(_ word: StaticString, in bytes: ArraySlice<UInt8>) -> Bool {
        ByteText.equals(bytes, keyword, word)
    }

    /// A cursor over the whitespace-separated arguments.
    @_spi(Fuzzing) public func argumentCursor(in bytes: ArraySlice<UInt8>) -> ArgumentCursor {
        ArgumentCursor(bytes: bytes, range: arguments)
    }

    /// The arguments as a string, decoded as UTF-8 with invalid bytes replaced.
    public func argumentString(in bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes[arguments], as: UTF8.self)
    }
}

/// An annotation line (`@type server-descriptor 1.0`, `@downloaded-at ...`, `@last-listed ...`)
/// that precedes a document in CollecTor files and tor's cache files.
///
/// ```swift
/// let lastListed = document.annotations.first { $0.name == "last-listed" }?.value
/// ```
public struct Annotation: Sendable, Hashable, Codable {
    /// The name without the leading `@`, e.g. `type`.
    public let name: String
    /// The rest of the line after the name and one space, possibly empty.
    public let value: String
    /// 1-based line number.
    public let line: Int

    public init(name: String, value: String, line: Int) {
        self.name = name
        self.value = value
        self.line = line
    }
}

/// An item the parser did not recognise, kept in order with its object so nothing is lost.
///
/// ```swift
/// for unknown in descriptor.unrecognizedLines { print(unknown.line, unknown.keyword, unknown.arguments) }
/// ```
public struct UnrecognizedItem: Sendable, Hashable {
    public let keyword: String
    public let arguments: String
    /// The object text (BEGIN/END lines included), if the item had one.
    public let object: String?
    public let line: Int

    public init(keyword: String, arguments: String, object: String?, line: Int) {
        self.keyword = keyword
        self.arguments = arguments
        self.object = object
        self.line = line
    }

    init(_ item: DocumentItem, in bytes: ArraySlice<UInt8>) {
        self.init(
            keyword: item.keywordString(in: bytes),
            arguments: item.argumentString(in: bytes),
            object: item.object.map { $0.text(in: bytes) },
            line: item.line
        )
    }
}
