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

    /// The address in `range` of `bytes` (see ``ByteCursor/ipAddress(_:)``).
    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> IPAddress? {
        guard range.lowerBound >= bytes.startIndex, range.upperBound <= bytes.endIndex else { return nil }
        return ByteCursor.with(bytes) { $0.ipAddress(range) }
    }

    static func parseIPv4(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> UInt32? {
        guard range.lowerBound >= bytes.startIndex, range.upperBound <= bytes.endIndex else { return nil }
        return ByteCursor.with(bytes) { $0.ipv4(range) }
    }

    static func parseIPv6(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> (UInt64, UInt64)? {
        guard range.lowerBound >= bytes.startIndex, range.upperBound <= bytes.endIndex else { return nil }
        return ByteCursor.with(bytes) { $0.ipv6(range) }.map { ($0.high, $0.low) }
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
