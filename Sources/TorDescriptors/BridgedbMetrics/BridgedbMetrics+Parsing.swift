/// The keywords of a BridgeDB metrics document, each spelled once.
enum BridgedbMetricsKeyword: String, CaseIterable, Sendable {
    case end = "bridgedb-metrics-end"
    case version = "bridgedb-metrics-version"
    case count = "bridgedb-metric-count"

    private static let table = KeywordTable<BridgedbMetricsKeyword>(allCases.map { ($0.rawValue, $0) })

    static func lookup(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> BridgedbMetricsKeyword? { table.lookup(bytes, range) }
}

extension BridgedbMetrics: ParsableDocument {
    public static var documentKind: DocumentKind { .bridgedbMetrics }
    /// A file may hold several documents, each opening with its `bridgedb-metrics-end` line.
    public static var startKeywords: [String] { [BridgedbMetricsKeyword.end.rawValue] }

    /// Parses one BridgeDB metrics document.
    ///
    /// Both modes need `bridgedb-metrics-end` first and exactly once (it dates every count).
    /// Lenient mode steps over other lines it cannot read and records them in ``warnings``;
    /// strict mode also requires `bridgedb-metrics-version` exactly once, every count an
    /// integer, each count key once (as metrics-lib does), no extra arguments, and ASCII text.
    ///
    /// ```swift
    /// let metrics = try BridgedbMetrics(parsing: bytes[...], mode: .strict)
    /// ```
    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        try LineScanner.checkSize(slice.bytes, kind: Self.documentKind, limits: mode.limits, firstLine: slice.firstLine)
        var lines = CollecTorLines(slice.bytes, kind: Self.documentKind, mode: mode, firstLine: slice.firstLine)
        self.init(rawBytes: slice.bytes, firstLine: slice.firstLine)
        annotations = try lines.annotations()
        let bytes = slice.bytes
        var sawEnd = false
        var versionLine: Int?
        var seenKeys = Set<String>()
        while let (range, line) = try lines.next() {
            var cursor = ArgumentCursor(bytes: bytes, range: range)
            guard let word = cursor.next() else { continue }
            let key = BridgedbMetricsKeyword.lookup(bytes, word)
            // The end line dates the document: nothing may precede it.
            if !sawEnd, key != .end {
                throw lines.error(.misplacedKeyword(expected: "\(BridgedbMetricsKeyword.end.rawValue) first"), line: line, keyword: ByteText.string(bytes, word))
            }
            do throws(DescriptorParseError) {
                switch key {
                case .end:
                    guard !sawEnd else { throw lines.error(.duplicateKeyword, line: line, keyword: key!.rawValue) }
                    end = try lines.period(&cursor, line: line, keyword: key!.rawValue)
                    try lines.expectEnd(cursor, line: line, keyword: key!.rawValue)
                    sawEnd = true
                case .version:
                    if versionLine != nil { try lines.recover(lines.error(.duplicateKeyword, line: line, keyword: key!.rawValue)) }
                    guard let value = cursor.next() else { throw lines.error(.malformedArguments("no version"), line: line, keyword: key!.rawValue) }
                    try lines.expectEnd(cursor, line: line, keyword: key!.rawValue)
                    version = ByteText.string(bytes, value)
                    versionLine = line
                case .count:
                    guard let name = cursor.next(), let value = cursor.next() else {
                        throw lines.error(.malformedArguments("expected KEY COUNT"), line: line, keyword: key!.rawValue)
                    }
                    guard let number = ByteText.signed(bytes, value) else {
                        throw lines.error(.malformedArguments("'\(ByteText.escaped(bytes, value))' is not an integer"), line: line, keyword: key!.rawValue)
                    }
                    try lines.expectEnd(cursor, line: line, keyword: key!.rawValue)
                    let text = ByteText.string(bytes, name)
                    if !seenKeys.insert(text).inserted {
                        try lines.recover(lines.error(.duplicateKeyword, line: line, keyword: key!.rawValue))
                        break
                    }
                    if counts.count >= mode.limits.maxEntriesPerConsensus {
                        throw lines.error(.limitExceeded(.entriesPerConsensus, limit: mode.limits.maxEntriesPerConsensus), line: line, keyword: nil)
                    }
                    counts.append(Count(key: text, count: number))
                case nil:
                    unrecognizedLines.append(UnrecognizedItem(keyword: ByteText.string(bytes, word), arguments: ByteText.string(bytes, cursor.rest()), object: nil, line: line))
                }
            } catch {
                // A broken end line leaves the document undated: no mode goes on without it.
                if key == .end { throw error }
                try lines.recover(error)
            }
        }
        guard sawEnd else { throw lines.error(.missingKeyword, line: lines.lastLine, keyword: BridgedbMetricsKeyword.end.rawValue) }
        if versionLine == nil {
            try lines.recover(lines.error(.missingKeyword, line: lines.lastLine, keyword: BridgedbMetricsKeyword.version.rawValue))
        }
        warnings = lines.warnings
    }
}
