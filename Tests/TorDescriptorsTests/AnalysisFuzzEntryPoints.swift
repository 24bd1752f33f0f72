import TorDescriptors

// MARK: - Analysis inputs: tor's GeoIP files

extension FuzzEntryPoints {
    /// The first byte picks the file family (even: `geoip`, odd: `geoip6`), the rest is the file.
    /// A file that parses answers lookups of every range bound without trapping, finds a country
    /// for the low bound of each range it kept unless that range says `??`, and never reads
    /// more ranges than the input has lines.
    static func geoip(_ data: [UInt8]) {
        guard let selector = data.first else { return }
        let bytes = data.dropFirst()
        let family: GeoIPDatabase.AddressFamily = selector & 1 == 0 ? .ipv4 : .ipv6
        guard let database = try? GeoIPDatabase(parsing: bytes, family: family) else { return }
        let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        guard database.rangeCount <= lines else { violated("more ranges than lines", data) }
        let probes: [IPAddress] = [.v4(0), .v4(.max), .v4(0x0102_0304), .v6(high: 0, low: 0), .v6(high: .max, low: .max),
                                   .v6(high: 0x2001_0db8_0000_0000, low: 1)]
        for probe in probes {
            if let code = database.countryCode(for: probe) {
                guard code.utf8.count == 2, probe.isIPv6 == (family == .ipv6) else { violated("bad answer \(code) for \(probe)", data) }
            }
        }
        _ = database.dateText
    }
}
