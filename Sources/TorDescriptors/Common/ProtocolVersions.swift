/// The sub-protocol versions a relay supports, from a `proto` line
/// (`proto Cons=1-2 Desc=1-4 Link=3-5 ...`): each name maps to sorted, inclusive version ranges.
///
/// Unknown protocol names are kept like known ones, so new tor releases never break parsing.
///
/// ```swift
/// let proto = ProtocolVersions(parsing: "Link=3-5 Relay=2,4")!
/// proto.supports("Link", version: 4)    // true
/// proto.versions(of: "Relay")           // [2, 4]
/// ```
public struct ProtocolVersions: Sendable, Hashable, CustomStringConvertible {
    /// One `Name=ranges` entry.
    public struct Entry: Sendable, Hashable {
        /// The protocol name as written, e.g. `Link`.
        public let name: String
        /// Inclusive version ranges, sorted by lower bound; empty for `Name=`.
        public let ranges: [ClosedRange<Int>]

        public init(name: String, ranges: [ClosedRange<Int>]) {
            self.name = name
            // tor writes ranges in order, so the common case keeps the array without a copy.
            let ordered = zip(ranges, ranges.dropFirst()).allSatisfy { $0.lowerBound <= $1.lowerBound }
            self.ranges = ordered ? ranges : ranges.sorted { $0.lowerBound < $1.lowerBound }
        }
    }

    /// The entries in the order they were written.
    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// Parses the arguments of a `proto` line; `nil` when an entry is not `Name=Values`.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard let value = ProtocolVersions.parse(bytes[...], 0..<bytes.count) else { return nil }
        self = value
    }

    /// The ranges for a protocol name, or `nil` if it is not listed.
    public subscript(name: String) -> [ClosedRange<Int>]? {
        entries.first { $0.name == name }?.ranges
    }

    /// Every listed version of a protocol, ascending (empty when not listed).
    public func versions(of name: String) -> [Int] {
        (self[name] ?? []).flatMap { Array($0) }
    }

    /// Whether `name` lists `version`.
    public func supports(_ name: String, version: Int) -> Bool {
        self[name]?.contains { $0.contains(version) } ?? false
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The canonical text form, `Name=1-2,4 ...`.
    public var description: String {
        entries.map { entry in
            entry.name + "=" + entry.ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
                .joined(separator: ",")
        }.joined(separator: " ")
    }

    /// Stem's form: `{"Name": [1, 2, 3, 5]}`, names without versions left out. A range is
    /// expanded only up to 1,000 versions, so hostile input cannot exhaust memory (tor itself
    /// allows versions 0-63).
    public var stemJSON: JSONValue {
        .object(entries.filter { !$0.ranges.isEmpty }.map { entry in
            (entry.name, .array(entry.ranges.flatMap { range in
                Array(range.lowerBound...min(range.upperBound, range.lowerBound + 999))
            }.map(JSONValue.int)))
        })
    }

    /// Parses `Name=Values` words separated by whitespace. Values are `N` or `N-M` joined by commas.
    /// Returns `nil` on a word without `=`, a non-numeric value, or a range whose end is below its start.
    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> ProtocolVersions? {
        var entries: [Entry] = []
        entries.reserveCapacity(16)
        let valid = walk(bytes, range) { name, values in
            var ranges: [ClosedRange<Int>] = []
            ranges.reserveCapacity(values.count)
            for value in values { if let parsed = parseRange(bytes, value) { ranges.append(parsed) } }
            entries.append(Entry(name: ByteText.string(bytes, name), ranges: ranges))
        }
        return valid ? ProtocolVersions(entries: entries) : nil
    }

    /// Whether `parse` would succeed, checked without building anything.
    static func isValid(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        walk(bytes, range, nil)
    }

    /// Checks every word and, when `entry` is given, hands it each entry's name and value ranges.
    private static func walk(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>,
                             _ entry: ((Range<Int>, [Range<Int>]) -> Void)?) -> Bool {
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        var values: [Range<Int>] = []
        while let word = cursor.next() {
            guard let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")), equals > word.lowerBound else { return false }
            values.removeAll(keepingCapacity: true)
            var start = equals + 1
            while start < word.upperBound {
                var stop = start
                while stop < word.upperBound, bytes[stop] != UInt8(ascii: ",") { stop += 1 }
                guard parseRange(bytes, start..<stop) != nil else { return false }
                if entry != nil { values.append(start..<stop) }
                start = stop + 1
                // A trailing comma leaves an empty value, which is malformed.
                if stop < word.upperBound, start == word.upperBound { return false }
            }
            entry?(word.lowerBound..<equals, values)
        }
        return true
    }

    private static func parseRange(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> ClosedRange<Int>? {
        if let dash = bytes[range].firstIndex(of: UInt8(ascii: "-")) {
            guard let low = ByteText.unsigned(bytes, range.lowerBound..<dash),
                  let high = ByteText.unsigned(bytes, (dash + 1)..<range.upperBound), low <= high else { return nil }
            return low...high
        }
        guard let value = ByteText.unsigned(bytes, range) else { return nil }
        return value...value
    }
}
