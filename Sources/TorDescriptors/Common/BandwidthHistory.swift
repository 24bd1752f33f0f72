/// Bytes transferred per interval, from a `read-history` / `write-history` line
/// (`read-history 2005-12-16 18:00:48 (900 s) 20774,489973,...`). Server descriptors carried
/// these until tor 0.2.0.x; extra-info documents carry them since.
///
/// ```swift
/// if let history = descriptor.readHistory {
///     print(history.start, history.end, history.interval, history.values.count)
/// }
/// ```
public struct BandwidthHistory: Sendable, Hashable {
    /// End of the most recent interval.
    public let end: TorTimestamp
    /// Length of each interval in seconds.
    public let interval: Int
    /// One value per interval, oldest first (may be empty).
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

    /// Parses `YYYY-MM-DD HH:MM:SS (NSEC s) [NUM,NUM,...]`; `nil` when malformed. Values are
    /// read as signed integers, as some archived documents hold negative counts.
    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> BandwidthHistory? {
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        guard let end = TorTimestamp.parse(bytes, cursor: &cursor),
              let open = cursor.next(), open.count >= 2, bytes[open.lowerBound] == UInt8(ascii: "("),
              let interval = ByteText.unsigned(bytes, (open.lowerBound + 1)..<open.upperBound),
              let unit = cursor.next(), ByteText.equals(bytes, unit, "s)") else { return nil }
        var values: [Int] = []
        if let list = cursor.next() {
            guard cursor.isAtEnd else { return nil }
            values.reserveCapacity(list.count / 4)
            var start = list.lowerBound
            while start <= list.upperBound {
                var stop = start
                while stop < list.upperBound, bytes[stop] != UInt8(ascii: ",") { stop += 1 }
                guard let value = ByteText.signed(bytes, start..<stop) else { return nil }
                values.append(value)
                start = stop + 1
            }
        }
        return BandwidthHistory(end: end, interval: interval, values: values)
    }
}
