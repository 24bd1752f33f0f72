/// BridgeDB's daily usage counts (CollecTor `@type bridgedb-metrics 1.0`, the
/// `bridgedb-metrics/` folder): how many bridge requests each distributor, transport, country
/// and outcome saw in one interval.
///
/// A document is `bridgedb-metrics-end YYYY-MM-DD HH:MM:SS (NSEC s)`, `bridgedb-metrics-version`,
/// then `bridgedb-metric-count KEY COUNT` lines (`https.obfs4.ru.success.none 10`; counts are
/// binned by BridgeDB). Stem does not read this type; ``stemJSON`` uses metrics-lib's names in
/// snake_case.
///
/// ```swift
/// let metrics = try BridgedbMetrics(parsing: bytes[...], mode: .strict)
/// let moat = metrics.counts.filter { $0.key.hasPrefix("moat.") }.reduce(0) { $0 + $1.count }
/// ```
public struct BridgedbMetrics: Sendable {
    /// One `bridgedb-metric-count` line.
    ///
    /// ```swift
    /// let parts = count.key.split(separator: ".")   // distributor, transport, country, outcome, detail
    /// ```
    public struct Count: Sendable, Hashable {
        public let key: String
        public let count: Int
    }

    /// The document's bytes, annotations included.
    public internal(set) var rawBytes: ArraySlice<UInt8>
    /// 1-based line of `rawBytes.startIndex`.
    public internal(set) var firstLine: Int
    /// `@type` and other annotation lines.
    public internal(set) var annotations: [Annotation] = []
    /// `bridgedb-metrics-end`: the end and length of the measurement interval.
    public internal(set) var end = StatsPeriod(end: TorTimestamp(secondsSince1970: 0), interval: 0)
    /// `bridgedb-metrics-version`.
    public internal(set) var version: String?
    /// `bridgedb-metric-count` lines, in file order.
    public internal(set) var counts: [Count] = []
    /// Lines the parser did not recognise.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] = []
    /// Problems lenient parsing stepped over.
    public internal(set) var warnings: [DescriptorParseError] = []

    /// The count for `key`, if the document has one.
    public func count(_ key: String) -> Int? { counts.first { $0.key == key }?.count }
}

extension BridgedbMetrics: StemJSONRepresentable {
    /// metrics-lib's `BridgedbMetrics` in snake_case: `bridgedb_metrics_end`,
    /// `bridgedb_metrics_interval_length` (seconds), `bridgedb_metrics_version`,
    /// `bridgedb_metric_counts`.
    public var stemJSON: JSONValue {
        .object([("type", .string("bridgedb-metrics")),
                 ("bridgedb_metrics_end", .string(end.end.description)),
                 ("bridgedb_metrics_interval_length", .int(end.interval)),
                 ("bridgedb_metrics_version", .optional(version) { .string($0) }),
                 ("bridgedb_metric_counts", .object(counts.map { ($0.key, .int($0.count)) }))])
    }
}
