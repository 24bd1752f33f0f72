
/// The router status entry fields, decoded straight from a ``ByteCursor``: entries are ~99% of
/// a consensus, so the scanner reads them without the tokenizer or intermediate strings.
extension ByteCursor {
    /// Whether the keyword at `range` ends the entries.
    @inline(__always)
    func isFooterKeyword(_ range: Range<Int>) -> Bool {
        self[range.lowerBound] == UInt8(ascii: "d") && (equals(range, "directory-footer") || equals(range, "directory-signature"))
    }

    func ipv4(_ range: Range<Int>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var index = range.lowerBound
        while octets < 4 {
            var octet: UInt32 = 0
            var digits = 0
            while index < range.upperBound, self[index] &- 0x30 < 10, digits < 3 {
                octet = octet * 10 + UInt32(self[index] &- 0x30)
                digits += 1
                index += 1
            }
            guard digits > 0, octet <= 255 else { return nil }
            value = value << 8 | octet
            octets += 1
            if octets < 4 {
                guard index < range.upperBound, self[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        return index == range.upperBound ? value : nil
    }

    /// `YYYY-MM-DD` and `HH:MM:SS`.
    func timestamp(_ date: Range<Int>, _ time: Range<Int>) -> TorTimestamp? {
        guard date.count == 10, time.count == 8 else { return nil }
        let d = date.lowerBound, t = time.lowerBound
        guard self[d + 4] == UInt8(ascii: "-"), self[d + 7] == UInt8(ascii: "-"), self[t + 2] == UInt8(ascii: ":"), self[t + 5] == UInt8(ascii: ":"),
              let year = digits(d, 4), let month = digits(d + 5, 2), let day = digits(d + 8, 2),
              let hour = digits(t, 2), let minute = digits(t + 3, 2), let second = digits(t + 6, 2),
              (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year), hour < 24, minute < 60, second < 61
        else { return nil }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (the civil-from-days inverse).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return TorTimestamp(secondsSince1970: Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second))
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

    /// Decodes unpadded (or padded) base64 of exactly `length` ≤ 32 bytes into `out`, four
    /// characters (three bytes) at a time.
    func base64(_ range: Range<Int>, length: Int, into out: UnsafeMutablePointer<UInt8>) -> Bool {
        // A table, because branching on random base64 characters mispredicts; fetched once per
        // value (a `static let` access costs a lazy-initialisation check).
        base64(range, length: length, into: out, table: Base64.tablePointer)
    }

    private func base64(_ range: Range<Int>, length: Int, into out: UnsafeMutablePointer<UInt8>, table: UnsafePointer<UInt8>) -> Bool {
        var stop = range.upperBound
        while stop > range.lowerBound, self[stop - 1] == UInt8(ascii: "=") { stop -= 1 }
        let characters = stop - range.lowerBound
        guard characters == (length * 4 + 2) / 3 else { return false }
        var index = range.lowerBound
        var count = 0
        while stop - index >= 4 {
            let a = UInt32(table[Int(self[index])]), b = UInt32(table[Int(self[index + 1])])
            let c = UInt32(table[Int(self[index + 2])]), d = UInt32(table[Int(self[index + 3])])
            guard (a | b | c | d) < 64 else { return false }
            let group = a &<< 18 | b &<< 12 | c &<< 6 | d
            out[count] = UInt8(truncatingIfNeeded: group &>> 16)
            out[count + 1] = UInt8(truncatingIfNeeded: group &>> 8)
            out[count + 2] = UInt8(truncatingIfNeeded: group)
            count += 3
            index += 4
        }
        switch stop - index {
        case 0: break
        case 2:
            let a = UInt32(table[Int(self[index])]), b = UInt32(table[Int(self[index + 1])])
            guard (a | b) < 64 else { return false }
            out[count] = UInt8(truncatingIfNeeded: (a &<< 6 | b) &>> 4)
            count += 1
        case 3:
            let a = UInt32(table[Int(self[index])]), b = UInt32(table[Int(self[index + 1])]), c = UInt32(table[Int(self[index + 2])])
            guard (a | b | c) < 64 else { return false }
            let group = a &<< 12 | b &<< 6 | c
            out[count] = UInt8(truncatingIfNeeded: group &>> 10)
            out[count + 1] = UInt8(truncatingIfNeeded: group &>> 2)
            count += 2
        default: return false
        }
        return count == length
    }

    /// An identity: the same 20 bytes as a SHA-1 digest, without the generic byte-collection init.
    func fingerprint(_ range: Range<Int>) -> Fingerprint? {
        sha1Digest(range).map { Fingerprint(high: $0.a, middle: $0.b, low: $0.c) }
    }

    func sha1Digest(_ range: Range<Int>) -> SHA1DigestValue? {
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &storage) { raw -> SHA1DigestValue? in
            guard base64(range, length: 20, into: raw.baseAddress!.assumingMemoryBound(to: UInt8.self)) else { return nil }
            // The digest's bytes in order are big-endian words.
            return SHA1DigestValue(a: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                                   b: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                                   c: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        }
    }

    func sha256Digest(_ range: Range<Int>) -> SHA256DigestValue? {
        var storage: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &storage) { raw -> SHA256DigestValue? in
            guard base64(range, length: 32, into: raw.baseAddress!.assumingMemoryBound(to: UInt8.self)) else { return nil }
            func word(_ offset: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            return SHA256DigestValue(a: word(0), b: word(8), c: word(16), d: word(24))
        }
    }
}
