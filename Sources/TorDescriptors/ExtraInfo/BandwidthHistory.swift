/// A `*-history` line: bytes used per interval, oldest first, ending at `end`
/// (`read-history`, `write-history`, `ipv6-read-history`, `ipv6-write-history`,
/// `dirreq-read-history`, `dirreq-write-history`).
///
/// ```swift
/// if let history = descriptor.readHistory {
///     print(history.end, history.interval, history.values.last ?? 0)   // newest interval last
/// }
/// ```
public struct BandwidthHistory: Sendable, Hashable {
    /// End of the most recent interval.
    public let end: TorTimestamp
    /// Length of each interval in seconds.
    public let interval: Int
    /// Bytes per interval, ordered from oldest to newest; empty when the line lists none.
    public let values: [Int]

    public init(end: TorTimestamp, interval: Int, values: [Int]) {
        self.end = end
        self.interval = interval
        self.values = values
    }

    /// Start of the oldest interval covered by `values`.
    public var start: TorTimestamp {
        TorTimestamp(secondsSince1970: end.secondsSince1970 - Int64(interval) * Int64(values.count))
    }
}

/// A measurement period: the `*-stats-end` lines (`dirreq-stats-end 2016-10-01 19:50:12 (86400 s)`).
///
/// ```swift
/// if let period = descriptor.dirStats { print(period.end, period.interval) }   // 86400 s
/// ```
public struct StatsPeriod: Sendable, Hashable {
    /// End of the measurement interval.
    public let end: TorTimestamp
    /// Length of the interval in seconds.
    public let interval: Int

    public init(end: TorTimestamp, interval: Int) {
        self.end = end
        self.interval = interval
    }
}
