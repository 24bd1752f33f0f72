/// Reads router status entries straight from the bytes, one at a time: entries are ~99% of a
/// consensus, so they skip the general tokenizer and allocate nothing a range can replace.
///
/// The scanner stops at the first `directory-footer` or `directory-signature` line (or the end)
/// and reports where, so the footer can be tokenized from there.
struct RouterStatusEntryScanner: Sendable {
    let bytes: ArraySlice<UInt8>
    let flavor: ConsensusFlavor
    let strict: Bool
    /// Start of the next unread line.
    private(set) var position: Int
    /// Line number of `position`.
    private(set) var line: Int
    /// Entries whose `r` line could not be read (lenient mode skips them).
    private(set) var skipped: [DescriptorParseError] = []

    init(bytes: ArraySlice<UInt8>, flavor: ConsensusFlavor, mode: ValidationMode, position: Int, line: Int) {
        self.bytes = bytes
        self.flavor = flavor
        self.strict = mode == .strict
        self.position = position
        self.line = line
    }

    /// Whether the scanner has reached the footer (or the end of the input).
    var atFooter: Bool { position >= bytes.endIndex || Self.isFooterStart(bytes, position) }

    static func isFooterStart(_ bytes: ArraySlice<UInt8>, _ position: Int) -> Bool {
        let (end, _) = Tokenizer.lineBounds(bytes, from: position)
        let keyword = Self.keywordEnd(bytes, position, end)
        return ByteText.equals(bytes, position..<keyword, "directory-footer")
            || ByteText.equals(bytes, position..<keyword, "directory-signature")
    }

    @inline(__always)
    static func keywordEnd(_ bytes: ArraySlice<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = start
        while index < end, bytes[index] != ByteText.space, bytes[index] != ByteText.tab { index += 1 }
        return index
    }

    private func error(_ failure: ParseFailure, line: Int, keyword: String?) -> DescriptorParseError {
        DescriptorParseError(document: ConsensusKind.document, line: line, keyword: keyword, failure: failure)
    }

    /// The next entry, or `nil` at the footer. Strict mode throws on the first violation;
    /// lenient mode skips an entry whose `r` line is unusable (recording it in ``skipped``).
    mutating func next() throws(DescriptorParseError) -> RouterStatusEntry? {
        while true {
            guard position < bytes.endIndex, !Self.isFooterStart(bytes, position) else { return nil }
            let entryStart = position
            let entryLine = line
            let (rEnd, rNext) = Tokenizer.lineBounds(bytes, from: position)
            let keyword = Self.keywordEnd(bytes, position, rEnd)
            guard ByteText.equals(bytes, position..<keyword, "r") else {
                // Only reachable for stray lines between the header and the first entry in a
                // buffer handed to the scanner directly; the consensus parser never does that.
                let failure = error(.misplacedKeyword(expected: "router status entries start with 'r'"),
                                    line: line, keyword: ByteText.string(bytes, position..<keyword))
                if strict { throw failure }
                skipped.append(failure)
                skipLine()
                continue
            }
            // Find the end of this entry first so rawBytes can be sliced once.
            var cursor = rNext
            var cursorLine = line + 1
            while cursor < bytes.endIndex {
                let (end, next) = Tokenizer.lineBounds(bytes, from: cursor)
                let word = Self.keywordEnd(bytes, cursor, end)
                if ByteText.equals(bytes, cursor..<word, "r") || Self.isFooterStart(bytes, cursor) { break }
                cursor = next
                cursorLine += 1
            }
            position = cursor
            line = cursorLine
            do throws(DescriptorParseError) {
                return try parseEntry(entryStart..<cursor, firstLine: entryLine, rLineEnd: rEnd, rNext: rNext)
            } catch {
                if strict { throw error }
                skipped.append(error)
            }
        }
    }

    private mutating func skipLine() {
        position = Tokenizer.lineBounds(bytes, from: position).next
        line += 1
    }

    private func parseEntry(_ range: Range<Int>, firstLine: Int, rLineEnd: Int, rNext: Int) throws(DescriptorParseError) -> RouterStatusEntry {
        var entry = try parseRLine(range, line: firstLine, lineEnd: rLineEnd)
        var seen: UInt16 = 0   // one bit per at-most-once keyword
        var position = rNext
        var lineNumber = firstLine + 1
        while position < range.upperBound {
            let lineStart = position
            let (end, next) = Tokenizer.lineBounds(bytes, from: lineStart)
            let thisLine = lineNumber
            lineNumber += 1
            if end == lineStart {
                if strict { throw error(.malformedLine("empty line"), line: thisLine, keyword: nil) }
                position = next
                continue
            }
            let keywordEnd = Self.keywordEnd(bytes, lineStart, end)
            var argsStart = keywordEnd
            while argsStart < end, ByteText.isSpace(bytes[argsStart]) { argsStart += 1 }
            var argsEnd = end
            while argsEnd > argsStart, ByteText.isSpace(bytes[argsEnd - 1]) { argsEnd -= 1 }
            if strict {
                if keywordEnd == lineStart { throw error(.malformedLine("line starts with whitespace"), line: thisLine, keyword: nil) }
                if Tokenizer.containsNonASCII(bytes, lineStart..<end) {
                    throw error(.nonASCII(line: ByteText.escaped(bytes, lineStart..<end)), line: thisLine,
                                keyword: ByteText.escaped(bytes, lineStart..<keywordEnd))
                }
            }
            // An object after an entry line (only unknown items may carry one).
            var object: Range<Int>? = nil
            position = next
            if next < range.upperBound, ByteText.hasPrefix(bytes, next..<range.upperBound, "-----BEGIN ") {
                while position < range.upperBound {
                    let (objectEnd, objectNext) = Tokenizer.lineBounds(bytes, from: position)
                    lineNumber += 1
                    let closes = ByteText.hasPrefix(bytes, position..<objectEnd, "-----END ")
                    position = objectNext
                    if closes { break }
                }
                object = next..<position
            }
            try apply(EntryLine(line: thisLine, start: lineStart, keyword: lineStart..<keywordEnd,
                                arguments: argsStart..<argsEnd, object: object),
                      seen: &seen, entry: &entry)
        }
        if strict {
            if seen & EntryKey.s.bit == 0 { throw error(.missingKeyword, line: firstLine, keyword: "s") }
            if flavor == .microdesc, seen & EntryKey.m.bit == 0 { throw error(.missingKeyword, line: firstLine, keyword: "m") }
        }
        return entry
    }
}
