/// One line of an entry after the `r` line, as byte ranges.
struct EntryLine {
    let line: Int
    let start: Int
    let keyword: Range<Int>
    let arguments: Range<Int>
    let object: Range<Int>?
}

/// The keywords of a router status entry, each with a bit for at-most-once checks.
enum EntryKey: UInt16 {
    case a, s, v, pr, w, p, m, id, stats

    var bit: UInt16 { 1 << rawValue }

    static func lookup(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> EntryKey? {
        ByteCursor.with(bytes) { lookup($0, range) }
    }

    /// The key of a non-empty keyword.
    @inline(__always)
    static func lookup(_ bytes: ByteCursor, _ range: Range<Int>) -> EntryKey? {
        let first = bytes[range.lowerBound]
        switch range.count {
        case 1:
            switch first {
            case UInt8(ascii: "a"): return .a
            case UInt8(ascii: "s"): return .s
            case UInt8(ascii: "v"): return .v
            case UInt8(ascii: "w"): return .w
            case UInt8(ascii: "p"): return .p
            case UInt8(ascii: "m"): return .m
            default: return nil
            }
        case 2:
            let second = bytes[range.lowerBound + 1]
            if first == UInt8(ascii: "p"), second == UInt8(ascii: "r") { return .pr }
            if first == UInt8(ascii: "i"), second == UInt8(ascii: "d") { return .id }
            return nil
        case 5:
            return bytes.equals(range, "stats") ? .stats : nil
        default:
            return nil
        }
    }
}

/// Lines already read in one scan, by their bytes: a consensus repeats a few `s`, `pr` and `p`
/// lines across thousands of entries (35 distinct `s` lines among the 6,727 entries of one from
/// 2021; `pr` follows the tor version; most relays' `p` is `reject 1-65535`), so most of them are
/// one byte comparison away from their result. Only lines the fast path accepted are kept, and
/// that verdict depends on the bytes alone (and the scanner's mode, fixed for a scan), so a line
/// equal to a kept one gets the same result. Ranges are into the scanned buffer.
struct EntryLineCaches {
    /// `s` lines and their flags.
    var flags: LineCache<RelayFlags>
    /// `pr` lines strict mode found well-formed.
    var protocols: LineCache<Bool>
    /// `p` lines strict mode found well-formed.
    var policies: LineCache<Bool>

    /// `r` line dates and their day numbers, by the last digit of the day: a consensus's entries
    /// were published within a day or two, so nearly every date is one already read.
    var dates = DateCache()

    /// Whether to look for lines that open another document (``RouterStatusEntryScanner/watchesForDocumentStarts``).
    let watchesForDocumentStarts: Bool
    /// Whether such a line was seen.
    private(set) var sawDocumentStart = false

    /// Disabled caches keep nothing and allocate nothing: a scan for one entry (``RouterStatusEntryScanner/next()``)
    /// would pay more for the slots than it saves.
    init(enabled: Bool, watchesForDocumentStarts: Bool = false) {
        flags = LineCache(enabled: enabled)
        protocols = LineCache(enabled: enabled)
        policies = LineCache(enabled: enabled)
        self.watchesForDocumentStarts = watchesForDocumentStarts
    }

    /// Notes whether the line at `lineStart` opens another consensus or vote, when watching.
    /// Called only for lines the scanner has no key for (a known key's line cannot open one),
    /// object lines and the lines of a skipped entry.
    @inline(__always)
    mutating func watch(_ raw: ByteCursor, _ lineStart: Int) {
        if watchesForDocumentStarts, !sawDocumentStart, raw.opensDocument(at: lineStart, keywords: NetworkStatusConsensus.startKeywordBytes) {
            sawDocumentStart = true
        }
    }
}

/// Four `YYYY-MM-DD` fields with their day numbers (see ``EntryLineCaches/dates``).
struct DateCache {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var tails: (UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0)
    private var days: (Int, Int, Int, Int) = (0, 0, 0, 0)

    /// The timestamp of the `YYYY-MM-DD` at `date` and the `HH:MM:SS` at `time` (both wholly in
    /// the buffer), as ``ByteCursor/timestamp(_:_:)`` reads it.
    @inline(__always)
    mutating func timestamp(_ raw: ByteCursor, date: Int, time: Int) -> TorTimestamp? {
        let word = raw.word64(at: date)
        // A tail of 0 never matches: the cache's empty slots cannot pass for a date.
        let tail = UInt16(raw[date + 8]) | UInt16(raw[date + 9]) << 8
        let day: Int?
        switch raw[date + 9] & 3 {
        case 0: day = Self.lookup(&words.0, &tails.0, &days.0, raw, date, word, tail)
        case 1: day = Self.lookup(&words.1, &tails.1, &days.1, raw, date, word, tail)
        case 2: day = Self.lookup(&words.2, &tails.2, &days.2, raw, date, word, tail)
        default: day = Self.lookup(&words.3, &tails.3, &days.3, raw, date, word, tail)
        }
        guard let day, let seconds = raw.secondsOfDay(time) else { return nil }
        return TorTimestamp(secondsSince1970: Int64(day) * 86_400 + Int64(seconds))
    }

