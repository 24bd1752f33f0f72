extension Microdescriptor {
    /// One entry of a `family` line, kept as written.
    ///
    /// Tor writes `$` + 40 hex digits since consensus method 29; older microdescriptors also hold
    /// nicknames and `$FP=nick` / `$FP~nick`. Anything else is kept as ``other(_:)``, because the
    /// spec makes the format forward-compatible.
    ///
    /// ```swift
    /// if case .fingerprint(let fp) = micro.family.first { print(fp) }
    /// ```
    public enum FamilyEntry: Sendable, Hashable, CustomStringConvertible {
        /// `$` followed by 40 hex digits.
        case fingerprint(Fingerprint)
        /// `$FP=nick` (`isNamed` true: the nickname was bound to the key) or `$FP~nick`.
        case fingerprintWithNickname(Fingerprint, nickname: String, isNamed: Bool)
        /// A bare nickname (1–19 alphanumerics).
        case nickname(String)
        /// An entry of no known form.
        case other(String)

        public var description: String {
            switch self {
            case .fingerprint(let fingerprint): return "$" + fingerprint.hex
            case .fingerprintWithNickname(let fingerprint, let nickname, let named):
                return "$" + fingerprint.hex + (named ? "=" : "~") + nickname
            case .nickname(let nickname): return nickname
            case .other(let text): return text
            }
        }

        static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> FamilyEntry {
            let text = ByteText.string(bytes, range)
            if bytes[range.lowerBound] == UInt8(ascii: "$") {
                if range.count == 41, let fingerprint = Fingerprint.parse(bytes, range) { return .fingerprint(fingerprint) }
                if range.count > 42 {
                    let separator = bytes[range.lowerBound + 41]
                    let nickname = (range.lowerBound + 42)..<range.upperBound
                    if separator == UInt8(ascii: "=") || separator == UInt8(ascii: "~"),
                       isNickname(bytes, nickname),
                       let fingerprint = Fingerprint.parse(bytes, range.lowerBound..<(range.lowerBound + 41)) {
                        return .fingerprintWithNickname(fingerprint, nickname: ByteText.string(bytes, nickname),
                                                        isNamed: separator == UInt8(ascii: "="))
                    }
                }
                return .other(text)
            }
            return isNickname(bytes, range) ? .nickname(text) : .other(text)
        }

        static func isNickname(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
            guard (1...19).contains(range.count) else { return false }
            for index in range {
                switch bytes[index] {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"): continue
                default: return false
                }
            }
            return true
        }
    }

    /// One `id` line: a hash or key that identifies the relay, for collision prevention.
    ///
    /// ```swift
    /// for case .ed25519(let key) in micro.identifiers { print(key.count) }   // 32
    /// ```
    public enum Identifier: Sendable, Hashable {
        /// `id rsa1024`: SHA-1 of the relay's RSA identity key, i.e. its fingerprint.
        case rsa1024(Fingerprint)
        /// `id ed25519`: the relay's 32-byte Ed25519 master identity key.
        case ed25519([UInt8])
        /// An `id` line of a key type this library does not know, kept as written.
        case other(type: String, value: String)

        /// The key type as written on the line (`rsa1024`, `ed25519`, ...).
        public var type: String {
            switch self {
            case .rsa1024: return "rsa1024"
            case .ed25519: return "ed25519"
            case .other(let type, _): return type
            }
        }
    }
}

/// 32 bytes stored inline (ntor and Ed25519 keys), so a microdescriptor needs no heap block for them.
struct InlineBytes32: Sendable, Hashable {
    var words: (UInt64, UInt64, UInt64, UInt64)

    init?(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard buffer.count == 32 else { return nil }
        func word(_ at: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in at..<(at + 8) { value = value << 8 | UInt64(buffer[index]) }
            return value
        }
        words = (word(0), word(8), word(16), word(24))
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    static func == (lhs: InlineBytes32, rhs: InlineBytes32) -> Bool { lhs.words == rhs.words }
    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0); hasher.combine(words.1); hasher.combine(words.2); hasher.combine(words.3)
    }
}

