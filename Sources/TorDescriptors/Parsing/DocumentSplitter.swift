/// One document inside a larger buffer, with the line it starts on.
///
/// ```swift
/// for slice in ServerDescriptor.slices(in: bytes[...]) {
///     let descriptor = try ServerDescriptor(parsing: slice, mode: .lenient)   // errors name slice.firstLine + n
/// }
/// ```
public struct DocumentSlice: Sendable {
    /// The document's bytes (annotations included); shares storage with the file buffer.
    public let bytes: ArraySlice<UInt8>
    /// 1-based line number of `bytes.startIndex` in the file.
    public let firstLine: Int
}

/// Splits a file that holds many documents (tor's `cached-descriptors`, `cached-extrainfo`,
/// `cached-microdescs`, CollecTor files) into documents without copying bytes.
///
/// A document starts at a line whose keyword is one of `startKeywords`; annotation lines (`@...`)
/// just before it belong to it. Lines inside objects are never mistaken for starts. Lines before
/// the first start belong to the first document, so nothing is dropped.
///
/// ```swift
/// for slice in DocumentSplitter(bytes: file[...], startKeywords: ["router"]) {
///     let descriptor = try ServerDescriptor(slice)
/// }
/// ```
public struct DocumentSplitter: Sequence, Sendable {
    public let bytes: ArraySlice<UInt8>
    let startKeywords: [[UInt8]]
    let repeatStartKeyword: [UInt8]?

    /// - Parameters:
    ///   - bytes: the buffer to split, possibly a slice of a larger file.
    ///   - startKeywords: keywords that open a document (`router`, `extra-info`, `onion-key`).
    ///   - repeatStartKeyword: a keyword that opens a new document when the current one already
    ///     has it. Microdescriptors use `ntor-onion-key`, since `onion-key` became optional when
    ///     TAP was removed and such a microdescriptor starts with `ntor-onion-key`.
    public init(bytes: ArraySlice<UInt8>, startKeywords: [String], repeatStartKeyword: String? = nil) {
        self.bytes = bytes
        self.startKeywords = startKeywords.map { Array($0.utf8) }
        self.repeatStartKeyword = repeatStartKeyword.map { Array($0.utf8) }
    }

    public func makeIterator() -> Iterator {
        Iterator(splitter: self, position: bytes.startIndex, line: 1, mayBeSingle: true)
    }

    public struct Iterator: IteratorProtocol, Sendable {
        let splitter: DocumentSplitter
        var position: Int
        var line: Int
        /// Only the first call asks whether the buffer holds a single document: asking again
        /// before every document would scan each one twice.
        var mayBeSingle: Bool

        public mutating func next() -> DocumentSlice? {
            let bytes = splitter.bytes
            let end = bytes.endIndex
            guard position < end else { return nil }
            let start = position
            let startLine = line
            // One pass over raw bytes: the splitter only looks at line starts, so bounds-checked
            // slice subscripts and generic keyword comparisons dominated its cost.
            let checkSingle = mayBeSingle
            mayBeSingle = false
            let found: (cut: Int, line: Int, position: Int)? = ByteCursor.with(bytes) { cursor in
                // Most consensuses, votes and single-descriptor files hold one document: when at
                // most one start line remains, skip the line-by-line scan (a whole pass over
                // 90,000 lines of a consensus) and take the rest as one document.
                if checkSingle, splitter.repeatStartKeyword == nil,
                   Self.startLineCount(cursor, from: position, keywords: splitter.startKeywords, atMost: 1) <= 1 {
                    return nil
                }
                return Self.scan(cursor, from: position, line: line,
                                 startKeywords: splitter.startKeywords, repeatStartKeyword: splitter.repeatStartKeyword)
            }
            if let found {
                position = found.position
                line = found.line
                return DocumentSlice(bytes: bytes[start..<found.cut], firstLine: startLine)
            }
            // No next start: the rest is one document; `line` is only read again after a start.
            position = end
            return DocumentSlice(bytes: bytes[start..<end], firstLine: startLine)
        }

        /// How many lines in `position..<limit` (line starts, `limit` the buffer's end unless
        /// given) begin with one of the keywords followed by a space, tab, CR or LF (counting stops
        /// past `atMost`). Only looks at the first bytes after each newline (memchr), without the
        /// per-line bookkeeping of `scan`.
        static func startLineCount(_ cursor: ByteCursor, from position: Int, to limit: Int? = nil,
                                   keywords: [[UInt8]], atMost maximum: Int) -> Int {
            let end = limit ?? cursor.end
            guard position < end else { return 0 }
            // The first bytes of the keywords and of `opt`: most lines are ruled out by one test.
            var firstBytes: (low: UInt64, high: UInt64) = (0, 0)
            for byte in keywords.compactMap(\.first) + [UInt8(ascii: "o")] {
                if byte < 64 { firstBytes.low |= 1 << UInt64(byte) } else if byte < 128 { firstBytes.high |= 1 << UInt64(byte - 64) }
            }
            func isStart(_ lineStart: Int) -> Bool {
                let first = cursor[lineStart]
                guard first < 64 ? firstBytes.low >> UInt64(first) & 1 == 1 : first >= 128 || firstBytes.high >> UInt64(first &- 64) & 1 == 1
                else { return false }
                return cursor.opensDocument(at: lineStart, keywords: keywords)
            }
            var found = isStart(position) ? 1 : 0
            var from = position
            while from < end, found <= maximum {
                guard let newline = cursor.firstIndex(of: ByteText.newline, from: from, to: end) else { break }
                let next = newline + 1
                if next < end, isStart(next) { found += 1 }
                from = next
            }
            return found
        }

