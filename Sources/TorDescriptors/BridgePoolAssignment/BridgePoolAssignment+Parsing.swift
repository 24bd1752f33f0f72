extension BridgePoolAssignment: ParsableDocument {
    public static var documentKind: DocumentKind { .bridgePoolAssignment }
    /// A file may hold several lists (CollecTor's monthly tarballs concatenate them); each
    /// starts at its timestamp line.
    public static var startKeywords: [String] { ["bridge-pool-assignment"] }

    /// Parses one pool assignment list.
    ///
    /// Both modes need the `bridge-pool-assignment` line first and once, and 40 hex digits
    /// opening each bridge line (the list is keyed by it). Lenient mode steps over bridge lines
    /// it cannot read and records them in ``warnings``; strict mode also requires a distributor
    /// word, `key=value` details, each bridge once, and ASCII text.
    ///
    /// ```swift
    /// let list = try BridgePoolAssignment(parsing: bytes[...], mode: .strict)
    /// ```
    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        try LineScanner.checkSize(slice.bytes, kind: Self.documentKind, limits: mode.limits, firstLine: slice.firstLine)
        var lines = CollecTorLines(slice.bytes, kind: Self.documentKind, mode: mode, firstLine: slice.firstLine)
        self.init(rawBytes: slice.bytes, firstLine: slice.firstLine)
        annotations = try lines.annotations()
        let keyword = "bridge-pool-assignment"
        var sawHeader = false
        var seen = Set<Fingerprint>()
        let bytes = slice.bytes
        while let (range, line) = try lines.next() {
            var cursor = ArgumentCursor(bytes: bytes, range: range)
            guard let first = cursor.next() else { continue }
            if ByteText.equals(bytes, first, "bridge-pool-assignment") {
                // The timestamp keys the whole list: without it (or with two) there is no list.
                guard !sawHeader else { throw lines.error(.duplicateKeyword, line: line, keyword: keyword) }
                guard entries.isEmpty else { throw lines.error(.misplacedKeyword(expected: "first line"), line: line, keyword: keyword) }
                guard let time = TorTimestamp.parse(bytes, cursor: &cursor) else {
                    throw lines.error(.malformedArguments("expected YYYY-MM-DD HH:MM:SS"), line: line, keyword: keyword)
                }
                try lines.expectEnd(cursor, line: line, keyword: keyword)
                published = time
                sawHeader = true
                continue
            }
            guard sawHeader else { throw lines.error(.misplacedKeyword(expected: "first line"), line: line, keyword: keyword) }
            do throws(DescriptorParseError) {
                let entry = try Self.entry(first, &cursor, line: line, lines: lines)
                if !seen.insert(entry.hashedFingerprint).inserted {
                    try lines.recover(lines.error(.duplicateKeyword, line: line, keyword: entry.hashedFingerprint.hex))
                }
                if entries.count >= mode.limits.maxEntriesPerConsensus {
                    throw lines.error(.limitExceeded(.entriesPerConsensus, limit: mode.limits.maxEntriesPerConsensus), line: line, keyword: nil)
                }
                entries.append(entry)
            } catch {
                try lines.recover(error)
            }
        }
        guard sawHeader else { throw lines.error(.missingKeyword, line: lines.lastLine, keyword: keyword) }
        warnings = lines.warnings
    }

    /// `HASHED-FINGERPRINT DISTRIBUTOR key=value...`
    private static func entry(_ first: Range<Int>, _ cursor: inout ArgumentCursor, line: Int, lines: CollecTorLines) throws(DescriptorParseError) -> Entry {
        let bytes = lines.bytes
        guard first.count == 40, let fingerprint = Fingerprint.parse(bytes, first) else {
            throw lines.error(.malformedLine("a bridge line starts with 40 hex digits"), line: line, keyword: ByteText.escaped(bytes, first))
        }
        let name = fingerprint.hex
        guard let distributor = cursor.next() else {
            // metrics-lib keeps the fingerprint alone; strict mode wants the distributor the line exists to give.
            if lines.mode.isStrict { throw lines.error(.malformedArguments("no distributor"), line: line, keyword: name) }
            return Entry(hashedFingerprint: fingerprint, distributor: "", line: line)
        }
        var entry = Entry(hashedFingerprint: fingerprint, distributor: ByteText.string(bytes, distributor), line: line)
        while let word = cursor.next() {
            if let pair = lines.keyValue(word) {
                entry.details.append(pair)
            } else if lines.mode.isStrict {
                throw lines.error(.malformedArguments("expected key=value, got '\(ByteText.escaped(bytes, word))'"), line: line, keyword: name)
            } else {
                entry.details.append(KeyValueText(key: ByteText.string(bytes, word), value: ""))
            }
        }
        return entry
    }
}
