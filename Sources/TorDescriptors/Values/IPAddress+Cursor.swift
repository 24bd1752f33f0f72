/// IP addresses read from a ``ByteCursor``: the one implementation of the address syntax.
/// ``IPAddress/parse(_:_:)`` and ``ORAddress/parse(_:_:requireBrackets:)`` open a cursor and come
/// here; the consensus entry scanner (a third of 2021's entries have an `a` line) calls these
/// directly, on the cursor it already holds.
extension ByteCursor {
    /// An IPv4 dotted quad or an IPv6 address, with or without `[brackets]`.
    func ipAddress(_ range: Range<Int>) -> IPAddress? {
        guard !range.isEmpty else { return nil }
        if self[range.lowerBound] == UInt8(ascii: "[") {
            guard range.count >= 2, self[range.upperBound - 1] == UInt8(ascii: "]") else { return nil }
            return ipv6((range.lowerBound + 1)..<(range.upperBound - 1)).map { .v6(high: $0.high, low: $0.low) }
        }
        if let v4 = ipv4(range) { return .v4(v4) }
        return ipv6(range).map { .v6(high: $0.high, low: $0.low) }
    }

    /// `address:port`, the port 1...65535 after the last colon; an IPv4 address must not be
    /// bracketed, an IPv6 one must be when `requireBrackets`.
    func orAddress(_ range: Range<Int>, requireBrackets: Bool = false) -> ORAddress? {
        var colon = range.upperBound - 1
        while colon > range.lowerBound, self[colon] != UInt8(ascii: ":") { colon -= 1 }
        guard colon > range.lowerBound, let address = ipAddress(range.lowerBound..<colon),
              let port = unsigned((colon + 1)..<range.upperBound), (1...65_535).contains(port) else { return nil }
        let bracketed = self[range.lowerBound] == UInt8(ascii: "[")
        if address.isIPv6 ? (requireBrackets && !bracketed) : bracketed { return nil }
        return ORAddress(address: address, port: port)
    }

    /// An IPv6 address without brackets: hex groups of 1-4 digits, at most one `::`, and
    /// optionally a dotted-quad tail (`::ffff:192.0.2.1`).
    func ipv6(_ range: Range<Int>) -> (high: UInt64, low: UInt64)? {
        // Groups before and after `::`, each shifted into a 128-bit value: nothing allocated.
        var head = IPv6Groups()
        var tail = IPv6Groups()
        var sawGap = false
        var index = range.lowerBound
        let end = range.upperBound
        guard index < end else { return nil }
        if self[index] == UInt8(ascii: ":") {
            guard index + 1 < end, self[index + 1] == UInt8(ascii: ":") else { return nil }
            sawGap = true
            index += 2
        }
        while index < end {
            let groupStart = index
            var group: UInt64 = 0
            while index < end, index - groupStart < 4, let nibble = Self.hexValue(self[index]) {
                group = group << 4 | nibble
                index += 1
            }
            if index < end, self[index] == UInt8(ascii: ".") {
                // An embedded IPv4 tail: the rest, read again from the group's start.
                guard let v4 = ipv4(groupStart..<end) else { return nil }
                if sawGap { tail.append(v4 >> 16); tail.append(v4 & 0xFFFF) } else { head.append(v4 >> 16); head.append(v4 & 0xFFFF) }
                index = end
                break
            }
            guard index > groupStart else { return nil }
            if sawGap { tail.append(UInt32(group)) } else { head.append(UInt32(group)) }
            if index < end {
                guard self[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                if index < end, self[index] == UInt8(ascii: ":") {
                    guard !sawGap else { return nil }
                    sawGap = true
                    index += 1
                } else if index == end {
                    return nil
                }
            }
        }
        let total = head.count + tail.count
        guard sawGap ? total <= 7 : total == 8 else { return nil }
        // The head's groups move up past the zero groups of the gap and the tail's groups.
        let shifted = head.shiftedLeft(groups: 8 - head.count)
        return (shifted.high | tail.high, shifted.low | tail.low)
    }

    /// The value of a hex digit (either case), without a table.
    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt64? {
        let digit = byte &- 0x30
        if digit < 10 { return UInt64(digit) }
        let letter = (byte | 0x20) &- 0x61
        return letter < 6 ? UInt64(letter) + 10 : nil
    }
}

/// Up to eight 16-bit groups as a 128-bit value, the last appended lowest.
private struct IPv6Groups {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var count = 0

    @inline(__always)
    mutating func append(_ group: UInt32) {
        high = high << 16 | low >> 48
        low = low << 16 | UInt64(group & 0xFFFF)
        count += 1
    }

    func shiftedLeft(groups: Int) -> (high: UInt64, low: UInt64) {
        let bits = groups * 16
        if bits == 0 { return (high, low) }
        if bits >= 128 { return (0, 0) }
        if bits >= 64 { return (low << UInt64(bits - 64), 0) }
        return (high << UInt64(bits) | low >> UInt64(64 - bits), low << UInt64(bits))
    }
}
