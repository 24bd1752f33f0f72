
/// A document split into annotations and keyword items, over a shared buffer.
///
/// Produced by ``Tokenizer/tokenize(_:kind:mode:firstLine:nonASCIIAllowed:)``; parsers read the
/// items, and keep `bytes` for digests and signatures.
///
/// ```swift
/// let document = try Tokenizer.tokenize(bytes, kind: .microdescriptor, mode: .lenient)
/// print(document.items.count, document.annotations)
/// ```
/// `@_spi(Fuzzing)`: public only to the fuzz targets (their own package), not to users.
@_spi(Fuzzing) public struct TokenizedDocument: Sendable {
    /// The buffer the ranges point into (the whole document, annotations included).
    public let bytes: ArraySlice<UInt8>
    /// `@name value` lines before the first keyword.
    public let annotations: [Annotation]
    /// Keyword lines in order.
    public let items: [DocumentItem]
    /// The document without its annotations: from the first keyword to the end.
    public let content: Range<Int>
    /// Line number of the first line of `bytes`.
    public let firstLine: Int
    /// Which document family this is, for errors.
    public let kind: DocumentKind

    /// A string for a range of `bytes`.
    @inline(__always)
    package func string(_ range: Range<Int>) -> String { ByteText.string(bytes, range) }

    /// An error at `item`.
    package func error(_ failure: ParseFailure, at item: DocumentItem) -> DescriptorParseError {
        DescriptorParseError(document: kind, line: item.line, keyword: item.keywordString(in: bytes), failure: failure)
    }

    /// The same document reported as another kind, e.g. a server descriptor found to be a
    /// bridge's only after tokenizing.
    package func with(kind: DocumentKind) -> TokenizedDocument {
        TokenizedDocument(bytes: bytes, annotations: annotations, items: items, content: content,
                          firstLine: firstLine, kind: kind)
    }

    /// An error about the document as a whole (e.g. a missing keyword): reported at its first line.
    package func error(_ failure: ParseFailure, keyword: String?) -> DescriptorParseError {
        DescriptorParseError(document: kind, line: items.first?.line ?? firstLine, keyword: keyword, failure: failure)
    }
}

/// The byte-level tokenizer shared by every document type (dir-spec §1.2 "document meta-format").
///
/// Lines end in LF or CRLF; a line is `keyword [arguments]`, optionally prefixed by `opt `, and
/// may be followed by one object. Annotation lines (`@...`) are accepted only before the first
/// keyword. A lone CR inside a line is content, not a line end.
@_spi(Fuzzing) public enum Tokenizer {
    /// Tokenizes one document.
    ///
    /// - Parameters:
    ///   - bytes: the document, possibly a slice of a larger file (ranges are into the same indices).
    ///   - mode: in `.strict`, bad keyword characters and non-ASCII bytes outside `nonASCIIAllowed`
    ///     keywords throw; `.lenient` keeps going. Both skip whitespace, blank lines and `#`
    ///     comments before an item, as tor does.
    ///   - firstLine: the line number of `bytes.startIndex` in its file.
    ///   - nonASCIIAllowed: keywords whose lines may hold non-ASCII bytes (tor allows it in `contact`
    ///     and `platform`). An array, not a set: one or two keywords, and the first `Set<String>`
    ///     of a process costs a scan of the binary's conformance records (0.38 M instructions).
    public static func tokenize(
        _ bytes: ArraySlice<UInt8>,
        kind: DocumentKind,
        mode: ValidationMode,
        firstLine: Int = 1,
        nonASCIIAllowed: [String] = []
    ) throws(DescriptorParseError) -> TokenizedDocument {
        if bytes.isEmpty { throw DescriptorParseError(document: kind, line: firstLine, keyword: nil, failure: .empty) }
        try mode.limits.checkDocumentSize(bytes.count, kind: kind, line: firstLine)
        // Every line is scanned byte by byte, so the scan reads through a ByteCursor instead of
        // bounds-checked slice subscripts; errors still report through the slice helpers.
        return try ByteCursor.with(bytes) { (cursor: ByteCursor) throws(DescriptorParseError) -> TokenizedDocument in
            try tokenize(bytes, cursor: cursor, kind: kind, mode: mode, firstLine: firstLine, nonASCIIAllowed: nonASCIIAllowed)
        }
    }

