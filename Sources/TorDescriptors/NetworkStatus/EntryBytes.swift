
/// The router status entry fields, decoded straight from a ``ByteCursor``: entries are ~99% of
/// a consensus, so the scanner reads them without the tokenizer or intermediate strings.
extension ByteCursor {
    /// Whether the keyword at `range` ends the entries.
    @inline(__always)
    func isFooterKeyword(_ range: Range<Int>) -> Bool {
        self[range.lowerBound] == UInt8(ascii: "d") && (equals(range, "directory-footer") || equals(range, "directory-signature"))
    }

    /// A dotted quad: four decimal numbers of one to three digits (leading zeros allowed), each
    /// at most 255. The digits are read unrolled: every consensus entry has one address.
    func ipv4(_ range: Range<Int>) -> UInt32? {
        var value: UInt32 = 0
        var index = range.lowerBound
        let end = range.upperBound
        for octet in 0..<4 {
            guard index < end else { return nil }
            var number = UInt32(self[index] &- 0x30)
            guard number < 10 else { return nil }
            index += 1
            if index < end, case let digit = UInt32(self[index] &- 0x30), digit < 10 {
                number = number &* 10 &+ digit
                index += 1
                if index < end, case let digit = UInt32(self[index] &- 0x30), digit < 10 {
                    number = number &* 10 &+ digit
                    index += 1
                }
            }
            guard number <= 255 else { return nil }
            value = value << 8 | number
            if octet < 3 {
                guard index < end, self[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        return index == end ? value : nil
    }

    /// `YYYY-MM-DD` and `HH:MM:SS`.
    func timestamp(_ date: Range<Int>, _ time: Range<Int>) -> TorTimestamp? {
        guard date.count == 10, time.count == 8, let days = civilDays(date.lowerBound),
              let seconds = secondsOfDay(time.lowerBound) else { return nil }
        return TorTimestamp(secondsSince1970: Int64(days) * 86_400 + Int64(seconds))
    }

    /// The `YYYY-MM-DD` at `index` (10 bytes in the buffer) as days from 1970-01-01 in the
    /// proleptic Gregorian calendar (the civil-from-days inverse).
    func civilDays(_ d: Int) -> Int? {
        guard self[d + 4] == UInt8(ascii: "-"), self[d + 7] == UInt8(ascii: "-"),
              let year = digits(d, 4), let month = digits(d + 5, 2), let day = digits(d + 8, 2),
              (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The `HH:MM:SS` at `index` (8 bytes in the buffer) as seconds from midnight (a leap
    /// second, `:60`, is allowed).
    @inline(__always)
    func secondsOfDay(_ t: Int) -> Int? {
        guard self[t + 2] == UInt8(ascii: ":"), self[t + 5] == UInt8(ascii: ":"),
              let hour = digits(t, 2), let minute = digits(t + 3, 2), let second = digits(t + 6, 2),
              hour < 24, minute < 60, second < 61 else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    /// The 8 bytes at `index` (all in the buffer) as one word, for comparing short fields whole.
    @inline(__always)
    func word64(at index: Int) -> UInt64 {
        UnsafeRawPointer(pointer(index, count: 8)!).loadUnaligned(as: UInt64.self)
    }

    /// `count` decimal digits at `index` (all in the buffer), as ``unsigned(_:)`` reads them.
    @inline(__always)
    private func digits(_ index: Int, _ count: Int) -> Int? {
        var value = 0
        for offset in 0..<count {
            let digit = self[index + offset] &- 0x30
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether `range` is a policy summary, `accept|reject PortList`: the same syntax as
    /// ``ExitPattern/isValidSummary(_:_:)`` (ports and ranges of 1-65535, at most 18 digits a
    /// number, comma-separated, no empty item), in one pass over raw memory. Strict mode asks it
    /// of every `p` line, where the general check (argument cursors, slice subscripts) cost more
    /// than the rest of the entry.
    func isPolicySummary(_ range: Range<Int>) -> Bool {
        let end = range.upperBound
        let verb = skipSpaces(range.lowerBound, end)
        let verbEnd = keywordEnd(verb, end)
        guard equals(verb..<verbEnd, "accept") || equals(verb..<verbEnd, "reject") else { return false }
        let listStart = skipSpaces(verbEnd, end)
        let listEnd = keywordEnd(listStart, end)
        guard listStart < listEnd, skipSpaces(listEnd, end) == end else { return false }
        var index = listStart
        while true {
            // `low` or `low-high`.
            guard let low = number(&index, listEnd), low >= 1 else { return false }
            var high = low
            if index < listEnd, self[index] == UInt8(ascii: "-") {
                index += 1
                guard let value = number(&index, listEnd) else { return false }
                high = value
            }
            guard low <= high, high <= 65_535 else { return false }
            if index == listEnd { return true }
            guard self[index] == UInt8(ascii: ",") else { return false }
            index += 1
        }
    }

    /// Whether `range` is a protocol list, `Name=Values` words whose values are `N` or `N-M`
    /// (N ≤ M) joined by commas: what ``ProtocolVersions/isValid(_:_:)`` accepts, in one pass
    /// over raw memory (strict mode asks it of every `pr` line).
    func isProtocolList(_ range: Range<Int>) -> Bool {
        var position = range.lowerBound
        while let word = word(&position, range.upperBound) {
            let end = word.upperBound
            var index = word.lowerBound
            while index < end, self[index] != UInt8(ascii: "=") { index += 1 }
            guard index > word.lowerBound, index < end else { return false }
            index += 1
            while index < end {
                guard let low = number(&index, end) else { return false }
                if index < end, self[index] == UInt8(ascii: "-") {
                    index += 1
                    guard let high = number(&index, end), low <= high else { return false }
                }
                if index == end { break }
                // A comma, and a value after it.
                guard self[index] == UInt8(ascii: ","), index + 1 < end else { return false }
                index += 1
            }
        }
        return true
    }

    /// The decimal number of 1-18 digits at `index` (moved past the digits), as ``unsigned(_:)``
    /// reads one.
    @inline(__always)
    private func number(_ index: inout Int, _ end: Int) -> Int? {
        let start = index
        var value = 0
        while index < end, self[index] &- 0x30 < 10 {
            value = value &* 10 &+ Int(self[index] &- 0x30)
            index += 1
        }
        return (1...18).contains(index - start) ? value : nil
    }

    /// An identity: the same 20 bytes as a SHA-1 digest, without the generic byte-collection init.
    func fingerprint(_ range: Range<Int>) -> Fingerprint? {
        sha1Digest(range).map { Fingerprint(high: $0.a, middle: $0.b, low: $0.c) }
    }

    /// 27 base64 characters (any `=` padding after them is ignored) as a SHA-1 digest. Decoded
    /// straight into the digest's words, without an intermediate buffer: every consensus entry
    /// has one or two of these.
    func sha1Digest(_ range: Range<Int>) -> SHA1DigestValue? {
        guard let reader = Base64Words(self, range, characters: 27) else { return nil }
        var r = reader
        let g0 = r.group(0), g1 = r.group(4), g2 = r.group(8), g3 = r.group(12), g4 = r.group(16), g5 = r.group(20)
        let tail = r.tail(24)
        guard r.isValid else { return nil }
        // Bytes 0-17 are the six groups, 18-19 the tail; the words are big-endian.
        return SHA1DigestValue(a: g0 << 40 | g1 << 16 | g2 >> 8,
                               b: (g2 & 0xFF) << 56 | g3 << 32 | g4 << 8 | g5 >> 16,
                               c: UInt32(truncatingIfNeeded: (g5 & 0xFFFF) << 16 | tail))
    }

    /// 43 base64 characters (any `=` padding after them is ignored) as a SHA-256 digest, read
    /// as ``sha1Digest(_:)`` reads 27.
    func sha256Digest(_ range: Range<Int>) -> SHA256DigestValue? {
        guard let reader = Base64Words(self, range, characters: 43) else { return nil }
        var r = reader
        let g0 = r.group(0), g1 = r.group(4), g2 = r.group(8), g3 = r.group(12), g4 = r.group(16)
        let g5 = r.group(20), g6 = r.group(24), g7 = r.group(28), g8 = r.group(32), g9 = r.group(36)
        let tail = r.tail(40)
        guard r.isValid else { return nil }
        // Bytes 0-29 are the ten groups, 30-31 the tail.
        return SHA256DigestValue(a: g0 << 40 | g1 << 16 | g2 >> 8,
                                 b: (g2 & 0xFF) << 56 | g3 << 32 | g4 << 8 | g5 >> 16,
                                 c: (g5 & 0xFFFF) << 48 | g6 << 24 | g7,
                                 d: g8 << 40 | g9 << 16 | tail)
    }
}

/// Reads a fixed number of base64 characters as 24-bit groups, collecting the table values'
/// bits so that one test at the end rejects any character outside the alphabet.
private struct Base64Words {
    let cursor: ByteCursor
    let start: Int
    let table: UnsafePointer<UInt8>
    /// The OR of every table value read: ≥ 64 when one was not a base64 character (0xFF).
    var seen: UInt64 = 0

    /// `nil` unless `range` is exactly `characters` long after its trailing `=` are dropped.
    @inline(__always)
    init?(_ cursor: ByteCursor, _ range: Range<Int>, characters: Int) {
        var stop = range.upperBound
        while stop > range.lowerBound, cursor[stop - 1] == UInt8(ascii: "=") { stop -= 1 }
        guard stop - range.lowerBound == characters else { return nil }
        self.cursor = cursor
        start = range.lowerBound
        // Fetched once per value (a `static let` access costs a lazy-initialisation check).
        table = Base64.tablePointer
    }

    @inline(__always)
    private mutating func value(_ offset: Int) -> UInt64 {
        let value = UInt64(table[Int(cursor[start + offset])])
        seen |= value
        return value
    }

    /// Four characters from `offset`: three bytes, big-endian.
    @inline(__always)
    mutating func group(_ offset: Int) -> UInt64 {
        value(offset) << 18 | value(offset + 1) << 12 | value(offset + 2) << 6 | value(offset + 3)
    }

    /// The last three characters from `offset`: two bytes (the low two bits are dropped, as
    /// decoding unpadded base64 does).
    @inline(__always)
    mutating func tail(_ offset: Int) -> UInt64 {
        (value(offset) << 12 | value(offset + 1) << 6 | value(offset + 2)) >> 2
    }

    var isValid: Bool { seen < 64 }
}
