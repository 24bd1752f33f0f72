/// An ordered `key=count` list from an extra-info statistics line (`dirreq-v3-ips us=56,de=48`,
/// `bridge-ip-versions v4=8,v6=0`, `padding-counts ... bin-size=10000 ...`).
///
/// Order is the document's order; a key appears as often as the document lists it.
///
/// ```swift
/// if let requests = descriptor.dirV3Requests {
///     for entry in requests { print(entry.key, entry.count) }
///     print(requests.count(for: "us") ?? 0)
/// }
/// ```
public struct StatCounts<Key: Hashable & Sendable>: Sendable, Hashable, RandomAccessCollection {
    /// One `key=count` pair.
    ///
    /// ```swift
    /// let first = descriptor.bridgeIPs?.first   // Entry(key: "us", count: 16)
    /// ```
    public struct Entry: Sendable, Hashable {
        public let key: Key
        public let count: Int

        public init(key: Key, count: Int) {
            self.key = key
            self.count = count
        }
    }

    /// The pairs in document order.
    public private(set) var entries: [Entry]

    public init(_ entries: [Entry] = []) { self.entries = entries }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Entry { entries[position] }

    /// The count of the first entry with `key`, or `nil` when the key is absent.
    public func count(for key: Key) -> Int? {
        entries.first { $0.key == key }?.count
    }

    /// The keys in document order.
    public var keys: [Key] { entries.map(\.key) }

    /// The pairs as a dictionary (a repeated key keeps its last count).
    public var dictionary: [Key: Int] {
        Dictionary(entries.map { ($0.key, $0.count) }, uniquingKeysWith: { _, last in last })
    }

    mutating func append(_ key: Key, _ count: Int) { entries.append(Entry(key: key, count: count)) }
}

/// Response statuses of `dirreq-v2-resp` / `dirreq-v3-resp` (dir-spec 2.1.2). Statuses the
/// spec adds later land in the descriptor's `…ResponsesUnknown` counts.
///
/// ```swift
/// let ok = descriptor.dirV3Responses?.count(for: .ok)
/// ```
public enum DirResponse: String, Sendable, Hashable, CaseIterable {
    case ok = "ok"
    case notEnoughSigs = "not-enough-sigs"
    case unavailable = "unavailable"
    case notFound = "not-found"
    case notModified = "not-modified"
    case busy = "busy"

    static let table = KeywordTable<DirResponse>(allCases.map { ($0.rawValue, $0) })
}

/// Statistics of `dirreq-v2/v3-direct-dl` and `-tunneled-dl`: completion counts and download
/// rate quantiles in B/s. Unknown statistics land in the descriptor's `…Unknown` counts.
///
/// ```swift
/// let median = descriptor.dirV3TunneledDownloads?.count(for: .md)
/// ```
public enum DirStat: String, Sendable, Hashable, CaseIterable {
    case complete, timeout, running, min, max, q1, q3, md
    case d1, d2, d3, d4, d6, d7, d8, d9

    static let table = KeywordTable<DirStat>(allCases.map { ($0.rawValue, $0) })
}

/// A port key of the `exit-*` lines: a port number, or `other` for the ports tor folded together.
///
/// ```swift
/// let https = descriptor.exitStreamsOpened?.count(for: .port(443))
/// ```
public enum ExitPort: Sendable, Hashable, CustomStringConvertible {
    case port(Int)
    case other

    public var description: String {
        switch self {
        case .port(let number): String(number)
        case .other: "other"
        }
    }
}

/// A `transport` line: a pluggable transport the relay or bridge offers. CollecTor scrubs
/// everything after the name in bridge descriptors, leaving `address` and `port` `nil`.
///
/// ```swift
/// for transport in descriptor.transports { print(transport.name, transport.port ?? 0) }
/// ```
public struct PluggableTransport: Sendable, Hashable {
    /// The transport name, e.g. `obfs4`.
    public let name: String
    /// The address the transport listens on, when not scrubbed.
    public let address: IPAddress?
    /// The TCP port, when not scrubbed.
    public let port: Int?
    /// The whitespace-separated arguments after `address:port`.
    public let arguments: [String]

    public init(name: String, address: IPAddress?, port: Int?, arguments: [String]) {
        self.name = name
        self.address = address
        self.port = port
        self.arguments = arguments
    }
}

