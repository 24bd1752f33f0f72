import Testing
import TestSupport
@testable import TorDescriptors

/// The readers of a consensus entry's fixed fields that work on raw words: the digests decoded
/// straight into their words, and the `r` line's date read through a cache. Each is held to the
/// general readers it stands in for, on values made here (synthetic, seeded).
@Suite struct EntryFieldReaderTests {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 of `bytes`, without padding.
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0...chunk.count { out.append(alphabet[Int(value >> (18 - 6 * UInt32(position)) & 63)]) }
            index += 3
        }
        return out
    }

    @Test func digestsDecodeAsTheirBytes() {
        var random = SeededGenerator(seed: 19)
        for round in 0..<500 {
            for length in [20, 32] {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                // Placed after other bytes, and padded in every other round: slices do not start at
                // zero, and `=` padding is accepted after the characters.
                let text = [UInt8](repeating: UInt8(ascii: " "), count: round % 7) + Self.base64(bytes)
                    + (round % 2 == 0 ? [] : [UInt8(ascii: "=")])
                let range = (round % 7)..<text.count
                ByteCursor.with(text[...]) { cursor in
                    if length == 20 {
                        #expect(cursor.sha1Digest(range)?.bytes == bytes)
                        #expect(cursor.fingerprint(range) == Fingerprint(bytes: bytes))
                    } else {
                        #expect(cursor.sha256Digest(range)?.bytes == bytes)
                    }
                }
            }
        }
    }

    @Test func aDigestWithAnyByteOutsideTheAlphabetIsRejected() {
        let digest = Self.base64([UInt8](repeating: 0xA5, count: 20))
        let longer = Self.base64([UInt8](repeating: 0x5A, count: 32))
        for (text, isSHA1) in [(digest, true), (longer, false)] {
            for position in text.indices {
                for bad: UInt8 in [UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: " "), 0x00, 0x80, 0xFF] {
                    // `=` at the end is padding: the text is then a character short.
                    var broken = text
                    broken[position] = bad
                    ByteCursor.with(broken[...]) { cursor in
                        let decoded = isSHA1 ? cursor.sha1Digest(broken.indices).map(\.bytes) : cursor.sha256Digest(broken.indices).map(\.bytes)
                        #expect(decoded == nil, "byte \(bad) at \(position)")
                    }
                }
            }
            // One character too few or too many.
            ByteCursor.with(text[...]) { cursor in
                let short = text.startIndex..<(text.endIndex - 1)
                #expect((isSHA1 ? cursor.sha1Digest(short).map(\.bytes) : cursor.sha256Digest(short).map(\.bytes)) == nil)
            }
            let long = text + [UInt8(ascii: "A")]
            ByteCursor.with(long[...]) { cursor in
                #expect((isSHA1 ? cursor.sha1Digest(long.indices).map(\.bytes) : cursor.sha256Digest(long.indices).map(\.bytes)) == nil)
            }
        }
    }

    /// The cached date reader gives what `ByteCursor.timestamp` gives, date after date: dates that
    /// share a cache slot (the same last day digit mod 4), invalid dates after valid ones in the
    /// slot, and valid ones after invalid ones.
    @Test func cachedDatesReadAsTheUncachedReader() {
        var random = SeededGenerator(seed: 2026)
        var cache = DateCache()
        var texts: [String] = []
        for _ in 0..<3000 {
            let year = Int.random(in: 1999...2101, using: &random)
            let month = Int.random(in: 0...13, using: &random)
            let day = Int.random(in: 0...32, using: &random)
            let time = (Int.random(in: 0...24, using: &random), Int.random(in: 0...60, using: &random), Int.random(in: 0...61, using: &random))
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            texts.append("\(year)-\(two(month))-\(two(day)) \(two(time.0)):\(two(time.1)):\(two(time.2))")
        }
        // Repeats, as a consensus has them, and a few malformed fields.
        texts += Array(texts.prefix(200)) + ["2021-08-2x 10:00:00", "2021-08-29 10-00:00", "2021/08/29 10:00:00", "2021-08-29 1a:00:00"]
        var valid = 0
        for text in texts {
            let bytes = Array(text.utf8)
            ByteCursor.with(bytes[...]) { cursor in
                let expected = cursor.timestamp(0..<10, 11..<19)
                #expect(cache.timestamp(cursor, date: 0, time: 11) == expected, "\(text)")
                if expected != nil { valid += 1 }
            }
        }
        #expect(valid > 1000)
    }
}
