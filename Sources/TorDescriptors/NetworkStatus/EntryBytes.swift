
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
              let year = unsigned(d..<(d + 4)), let month = unsigned((d + 5)..<(d + 7)), let day = unsigned((d + 8)..<(d + 10)),
              let hour = unsigned(t..<(t + 2)), let minute = unsigned((t + 3)..<(t + 5)), let second = unsigned((t + 6)..<(t + 8)),
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

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Decodes unpadded (or padded) base64 of exactly `length` ≤ 32 bytes into `out`, four
    /// characters (three bytes) at a time.
    func base64(_ range: Range<Int>, length: Int, into out: UnsafeMutablePointer<UInt8>) -> Bool {
        // A table, because branching on random base64 characters mispredicts; fetched once per
        // value (a `static let` access costs a lazy-initialisation check).
        Base64.table.withUnsafeBufferPointer { table in base64(range, length: length, into: out, table: table.baseAddress!) }
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
            let out = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard base64(range, length: 20, into: out) else { return nil }
            func word(_ offset: Int, _ count: Int) -> UInt64 {
                var value: UInt64 = 0
                for index in offset..<(offset + count) { value = value << 8 | UInt64(out[index]) }
                return value
            }
            return SHA1DigestValue(a: word(0, 8), b: word(8, 8), c: UInt32(word(16, 4)))
        }
    }

    func sha256Digest(_ range: Range<Int>) -> SHA256DigestValue? {
        var storage: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &storage) { raw -> SHA256DigestValue? in
            let out = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard base64(range, length: 32, into: out) else { return nil }
            func word(_ offset: Int) -> UInt64 {
                var value: UInt64 = 0
                for index in offset..<(offset + 8) { value = value << 8 | UInt64(out[index]) }
                return value
            }
            return SHA256DigestValue(a: word(0), b: word(8), c: word(16), d: word(24))
        }
    }
}