    @inline(__always)
    private static func lookup(_ slotWord: inout UInt64, _ slotTail: inout UInt16, _ slotDays: inout Int,
                        _ raw: ByteCursor, _ date: Int, _ word: UInt64, _ tail: UInt16) -> Int? {
        if slotWord == word, slotTail == tail { return slotDays }
        guard let parsed = raw.civilDays(date) else { return nil }
        (slotWord, slotTail, slotDays) = (word, tail, parsed)
        return parsed
    }
}

/// A direct-mapped cache of line values, keyed by the line's bytes (see ``EntryLineCaches``).
struct LineCache<Value> {
    private struct Slot {
        var start = 0
        var count = 0
        var value: Value?
    }
    /// Indexed by a hash of the line's length and three of its bytes; empty when disabled.
    private var slots: [Slot]

    /// 64 slots: a 2012 consensus has 100 distinct `s` lines among 2,993 entries, and 16 slots
    /// found 45 % of them (64: 70 %; a 2021 one, 35 distinct lines: 83 and 88 %).
    init(enabled: Bool) {
        slots = enabled ? [Slot](repeating: Slot(), count: 64) : []
    }

    @inline(__always)
    private static func slot(_ raw: ByteCursor, _ args: Range<Int>) -> Int {
        let count = args.count, start = args.lowerBound
        return (count &* 31 &+ Int(raw[start + count / 2]) &* 7 &+ Int(raw[start + count / 3]) &* 3 &+ Int(raw[start + count - 1])) & 63
    }

    /// The value kept for a line whose bytes equal `args`, if any.
    @inline(__always)
    func value(_ raw: ByteCursor, _ args: Range<Int>) -> Value? {
        guard !args.isEmpty, !slots.isEmpty else { return nil }
        let slot = slots[Self.slot(raw, args)]
        guard slot.count == args.count, raw.equals(slot.start..<(slot.start + slot.count), args) else { return nil }
        return slot.value
    }

    /// Keeps `value` for the line `args`.
    @inline(__always)
    mutating func remember(_ args: Range<Int>, _ value: Value, in raw: ByteCursor) {
        guard !args.isEmpty, !slots.isEmpty else { return }
        slots[Self.slot(raw, args)] = Slot(start: args.lowerBound, count: args.count, value: value)
    }
}

extension RouterStatusEntryScanner {
    func fail(_ why: String, _ line: Int, _ keyword: String) -> DescriptorParseError {
        DescriptorParseError(document: kind, line: line, keyword: keyword, failure: .malformedArguments(why))
    }

    /// Applies one non-`r` line to the entry.
    func apply(_ item: EntryLine, seen: inout UInt16, entry: inout RouterStatusEntry) throws(DescriptorParseError) {
        guard let key = EntryKey.lookup(bytes, item.keyword) else {
            entry.unrecognizedLines.append(UnrecognizedItem(
                keyword: ByteText.string(bytes, item.keyword), arguments: ByteText.string(bytes, item.arguments),
                object: item.object.map { ByteText.string(bytes, $0) }, line: item.line))
            return
        }
        var keyword: String { ByteText.string(bytes, item.keyword) }
        var warnings: [DescriptorParseError] = []
        defer { if !warnings.isEmpty { entry.warnings += warnings } }
        func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
            if strict { throw error }
            warnings.append(error)
        }
        if item.object != nil {
            try problem(DescriptorParseError(document: kind, line: item.line, keyword: keyword,
                                             failure: .malformedObject("unexpected object")))
        }
        // Vote `m` lines (several per entry) are read by the vote parser from the entry's bytes.
        if key == .m, isVote { return }
        if key != .a {
            if seen & key.bit != 0 {
                try problem(DescriptorParseError(document: kind, line: item.line, keyword: keyword, failure: .duplicateKeyword))
                return   // lenient keeps the first
            }
            seen |= key.bit
        }
        let args = item.arguments
        switch key {
        case .a:
            if let orAddress = Self.orAddress(bytes, args) { entry.orAddresses.append(orAddress) }
            else { try problem(fail("expected address:port: '\(ByteText.escaped(bytes, args))'", item.line, keyword)) }
        case .s:
            entry.markFlagsLine()
            try readFlags(item, into: &entry, problem: problem)
        case .v:
            entry.versionRange = args
        case .pr:
            if strict, ProtocolVersions.parse(bytes, args) == nil {
                throw fail("malformed protocol list: '\(ByteText.escaped(bytes, args))'", item.line, keyword)
            }
            entry.protocolsRange = args
        case .w:
            try readWeights(item, into: &entry, problem: problem)
        case .p:
            if !Self.isValidPolicySummary(bytes, args) {
                try problem(fail("expected accept/reject and a port list: '\(ByteText.escaped(bytes, args))'", item.line, keyword))
            } else {
                entry.exitPolicyRange = args
            }
        case .m:
            if flavor != .microdesc, strict {
                throw DescriptorParseError(document: kind, line: item.line, keyword: keyword,
                                           failure: .misplacedKeyword(expected: "only in microdesc-flavored consensuses and votes"))
            }
            if let digest = ByteCursor.with(bytes, { $0.sha256Digest(args) }) {
                entry.microdescriptorDigest = digest
            } else {
                try problem(fail("expected a base64 SHA-256 digest: '\(ByteText.escaped(bytes, args))'", item.line, keyword))
            }
        case .id, .stats:
            if !isVote { try problem(DescriptorParseError(document: kind, line: item.line, keyword: keyword,
                                             failure: .misplacedKeyword(expected: "only in votes"))) }
            var cursor = ArgumentCursor(bytes: bytes, range: args)
            if key == .id {
                entry.identifierType = cursor.next().map { ByteText.string(bytes, $0) }
                entry.identifier = cursor.next().map { ByteText.string(bytes, $0) }
            } else {
                while let word = cursor.next() {
                    let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")) ?? word.upperBound
                    entry.stats.append(KeyValueText(key: ByteText.string(bytes, word.lowerBound..<equals),
                                                    value: ByteText.string(bytes, min(equals + 1, word.upperBound)..<word.upperBound)))
                }
            }
        }
    }

