/// One document inside a larger buffer, with the line it starts on.
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
        Iterator(splitter: self, position: bytes.startIndex, line: 1)
    }

    public struct Iterator: IteratorProtocol, Sendable {
        let splitter: DocumentSplitter
        var position: Int
        var line: Int

        public mutating func next() -> DocumentSlice? {
            let bytes = splitter.bytes
            let end = bytes.endIndex
            guard position < end else { return nil }
            let start = position
            let startLine = line
            var sawStart = false
            var sawRepeat = false
            var inObject = false
            var pendingAnnotation: (position: Int, line: Int)? = nil
            var cursor = position
            while cursor < end {
                let (lineEnd, next) = Tokenizer.lineBounds(bytes, from: cursor)
                let range = cursor..<lineEnd
                if inObject {
                    if ByteText.hasPrefix(bytes, range, "-----END ") { inObject = false }
                } else if ByteText.hasPrefix(bytes, range, "-----BEGIN ") {
                    inObject = true
                    pendingAnnotation = nil
                } else if cursor < end, lineEnd > cursor, bytes[cursor] == UInt8(ascii: "@") {
                    if pendingAnnotation == nil { pendingAnnotation = (cursor, line) }
                } else {
                    let keyword = Self.keyword(bytes, range)
                    let isStart = splitter.startKeywords.contains { bytes[keyword].elementsEqual($0) }
                    let isRepeat = splitter.repeatStartKeyword.map { bytes[keyword].elementsEqual($0) } ?? false
                    if (isStart && (sawStart || sawRepeat)) || (isRepeat && sawRepeat) {
                        // This line opens the next document; its annotations go with it.
                        let cut = pendingAnnotation ?? (cursor, line)
                        position = cut.position
                        line = cut.line
                        return DocumentSlice(bytes: bytes[start..<cut.position], firstLine: startLine)
                    }
                    if isStart { sawStart = true }
                    if isRepeat { sawRepeat = true }
                    if lineEnd > cursor { pendingAnnotation = nil }
                }
                cursor = next
                line += 1
            }
            position = end
            return DocumentSlice(bytes: bytes[start..<end], firstLine: startLine)
        }

        /// The keyword of a line, skipping tor's `opt ` prefix.
        static func keyword(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Range<Int> {
            var stop = range.lowerBound
            while stop < range.upperBound, !ByteText.isSpace(bytes[stop]) { stop += 1 }
            if ByteText.equals(bytes, range.lowerBound..<stop, "opt"), stop < range.upperBound {
                var start = stop
                while start < range.upperBound, ByteText.isSpace(bytes[start]) { start += 1 }
                var wordEnd = start
                while wordEnd < range.upperBound, !ByteText.isSpace(bytes[wordEnd]) { wordEnd += 1 }
                return start..<wordEnd
            }
            return range.lowerBound..<stop
        }
    }
}
