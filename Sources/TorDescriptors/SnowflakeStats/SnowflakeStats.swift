/// The snowflake broker's statistics for one interval (CollecTor `@type snowflake-stats 1.0`,
/// the `snowflakes/` folder): how many proxies it saw, by country and kind, and how many client
/// polls it matched, denied or timed out.
///
/// A document is `snowflake-stats-end YYYY-MM-DD HH:MM:SS (NSEC s)`, then one line per
/// statistic: a count (`snowflake-ips-total 937`, `client-denied-count 0`) or a list of
/// country counts (`snowflake-ips US=265,DE=92,??=7`, possibly empty). The broker adds
/// statistics over time, so every line of either shape is kept by its keyword; the ones
/// metrics-lib names have typed accessors. Stem does not read this type; ``stemJSON`` uses
/// metrics-lib's names in snake_case (the keyword with `_` for `-`).
///
/// ```swift
/// let stats = try SnowflakeStats(parsing: bytes[...], mode: .strict)
/// print(stats.end.end, stats.snowflakeIPsTotal ?? 0, stats.countries("snowflake-ips")?.first?.key ?? "-")
/// ```
public struct SnowflakeStats: Sendable {
    /// The document's bytes, annotations included.
    public internal(set) var rawBytes: ArraySlice<UInt8>
    /// 1-based line of `rawBytes.startIndex`.
    public internal(set) var firstLine: Int
    /// `@type` and other annotation lines.
    public internal(set) var annotations: [Annotation] = []
    /// `snowflake-stats-end`: the end and length of the measurement interval.
    public internal(set) var end = StatsPeriod(end: TorTimestamp(secondsSince1970: 0), interval: 0)
    /// `KEYWORD COUNT` lines, in file order (keyword as written).
    public internal(set) var counts: [(keyword: String, count: Int)] = []
    /// `KEYWORD CC=N,...` lines (the `*-ips` statistics), in file order.
    public internal(set) var countryCounts: [(keyword: String, counts: [(key: String, count: Int)])] = []
    /// Lines of neither shape.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] = []
    /// Problems lenient parsing stepped over.
    public internal(set) var warnings: [DescriptorParseError] = []

    /// The count a `KEYWORD COUNT` line gives.
    public func count(_ keyword: String) -> Int? { counts.first { $0.keyword == keyword }?.count }
    /// The country counts a `KEYWORD CC=N,...` line gives.
    public func countries(_ keyword: String) -> [(key: String, count: Int)]? { countryCounts.first { $0.keyword == keyword }?.counts }

    /// `snowflake-ips`: unique proxy IP addresses by country.
    public var snowflakeIPs: [(key: String, count: Int)]? { countries("snowflake-ips") }
    /// `snowflake-ips-total`: unique proxy IP addresses.
    public var snowflakeIPsTotal: Int? { count("snowflake-ips-total") }
    /// `snowflake-idle-count`: proxy polls that got no client.
    public var snowflakeIdleCount: Int? { count("snowflake-idle-count") }
    /// `client-denied-count`: client polls that got no proxy.
    public var clientDeniedCount: Int? { count("client-denied-count") }
    /// `client-snowflake-match-count`: client polls matched with a proxy.
    public var clientSnowflakeMatchCount: Int? { count("client-snowflake-match-count") }
}

extension SnowflakeStats: StemJSONRepresentable {
    /// metrics-lib's `SnowflakeStats` names in snake_case: `snowflake_stats_end`,
    /// `snowflake_stats_interval_length` (seconds), then the statistics by keyword with `_` for
    /// `-`: `counts` maps each `KEYWORD COUNT` line (`snowflake_ips_total`, `client_denied_count`,
    /// ...) to its number, `country_counts` each country list (`snowflake_ips`) to its
    /// `{CC: count}`. The broker adds statistics over time; as map keys they never change the
    /// line's shape (`Resources/schemas/snowflake-stats.json`).
    public var stemJSON: JSONValue {
        func name(_ keyword: String) -> String { String(keyword.map { $0 == "-" ? "_" : $0 }) }
        return .object([("type", .string("snowflake-stats")),
                        ("snowflake_stats_end", .string(end.end.description)),
                        ("snowflake_stats_interval_length", .int(end.interval)),
                        ("counts", .object(counts.map { (name($0.keyword), .int($0.count)) })),
                        ("country_counts", .object(countryCounts.map { (name($0.keyword), .object($0.counts.map { ($0.key, .int($0.count)) })) }))])
    }
}
