#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A document split into annotations and keyword items, over a shared buffer.
///
/// Produced by ``Tokenizer/tokenize(_:kind:mode:firstLine:nonASCIIAllowed:)``; parsers read the
/// items, and keep `bytes` for digests and signatures.
///
/// ```swift
/// let document = try Tokenizer.tokenize(bytes, kind: .microdescriptor, mode: .lenient)
/// print(document.items.count, document.annotations)
/// ```
public struct TokenizedDocument: Sendable {
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
    public func string(_ range: Range<Int>) -> String { ByteText.string(bytes, range) }

    /// An error at `item`.
    public func error(_ failure: ParseFailure, at item: DocumentItem) -> DescriptorParseError {
        DescriptorParseError(document: kind, line: item.line, keyword: item.keywordString(in: bytes), failure: failure)
    }

    /// The same document reported as another kind, e.g. a server descriptor found to be a
    /// bridge's only after tokenizing.
    public func with(kind: DocumentKind) -> TokenizedDocument {
        TokenizedDocument(bytes: bytes, annotations: annotations, items: items, content: content,
                          firstLine: firstLine, kind: kind)
    }

    /// An error about the document as a whole (e.g. a missing keyword): reported at its first line.
    public func error(_ failure: ParseFailure, keyword: String?) -> DescriptorParseError {
        DescriptorParseError(document: kind, line: items.first?.line ?? firstLine, keyword: keyword, failure: failure)
    }
}

/// The byte-level tokenizer shared by every document type (dir-spec §1.2 "document meta-format").
///
/// Lines end in LF or CRLF; a line is `keyword [arguments]`, optionally prefixed by `opt `, and
/// may be followed by one object. Annotation lines (`@...`) are accepted only before the first
/// keyword. A lone CR inside a line is content, not a line end.
public enum Tokenizer {
    /// Tokenizes one document.
    ///
    /// - Parameters:
    ///   - bytes: the document, possibly a slice of a larger file (ranges are into the same indices).
    ///   - mode: in `.strict`, bad keyword characters and non-ASCII bytes outside `nonASCIIAllowed`
    ///     keywords throw, and whitespace and `#` comments before an item are skipped as tor does;
    ///     `.lenient` keeps going. Both skip blank lines.
    ///   - firstLine: the line number of `bytes.startIndex` in its file.
    ///   - nonASCIIAllowed: keywords whose lines may hold non-ASCII bytes (tor allows it in `contact`
    ///     and `platform`).
    public static func tokenize(
        _ bytes: ArraySlice<UInt8>,
        kind: DocumentKind,
        mode: ValidationMode,
        firstLine: Int = 1,
        nonASCIIAllowed: Set<String> = []
    ) throws(DescriptorParseError) -> TokenizedDocument {
        if bytes.isEmpty { throw DescriptorParseError(document: kind, line: firstLine, keyword: nil, failure: .empty) }
        try mode.limits.checkDocumentSize(bytes.count, kind: kind, line: firstLine)
        // Every line is scanned byte by byte, so the scan reads raw memory instead of going through
        // bounds-checked slice subscripts; errors still report through the slice helpers.
        let result = bytes.withUnsafeBufferPointer { buffer in
            // `base[i]` is `bytes[i]` for every index of the slice.
            let base = buffer.baseAddress! - bytes.startIndex
            return Result { () throws(DescriptorParseError) -> TokenizedDocument in
                try tokenize(bytes, base: base, kind: kind, mode: mode, firstLine: firstLine, nonASCIIAllowed: nonASCIIAllowed)
            }
        }
        return try result.get()
    }

