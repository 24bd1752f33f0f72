/// Base64 decoding for tor's documents: object bodies (with line breaks) and unpadded values
/// such as `ntor-onion-key`, `master-key-ed25519` and microdescriptor digests.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The 6-bit value of a base64 character, or 0xFF. Arithmetic rather than a table: a
    /// `static let` table costs a lazy-initialisation check on every access in a hot loop.
    @inline(__always)
    static func value(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x41...0x5A: return byte &- 0x41
        case 0x61...0x7A: return byte &- 0x47
        case 0x30...0x39: return byte &+ 4
        case 0x2B: return 62
        case 0x2F: return 63
        default: return 0xFF
        }
    }

    /// The decoded length of a single-token base64 value (no whitespace; padding optional), or
    /// `nil` when it is not valid base64. Checks without allocating.
    public static func decodedCount(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        var end = range.upperBound
        while end > range.lowerBound, bytes[end - 1] == UInt8(ascii: "=") { end -= 1 }
        let characters = end - range.lowerBound
        let padding = range.upperBound - end
        guard characters % 4 != 1, padding <= 2, padding == 0 || (characters + padding) % 4 == 0 else { return nil }
        for index in range.lowerBound..<end where value(bytes[index]) == 0xFF { return nil }
        return characters / 4 * 3 + max(0, characters % 4 - 1)
    }

    /// Decodes base64, skipping CR/LF/space, accepting missing `=` padding.
    /// Returns `nil` on any other byte, misplaced padding or a dangling single character.
    public static func decode<Bytes: Collection<UInt8>>(_ input: Bytes) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var count = 0
        var padding = 0
        for byte in input {
            switch byte {
            case 0x0A, 0x0D, 0x20, 0x09:
                continue
            case UInt8(ascii: "="):
                padding += 1
                continue
            default:
                guard padding == 0 else { return nil }
                let sextet = value(byte)
                guard sextet != 0xFF else { return nil }
                accumulator = (accumulator << 6) | UInt32(sextet)
                count += 1
                if count == 4 {
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                    output.append(UInt8(truncatingIfNeeded: accumulator))
                    accumulator = 0
                    count = 0
                }
            }
        }
        switch count {
        case 0: break
        case 2: output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default: return nil
        }
        guard padding <= 2 else { return nil }
        return output
    }

    /// Encodes bytes; `padded: false` gives tor's unpadded form used in microdescriptor digests.
    public static func encode<Bytes: Collection<UInt8>>(_ input: Bytes, padded: Bool = true) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var iterator = input.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let chunk = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            if second != nil { output.append(alphabet[Int(chunk >> 6 & 63)]) } else if padded { output.append(UInt8(ascii: "=")) }
            if third != nil { output.append(alphabet[Int(chunk & 63)]) } else if padded { output.append(UInt8(ascii: "=")) }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Hexadecimal encoding and decoding.
public enum Hex {
    /// Decodes an even number of hex digits (either case); `nil` otherwise.
    public static func decode<Bytes: Collection<UInt8>>(_ input: Bytes) -> [UInt8]? {
        guard input.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2)
        var high: UInt8? = nil
        for byte in input {
            guard let nibble = nibble(byte) else { return nil }
            if let h = high {
                output.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return output
    }

    @inline(__always)
    static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// Upper-case hex, as tor prints fingerprints and digests.
    public static func encode<Bytes: Collection<UInt8>>(_ input: Bytes, uppercase: Bool = true) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        for byte in input {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 15)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
