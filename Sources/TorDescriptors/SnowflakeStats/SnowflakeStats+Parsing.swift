extension SnowflakeStats: ParsableDocument {
    public static var documentKind: DocumentKind { .snowflakeStats }
    /// The broker appends a document per interval to one log: each opens with its end line.
    public static var startKeywords: [String] { ["snowflake-stats-end"] }

    /// Parses one snowflake statistics document.
    ///
    /// Both modes need `snowflake-stats-end` first and exactly once (it dates every statistic).
    /// Lenient mode steps over lines it cannot read and records them in ``warnings``; strict
    /// mode also requires each statistic at most once (as metrics-lib does), well-formed counts
    /// and country lists, no extra arguments, and ASCII text. Lines of neither shape are kept in
    /// ``unrecognizedLines`` in both modes.
    ///
    /// ```swift
    /// let stats = try SnowflakeStats(parsing: bytes[...], mode: .strict)
    /// ```
    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        try LineScanner.checkSize(slice.bytes, kind: Self.documentKind, limits: mode.limits, firstLine: slice.firstLine)
        var lines = CollecTorLines(slice.bytes, kind: Self.documentKind, mode: mode, firstLine: slice.firstLine)
        self.init(rawBytes: slice.bytes, firstLine: slice.firstLine)
        annotations = try lines.annotations()
        let bytes = slice.bytes
        let endKeyword = "snowflake-stats-end"
        var sawEnd = false
        var seen = Set<String>()
        while let (range, line) = try lines.next() {
            var cursor = ArgumentCursor(bytes: bytes, range: range)
            guard let word = cursor.next() else { continue }
            let keyword = ByteText.string(bytes, word)
            if ByteText.equals(bytes, word, "snowflake-stats-end") {
                guard !sawEnd else { throw lines.error(.duplicateKeyword, line: line, keyword: endKeyword) }
                end = try lines.period(&cursor, line: line, keyword: endKeyword)
                try lines.expectEnd(cursor, line: line, keyword: endKeyword)
                sawEnd = true
                continue
            }
            guard sawEnd else { throw lines.error(.misplacedKeyword(expected: "\(endKeyword) first"), line: line, keyword: keyword) }
            do throws(DescriptorParseError) {
                if !seen.insert(keyword).inserted { throw lines.error(.duplicateKeyword, line: line, keyword: keyword) }
                if seen.count > mode.limits.maxEntriesPerConsensus {
                    throw lines.error(.limitExceeded(.entriesPerConsensus, limit: mode.limits.maxEntriesPerConsensus), line: line, keyword: nil)
                }
                let argument = cursor.next()
                try lines.expectEnd(cursor, line: line, keyword: keyword)
                if let argument, let number = ByteText.unsigned(bytes, argument) {
                    counts.append((keyword, number))
                } else if argument.map({ bytes[$0].contains(UInt8(ascii: "=")) }) ?? lines.hasSuffix(word, "-ips") {
                    countryCounts.append((keyword, try Self.countryList(argument, line: line, keyword: keyword, lines: lines)))
                } else {
                    if lines.hasSuffix(word, "-count") || lines.hasSuffix(word, "-total") {
                        throw lines.error(.malformedArguments("expected a non-negative count"), line: line, keyword: keyword)
                    }
                    unrecognizedLines.append(UnrecognizedItem(keyword: keyword, arguments: argument.map { ByteText.string(bytes, $0) } ?? "", object: nil, line: line))
                }
            } catch {
                try lines.recover(error)
            }
        }
        guard sawEnd else { throw lines.error(.missingKeyword, line: lines.lastLine, keyword: endKeyword) }
        warnings = lines.warnings
    }

    /// `CC=N,CC=N,...`; `nil` (the broker writes an empty list as nothing) is no countries.
    private static func countryList(_ range: Range<Int>?, line: Int, keyword: String, lines: CollecTorLines) throws(DescriptorParseError) -> [(key: String, count: Int)] {
        guard let range else { return [] }
        let bytes = lines.bytes
        var result: [(key: String, count: Int)] = []
        var start = range.lowerBound
        while start < range.upperBound {
            let stop = bytes[start..<range.upperBound].firstIndex(of: UInt8(ascii: ",")) ?? range.upperBound
            guard let pair = lines.keyValue(start..<stop), let count = Int(pair.value), count >= 0, pair.value.utf8.allSatisfy({ $0 &- 0x30 < 10 }) else {
                throw lines.error(.malformedArguments("expected CC=N, got '\(ByteText.escaped(bytes, start..<stop))'"), line: line, keyword: keyword)
            }
            result.append((pair.key, count))
            start = stop + 1
        }
        return result
    }
}
