/// An exit list: the exit addresses TorDNSEL saw relays use (CollecTor `@type tordnsel 1.0`,
/// the `exit-lists/` folder; exitlist-spec).
///
/// One file is one value: the `Downloaded` time, then one ``Entry`` per `ExitNode` block.
/// Stem reads each block as its own `TorDNSEL` descriptor; ``Entry/stemJSON`` uses its names.
///
/// ```swift
/// let list = try ExitList(parsing: bytes[...])
/// for entry in list.entries {
///     print(entry.fingerprint.hex, entry.exitAddresses.map { "\($0.address) \($0.seen)" })
/// }
/// ```
public struct ExitList: Sendable {
    /// One relay's block.
    ///
    /// ```swift
    /// let addresses = Set(list.entries.flatMap { $0.exitAddresses.map(\.address) })
    /// ```
    public struct Entry: Sendable, Hashable {
        /// `ExitNode`: the relay's identity fingerprint.
        public internal(set) var fingerprint: Fingerprint
        /// `Published`: when the relay's descriptor was published.
        public internal(set) var published: TorTimestamp?
        /// `LastStatus`: when the relay was last seen in a network status.
        public internal(set) var lastStatus: TorTimestamp?
        /// `ExitAddress` lines, in file order.
        public internal(set) var exitAddresses: [ExitAddress] = []
        /// Lines of the block the parser did not recognise.
        public internal(set) var unrecognizedLines: [UnrecognizedItem] = []
        /// 1-based line of the `ExitNode` line.
        public internal(set) var line: Int
        /// The block's bytes (from its `ExitNode` line to the next one).
        public internal(set) var rawBytes: ArraySlice<UInt8>
    }

    /// An `ExitAddress ADDRESS DATE TIME` line: an address a test connection through the relay came from.
    ///
    /// ```swift
    /// let latest = entry.exitAddresses.max { $0.seen < $1.seen }?.address
    /// ```
    public struct ExitAddress: Sendable, Hashable {
        public let address: IPAddress
        /// When the address was seen.
        public let seen: TorTimestamp
    }

    /// The whole file's bytes, annotations included.
    public internal(set) var rawBytes: ArraySlice<UInt8>
    /// `@type` and other annotation lines.
    public internal(set) var annotations: [Annotation] = []
    /// `Downloaded`: when the list was fetched.
    public internal(set) var downloaded: TorTimestamp?
    /// The relay blocks, in file order.
    public internal(set) var entries: [Entry] = []
    /// Lines before the first `ExitNode` the parser did not recognise.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] = []
    /// Problems lenient parsing stepped over.
    public internal(set) var warnings: [DescriptorParseError] = []
}

extension ExitList: StemJSONRepresentable {
    /// The file's own facts (Stem has no object for the file itself).
    public var stemJSON: JSONValue {
        .object([("type", .string("tordnsel")),
                 ("downloaded", .optional(downloaded) { .string($0.description) }),
                 ("entries", .int(entries.count)),
                 ("exit_addresses", .int(entries.reduce(0) { $0 + $1.exitAddresses.count }))])
    }
}

extension ExitList.Entry: StemJSONRepresentable {
    /// Stem's `TorDNSEL` attributes: `fingerprint`, `published`, `last_status`, `exit_addresses`
    /// (pairs of address and time).
    public var stemJSON: JSONValue {
        .object([("fingerprint", .string(fingerprint.hex)),
                 ("published", .optional(published) { .string($0.description) }),
                 ("last_status", .optional(lastStatus) { .string($0.description) }),
                 ("exit_addresses", .array(exitAddresses.map { .array([.string($0.address.description), .string($0.seen.description)]) }))])
    }
}
