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