    private static func tokenize(
        _ bytes: ArraySlice<UInt8>,
        base: UnsafePointer<UInt8>,
        kind: DocumentKind,
        mode: ValidationMode,
        firstLine: Int,
        nonASCIIAllowed: Set<String>
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
        var position = bytes.startIndex
        let end = bytes.endIndex

        func fail(_ failure: ParseFailure, line: Int, keyword: String?) -> DescriptorParseError {
            DescriptorParseError(document: kind, line: line, keyword: keyword, failure: failure)
        }

        while position < end {
            let (lineEnd, next) = lineBounds(base, from: position, end: end)
            let thisLine = lineNumber
            lineNumber += 1
            if lineEnd - position > maxLine { throw limits.exceeded(.lineBytes, kind: kind, line: thisLine) }
            // tor's tokenizer skips whitespace, blank lines and `#` comments before every item
            // (`eat_whitespace_eos` in get_next_token), and tor's DirPort serves descriptors
            // ending in a blank line: both modes skip blank lines, strict the rest as tor does.
            var lineStart = position
            if strict {
                while lineStart < lineEnd, ByteText.isSpace(base[lineStart]) { lineStart += 1 }
                if lineStart < lineEnd, base[lineStart] == UInt8(ascii: "#") { lineStart = lineEnd }
            }
            if lineEnd == lineStart {
                position = next
                continue
            }
            let first = base[position]
            if first == UInt8(ascii: "@"), contentStart == nil {
                var nameEnd = position + 1
                while nameEnd < lineEnd, !ByteText.isSpace(base[nameEnd]) { nameEnd += 1 }
                var valueStart = nameEnd
                while valueStart < lineEnd, ByteText.isSpace(base[valueStart]) { valueStart += 1 }
                annotations.append(Annotation(
                    name: ByteText.string(bytes, (position + 1)..<nameEnd),
                    value: ByteText.string(bytes, valueStart..<lineEnd),
                    line: thisLine))
                position = next
                continue
            }
            if contentStart == nil { contentStart = position }

            // Keyword: up to the first space or tab.
            var keywordEnd = lineStart
            while keywordEnd < lineEnd, !ByteText.isSpace(base[keywordEnd]) { keywordEnd += 1 }
            var keywordStart = lineStart
            var argumentsStart = keywordEnd
            while argumentsStart < lineEnd, ByteText.isSpace(base[argumentsStart]) { argumentsStart += 1 }
            var hadOpt = false
            if keywordEnd - keywordStart == 3, argumentsStart < lineEnd, base[keywordStart] == UInt8(ascii: "o"),
               base[keywordStart + 1] == UInt8(ascii: "p"), base[keywordStart + 2] == UInt8(ascii: "t") {
                hadOpt = true
                keywordStart = argumentsStart
                keywordEnd = keywordStart
                while keywordEnd < lineEnd, !ByteText.isSpace(base[keywordEnd]) { keywordEnd += 1 }
                argumentsStart = keywordEnd
                while argumentsStart < lineEnd, ByteText.isSpace(base[argumentsStart]) { argumentsStart += 1 }
            }
            var argumentsEnd = lineEnd
            while argumentsEnd > argumentsStart, ByteText.isSpace(base[argumentsEnd - 1]) { argumentsEnd -= 1 }

            var nonASCII = false
            if strict {
                if keywordStart == keywordEnd {
                    throw fail(.malformedLine("line starts with whitespace: \(ByteText.escaped(bytes, position..<lineEnd))"),
                               line: thisLine, keyword: nil)
                }
                for index in keywordStart..<keywordEnd where !isKeywordByte(base[index]) {
                    throw fail(.malformedLine("invalid keyword character: \(ByteText.escaped(bytes, position..<lineEnd))"),
                               line: thisLine, keyword: ByteText.escaped(bytes, keywordStart..<keywordEnd))
                }
                nonASCII = containsNonASCII(bytes, position..<lineEnd)
                if nonASCII {
                    let keyword = ByteText.string(bytes, keywordStart..<keywordEnd)
                    if !nonASCIIAllowed.contains(keyword) {
                        throw fail(.nonASCII(line: ByteText.escaped(bytes, position..<lineEnd)), line: thisLine, keyword: keyword)
                    }
                }
            }

            var itemEnd = next
            var object: DocumentObject? = nil
            if next < end, base[next] == UInt8(ascii: "-"), hasPrefix(base, next, end, "-----BEGIN ") {
                // The keyword string is only built when an error needs it.
                let parsed = try readObject(bytes, base: base, at: next, line: lineNumber, kind: kind,
                                            keyword: keywordStart..<keywordEnd, limits: limits)
                object = parsed.object
                itemEnd = parsed.next
                lineNumber += parsed.lines
            }
            if items.count >= maxItems {
                throw limits.exceeded(.itemsPerDocument, kind: kind, line: thisLine, keyword: ByteText.string(bytes, keywordStart..<keywordEnd))
            }
            items.append(DocumentItem(
                line: thisLine, range: position..<itemEnd, keyword: keywordStart..<keywordEnd,
                arguments: argumentsStart..<argumentsEnd, object: object, hadOptPrefix: hadOpt,
                hasNonASCII: nonASCII))
            position = itemEnd
        }
        let start = contentStart ?? end
        if items.isEmpty { throw fail(.empty, line: firstLine, keyword: nil) }
        return TokenizedDocument(bytes: bytes, annotations: annotations, items: items,
                                 content: start..<end, firstLine: firstLine, kind: kind)
    }

