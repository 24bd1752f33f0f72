/// Maps keyword bytes to a value without creating a `String`: an open-addressing hash table
/// over the raw bytes, built once per document type.
///
/// ```swift
/// enum Key { case router, published }
/// static let keys = KeywordTable<Key>([("router", .router), ("published", .published)])
/// let key = keys.lookup(bytes, item.keyword)   // Key?
/// ```
public struct KeywordTable<Value: Sendable>: Sendable {
    private var slots: [Int]              // index into `entries`, or -1
    private var entries: [(word: [UInt8], value: Value)]
    private let mask: Int

    public init(_ pairs: [(String, Value)]) {
        var size = 16
        while size < pairs.count * 4 { size <<= 1 }
        mask = size - 1
        slots = [Int](repeating: -1, count: size)
        entries = []
        for (word, value) in pairs {
            let bytes = Array(word.utf8)
            var slot = Self.hash(bytes[...], 0..<bytes.count) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = entries.count
            entries.append((bytes, value))
        }
    }

    @inline(__always)
    private static func hash(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in range {
            hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// The value for the keyword at `range`, or `nil` if it is not in the table.
    @inline(__always)
    public func lookup(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Value? {
        var slot = Self.hash(bytes, range) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            let word = entries[entry].word
            if word.count == range.count {
                var same = true
                var index = range.lowerBound
                for byte in word {
                    if bytes[index] != byte { same = false; break }
                    index += 1
                }
                if same { return entries[entry].value }
            }
            slot = (slot + 1) & mask
        }
    }
}