    private func readFlags(_ item: EntryLine, into entry: inout RouterStatusEntry,
                           problem: (DescriptorParseError) throws(DescriptorParseError) -> Void) throws(DescriptorParseError) {
        var cursor = ArgumentCursor(bytes: bytes, range: item.arguments)
        var previous: Range<Int>? = nil
        while let word = cursor.next() {
            let flag: RelayFlags? = ByteCursor.with(bytes) { RelayFlags.lookup($0.pointer(word.lowerBound, count: word.count)!, word.count) }
            if strict, let previous, !bytes[previous].lexicographicallyPrecedes(bytes[word]) {
                throw fail("flags must be unique and in lexical order: '\(ByteText.escaped(bytes, item.arguments))'", item.line, "s")
            }
            previous = word
            if let flag {
                if entry.flags.contains(flag) {
                    try problem(fail("duplicate flag '\(ByteText.string(bytes, word))'", item.line, "s"))
                }
                entry.flags.insert(flag)
            } else {
                let name = ByteText.string(bytes, word)
                if entry.unknownFlags.contains(name) {
                    try problem(fail("duplicate flag '\(name)'", item.line, "s"))
                } else {
                    entry.unknownFlags.append(name)
                }
            }
        }
    }

    private func readWeights(_ item: EntryLine, into entry: inout RouterStatusEntry,
                             problem: (DescriptorParseError) throws(DescriptorParseError) -> Void) throws(DescriptorParseError) {
        var cursor = ArgumentCursor(bytes: bytes, range: item.arguments)
        var first = true
        while let word = cursor.next() {
            let isFirst = first
            first = false
            if ByteText.hasPrefix(bytes, word, "Bandwidth=") {
                guard let value = ByteText.unsigned(bytes, (word.lowerBound + 10)..<word.upperBound), let narrow = UInt32(exactly: value) else {
                    try problem(fail("Bandwidth= needs a 32-bit unsigned value: '\(ByteText.escaped(bytes, word))'", item.line, "w"))
                    continue
                }
                entry.setBandwidth(narrow)
            } else if ByteText.hasPrefix(bytes, word, "Measured=") {
                guard let value = ByteText.unsigned(bytes, (word.lowerBound + 9)..<word.upperBound), let narrow = UInt32(exactly: value) else {
                    try problem(fail("Measured= needs a 32-bit unsigned value: '\(ByteText.escaped(bytes, word))'", item.line, "w"))
                    continue
                }
                entry.setMeasured(narrow)
            } else if ByteText.hasPrefix(bytes, word, "Unmeasured=") {
                guard ByteText.equals(bytes, word, "Unmeasured=1") else {
                    try problem(fail("Unmeasured= must be 1: '\(ByteText.escaped(bytes, word))'", item.line, "w"))
                    continue
                }
                entry.markUnmeasured()
            } else {
                entry.unrecognizedBandwidthEntries.append(ByteText.string(bytes, word))
            }
            if isFirst, strict, !ByteText.hasPrefix(bytes, word, "Bandwidth=") {
                throw fail("must start with Bandwidth=: '\(ByteText.escaped(bytes, item.arguments))'", item.line, "w")
            }
        }
        if strict, entry.bandwidth == nil { throw fail("missing Bandwidth=", item.line, "w") }
    }

    // MARK: - Small decoders

    static func isValidNickname(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        guard (1...19).contains(range.count) else { return false }
        for index in range {
            switch bytes[index] {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): continue
            default: return false
            }
        }
        return true
    }

    /// `address:port`, the address possibly in `[brackets]`.
    static func orAddress(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> ORAddress? {
        ORAddress.parse(bytes, range)
    }

    /// `accept|reject PortList` with ports 1-65535 and `low-high` ranges (the same syntax as a
    /// server descriptor's `ipv6-policy`).
    static func isValidPolicySummary(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        ExitPattern.isValidSummary(bytes, range)
    }
}
