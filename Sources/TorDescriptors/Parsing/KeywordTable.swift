#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps keyword bytes to a value without creating a `String`: an open-addressing hash table
/// over the raw bytes, built once per document type.
///
/// ```swift
/// enum Key { case router, published }
/// static let keys = KeywordTable<Key>([("router", .router), ("published", .published)])
/// let key = keys.lookup(bytes, item.keyword)   // Key?
/// ```
package struct KeywordTable<Value: Sendable>: Sendable {
    /// Index into `values`/`offsets`, or -1 for an empty slot.
    private var slots: [Int]
    /// Every keyword's bytes, back to back, so a lookup touches one buffer and retains nothing.
    private var text: [UInt8]
    private var offsets: [Int]
    private var lengths: [Int]
    private var values: [Value]
    private let mask: Int

    package init(_ pairs: [(String, Value)]) {
        var size = 16
        while size < pairs.count * 4 { size <<= 1 }
        mask = size - 1
        slots = [Int](repeating: -1, count: size)
        text = []
        offsets = []
        lengths = []
        values = []
        for (word, value) in pairs {
            let bytes = Array(word.utf8)
            var slot = bytes.withUnsafeBufferPointer { Self.hash($0.baseAddress, $0.count) } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = values.count
            offsets.append(text.count)
            lengths.append(bytes.count)
            text += bytes
            values.append(value)
        }
    }

    /// Length, first, middle and last byte: enough to spread tor's keywords, and constant time
    /// whatever the length. Collisions only cost a probe; matches are always compared in full.
    @inline(__always)
    private static func hash(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int {
        guard let pointer, count > 0 else { return 0 }
        let mixed = UInt64(count) &* 0x9E37_79B9_7F4A_7C15
            ^ UInt64(pointer[0]) &* 0xC2B2_AE3D_27D4_EB4F
            ^ UInt64(pointer[count >> 1]) &* 0x1656_67B1_9E37_79F9
            ^ UInt64(pointer[count - 1]) &* 0x27D4_EB2F_1656_67C5
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 29))
    }

    /// The value for the keyword at `range`, or `nil` if it is not in the table.
    @inline(__always)
    package func lookup(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Value? {
        guard range.lowerBound >= bytes.startIndex, range.upperBound <= bytes.endIndex else { return nil }
        let found: Int = bytes.withUnsafeBufferPointer { buffer in
            let word = buffer.baseAddress.map { $0 + (range.lowerBound - bytes.startIndex) }
            let count = range.count
            var slot = Self.hash(word, count) & mask
            return text.withUnsafeBufferPointer { text in
                while true {
                    let entry = slots[slot]
                    if entry < 0 { return -1 }
                    if lengths[entry] == count,
                       count == 0 || memcmp(text.baseAddress! + offsets[entry], word!, count) == 0 {
                        return entry
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        return found < 0 ? nil : values[found]
    }
}