/// A `hidserv-*` statistic: an obfuscated (possibly negative) value and the `key=value`
/// parameters of the obfuscation (`delta_f`, `epsilon`, `bin_size`).
///
/// ```swift
/// if let cells = descriptor.hiddenServiceRendezvousCells {
///     print(cells.value, cells.binSize ?? 0, cells.epsilon ?? 0)
/// }
/// ```
public struct HiddenServiceStatistic: Sendable, Hashable {
    /// One `key=value` parameter, kept as text as it appeared.
    ///
    /// ```swift
    /// for attribute in statistic.attributes { print(attribute.key, attribute.value) }   // epsilon 0.30
    /// ```
    public struct Attribute: Sendable, Hashable {
        public let key: String
        public let value: String
    }

    /// The reported value; Laplace noise can make it negative.
    public let value: Int
    /// All `key=value` parameters in document order, unknown ones included.
    public let attributes: [Attribute]

    public init(value: Int, attributes: [Attribute]) {
        self.value = value
        self.attributes = attributes
    }

    /// The text value of the first parameter named `key`.
    public func attribute(_ key: String) -> String? { attributes.first { $0.key == key }?.value }

    /// `delta_f`, the sensitivity of the measurement.
    public var deltaF: Int? { attribute("delta_f").flatMap { Int($0) } }
    /// `epsilon`, the privacy parameter.
    public var epsilon: Double? { attribute("epsilon").flatMap { Double($0) } }
    /// `bin_size`, the rounding step applied before noise.
    public var binSize: Int? { attribute("bin_size").flatMap { Int($0) } }
}

/// The `padding-counts` line: padding cell counters over a measurement period.
///
/// ```swift
/// if let padding = descriptor.paddingCounts { print(padding.end, padding.counts.count(for: "write-pad") ?? 0) }
/// ```
public struct PaddingCounts: Sendable, Hashable {
    public let end: TorTimestamp
    public let interval: Int
    /// `bin-size`, `write-drop`, `write-pad`, ... in document order.
    public let counts: StatCounts<String>

    public init(end: TorTimestamp, interval: Int, counts: StatCounts<String>) {
        self.end = end
        self.interval = interval
        self.counts = counts
    }
}

/// `conn-bi-direct` / `ipv6-conn-bi-direct`: connections per 10-second slot classified by
/// direction over a measurement period.
///
/// ```swift
/// if let conns = descriptor.connBiDirect { print(conns.below, conns.read, conns.write, conns.both) }
/// ```
public struct ConnectionDirections: Sendable, Hashable {
    public let end: TorTimestamp
    public let interval: Int
    /// Connections that read and wrote less than 20 KiB.
    public let below: Int
    /// Connections that read at least 10 times more than they wrote.
    public let read: Int
    /// Connections that wrote at least 10 times more than they read.
    public let write: Int
    /// The remaining connections.
    public let both: Int

    public init(end: TorTimestamp, interval: Int, below: Int, read: Int, write: Int, both: Int) {
        self.end = end
        self.interval = interval
        self.below = below
        self.read = read
        self.write = write
        self.both = both
    }
}

/// `overload-ratelimits`: a bandwidth limit was exhausted (tor 0.4.6.1-alpha and later).
///
/// ```swift
/// if let overload = descriptor.overloadRateLimits { print(overload.time, overload.readOverloadCount) }
/// ```
public struct OverloadRateLimits: Sendable, Hashable {
    public let version: Int
    public let time: TorTimestamp
    /// `BandwidthRate` from the relay's configuration.
    public let rateLimit: Int
    /// `BandwidthBurst` from the relay's configuration.
    public let burstLimit: Int
    public let readOverloadCount: Int
    public let writeOverloadCount: Int

    public init(version: Int, time: TorTimestamp, rateLimit: Int, burstLimit: Int, readOverloadCount: Int, writeOverloadCount: Int) {
        self.version = version
        self.time = time
        self.rateLimit = rateLimit
        self.burstLimit = burstLimit
        self.readOverloadCount = readOverloadCount
        self.writeOverloadCount = writeOverloadCount
    }
}

/// `overload-fd-exhausted`: the relay ran out of file descriptors since `time`.
///
/// ```swift
/// if let exhausted = descriptor.overloadFDExhausted { print(exhausted.version, exhausted.time) }
/// ```
public struct OverloadFDExhausted: Sendable, Hashable {
    public let version: Int
    public let time: TorTimestamp

    public init(version: Int, time: TorTimestamp) {
        self.version = version
        self.time = time
    }
}