        /// Finds where the next document starts, as (cut index, its line, new position), or nil.
        private static func scan(
            _ cursor: ByteCursor, from position: Int, line firstLine: Int,
            startKeywords: [[UInt8]], repeatStartKeyword: [UInt8]?
        ) -> (cut: Int, line: Int, position: Int)? {
            var sawStart = false
            var sawRepeat = false
            var inObject = false
            var pendingAnnotation: (position: Int, line: Int)? = nil
            var position = position
            var line = firstLine
            // Bytes that can begin a line needing a closer look (start and repeat keywords,
            // `opt `, annotations, object delimiters), as a 128-bit set: every other keyword
            // line is passed over without extracting its keyword.
            var interesting: (low: UInt64, high: UInt64) = (0, 0)
            func mark(_ byte: UInt8) {
                if byte < 64 { interesting.low |= 1 << UInt64(byte) } else if byte < 128 { interesting.high |= 1 << UInt64(byte - 64) }
            }
            for keyword in startKeywords { if let first = keyword.first { mark(first) } }
            if let first = repeatStartKeyword?.first { mark(first) }
            for byte in [UInt8(ascii: "o"), UInt8(ascii: "@"), UInt8(ascii: "-")] { mark(byte) }
            while position < cursor.end {
                let (lineEnd, next) = cursor.lineBounds(position)
                let thisLine = position..<lineEnd
                let first: UInt8 = lineEnd > position ? cursor[position] : 0
                let isInteresting = first < 64 ? interesting.low >> UInt64(first) & 1 == 1
                    : first < 128 && interesting.high >> UInt64(first - 64) & 1 == 1
                if !inObject, lineEnd > position, !isInteresting {
                    // An ordinary keyword line: neither a start nor an annotation.
                    pendingAnnotation = nil
                    position = next
                    line += 1
                    continue
                }
                if inObject, first == UInt8(ascii: "-"), cursor.hasPrefix(thisLine, "-----END ") {
                    inObject = false
                } else if inObject, !objectLineOpensDocument(cursor, thisLine, first: first, startKeywords: startKeywords) {
                    // Still inside the object.
                } else if first == UInt8(ascii: "-"), cursor.hasPrefix(thisLine, "-----BEGIN ") {
                    inObject = true
                    pendingAnnotation = nil
                } else if first == UInt8(ascii: "@") {
                    inObject = false
                    if pendingAnnotation == nil { pendingAnnotation = (position, line) }
                } else {
                    inObject = false
                    let keyword = cursor.keyword(position, lineEnd).keyword
                    let isStart = startKeywords.contains { cursor.equals(keyword, $0) }
                    let isRepeat = repeatStartKeyword.map { cursor.equals(keyword, $0) } ?? false
                    if (isStart && (sawStart || sawRepeat)) || (isRepeat && sawRepeat) {
                        // This line opens the next document; its annotations go with it.
                        let cut = pendingAnnotation ?? (position, line)
                        return (cut.position, cut.line, cut.position)
                    }
                    if isStart { sawStart = true }
                    if isRepeat { sawRepeat = true }
                    if lineEnd > position { pendingAnnotation = nil }
                }
                position = next
                line += 1
            }
            return nil
        }

        /// Whether a line met inside an object is a document's start line: an object that never
        /// got its END line (a truncated or hostile document) must not swallow the documents after
        /// it. Object lines are base64, so a start line (it has a space, a dash, ...) cannot be one.
        @inline(__always)
        private static func objectLineOpensDocument(_ cursor: ByteCursor, _ range: Range<Int>, first: UInt8, startKeywords: [[UInt8]]) -> Bool {
            // The first byte rules out almost every base64 line before any scanning.
            guard startKeywords.contains(where: { $0.first == first }) || first == UInt8(ascii: "o") else { return false }
            let keyword = cursor.keyword(range.lowerBound, range.upperBound).keyword
            guard startKeywords.contains(where: { cursor.equals(keyword, $0) }) else { return false }
            for index in range where Base64.value(cursor[index]) == 0xFF && cursor[index] != UInt8(ascii: "=") { return true }
            return false
        }
    }
}

extension ByteCursor {
    /// Whether the line at `lineStart` opens a document: its keyword (after tor's obsolete `opt `
    /// prefix) is one of `keywords`, followed by a space, tab, CR, LF or the end of the buffer.
    /// What ``DocumentSplitter`` counts as a start line, and what the consensus entry scanner
    /// watches for in its stead (see ``NetworkStatusConsensus/parseAll(_:mode:)``).
    func opensDocument(at lineStart: Int, keywords: [[UInt8]]) -> Bool {
        var index = lineStart
        if end - index > 4, hasPrefix(index..<end, "opt"), ByteText.isSpace(self[index + 3]) {
            index = skipSpaces(index + 4, end)
        }
        for keyword in keywords where !keyword.isEmpty && end - index >= keyword.count
            && equals(index..<(index + keyword.count), keyword) {
            if end - index == keyword.count { return true }   // the keyword ends the buffer
            let after = self[index + keyword.count]
            if ByteText.isSpace(after) || after == ByteText.newline || after == ByteText.carriageReturn { return true }
        }
        return false
    }
}
