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

    @Test("Debian's /usr/share/tor/geoip: every range read, and lookups agree with a linear scan of the file's lines")
    func realIPv4File() throws {
        let path = "/usr/share/tor/geoip"
        let bytes = try #require(FileManager.default.contents(atPath: path).map { [UInt8]($0) },
                                 "\(path) is missing: apt-get install tor-geoipdb (CI installs it)")
        let database = try GeoIPDatabase(parsing: bytes[...], family: .ipv4)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(database.rangeCount == lines.count)
        #expect(database.dateText != nil)
        // The first 40 relays of the bundled 2012 consensus, looked up in one pass over the
        // file's lines (sorted by their low bound, as tor writes them).
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus"))
        let addresses = consensus.entries.prefix(40).compactMap { entry -> UInt32? in
            if case .v4(let value) = entry.address { value } else { nil }
        }.sorted()
        var scanned: [UInt32: String] = [:]
        var next = 0
        for line in lines where next < addresses.count {
            let fields = line.split(separator: ",")
            let (low, high) = (UInt32(fields[0])!, UInt32(fields[1])!)
            while next < addresses.count, addresses[next] < low { next += 1 }
            while next < addresses.count, addresses[next] <= high {
                if fields[2] != "??" { scanned[addresses[next]] = String(fields[2]) }
                next += 1
            }
        }
        var found = 0
        for address in addresses {
            #expect(database.countryCode(for: .v4(address)) == scanned[address], "\(IPAddress.v4(address))")
            if scanned[address] != nil { found += 1 }
        }
        #expect(found > 30)
    }
}
