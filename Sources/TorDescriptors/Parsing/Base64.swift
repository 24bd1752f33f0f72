/// Base64 decoding for tor's documents: object bodies (with line breaks) and unpadded values
/// such as `ntor-onion-key`, `master-key-ed25519` and microdescriptor digests.
package enum Base64 {
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

    /// 6-bit values by byte, 0xFF for bytes outside the alphabet. Hot loops fetch it once per
    /// call (a `static let` access costs a lazy-initialisation check) and then index raw memory.
    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    /// ``table`` in memory that is never freed: a pointer fetched from a `static let` costs no
    /// retain and release of an array buffer (the consensus entry scanner decodes two values a line).
    nonisolated(unsafe) static let tablePointer: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: 256) }
        return UnsafePointer(pointer)
    }()

    /// The decoded length of a single-token base64 value (no whitespace; padding optional), or
    /// `nil` when it is not valid base64. Checks without allocating.
    package static func decodedCount(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        guard range.lowerBound >= bytes.startIndex, range.upperBound <= bytes.endIndex else { return nil }
        var end = range.upperBound
        while end > range.lowerBound, bytes[end - 1] == UInt8(ascii: "=") { end -= 1 }
        let characters = end - range.lowerBound
        let padding = range.upperBound - end
        guard characters % 4 != 1, padding <= 2, padding == 0 || (characters + padding) % 4 == 0 else { return nil }
        let valid = table.withUnsafeBufferPointer { table in
            ByteCursor.with(bytes) { cursor in
                var invalid: UInt8 = 0
                for index in range.lowerBound..<end { invalid |= table[Int(cursor[index])] }
                return invalid & 0xC0 == 0
            }
        }
        return valid ? characters / 4 * 3 + max(0, characters % 4 - 1) : nil
    }

    /// Decodes base64, skipping CR/LF/space/tab, accepting missing `=` padding.
    /// Returns `nil` on any other byte, misplaced padding or a dangling single character.
    package static func decode<Bytes: Collection<UInt8>>(_ input: Bytes) -> [UInt8]? {
        if let fast = input.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return fast }
        return Array(input).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// Decodes from raw memory. Whole groups of four alphabet bytes (the bulk of every object
    /// body line) take one table lookup each and no branch per byte; anything else (line
    /// breaks, padding, invalid bytes) falls back to a byte-at-a-time path with the same rules.
    static func decode(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = input.count
        guard count > 0, let source = input.baseAddress else { return [] }
        var failed = false
        let output = table.withUnsafeBufferPointer { tablePointer -> [UInt8] in
            let table = tablePointer.baseAddress!
            return [UInt8](unsafeUninitializedCapacity: count / 4 * 3 + 3) { out, initialized in
                var written = 0
                var accumulator: UInt32 = 0
                var pending = 0
                var padding = 0
                var index = 0
                while index < count {
                    if pending == 0, padding == 0, index + 4 <= count {
                        let a = table[Int(source[index])], b = table[Int(source[index + 1])]
                        let c = table[Int(source[index + 2])], d = table[Int(source[index + 3])]
                        if (a | b | c | d) & 0xC0 == 0 {
                            let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                            out[written] = UInt8(truncatingIfNeeded: group >> 16)
                            out[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                            out[written + 2] = UInt8(truncatingIfNeeded: group)
                            written += 3
                            index += 4
                            continue
                        }
                    }
                    let byte = source[index]
                    index += 1
                    switch byte {
                    case 0x0A, 0x0D, 0x20, 0x09:
                        continue
                    case UInt8(ascii: "="):
                        padding += 1
                        continue
                    default:
                        let sextet = table[Int(byte)]
                        guard padding == 0, sextet & 0xC0 == 0 else { failed = true; initialized = 0; return }
                        accumulator = accumulator << 6 | UInt32(sextet)
                        pending += 1
                        if pending == 4 {
                            out[written] = UInt8(truncatingIfNeeded: accumulator >> 16)
                            out[written + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                            out[written + 2] = UInt8(truncatingIfNeeded: accumulator)
                            written += 3
                            accumulator = 0
                            pending = 0
                        }
                    }
                }
                switch pending {
                case 0: break
                case 2:
                    out[written] = UInt8(truncatingIfNeeded: accumulator >> 4)
                    written += 1
                case 3:
                    out[written] = UInt8(truncatingIfNeeded: accumulator >> 10)
                    out[written + 1] = UInt8(truncatingIfNeeded: accumulator >> 2)
                    written += 2
                default:
                    failed = true
                }
                if padding > 2 { failed = true }
                initialized = failed ? 0 : written
            }
        }
        return failed ? nil : output
    }

    /// Encodes bytes; `padded: false` gives tor's unpadded form used in microdescriptor digests.
    package static func encode<Bytes: Collection<UInt8>>(_ input: Bytes, padded: Bool = true) -> String {
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
package enum Hex {
    /// Decodes an even number of hex digits (either case); `nil` otherwise.
    package static func decode<Bytes: Collection<UInt8>>(_ input: Bytes) -> [UInt8]? {
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
    package static func encode<Bytes: Collection<UInt8>>(_ input: Bytes, uppercase: Bool = true) -> String {
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
