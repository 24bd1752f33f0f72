/// A GeoIP file in tor's own format (Debian's `tor-geoipdb`: `/usr/share/tor/geoip` and
/// `/usr/share/tor/geoip6`), the country database tor itself uses for its statistics.
///
/// The IPv4 file holds `INTIPLOW,INTIPHIGH,CC` lines (addresses as unsigned decimal integers),
/// the IPv6 file `IPV6LOW,IPV6HIGH,CC` lines; `#` starts a comment line, and the header comments
/// name the export's date (`# Generated: Thu, 25 Jun 2026 04:33:59 GMT` for the IPFire
/// exports tor ships since 2022, `# Last updated based on ...` for the older MaxMind ones). `??`
/// is tor's "unknown country". Parsing works on bytes; lookups are a binary search.
///
/// ```swift
/// let v4 = try GeoIPDatabase(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: "/usr/share/tor/geoip")))[...], family: .ipv4)
/// print(v4.countryCode(for: IPAddress("128.31.0.39")!) ?? "??", v4.dateText ?? "undated")
/// ```
public struct GeoIPDatabase: Sendable {
    /// Which of tor's two files this is.
    public enum AddressFamily: String, Sendable, Hashable {
        case ipv4 = "geoip"
        case ipv6 = "geoip6"
    }

    /// One range of addresses and its country, as 128-bit bounds (IPv4 in the low 32 bits).
    struct Range: Sendable {
        var lowHigh: UInt64, lowLow: UInt64
        var highHigh: UInt64, highLow: UInt64
        var country: UInt16
    }

    public let family: AddressFamily
    /// The export date as the header comment writes it (`Thu, 25 Jun 2026 04:33:59 GMT`), `nil`
    /// when the file names none.
    public let dateText: String?
    /// Ranges sorted by their low bound.
    let ranges: [Range]

    /// Number of address ranges in the file.
    public var rangeCount: Int { ranges.count }