/// Base64 helpers that do not allocate: short values decode into a stack buffer, object bodies
/// are only measured. Loops read through a buffer pointer with a table fetched once per call
/// (a `static let` read inside the loop costs a `swift_once` call per byte, and a `switch` on
/// random base64 characters mispredicts).
enum MicroBase64 {
    static let table: [UInt8] = Base64.table

    /// `table` with CR and LF marked 0x40 (not 0xFF) so `decodedLength` can skip line breaks
    /// without a branch per byte: bit 7 still flags invalid bytes, bit 6 flags a line break.
    static let bodyTable: [UInt8] = {
        var table = MicroBase64.table
        table[0x0A] = 0x40
        table[0x0D] = 0x40
        return table
    }()

    /// Decodes a single-token value (no whitespace), padding optional, and hands the bytes to
    /// `body`; `nil` when the text is not base64 or longer than 66 bytes decoded.
    static func withDecoded<R>(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>,
                               _ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        var end = range.upperBound
        var padding = 0
        while end > range.lowerBound, bytes[end - 1] == UInt8(ascii: "="), padding < 2 { end -= 1; padding += 1 }
        let count = end - range.lowerBound
        guard count > 0, count % 4 != 1, count <= 88 else { return nil }
        if padding > 0, (count + padding) % 4 != 0 { return nil }
        return table.withUnsafeBufferPointer { table -> R? in
            bytes.withUnsafeBufferPointer { source -> R? in
                let offset = range.lowerBound - bytes.startIndex
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 66) { buffer -> R? in
                    var written = 0
                    var invalid: UInt8 = 0
                    var index = offset
                    let stop = offset + count
                    // Whole groups of four characters first: one shift-and-or per group.
                    while index + 4 <= stop {
                        let a = table[Int(source[index])], b = table[Int(source[index + 1])]
                        let c = table[Int(source[index + 2])], d = table[Int(source[index + 3])]
                        invalid |= a | b | c | d
                        let group = UInt32(a & 63) << 18 | UInt32(b & 63) << 12 | UInt32(c & 63) << 6 | UInt32(d & 63)
                        buffer[written] = UInt8(truncatingIfNeeded: group >> 16)
                        buffer[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        buffer[written + 2] = UInt8(truncatingIfNeeded: group)
                        written += 3
                        index += 4
                    }
                    // Two or three characters left give one or two bytes (count % 4 != 1).
                    var accumulator: UInt32 = 0
                    var bits: UInt32 = 0
                    while index < stop {
                        let value = table[Int(source[index])]
                        invalid |= value
                        accumulator = accumulator << 6 | UInt32(value & 63)
                        bits += 6
                        if bits >= 8 {
                            bits -= 8
                            buffer[written] = UInt8(truncatingIfNeeded: accumulator >> bits)
                            written += 1
                        }
                        index += 1
                    }
                    // Valid values are < 64, so any 0xFF entry sets the top bits.
                    guard invalid & 0xC0 == 0 else { return nil }
                    return body(UnsafeBufferPointer(rebasing: buffer[0..<written]))
                }
            }
        }
    }

    /// The decoded length of a multi-line object body, or `nil` if it is not valid base64.
    static func decodedLength(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        bodyTable.withUnsafeBufferPointer { table -> Int? in
            bytes.withUnsafeBufferPointer { source -> Int? in
                let offset = range.lowerBound - bytes.startIndex
                var end = offset + range.count
                // Trailing line break and padding, then every line but the breaks must be alphabet.
                while end > offset, source[end - 1] == 0x0A || source[end - 1] == 0x0D { end -= 1 }
                var padding = 0
                while end > offset, source[end - 1] == UInt8(ascii: "="), padding < 2 { end -= 1; padding += 1 }
                var invalid: UInt8 = 0
                var breaks = 0
                for index in offset..<end {
                    let value = table[Int(source[index])]
                    invalid |= value
                    breaks &+= Int(value >> 6 & 1)
                }
                // Only checked when every byte was alphabet or a line break (bit 7 clear).
                let characters = (end - offset) - breaks
                guard invalid & 0x80 == 0, characters % 4 != 1,
                      padding == 0 || (characters + padding) % 4 == 0 else { return nil }
                return characters * 6 / 8
            }
        }
    }
}
