/// An IPv4 or IPv6 address, parsed from bytes and printed in canonical form
/// (dotted quad; RFC 5952 lower-case compressed IPv6, as tor writes it).
///
/// ```swift
/// let address = IPAddress("2001:db8::1")!
/// print(address, address.isIPv6)     // 2001:db8::1 true
/// ```
public enum IPAddress: Sendable, Hashable, CustomStringConvertible, Codable {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    /// Parses an IPv4 dotted quad or an IPv6 address, with or without `[brackets]`.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let value = IPAddress.parse(bytes[...], 0..<bytes.count) else { return nil }
        self = value
    }

    public var isIPv6: Bool { if case .v6 = self { true } else { false } }

    /// 4 or 16 bytes in network order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        case .v6(let high, let low):
            var out: [UInt8] = []
            for shift: UInt64 in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> shift)) }
            for shift: UInt64 in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> shift)) }
            return out
        }
    }

    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> IPAddress? {
        guard !range.isEmpty else { return nil }
        if bytes[range.lowerBound] == UInt8(ascii: "[") {
            guard range.count >= 2, bytes[range.upperBound - 1] == UInt8(ascii: "]") else { return nil }
            return parseIPv6(bytes, (range.lowerBound + 1)..<(range.upperBound - 1)).map { .v6(high: $0.0, low: $0.1) }
        }
        if let v4 = parseIPv4(bytes, range) { return .v4(v4) }
        return parseIPv6(bytes, range).map { .v6(high: $0.0, low: $0.1) }
    }

    static func parseIPv4(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var index = range.lowerBound
        while index < range.upperBound {
            var octet = 0
            var digits = 0
            while index < range.upperBound, ByteText.isDigit(bytes[index]) {
                octet = octet * 10 + Int(bytes[index] - 0x30)
                digits += 1
                index += 1
                if digits > 3 { return nil }
            }
            guard digits > 0, octet <= 255 else { return nil }
            value = value << 8 | UInt32(octet)
            octets += 1
            if index < range.upperBound {
                guard bytes[index] == UInt8(ascii: "."), octets < 4 else { return nil }
                index += 1
                guard index < range.upperBound else { return nil }
            }
        }
        return octets == 4 ? value : nil
    }

    static func parseIPv6(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> (UInt64, UInt64)? {
        // Groups before and after `::`, each shifted into a 128-bit value: no arrays, since
        // every `a` line of a consensus entry comes here.
        var head = Groups()
        var tail = Groups()
        var sawGap = false
        var index = range.lowerBound
        let end = range.upperBound
        guard !range.isEmpty else { return nil }
        if bytes[index] == UInt8(ascii: ":") {
            guard index + 1 < end, bytes[index + 1] == UInt8(ascii: ":") else { return nil }
            sawGap = true
            index += 2
        }
        while index < end {
            // An embedded IPv4 tail (::ffff:1.2.3.4).
            var probe = index
            while probe < end, bytes[probe] != UInt8(ascii: ":") { probe += 1 }
            if probe == end, bytes[index..<end].contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(bytes, index..<end) else { return nil }
                if sawGap { tail.append(UInt16(v4 >> 16)); tail.append(UInt16(v4 & 0xFFFF)) }
                else { head.append(UInt16(v4 >> 16)); head.append(UInt16(v4 & 0xFFFF)) }
                index = end
                break
            }
            var group: UInt32 = 0
            var digits = 0
            while index < end, let nibble = Hex.nibble(bytes[index]) {
                group = group << 4 | UInt32(nibble)
                digits += 1
                index += 1
                if digits > 4 { return nil }
            }
            guard digits > 0 else { return nil }
            if sawGap { tail.append(UInt16(group)) } else { head.append(UInt16(group)) }
            if index < end {
                guard bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                if index < end, bytes[index] == UInt8(ascii: ":") {
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

    /// Up to eight 16-bit groups as a 128-bit value, the last appended lowest.
    private struct Groups {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var count = 0

        mutating func append(_ group: UInt16) {
            high = high << 16 | low >> 48
            low = low << 16 | UInt64(group)
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

    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        case .v6(let high, let low):
            var groups: [UInt16] = []
            for shift: UInt64 in [48, 32, 16, 0] { groups.append(UInt16(truncatingIfNeeded: high >> shift)) }
            for shift: UInt64 in [48, 32, 16, 0] { groups.append(UInt16(truncatingIfNeeded: low >> shift)) }
            // tor (tor_inet_ntop) and RFC 5952 §5 print IPv4-mapped and IPv4-compatible
            // addresses in mixed notation.
            if high == 0, groups[4] == 0, (groups[5] == 0xFFFF || (groups[5] == 0 && groups[6] != 0)) {
                let v4 = IPAddress.v4(UInt32(truncatingIfNeeded: low))
                return groups[5] == 0xFFFF ? "::ffff:\(v4)" : "::\(v4)"
            }
            // RFC 5952: compress the longest run (≥ 2) of zero groups, the first one on ties.
            var bestStart = -1, bestLength = 1
            var runStart = -1
            for index in 0...8 {
                if index < 8, groups[index] == 0 {
                    if runStart < 0 { runStart = index }
                } else if runStart >= 0 {
                    if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                    runStart = -1
                }
            }
            func hex(_ slice: ArraySlice<UInt16>) -> String { slice.map { String($0, radix: 16) }.joined(separator: ":") }
            if bestStart < 0 { return hex(groups[...]) }
            return hex(groups[0..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = IPAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an IP address"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
