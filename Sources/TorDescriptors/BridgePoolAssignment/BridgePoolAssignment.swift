/// A BridgeDB pool assignment list: which distributor (`https`, `email`, `moat`, `unallocated`,
/// ...) each bridge was assigned to at one time (CollecTor `@type bridge-pool-assignment 1.0`,
/// the `bridge-pool-assignments/` folder).
///
/// A document is a `bridge-pool-assignment YYYY-MM-DD HH:MM:SS` line, then one line per bridge:
/// its hashed fingerprint, the distributor, and `key=value` details (`ring=2`, `port=443`,
/// `flag=stable`, `transport=obfs4`, `ip=4`, `blocklist=ru`, ...). Stem does not read this type;
/// ``stemJSON`` uses metrics-lib's names in snake_case.
///
/// ```swift
/// for result in BridgePoolAssignment.parseAll(bytes[...]) {
///     if case .success(let list) = result {
///         print(list.published, list.entries.filter { $0.distributor == "https" }.count)
///     }
/// }
/// ```
public struct BridgePoolAssignment: Sendable {
    /// One bridge's line.
    ///
    /// ```swift
    /// let rings = entry.details.filter { $0.key == "ring" }.map(\.value)
    /// ```
    public struct Entry: Sendable, Hashable {
        /// The SHA-1 of the bridge's fingerprint (CollecTor publishes no real fingerprints).
        public internal(set) var hashedFingerprint: Fingerprint
        /// The pool the bridge was assigned to, e.g. `https`, `email`, `moat`, `unallocated`.
        public internal(set) var distributor: String
        /// The `key=value` words after the distributor, in order; words without `=` keep an empty value.
        public internal(set) var details: [KeyValueText] = []
        /// 1-based line number.
        public internal(set) var line: Int

        /// The first detail with `key`.
        public func detail(_ key: String) -> String? { details.first { $0.key == key }?.value }
    }

    /// The document's bytes, annotations included.
    public internal(set) var rawBytes: ArraySlice<UInt8>
    /// 1-based line of `rawBytes.startIndex`.
    public internal(set) var firstLine: Int
    /// `@type` and other annotation lines.
    public internal(set) var annotations: [Annotation] = []
    /// `bridge-pool-assignment`: when BridgeDB wrote the list.
    public internal(set) var published = TorTimestamp(secondsSince1970: 0)
    /// The bridge lines, in file order.
    public internal(set) var entries: [Entry] = []
    /// Problems lenient parsing stepped over.
    public internal(set) var warnings: [DescriptorParseError] = []
}

extension BridgePoolAssignment: StemJSONRepresentable {
    /// metrics-lib's `BridgePoolAssignment` in snake_case: `published_millis` and `entries`
    /// (hashed fingerprint to the rest of its line).
    public var stemJSON: JSONValue {
        .object([("type", .string("bridge-pool-assignment")),
                 ("published_millis", .int(Int(published.secondsSince1970) * 1000)),
                 ("entries", .object(entries.map { entry in
                     let details = entry.details.map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }
                     return (entry.hashedFingerprint.hex, .string(([entry.distributor] + details).joined(separator: " ")))
                 }))])
    }
}