    /// `lineBounds` over raw memory indexed like the slice (`base[i]` is `bytes[i]`).
    @inline(__always)
    private static func lineBounds(_ base: UnsafePointer<UInt8>, from position: Int, end: Int) -> (end: Int, next: Int) {
        guard position < end, let found = memchr(base + position, 0x0A, end - position) else { return (end, end) }
        let newline = position + (UnsafeRawPointer(found) - UnsafeRawPointer(base + position))
        if newline > position, base[newline - 1] == ByteText.carriageReturn {
            return (newline - 1, newline + 1)
        }
        return (newline, newline + 1)
    }

    /// Whether `base[position..<end]` starts with the ASCII literal.
    @inline(__always)
    private static func hasPrefix(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int, _ word: StaticString) -> Bool {
        let size = word.utf8CodeUnitCount
        return end - position >= size && memcmp(base + position, word.utf8Start, size) == 0
    }

    /// The end of the line starting at `position` (before CR LF or LF) and the start of the next.
    @inline(__always)
    static func lineBounds(_ bytes: ArraySlice<UInt8>, from position: Int) -> (end: Int, next: Int) {
        let end = bytes.endIndex
        let newline: Int = bytes.withUnsafeBufferPointer { buffer in
            let offset = position - bytes.startIndex
            guard let base = buffer.baseAddress, offset < buffer.count else { return end }
            guard let found = memchr(base + offset, 0x0A, buffer.count - offset) else { return end }
            let distance: Int = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            return bytes.startIndex + distance
        }
        guard newline < end else { return (end, end) }
        if newline > position, bytes[newline - 1] == ByteText.carriageReturn {
            return (newline - 1, newline + 1)
        }
        return (newline, newline + 1)
    }

    /// Reads `-----BEGIN NAME-----` ... `-----END NAME-----` starting at `start`.
    private static func readObject(
        _ bytes: ArraySlice<UInt8>, base: UnsafePointer<UInt8>, at start: Int, line: Int, kind: DocumentKind,
        keyword keywordRange: Range<Int>, limits: ParseLimits
    ) throws(DescriptorParseError) -> (object: DocumentObject, next: Int, lines: Int) {
        let end = bytes.endIndex
        let keyword = { ByteText.string(bytes, keywordRange) }
        let (beginEnd, bodyStart) = lineBounds(base, from: start, end: end)
        let nameStart = start + 11
        guard beginEnd - nameStart >= 5, hasPrefix(base, beginEnd - 5, beginEnd, "-----") else {
            throw DescriptorParseError(document: kind, line: line, keyword: keyword(),
                                       failure: .malformedObject("bad BEGIN line: \(ByteText.escaped(bytes, start..<beginEnd))"))
        }
        let name = nameStart..<(beginEnd - 5)
        var position = bodyStart
        var lines = 1
        while position < end {
            let (lineEnd, next) = lineBounds(base, from: position, end: end)
            lines += 1
            // Checked per line so an unterminated object stops at the limit, not at the end of the input.
            if next - start > limits.maxObjectBytes || lineEnd - position > limits.maxLineBytes {
                let which: ParseLimits.Limit = lineEnd - position > limits.maxLineBytes ? .lineBytes : .objectBytes
                throw limits.exceeded(which, kind: kind, line: line + lines - 1, keyword: keyword())
            }
            // Base64 lines never start with '-', so one byte rules out almost every line.
            if base[position] == UInt8(ascii: "-"), hasPrefix(base, position, lineEnd, "-----END ") {
                // The length check comes first: a short END line must not form an invalid range.
                guard lineEnd - position >= 14, hasPrefix(base, lineEnd - 5, lineEnd, "-----"),
                      lineEnd - 5 - (position + 9) == name.count,
                      memcmp(base + position + 9, base + name.lowerBound, name.count) == 0 else {
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
        for index in range {
            let byte = bytes[index]
            if byte >= 0x80 || (byte < 0x20 && byte != ByteText.tab && byte != ByteText.carriageReturn) { return true }
        }
        return false
    }
}
