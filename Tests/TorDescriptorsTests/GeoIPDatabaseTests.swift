import Foundation
import Testing
@testable import TorDescriptors

/// tor's GeoIP format on a small synthetic file (labelled so: made up for these tests, not real
/// allocations), and Debian's real `tor-geoipdb` IPv4 file in one test that fails, not skips,
/// when the package is missing (CI installs it).
struct GeoIPDatabaseTests {
    /// Synthetic: made-up ranges in tor's format, with an IPFire-style date comment.
    static let syntheticIPv4 = """
        # SYNTHETIC GeoIP file for tests (not real allocations)
        #
        # Generated: Mon, 01 Jun 2026 00:00:00 GMT

        16777216,16777471,AU
        16777472,16778239,cn
        3221225472,3221225727,??
        4294967040,4294967295,ZZ
        """
    /// Synthetic IPv6 ranges, one date-less file.
    static let syntheticIPv6 = """
        # SYNTHETIC geoip6 for tests
        2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,DE
        2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,SE
        """

    @Test("Synthetic IPv4 file: bounds inclusive, lower-case codes upper-cased, ?? is no country, date from the comment")
    func syntheticIPv4Lookups() throws {
        let database = try GeoIPDatabase(parsing: Array(Self.syntheticIPv4.utf8)[...], family: .ipv4)
        #expect(database.rangeCount == 4)
        #expect(database.dateText == "Mon, 01 Jun 2026 00:00:00 GMT")
        #expect(database.countryCode(for: IPAddress("1.0.0.0")!) == "AU")
        #expect(database.countryCode(for: IPAddress("1.0.0.255")!) == "AU")
        #expect(database.countryCode(for: IPAddress("1.0.1.0")!) == "CN")
        #expect(database.countryCode(for: IPAddress("1.0.3.255")!) == "CN")
        #expect(database.countryCode(for: IPAddress("1.0.4.0")!) == nil, "between ranges")
        #expect(database.countryCode(for: IPAddress("0.255.255.255")!) == nil, "below the first range")
        #expect(database.countryCode(for: IPAddress("192.0.0.1")!) == nil, "?? is tor's unknown")
        #expect(database.countryCode(for: IPAddress("255.255.255.255")!) == "ZZ")
        #expect(database.countryCode(for: IPAddress("2001:db8::1")!) == nil, "IPv6 address in the IPv4 file")
    }

    @Test("Synthetic IPv6 file and the two files together")
    func syntheticIPv6Lookups() throws {
        let v6 = try GeoIPDatabase(parsing: Array(Self.syntheticIPv6.utf8)[...], family: .ipv6)
        #expect(v6.dateText == nil)
        #expect(v6.countryCode(for: IPAddress("2001:db8::ffff")!) == "DE")
        #expect(v6.countryCode(for: IPAddress("2001:db8:1:ffff::1")!) == "SE")
        #expect(v6.countryCode(for: IPAddress("2001:db8:2::")!) == nil)
        let v4 = try GeoIPDatabase(parsing: Array(Self.syntheticIPv4.utf8)[...], family: .ipv4)
        let lookup = CountryLookup(ipv4: v4, ipv6: v6)
        #expect(lookup.countryCode(for: IPAddress("1.0.0.7")!) == "AU")
        #expect(lookup.countryCode(for: IPAddress("2001:db8::7")!) == "DE")
        #expect(lookup.dateText == "Mon, 01 Jun 2026 00:00:00 GMT")
    }

    @Test("Damaged lines throw a typed error naming the line and field", arguments: [
        ("1,2", 1, "line"), ("1,2,US,x", 1, "line"), ("x,2,US", 1, "INTIPLOW"), ("1,4294967296,US", 1, "INTIPHIGH"),
        ("1,2,USA", 1, "CC"), ("# c\n5,2,US", 2, "line"), ("1,2,U1", 1, "CC"),
    ])
    func damagedLines(text: String, line: Int, field: String) {
        #expect(throws: GeoIPParseError(family: .ipv4, line: line, field: field, reason: reason(text))) {
            try GeoIPDatabase(parsing: Array(text.utf8)[...], family: .ipv4)
        }
    }

    private func reason(_ text: String) -> String {
        do { _ = try GeoIPDatabase(parsing: Array(text.utf8)[...], family: .ipv4); return "" } catch { return error.reason }
    }

    @Test("IPv6 damaged line names its field")
    func damagedIPv6() {
        do {
            _ = try GeoIPDatabase(parsing: Array("2001:db8::,zz::1::2,DE".utf8)[...], family: .ipv6)
            Issue.record("accepted a malformed address")
        } catch {
            #expect(error.field == "IPV6HIGH" && error.line == 1)
        }
    }

    @Test("Debian's /usr/share/tor/geoip: every range read, and 64 lines sampled across the file answer for their bounds")
    func realIPv4File() throws {
        let path = "/usr/share/tor/geoip"
        let bytes = try #require(FileManager.default.contents(atPath: path).map { [UInt8]($0) },
                                 "\(path) is missing: apt-get install tor-geoipdb (CI installs it)")
        let database = try GeoIPDatabase(parsing: bytes[...], family: .ipv4)
        // Ranges = lines that are neither empty nor comments, counted on the bytes.
        let dataLines = bytes.withUnsafeBufferPointer { buffer in
            var count = 0, atLineStart = true
            for byte in buffer {
                if atLineStart, byte != UInt8(ascii: "#"), byte != UInt8(ascii: "\n") { count += 1 }
                atLineStart = byte == UInt8(ascii: "\n")
            }
            return count
        }
        #expect(database.rangeCount == dataLines)
        #expect(database.dateText != nil)
        // The first whole line after each of 64 evenly spaced offsets, split by hand: its low
        // bound, high bound and middle must give its country (none for ??).
        var checked = 0
        for sample in 1...64 {
            let offset = bytes.count * sample / 66
            guard let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")), newline + 1 < bytes.count else { continue }
            let end = bytes[(newline + 1)...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let fields = bytes[(newline + 1)..<end].split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
            guard fields.count == 3, let low = UInt32(fields[0]), let high = UInt32(fields[1]) else { continue }
            let expected = fields[2] == "??" ? nil : fields[2].uppercased()
            for address in [low, high, low + (high - low) / 2] {
                #expect(database.countryCode(for: .v4(address)) == expected, "\(IPAddress.v4(address)) in line \(fields)")
            }
            checked += 1
        }
        #expect(checked == 64)
    }
}
