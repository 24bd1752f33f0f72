/// Countries of relays from tor's two GeoIP files: the IPv4 file for a relay's `r` line address,
/// the IPv6 file for relays that only have an IPv6 address (none on the public network today).
///
/// ```swift
/// let lookup = CountryLookup(ipv4: v4Database, ipv6: v6Database)
/// for entry in consensus.entries { print(entry.nickname, lookup.countryCode(of: entry) ?? "??") }
/// ```
public struct CountryLookup: Sendable {
    public let ipv4: GeoIPDatabase?
    public let ipv6: GeoIPDatabase?

    public init(ipv4: GeoIPDatabase?, ipv6: GeoIPDatabase?) {
        self.ipv4 = ipv4
        self.ipv6 = ipv6
    }

    /// The date both files name, or each one's when they differ (`v4 DATE, v6 DATE`).
    public var dateText: String? {
        switch (ipv4?.dateText, ipv6?.dateText) {
        case (let four?, let six?) where four == six: four
        case (let four?, let six?): "geoip \(four), geoip6 \(six)"
        case (let four?, nil): four
        case (nil, let six?): six
        case (nil, nil): nil
        }
    }

    /// The country code of an address from the file of its family.
    public func countryCode(for address: IPAddress) -> String? {
        address.isIPv6 ? ipv6?.countryCode(for: address) : ipv4?.countryCode(for: address)
    }

    /// The country of a consensus entry: its `r` line address, else its first `a` line address.
    public func countryCode(of entry: RouterStatusEntry) -> String? {
        countryCode(for: entry.address) ?? entry.orAddresses.lazy.compactMap { countryCode(for: $0.address) }.first
    }
}
