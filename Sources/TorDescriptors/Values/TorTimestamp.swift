#if canImport(FoundationEssentials)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
#else
import FoundationEssentials
#endif

/// A UTC time with one-second precision, as directory documents write it
/// (`YYYY-MM-DD HH:MM:SS`), parsed by hand without `DateFormatter`.
///
/// ```swift
/// let published = TorTimestamp(parsing: "2026-07-26 19:43:32")!
/// print(published, published.date)    // 2026-07-26 19:43:32
/// ```
public struct TorTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Seconds since 1970-01-01 00:00:00 UTC.
    public let secondsSince1970: Int64

    public init(secondsSince1970: Int64) { self.secondsSince1970 = secondsSince1970 }

    /// The whole second at or before `date`. A date beyond what 64-bit seconds hold (or not a
    /// number) is clamped to the nearest end instead of trapping.
    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        if seconds.isNaN { secondsSince1970 = 0 }
        else if seconds >= 9_223_372_036_854_775_807 { secondsSince1970 = .max }
        else if seconds <= -9_223_372_036_854_775_808 { secondsSince1970 = .min }
        else { secondsSince1970 = Int64(seconds) }
    }

    /// Parses `YYYY-MM-DD HH:MM:SS`.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, let value = TorTimestamp.parse(bytes[...], 0..<10, 11..<19),
              bytes[10] == ByteText.space else { return nil }
        self = value
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }

    /// Parses a date range `YYYY-MM-DD` and a time range `HH:MM:SS` (each checked for range).
    static func parse(_ bytes: ArraySlice<UInt8>, _ dateRange: Range<Int>, _ timeRange: Range<Int>) -> TorTimestamp? {
        guard dateRange.count == 10, timeRange.count == 8 else { return nil }
        let d = dateRange.lowerBound
        let t = timeRange.lowerBound
        guard bytes[d + 4] == UInt8(ascii: "-"), bytes[d + 7] == UInt8(ascii: "-"),
              bytes[t + 2] == UInt8(ascii: ":"), bytes[t + 5] == UInt8(ascii: ":"),
              let year = ByteText.unsigned(bytes, d..<(d + 4)),
              let month = ByteText.unsigned(bytes, (d + 5)..<(d + 7)),
              let day = ByteText.unsigned(bytes, (d + 8)..<(d + 10)),
              let hour = ByteText.unsigned(bytes, t..<(t + 2)),
              let minute = ByteText.unsigned(bytes, (t + 3)..<(t + 5)),
              let second = ByteText.unsigned(bytes, (t + 6)..<(t + 8)),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return TorTimestamp(secondsSince1970: Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    }

    /// Parses the two arguments a cursor yields next (`date time`).
    static func parse(_ bytes: ArraySlice<UInt8>, cursor: inout ArgumentCursor) -> TorTimestamp? {
        guard let date = cursor.next(), let time = cursor.next() else { return nil }
        return parse(bytes, date, time)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS` (ISO form used in some extra-info and bandwidth lines).
    static func parseISO(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> TorTimestamp? {
        guard range.count == 19, bytes[range.lowerBound + 10] == UInt8(ascii: "T") else { return nil }
        return parse(bytes, range.lowerBound..<(range.lowerBound + 10), (range.lowerBound + 11)..<range.upperBound)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithm: exact for the proleptic Gregorian calendar.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYY-MM-DD HH:MM:SS`, as tor writes it (and as Stem prints `published`).
    public var description: String {
        // Floor division that cannot overflow: `(s - 86_399) / 86_400` would, near Int64.min.
        let days = Int(secondsSince1970 >= 0 ? secondsSince1970 / 86_400 : -((-(secondsSince1970 + 1)) / 86_400) - 1)
        let remainder = Int(secondsSince1970 % 86_400)
        let secondsOfDay = remainder < 0 ? remainder + 86_400 : remainder
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2))"
    }

    public static func < (lhs: TorTimestamp, rhs: TorTimestamp) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = TorTimestamp(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not YYYY-MM-DD HH:MM:SS"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
