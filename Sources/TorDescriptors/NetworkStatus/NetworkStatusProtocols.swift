/// A protocol-versions list (`pr` lines and the four `*-protocols` header lines, dir-spec
/// §2.1.1 "proto"): the raw text plus each protocol's version ranges.
///
/// ```swift
/// let protocols = entry.protocols!
/// print(protocols.text)                       // Cons=1-2 Desc=1-2 ... Relay=1-4
/// print(protocols["Relay"] ?? [])             // [1...4]
/// print(protocols.supports("Link", version: 5))
/// ```
public struct NetworkStatusProtocols: Sendable, Hashable, CustomStringConvertible {
    /// One `Name=ranges` item.
    public struct Entry: Sendable, Hashable {
        public let name: String
        public let versions: [ClosedRange<Int>]
    }

    /// The line's arguments exactly as written.
    public let text: String
    /// The items in document order.
    public let entries: [Entry]

    /// Parses a list such as `Cons=1-2 Desc=1-2 Link=1-5`; `nil` when an item is not
    /// `Name=` followed by comma-separated numbers or `low-high` ranges (an empty value is allowed).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let parsed = Self.parse(bytes[...], 0..<bytes.count) else { return nil }
        self = parsed
    }

    init(text: String, entries: [Entry]) {
        self.text = text
        self.entries = entries
    }

    /// The ranges of a protocol, if listed.
    public subscript(name: String) -> [ClosedRange<Int>]? { entries.first { $0.name == name }?.versions }

    /// Whether `version` of protocol `name` is listed.
    public func supports(_ name: String, version: Int) -> Bool {
        self[name]?.contains { $0.contains(version) } ?? false
    }

    /// Protocol name to ranges.
    public var dictionary: [String: [ClosedRange<Int>]] {
        Dictionary(entries.map { ($0.name, $0.versions) }, uniquingKeysWith: { _, last in last })
    }

    public var description: String { text }

    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> NetworkStatusProtocols? {
        var entries: [Entry] = []
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        while let word = cursor.next() {
            guard let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")), equals > word.lowerBound else { return nil }
            for index in word.lowerBound..<equals where !Tokenizer.isKeywordByte(bytes[index]) && bytes[index] != UInt8(ascii: "_") {
                return nil
            }
            var versions: [ClosedRange<Int>] = []
            var start = equals + 1
            while start < word.upperBound {
                var stop = start
                while stop < word.upperBound, bytes[stop] != UInt8(ascii: ",") { stop += 1 }
                guard let versionRange = Self.range(bytes, start..<stop) else { return nil }
                versions.append(versionRange)
                start = stop + 1
                if stop + 1 == word.upperBound { return nil }   // trailing comma
            }
            entries.append(Entry(name: ByteText.string(bytes, word.lowerBound..<equals), versions: versions))
        }
        return NetworkStatusProtocols(text: ByteText.string(bytes, range), entries: entries)
    }

    /// Whether a list is well formed, without building it (strict checks of `pr` lines).
    static func isValid(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        parse(bytes, range) != nil
    }

    private static func range(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> ClosedRange<Int>? {
        guard let dash = bytes[range].firstIndex(of: UInt8(ascii: "-")) else {
            return ByteText.unsigned(bytes, range).map { $0...$0 }
        }
        guard let low = ByteText.unsigned(bytes, range.lowerBound..<dash),
              let high = ByteText.unsigned(bytes, (dash + 1)..<range.upperBound), low <= high else { return nil }
        return low...high
    }
}