    /// Parses a whole file. Lines that are not comments and not `LOW,HIGH,CC` throw, naming the
    /// line (tor itself skips them with a log message; a file with such lines is damaged).
    public init(parsing bytes: ArraySlice<UInt8>, family: AddressFamily) throws(GeoIPParseError) {
        self.family = family
        var ranges: [Range] = []
        ranges.reserveCapacity(bytes.count / 24)
        var date: String?
        var lineNumber = 0
        // Over the raw buffer: a debug build indexes slices an order of magnitude slower, and the
        // IPv4 file has 385,000 lines that the fast path below reads in one pass.
        try bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(GeoIPParseError) in
            let base = bytes.startIndex
            var start = 0
            while start < buffer.count {
                lineNumber += 1
                var end = start
                while end < buffer.count, buffer[end] != 0x0A { end += 1 }
                var (lower, upper) = (start, end)
                start = end < buffer.count ? end + 1 : end
                if upper > lower, buffer[upper - 1] == 0x0D { upper -= 1 }
                while lower < upper, ByteText.isSpace(buffer[lower]) { lower += 1 }
                if lower == upper { continue }
                if buffer[lower] == UInt8(ascii: "#") {
                    if date == nil { date = Self.dateText(in: bytes, (base + lower)..<(base + upper)) }
                    continue
                }
                if family == .ipv4, let range = Self.fastIPv4(buffer, lower, upper) {
                    ranges.append(range)
                } else {
                    ranges.append(try Self.range(bytes, (base + lower)..<(base + upper), family: family, lineNumber: lineNumber))
                }
            }
        }
        // tor writes its files sorted; sort only a file that is not.
        var sorted = true
        for index in ranges.indices.dropFirst() where (ranges[index].lowHigh, ranges[index].lowLow) < (ranges[index - 1].lowHigh, ranges[index - 1].lowLow) {
            sorted = false
            break
        }
        if !sorted { ranges.sort { ($0.lowHigh, $0.lowLow) < ($1.lowHigh, $1.lowLow) } }
        self.ranges = ranges
        self.dateText = date
    }

    /// The two-letter country code (upper case, as the file writes it) of `address`; `nil` when
    /// no range holds it, the range says `??`, or the address is of the other family.
    public func countryCode(for address: IPAddress) -> String? {
        let (high, low): (UInt64, UInt64)
        switch (address, family) {
        case (.v4(let value), .ipv4): (high, low) = (0, UInt64(value))
        case (.v6(let h, let l), .ipv6): (high, low) = (h, l)
        default: return nil
        }
        // The last range whose low bound is at or below the address.
        var lower = 0, upper = ranges.count
        while lower < upper {
            let middle = (lower + upper) / 2
            if (ranges[middle].lowHigh, ranges[middle].lowLow) <= (high, low) { lower = middle + 1 } else { upper = middle }
        }
        guard lower > 0 else { return nil }
        let range = ranges[lower - 1]
        guard (high, low) <= (range.highHigh, range.highLow), range.country != Self.unknown else { return nil }
        return String(decoding: [UInt8(range.country >> 8), UInt8(range.country & 0xFF)], as: UTF8.self)
    }

    static let unknown = UInt16(UInt8(ascii: "?")) << 8 | UInt16(UInt8(ascii: "?"))

    private static func range(_ bytes: ArraySlice<UInt8>, _ line: Swift.Range<Int>, family: AddressFamily,
                              lineNumber: Int) throws(GeoIPParseError) -> Range {
        func fail(_ field: String, _ why: String) -> GeoIPParseError {
            GeoIPParseError(family: family, line: lineNumber, field: field, reason: why)
        }
        var fields: [Swift.Range<Int>] = []
        var fieldStart = line.lowerBound
        for index in line where bytes[index] == UInt8(ascii: ",") {
            fields.append(fieldStart..<index)
            fieldStart = index + 1
            guard fields.count < 3 else { throw fail("line", "more than three comma-separated fields") }
        }
        fields.append(fieldStart..<line.upperBound)
        guard fields.count == 3 else { throw fail("line", "expected LOW,HIGH,CC") }
        var countryRange = fields[2]
        while !countryRange.isEmpty, ByteText.isSpace(bytes[countryRange.upperBound - 1]) { countryRange = countryRange.lowerBound..<(countryRange.upperBound - 1) }
        guard countryRange.count == 2, countryRange.allSatisfy({ isCountryByte(bytes[$0]) }) else {
            throw fail("CC", "not a two-letter country code or ??")
        }
        let country = UInt16(upper(bytes[countryRange.lowerBound])) << 8 | UInt16(upper(bytes[countryRange.lowerBound + 1]))
        let low: (UInt64, UInt64), high: (UInt64, UInt64)
        switch family {
        case .ipv4:
            guard let l = decimal32(bytes, fields[0]) else { throw fail("INTIPLOW", "not a 32-bit decimal integer") }
            guard let h = decimal32(bytes, fields[1]) else { throw fail("INTIPHIGH", "not a 32-bit decimal integer") }
            (low, high) = ((0, UInt64(l)), (0, UInt64(h)))
        case .ipv6:
            guard let l = IPAddress.parseIPv6(bytes, fields[0]) else { throw fail("IPV6LOW", "not an IPv6 address") }
            guard let h = IPAddress.parseIPv6(bytes, fields[1]) else { throw fail("IPV6HIGH", "not an IPv6 address") }
            (low, high) = (l, h)
        }
        guard low <= high else { throw fail("line", "low address above high address") }
        return Range(lowHigh: low.0, lowLow: low.1, highHigh: high.0, highLow: high.1, country: country)
    }

    /// `DIGITS,DIGITS,CC` exactly, as tor writes its IPv4 file; `nil` for anything else (the
    /// general path then reads the line or names what is wrong with it).
    private static func fastIPv4(_ buffer: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Range? {
        var index = lower
        func number() -> UInt32? {
            var value: UInt64 = 0
            let first = index
            while index < upper, buffer[index] &- 0x30 < 10, index - first < 10 {
                value = value * 10 + UInt64(buffer[index] &- 0x30)
                index += 1
            }
            return index > first && value <= UInt64(UInt32.max) ? UInt32(value) : nil
        }
        guard let low = number(), index < upper, buffer[index] == UInt8(ascii: ","), case _ = (index += 1),
              let high = number(), index < upper, buffer[index] == UInt8(ascii: ","), low <= high,
              upper - index == 3, isCountryByte(buffer[index + 1]), isCountryByte(buffer[index + 2])
        else { return nil }
        let country = UInt16(Self.upper(buffer[index + 1])) << 8 | UInt16(Self.upper(buffer[index + 2]))
        return Range(lowHigh: 0, lowLow: UInt64(low), highHigh: 0, highLow: UInt64(high), country: country)
    }

    private static func isCountryByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || byte == UInt8(ascii: "?")
    }

    private static func upper(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
    }

    private static func decimal32(_ bytes: ArraySlice<UInt8>, _ range: Swift.Range<Int>) -> UInt32? {
        guard !range.isEmpty, range.count <= 10 else { return nil }
        var value: UInt64 = 0
        for index in range {
            guard ByteText.isDigit(bytes[index]) else { return nil }
            value = value * 10 + UInt64(bytes[index] - UInt8(ascii: "0"))
        }
        return value <= UInt64(UInt32.max) ? UInt32(value) : nil
    }

    /// The date of a header comment: after `Generated:` (IPFire exports) or `Last updated based on`
    /// (MaxMind-era files), trimmed.
    private static func dateText(in bytes: ArraySlice<UInt8>, _ line: Swift.Range<Int>) -> String? {
        let text = line.dropFirst()
        for marker in ["Generated:", "Last updated based on"] {
            let markerBytes = Array(marker.utf8)
            guard text.count >= markerBytes.count else { continue }
            var index = text.lowerBound
            while index + markerBytes.count <= text.upperBound {
                if bytes[index..<(index + markerBytes.count)].elementsEqual(markerBytes) {
                    var value = (index + markerBytes.count)..<text.upperBound
                    while !value.isEmpty, ByteText.isSpace(bytes[value.lowerBound]) { value = (value.lowerBound + 1)..<value.upperBound }
                    while !value.isEmpty, ByteText.isSpace(bytes[value.upperBound - 1]) { value = value.lowerBound..<(value.upperBound - 1) }
                    return value.isEmpty ? nil : ByteText.string(bytes, value)
                }
                index += 1
            }
        }
        return nil
    }
}

/// A line of a GeoIP file that is neither a comment nor `LOW,HIGH,CC`.
///
/// ```swift
/// do { _ = try GeoIPDatabase(parsing: bytes[...], family: .ipv4) } catch { print(error.line, error.field) }
/// ```
public struct GeoIPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public let family: GeoIPDatabase.AddressFamily
    /// 1-based line number.
    public let line: Int
    /// The field that is wrong (`INTIPLOW`, `INTIPHIGH`, `IPV6LOW`, `IPV6HIGH`, `CC`) or `line`.
    public let field: String
    public let reason: String

    public var description: String { "\(family.rawValue) file, line \(line), field '\(field)': \(reason)" }
}
