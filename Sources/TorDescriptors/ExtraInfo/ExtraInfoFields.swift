/// Byte-level decoders for the argument syntaxes of extra-info statistics lines
/// (dir-spec 2.1.2). Each throws a ``DescriptorParseError`` naming the item, so the descriptor
/// can turn it into a warning in lenient mode.
enum ExtraInfoFields {
    typealias Document = TokenizedDocument

    static func malformed(_ document: Document, _ item: DocumentItem, _ why: String) -> DescriptorParseError {
        document.error(.malformedArguments("\(why): '\(ByteText.escaped(document.bytes, item.arguments))'"), at: item)
    }

    /// Throws in strict mode when arguments remain that the syntax does not allow.
    static func expectEnd(_ cursor: ArgumentCursor, _ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) {
        if strict, !cursor.isAtEnd { throw malformed(document, item, "unexpected extra arguments") }
    }

    // MARK: - Periods and histories

    /// `YYYY-MM-DD HH:MM:SS (NSEC s)`, leaving the cursor after `s)`.
    static func period(_ cursor: inout ArgumentCursor, _ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> StatsPeriod {
        let end = try document.timestamp(&cursor, item)
        let bytes = document.bytes
        guard let open = cursor.next(), open.count >= 2, bytes[open.lowerBound] == UInt8(ascii: "(") else {
            throw malformed(document, item, "expected '(NSEC s)' after the timestamp")
        }
        guard let interval = ByteText.unsigned(bytes, (open.lowerBound + 1)..<open.upperBound) else {
            throw malformed(document, item, "interval is not a number")
        }
        guard let close = cursor.next(), ByteText.equals(bytes, close, "s)") else {
            throw malformed(document, item, "expected 's)' after the interval")
        }
        // tor never writes a zero-length interval; one would make every rate meaningless.
        guard interval > 0 else { throw malformed(document, item, "interval must be positive") }
        return StatsPeriod(end: end, interval: interval)
    }

    /// A `*-stats-end` line.
    static func statsPeriod(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> StatsPeriod {
        var cursor = item.argumentCursor(in: document.bytes)
        let value = try period(&cursor, document, item)
        try expectEnd(cursor, document, item, strict: strict)
        return value
    }

    /// A `*-history` line: period then `NUM,NUM,...` (possibly absent).
    static func history(_ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> BandwidthHistory {
        var cursor = item.argumentCursor(in: document.bytes)
        let span = try period(&cursor, document, item)
        var values: [Int] = []
        if let list = cursor.next() {
            guard cursor.isAtEnd else { throw malformed(document, item, "history values must be one comma-separated list") }
            values = try unsignedList(list, document, item, what: "history value")
        }
        return BandwidthHistory(end: span.end, interval: span.interval, values: values)
    }

    /// `NUM,NUM,...` of non-negative integers.
    static func unsignedList(_ range: Range<Int>, _ document: Document, _ item: DocumentItem, what: String) throws(DescriptorParseError) -> [Int] {
        let bytes = document.bytes
        var values: [Int] = []
        values.reserveCapacity(range.count / 4 + 1)
        var start = range.lowerBound
        while true {
            var stop = start
            while stop < range.upperBound, bytes[stop] != UInt8(ascii: ",") { stop += 1 }
            guard let value = ByteText.unsigned(bytes, start..<stop) else {
                throw malformed(document, item, "\(what) is not a non-negative integer: '\(ByteText.escaped(bytes, start..<stop))'")
            }
            values.append(value)
            if stop == range.upperBound { return values }
            start = stop + 1
        }
    }

    // MARK: - key=value maps

    /// Calls `body(key, value)` for each `key=value` entry of `range` separated by `separator`;
    /// an empty range has no entries.
    @inline(__always)
    static func forEachPair(
        _ range: Range<Int>, separator: UInt8, _ document: Document, _ item: DocumentItem,
        _ body: (Range<Int>, Range<Int>) throws(DescriptorParseError) -> Void
    ) throws(DescriptorParseError) {
        guard !range.isEmpty else { return }
        let bytes = document.bytes
        var start = range.lowerBound
        while true {
            var stop = start
            var equals = -1
            while stop < range.upperBound, bytes[stop] != separator {
                if equals < 0, bytes[stop] == UInt8(ascii: "=") { equals = stop }
                stop += 1
            }
            guard equals >= 0 else {
                throw malformed(document, item, "expected key=value, got '\(ByteText.escaped(bytes, start..<stop))'")
            }
            try body(start..<equals, (equals + 1)..<stop)
            if stop == range.upperBound { return }
            start = stop + 1
        }
    }

    static func count(_ range: Range<Int>, key: Range<Int>, _ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> Int {
        guard let value = ByteText.unsigned(document.bytes, range) else {
            throw malformed(document, item, "count for '\(ByteText.escaped(document.bytes, key))' is not a non-negative integer")
        }
        return value
    }

    /// `CC=NUM,CC=NUM,...` with two-character country codes (`??` and `a1`-style codes included).
    static func countryCounts(_ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> StatCounts<String> {
        let bytes = document.bytes
        var counts = StatCounts<String>()
        try forEachPair(item.arguments, separator: UInt8(ascii: ","), document, item) { (key, value) throws(DescriptorParseError) in
            guard key.count == 2, isCountryByte(bytes[key.lowerBound]), isCountryByte(bytes[key.lowerBound + 1]) else {
                throw malformed(document, item, "'\(ByteText.escaped(bytes, key))' is not a country code")
            }
            counts.append(ByteText.string(bytes, key), try count(value, key: key, document, item))
        }
        return counts
    }

    @inline(__always)
    static func isCountryByte(_ byte: UInt8) -> Bool {
        Tokenizer.isKeywordByte(byte) && byte != UInt8(ascii: "-") || byte == UInt8(ascii: "?")
    }

    /// `KEY=NUM,...` with free-form keys (`bridge-ip-versions`, `bridge-ip-transports`).
    static func namedCounts(_ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> StatCounts<String> {
        let bytes = document.bytes
        var counts = StatCounts<String>()
        try forEachPair(item.arguments, separator: UInt8(ascii: ","), document, item) { (key, value) throws(DescriptorParseError) in
            guard !key.isEmpty else { throw malformed(document, item, "empty key") }
            counts.append(ByteText.string(bytes, key), try count(value, key: key, document, item))
        }
        return counts
    }

    /// `status=NUM,...` split into the statuses the spec lists and the rest.
    static func typedCounts<Key: Hashable & Sendable>(
        _ document: Document, _ item: DocumentItem, table: KeywordTable<Key>
    ) throws(DescriptorParseError) -> (known: StatCounts<Key>, unknown: StatCounts<String>) {
        let bytes = document.bytes
        var known = StatCounts<Key>()
        var unknown = StatCounts<String>()
        try forEachPair(item.arguments, separator: UInt8(ascii: ","), document, item) { (key, value) throws(DescriptorParseError) in
            let number = try count(value, key: key, document, item)
            if let typed = table.lookup(bytes, key) {
                known.append(typed, number)
            } else {
                guard !key.isEmpty else { throw malformed(document, item, "empty key") }
                unknown.append(ByteText.string(bytes, key), number)
            }
        }
        return (known, unknown)
    }

    /// `port=NUM,...,other=NUM` of the `exit-*` lines.
    static func portCounts(_ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> StatCounts<ExitPort> {
        let bytes = document.bytes
        var counts = StatCounts<ExitPort>()
        try forEachPair(item.arguments, separator: UInt8(ascii: ","), document, item) { (key, value) throws(DescriptorParseError) in
            let port: ExitPort
            if ByteText.equals(bytes, key, "other") {
                port = .other
            } else if let number = ByteText.unsigned(bytes, key), number >= 1, number <= 65_535 {
                port = .port(number)
            } else {
                throw malformed(document, item, "'\(ByteText.escaped(bytes, key))' is not a port")
            }
            counts.append(port, try count(value, key: key, document, item))
        }
        return counts
    }

    // MARK: - Numbers

    /// A decimal number `[-]D[.D]` as the nearest `Double`, computed without a `String` when exact.
    static func decimal(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, allowNegative: Bool) -> Double? {
        var index = range.lowerBound
        var negative = false
        if index < range.upperBound, bytes[index] == UInt8(ascii: "-") {
            guard allowNegative else { return nil }
            negative = true
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var sawPoint = false
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else if ByteText.isDigit(byte) {
                guard digits < 18 else { return nil }
                mantissa = mantissa * 10 + UInt64(byte &- 0x30)
                digits += 1
                if sawPoint { fraction += 1 }
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0, !(sawPoint && bytes[range.upperBound - 1] == UInt8(ascii: ".")) else { return nil }
        // Both operands are exact doubles (mantissa < 2^53 checked below, 10^fraction ≤ 10^17),
        // so one IEEE division gives the correctly rounded value, as strtod does.
        guard mantissa < (1 << 53) else { return Double(ByteText.string(bytes, range)) }
        var scale = 1.0
        for _ in 0..<fraction { scale *= 10 }
        let value = Double(mantissa) / scale
        return negative ? -value : value
    }

    /// `NUM%` as a fraction (`12.5%` → 0.125), as Stem reports shares.
    static func share(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> Double {
        var cursor = item.argumentCursor(in: document.bytes)
        guard let word = cursor.next(), word.count >= 2, document.bytes[word.upperBound - 1] == UInt8(ascii: "%"),
              let percent = decimal(document.bytes, word.lowerBound..<(word.upperBound - 1), allowNegative: false) else {
            throw malformed(document, item, "expected a non-negative percentage like 0.42%")
        }
        try expectEnd(cursor, document, item, strict: strict)
        return percent / 100
    }

    /// `NUM,...,NUM` of decimals (`cell-*` lines). Negative values are accepted: tor before
    /// 0.2.2.1 could write them (Stem ticket 5849).
    static func decimalList(_ document: Document, _ item: DocumentItem) throws(DescriptorParseError) -> [Double] {
        let bytes = document.bytes
        let range = item.arguments
        guard !range.isEmpty else { return [] }
        var values: [Double] = []
        values.reserveCapacity(10)
        var start = range.lowerBound
        while true {
            var stop = start
            while stop < range.upperBound, bytes[stop] != UInt8(ascii: ",") { stop += 1 }
            guard let value = decimal(bytes, start..<stop, allowNegative: true) else {
                throw malformed(document, item, "'\(ByteText.escaped(bytes, start..<stop))' is not a number")
            }
            values.append(value)
            if stop == range.upperBound { return values }
            start = stop + 1
        }
    }

    /// A 40-digit hex digest: the range of the word, read by `SHA1DigestValue(hex:)` on access
    /// (the text is kept for Stem's JSON, which prints it as written).
    static func hexDigest(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> Range<Int> {
        try digestWord(document, item, strict: strict, expected: "40 hex digits") { SHA1DigestValue(hex: $0) != nil }
    }

    /// A base64 SHA-256 digest (43 characters, or 44 with its `=`): the range of the word.
    static func base64SHA256Digest(_ document: Document, _ item: DocumentItem, strict: Bool) throws(DescriptorParseError) -> Range<Int> {
        try digestWord(document, item, strict: strict, expected: "base64 of 32 bytes") { SHA256DigestValue(base64: $0) != nil }
    }

    /// The range of the first argument when `isDigest` accepts it; malformed otherwise.
    private static func digestWord(_ document: Document, _ item: DocumentItem, strict: Bool, expected: String,
                                   _ isDigest: (ArraySlice<UInt8>) -> Bool) throws(DescriptorParseError) -> Range<Int> {
        var cursor = item.argumentCursor(in: document.bytes)
        guard let word = cursor.next(), isDigest(document.bytes[word]) else { throw malformed(document, item, "expected " + expected) }
        try expectEnd(cursor, document, item, strict: strict)
        return word
    }

    /// A single base64 word (padding optional) of `length` decoded bytes, kept as written.
    static func base64Word(_ document: Document, _ item: DocumentItem, length: Int, strict: Bool) throws(DescriptorParseError) -> String {
        var cursor = item.argumentCursor(in: document.bytes)
        guard let word = cursor.next(), base64DecodedCount(document.bytes, word) == length else {
            throw malformed(document, item, "expected base64 of \(length) bytes")
        }
        try expectEnd(cursor, document, item, strict: strict)
        return document.string(word)
    }

    /// How many bytes `Base64.decode` would return for `range`, or `nil` where it would fail —
    /// the same acceptance rules without building the output, so objects can be decoded lazily
    /// yet still validated while parsing.
    static func base64DecodedCount(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        let classes = base64Classes
        var characters = 0
        var padding = 0
        let valid: Bool = bytes[range].withUnsafeBufferPointer { buffer in
            for byte in buffer {
                switch classes[Int(byte)] {
                case 1:
                    guard padding == 0 else { return false }
                    characters += 1
                case 2: continue
                case 3: padding += 1
                default: return false
                }
            }
            return true
        }
        let tail = characters % 4
        guard valid, padding <= 2, tail != 1 else { return nil }
        return characters / 4 * 3 + (tail == 0 ? 0 : tail - 1)
    }

    /// Byte classes for ``base64DecodedCount(_:_:)``: 1 alphabet, 2 skipped whitespace, 3 `=`, 0 invalid.
    private static let base64Classes: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8) { table[Int(byte)] = 1 }
        for byte: UInt8 in [0x0A, 0x0D, 0x20, 0x09] { table[Int(byte)] = 2 }
        table[Int(UInt8(ascii: "="))] = 3
        return table
    }()

    /// Checks an item's object type and base64 body without decoding it.
    static func validatedObject(_ document: Document, _ item: DocumentItem, named name: StaticString,
                                strict: Bool) throws(DescriptorParseError) -> DocumentObject {
        if strict, !item.arguments.isEmpty { throw malformed(document, item, "no arguments allowed") }
        let object = try document.object(item, named: name)
        guard base64DecodedCount(document.bytes, object.body) != nil else {
            throw document.error(.malformedObject("object body is not valid base64"), at: item)
        }
        return object
    }
}