    private static func tokenize(
        _ bytes: ArraySlice<UInt8>,
        cursor: ByteCursor,
        kind: DocumentKind,
        mode: ValidationMode,
        firstLine: Int,
        nonASCIIAllowed: [String]
    ) throws(DescriptorParseError) -> TokenizedDocument {
        var annotations: [Annotation] = []
        var items: [DocumentItem] = []
        items.reserveCapacity(32)
        let strict = mode.isStrict
        let limits = mode.limits
        let maxLine = limits.maxLineBytes
        let maxItems = limits.maxItemsPerDocument
        var contentStart: Int? = nil
        var lineNumber = firstLine
        var position = cursor.start
        let end = cursor.end

        func fail(_ failure: ParseFailure, line: Int, keyword: String?) -> DescriptorParseError {
            DescriptorParseError(document: kind, line: line, keyword: keyword, failure: failure)
        }

        while position < end {
            let (lineEnd, next) = cursor.lineBounds(position)
            let thisLine = lineNumber
            lineNumber += 1
            if lineEnd - position > maxLine { throw limits.exceeded(.lineBytes, kind: kind, line: thisLine) }
            // tor's tokenizer skips whitespace, blank lines and `#` comments before every item
            // (`eat_whitespace_eos` in get_next_token), and tor's DirPort serves descriptors
            // ending in a blank line. Both modes do the same, so lenient reads every document
            // strict accepts into the same items (the tokenizer fuzz target checks that).
            var lineStart = cursor.skipSpaces(position, lineEnd)
            if lineStart < lineEnd, cursor[lineStart] == UInt8(ascii: "#") { lineStart = lineEnd }
            if lineEnd == lineStart {
                position = next
                continue
            }
            if cursor[position] == UInt8(ascii: "@"), contentStart == nil {
                let nameEnd = cursor.keywordEnd(position + 1, lineEnd)
                let valueStart = cursor.skipSpaces(nameEnd, lineEnd)
                annotations.append(Annotation(name: cursor.string((position + 1)..<nameEnd),
                                              value: cursor.string(valueStart..<lineEnd), line: thisLine))
                position = next
                continue
            }
            if contentStart == nil { contentStart = position }

            // Keyword: up to the first space or tab, after tor's obsolete `opt ` prefix.
            let (keyword, argumentsStart, hadOpt) = cursor.keyword(lineStart, lineEnd)
            let argumentsEnd = cursor.trimTrailingSpaces(argumentsStart, lineEnd)

            var nonASCII = false
            if strict {
                for index in keyword where !isKeywordByte(cursor[index]) {
                    throw fail(.malformedLine("invalid keyword character: \(ByteText.escaped(bytes, position..<lineEnd))"),
                               line: thisLine, keyword: ByteText.escaped(bytes, keyword))
                }
                nonASCII = cursor.containsNonASCII(position..<lineEnd)
                if nonASCII {
                    let keywordString = cursor.string(keyword)
                    if !nonASCIIAllowed.contains(keywordString) {
                        throw fail(.nonASCII(line: ByteText.escaped(bytes, position..<lineEnd)), line: thisLine, keyword: keywordString)
                    }
                }
            }

            var itemEnd = next
            var object: DocumentObject? = nil
            var objectStart = next, linesBeforeObject = 0
            if next < end, cursor[next] != UInt8(ascii: "-"), ByteText.isSpace(cursor[next]) || cursor[next] == UInt8(ascii: "#")
                || cursor[next] == ByteText.newline || cursor[next] == ByteText.carriageReturn {
                // tor's get_next_token skips whitespace, blank lines and `#` comments between a
                // keyword line and its object too (`eat_whitespace_eos` after the line). Rare, so
                // only a line that starts with one of those bytes is looked past.
                (objectStart, linesBeforeObject) = skipBlankLines(cursor, from: next)
            }
            if objectStart < end, cursor[objectStart] == UInt8(ascii: "-"), cursor.hasPrefix(objectStart..<end, "-----BEGIN ") {
                // The keyword string is only built when an error needs it.
                let parsed = try readObject(bytes, cursor: cursor, at: objectStart, line: lineNumber + linesBeforeObject,
                                            kind: kind, keyword: keyword, limits: limits)
                object = parsed.object
                itemEnd = parsed.next
                lineNumber += linesBeforeObject + parsed.lines
            }
            if items.count >= maxItems {
                throw limits.exceeded(.itemsPerDocument, kind: kind, line: thisLine, keyword: cursor.string(keyword))
            }
            items.append(DocumentItem(
                line: thisLine, range: position..<itemEnd, keyword: keyword,
                arguments: argumentsStart..<argumentsEnd, object: object, hadOptPrefix: hadOpt,
                hasNonASCII: nonASCII))
            position = itemEnd
        }
        let start = contentStart ?? end
        if items.isEmpty { throw fail(.empty, line: firstLine, keyword: nil) }
        return TokenizedDocument(bytes: bytes, annotations: annotations, items: items,
                                 content: start..<end, firstLine: firstLine, kind: kind)
    }

