/// A relay's 20-byte identity fingerprint (SHA-1 of its RSA identity key), printed as 40
/// upper-case hex digits.
///
/// ```swift
/// let fingerprint = Fingerprint(hex: "9695DFC35FFEB861329B9F1AB04C46397020CE31")!
/// print(fingerprint)          // 9695DFC35FFEB861329B9F1AB04C46397020CE31
/// ```
public struct Fingerprint: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    // Three words instead of an array: no allocation per fingerprint.
    private let high: UInt64
    private let middle: UInt64
    private let low: UInt32

    /// From exactly 20 bytes.
    public init?<Bytes: Collection<UInt8>>(bytes: Bytes) {
        guard bytes.count == 20 else { return nil }
        var words: (UInt64, UInt64, UInt32) = (0, 0, 0)
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 0..<8: words.0 = words.0 << 8 | UInt64(byte)
            case 8..<16: words.1 = words.1 << 8 | UInt64(byte)
            default: words.2 = words.2 << 8 | UInt32(byte)
            }
        }
        (high, middle, low) = words
    }

    /// From 40 hex digits (either case), optionally with a leading `$`, or tor's spaced form of
    /// ten groups of four (`1A25 C635 ...`).
    public init?(hex: some StringProtocol) {
        let bytes = Array(hex.utf8)
        guard let value = Fingerprint.parse(bytes[...], 0..<bytes.count) else { return nil }
        self = value
    }

    /// Parses hex (with optional `$`, or the spaced 10×4 form) from a byte range.
    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Fingerprint? {
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var start = range.lowerBound
        if start < range.upperBound, bytes[start] == UInt8(ascii: "$") { start += 1 }
        let spaced = range.upperBound - start == 49
        var high: UInt8? = nil
        var count = 0
        for index in start..<range.upperBound {
            let byte = bytes[index]
            if spaced, byte == ByteText.space {
                // Spaces only between groups of four.
                guard count % 4 == 0, count > 0, high == nil else { return nil }
                continue
            }
            guard let nibble = Hex.nibble(byte) else { return nil }
            count += 1
            if let h = high {
                digits.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard count == 40 else { return nil }
        return Fingerprint(bytes: digits)
    }

    /// The 20 bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: middle >> UInt64(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt32(shift))) }
        return out
    }

    /// 40 upper-case hex digits.
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Fingerprint(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a fingerprint"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
