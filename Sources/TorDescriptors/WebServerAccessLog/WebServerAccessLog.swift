/// A sanitized web server access log (CollecTor `webstats/`, metrics-lib's
/// `WebServerAccessLog`): one day of requests to one virtual host as one physical host logged
/// them, with client addresses and times removed by CollecTor's sanitizer.
///
/// The log's identity is in its file name, `VIRTUALHOST_PHYSICALHOST_access.log_YYYYMMDD.xz`
/// (``FileName``); its lines are Apache combined-log lines
/// (`0.0.0.0 - - [30/May/2017:00:00:00 +0000] "GET / HTTP/1.1" 200 868`). Lines that do not
/// match are kept as counts, not errors, in lenient mode, as metrics-lib skips them. Stem does
/// not read this type; ``stemJSON`` uses metrics-lib's names in snake_case.
///
/// ```swift
/// let log = try WebServerAccessLog(parsing: bytes[...], fileName: "metrics.torproject.org_meronense.torproject.org_access.log_20170531.xz")
/// print(log.name?.virtualHost ?? "-", log.lines.filter { $0.response == 200 }.count)
/// ```
public struct WebServerAccessLog: Sendable {
    /// What a CollecTor web log's file name says: `VIRTUALHOST_PHYSICALHOST_access.log_YYYYMMDD[.EXT]`.
    ///
    /// ```swift
    /// let name = WebServerAccessLog.FileName(parsing: "archive.torproject.org_archeotrichon.torproject.org_access.log_20151007.xz")
    /// // virtualHost "archive.torproject.org", physicalHost "archeotrichon.torproject.org", date 2015-10-07
    /// ```
    public struct FileName: Sendable, Hashable {
        public let virtualHost: String
        public let physicalHost: String
        /// The log's day (midnight UTC).
        public let date: TorTimestamp
        /// The compression extension (`xz`, `gz`, `bz2`), empty when there is none.
        public let compression: String
    }

    /// One request line.
    ///
    /// ```swift
    /// let bytesServed = log.lines.compactMap(\.size).reduce(0, +)
    /// ```
    public struct Line: Sendable, Hashable {
        /// The client address as the sanitizer left it (`0.0.0.0` or `0.0.0.1`).
        public let ip: String
        /// The request's day (midnight UTC); the sanitizer drops the time of day.
        public let date: TorTimestamp
        /// The HTTP method (`GET`, `HEAD`, ...).
        public let method: String
        /// The requested path.
        public let request: String
        /// The protocol, e.g. `HTTP/1.1`.
        public let protocolVersion: String
        /// The response status code.
        public let response: Int
        /// Bytes sent, `nil` for `-`.
        public let size: Int?
        /// 1-based line number.
        public let line: Int
    }

    /// The log's bytes (decompressed).
    public internal(set) var rawBytes: ArraySlice<UInt8>
    /// The file name's facts, when a conforming name was given.
    public internal(set) var name: FileName?
    /// The request lines that matched the access-log form, in order.
    public internal(set) var lines: [Line] = []
    /// How many non-empty lines did not match (metrics-lib skips them too).
    public internal(set) var invalidLineCount = 0
    /// Problems lenient parsing stepped over (one per unmatched line, up to a hundred).
    public internal(set) var warnings: [DescriptorParseError] = []
}

extension WebServerAccessLog: StemJSONRepresentable {
    /// metrics-lib's `WebServerAccessLog` in snake_case: `virtual_host`, `physical_host`,
    /// `log_date`, and the line count (each line's fields are `ip`, `date`, `method`, `request`,
    /// `protocol`, `response`, `size` in ``Line/stemJSON``).
    public var stemJSON: JSONValue {
        .object([("type", .string("webstats")),
                 ("virtual_host", .optional(name?.virtualHost) { .string($0) }),
                 ("physical_host", .optional(name?.physicalHost) { .string($0) }),
                 ("log_date", .optional(name?.date) { .string(String($0.description.prefix(10))) }),
                 ("log_lines", .int(lines.count)),
                 ("invalid_lines", .int(invalidLineCount))])
    }
}

extension WebServerAccessLog.Line: StemJSONRepresentable {
    /// metrics-lib's `WebServerAccessLog.Line` getters in snake_case.
    public var stemJSON: JSONValue {
        .object([("ip", .string(ip)), ("date", .string(String(date.description.prefix(10)))), ("method", .string(method)),
                 ("request", .string(request)), ("protocol", .string(protocolVersion)), ("response", .int(response)),
                 ("size", .optional(size) { .int($0) })])
    }
}