    /// The end of the line starting at `position` (before CR LF or LF) and the start of the next.
    static func lineBounds(_ bytes: ArraySlice<UInt8>, from position: Int) -> (end: Int, next: Int) {
        ByteCursor.with(bytes) { $0.lineBounds(position) }
    }

    /// The first byte after `position` that is not whitespace, a blank line or a `#` comment,
    /// and how many whole lines lay before it.
    private static func skipBlankLines(_ cursor: ByteCursor, from position: Int) -> (position: Int, lines: Int) {
        var position = position, lines = 0
        while position < cursor.end {
            let (lineEnd, next) = cursor.lineBounds(position)
            let content = cursor.skipSpaces(position, lineEnd)
            if content < lineEnd, cursor[content] != UInt8(ascii: "#") { return (content, lines) }
            position = next
            lines += 1
        }
        return (position, lines)
    }

    /// Reads `-----BEGIN NAME-----` ... `-----END NAME-----` starting at `start`.
    private static func readObject(
        _ bytes: ArraySlice<UInt8>, cursor: ByteCursor, at start: Int, line: Int, kind: DocumentKind,
        keyword keywordRange: Range<Int>, limits: ParseLimits
    ) throws(DescriptorParseError) -> (object: DocumentObject, next: Int, lines: Int) {
        let end = cursor.end
        let keyword = { cursor.string(keywordRange) }
        let (beginEnd, bodyStart) = cursor.lineBounds(start)
        let nameStart = start + 11
        guard beginEnd - nameStart >= 5, cursor.hasPrefix((beginEnd - 5)..<beginEnd, "-----") else {
            throw DescriptorParseError(document: kind, line: line, keyword: keyword(),
                                       failure: .malformedObject("bad BEGIN line: \(ByteText.escaped(bytes, start..<beginEnd))"))
        }
        let name = nameStart..<(beginEnd - 5)
        var position = bodyStart
        var lines = 1
        while position < end {
            let (lineEnd, next) = cursor.lineBounds(position)
            lines += 1
            // Checked per line so an unterminated object stops at the limit, not at the end of the input.
            if next - start > limits.maxObjectBytes || lineEnd - position > limits.maxLineBytes {
                let which: ParseLimits.Limit = lineEnd - position > limits.maxLineBytes ? .lineBytes : .objectBytes
                throw limits.exceeded(which, kind: kind, line: line + lines - 1, keyword: keyword())
            }
            // Base64 lines never start with '-', so one byte rules out almost every line.
            if lineEnd > position, cursor[position] == UInt8(ascii: "-"), cursor.hasPrefix(position..<lineEnd, "-----END ") {
                // The length check comes first: a short END line must not form an invalid range.
                guard lineEnd - position >= 14, cursor.hasPrefix((lineEnd - 5)..<lineEnd, "-----"),
                      cursor.equals((position + 9)..<(lineEnd - 5), name) else {
                    throw DescriptorParseError(
                        document: kind, line: line + lines - 1, keyword: keyword(),
                        failure: .malformedObject("END line \(ByteText.escaped(bytes, position..<lineEnd)) does not close BEGIN \(ByteText.string(bytes, name))"))
                }
                return (DocumentObject(name: name, body: bodyStart..<position, range: start..<next, line: line), next, lines)
            }
            position = next
        }
        throw DescriptorParseError(document: kind, line: line, keyword: keyword(),
                                   failure: .malformedObject("no END line for BEGIN \(ByteText.string(bytes, name))"))
    }

    @inline(__always)
    static func isKeywordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Whether any byte is ≥ 0x80 or a control character other than tab and CR.
    static func containsNonASCII(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        ByteCursor.with(bytes) { $0.containsNonASCII(range) }
    }
}
