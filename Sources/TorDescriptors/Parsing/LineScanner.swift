/// Walks a line-oriented CollecTor file (exit lists, bandwidth files) one line at a time on
/// bytes, with 1-based line numbers and the ``ParseLimits`` on line length and line count, and
/// reads the leading `@name value` annotations.
///
/// These formats are not dir-spec documents (no objects, `key=value` words, keyword case), so
/// they do not go through ``Tokenizer``; this keeps the same limits and errors.
struct LineScanner {
    let bytes: ArraySlice<UInt8>
    let kind: DocumentKind
    let limits: ParseLimits
    private(set) var position: Int
    /// The number of the line ``next()`` returns next.
    private(set) var line: Int

    init(_ bytes: ArraySlice<UInt8>, kind: DocumentKind, limits: ParseLimits, firstLine: Int = 1) {
        self.bytes = bytes
        self.kind = kind
        self.limits = limits
        self.position = bytes.startIndex
        self.line = firstLine
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next line's content range (line end and a trailing CR excluded) and its number.
    mutating func next() throws(DescriptorParseError) -> (range: Range<Int>, line: Int)? {
        guard position < bytes.endIndex else { return nil }
        let (end, following) = Tokenizer.lineBounds(bytes, from: position)
        var contentEnd = end
        if contentEnd > position, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
        let number = line
        if contentEnd - position > limits.maxLineBytes {
            throw DescriptorParseError(document: kind, line: number, keyword: nil,
                                       failure: .limitExceeded(.lineBytes, limit: limits.maxLineBytes))
        }
        if number > limits.maxItemsPerDocument {
            throw DescriptorParseError(document: kind, line: number, keyword: nil,
                                       failure: .limitExceeded(.itemsPerDocument, limit: limits.maxItemsPerDocument))
        }
        let range = position..<contentEnd
        position = following
        line += 1
        return (range, number)
    }

    /// Reads the `@` annotation lines at the start; stops before the first other line.
    mutating func annotations() throws(DescriptorParseError) -> [Annotation] {
        var result: [Annotation] = []
        while position < bytes.endIndex, bytes[position] == UInt8(ascii: "@") {
            guard let (range, number) = try next() else { break }
            var cursor = ArgumentCursor(bytes: bytes, range: (range.lowerBound + 1)..<range.upperBound)
            let name = cursor.next().map { ByteText.string(bytes, $0) } ?? ""
            result.append(Annotation(name: name, value: ByteText.string(bytes, cursor.rest()), line: number))
        }
        return result
    }

    /// The bytes' document-size check, done once before scanning.
    static func checkSize(_ bytes: ArraySlice<UInt8>, kind: DocumentKind, limits: ParseLimits, firstLine: Int = 1) throws(DescriptorParseError) {
        if bytes.count > limits.maxDocumentBytes {
            throw DescriptorParseError(document: kind, line: firstLine, keyword: nil,
                                       failure: .limitExceeded(.documentBytes, limit: limits.maxDocumentBytes))
        }
        if bytes.isEmpty { throw DescriptorParseError(document: kind, line: firstLine, keyword: nil, failure: .empty) }
    }

    func error(_ failure: ParseFailure, line: Int, keyword: String?) -> DescriptorParseError {
        DescriptorParseError(document: kind, line: line, keyword: keyword, failure: failure)
    }
}

extension DescriptorParseError {
    /// Whether the error is a ``ParseLimits`` limit being exceeded.
    var isLimit: Bool { if case .limitExceeded = failure { true } else { false } }
}
