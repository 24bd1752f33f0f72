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

    /// From its 20 bytes as big-endian words (the consensus entry scanner decodes them so).
    init(high: UInt64, middle: UInt64, low: UInt32) {
        (self.high, self.middle, self.low) = (high, middle, low)
    }

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

    /// Parses hex (with optional `$`, or the spaced 10×4 form) from a byte range, without allocating.
    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Fingerprint? {
        var start = range.lowerBound
        if start < range.upperBound, bytes[start] == UInt8(ascii: "$") { start += 1 }
        let length = range.upperBound - start
        // Spaced form: ten groups of four digits with one space between groups.
        let spaced = length == 49
        guard length == 40 || spaced else { return nil }
        var words: (UInt64, UInt64, UInt32) = (0, 0, 0)
        var digits = 0
        for offset in 0..<length {
            let byte = bytes[start + offset]
            if spaced, offset % 5 == 4 {
                guard byte == ByteText.space else { return nil }
                continue
            }
            guard let nibble = Hex.nibble(byte) else { return nil }
            switch digits {
            case 0..<16: words.0 = words.0 << 4 | UInt64(nibble)
            case 16..<32: words.1 = words.1 << 4 | UInt64(nibble)
            default: words.2 = words.2 << 4 | UInt32(nibble)
            }
            digits += 1
        }
        return Fingerprint(words: words)
    }

    private init(words: (UInt64, UInt64, UInt32)) {
        (high, middle, low) = words
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
