/// The line loop CollecTor's small line formats share (bridge pool assignments, BridgeDB
/// metrics, snowflake statistics, Torperf results, web server logs): ``LineScanner``'s limits,
/// leading annotations, blank lines skipped, strict mode's ASCII rule, and lenient mode's
/// "record the problem and go on" in one place, so each family's parser only reads its lines.
///
/// ```swift
/// var lines = CollecTorLines(bytes, kind: .snowflakeStats, mode: .lenient, firstLine: 1)
/// let annotations = try lines.annotations()
/// while let (range, line) = try lines.next() {
///     do throws(DescriptorParseError) { try read(range, line) } catch { try lines.recover(error) }
/// }
/// ```
struct CollecTorLines {
    let bytes: ArraySlice<UInt8>
    let mode: ValidationMode
    private(set) var scanner: LineScanner
    /// Problems lenient mode stepped over, in line order.
    var warnings: [DescriptorParseError] = []
    /// The number of the last line returned (the first line before any).
    private(set) var lastLine: Int

    init(_ bytes: ArraySlice<UInt8>, kind: DocumentKind, mode: ValidationMode, firstLine: Int) {
        self.bytes = bytes
        self.mode = mode
        self.scanner = LineScanner(bytes, kind: kind, limits: mode.limits, firstLine: firstLine)
        self.lastLine = firstLine
    }

    mutating func annotations() throws(DescriptorParseError) -> [Annotation] { try scanner.annotations() }

    /// The next non-empty line; strict mode rejects non-ASCII bytes here.
    mutating func next() throws(DescriptorParseError) -> (range: Range<Int>, line: Int)? {
        while let (range, line) = try scanner.next() {
            lastLine = line
            if range.isEmpty { continue }
            if mode.isStrict, Tokenizer.containsNonASCII(bytes, range) {
                throw scanner.error(.nonASCII(line: ByteText.escaped(bytes, range)), line: line, keyword: nil)
            }
            return (range, line)
        }
        return nil
    }

    /// A line's error: thrown in strict mode and for limits (going on is what they exist to
    /// prevent), recorded in lenient mode.
    mutating func recover(_ error: DescriptorParseError) throws(DescriptorParseError) {
        if mode.isStrict || error.isLimit { throw error }
        warnings.append(error)
    }

    func error(_ failure: ParseFailure, line: Int, keyword: String?) -> DescriptorParseError {
        scanner.error(failure, line: line, keyword: keyword)
    }

    /// `YYYY-MM-DD HH:MM:SS (NSEC s)`, the period of a `*-end` line, read from `cursor`.
    func period(_ cursor: inout ArgumentCursor, line: Int, keyword: String) throws(DescriptorParseError) -> StatsPeriod {
        guard let end = TorTimestamp.parse(bytes, cursor: &cursor) else {
            throw error(.malformedArguments("expected YYYY-MM-DD HH:MM:SS"), line: line, keyword: keyword)
        }
        guard let open = cursor.next(), open.count >= 2, bytes[open.lowerBound] == UInt8(ascii: "("),
              let interval = ByteText.unsigned(bytes, (open.lowerBound + 1)..<open.upperBound),
              let close = cursor.next(), ByteText.equals(bytes, close, "s)") else {
            throw error(.malformedArguments("expected '(NSEC s)' after the time"), line: line, keyword: keyword)
        }
        // A zero-length interval makes every count in the document meaningless (metrics-lib rejects it too).
        guard interval > 0 else { throw error(.malformedArguments("the interval must be positive"), line: line, keyword: keyword) }
        return StatsPeriod(end: end, interval: interval)
    }

    /// A whitespace-separated `key=value` word split at its first `=`; `nil` when it has none or
    /// the key is empty.
    func keyValue(_ word: Range<Int>) -> KeyValueText? {
        guard let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")), equals > word.lowerBound else { return nil }
        return KeyValueText(key: ByteText.string(bytes, word.lowerBound..<equals), value: ByteText.string(bytes, (equals + 1)..<word.upperBound))
    }

    /// Whether `bytes[range]` ends with the ASCII literal.
    func hasSuffix(_ range: Range<Int>, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        return range.count >= count && ByteText.equals(bytes, (range.upperBound - count)..<range.upperBound, suffix)
    }

    /// Throws in strict mode when the line has arguments after the ones read.
    func expectEnd(_ cursor: ArgumentCursor, line: Int, keyword: String) throws(DescriptorParseError) {
        if mode.isStrict, !cursor.isAtEnd {
            throw error(.malformedArguments("unexpected extra arguments"), line: line, keyword: keyword)
        }
    }
}
