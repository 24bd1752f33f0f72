import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// `--geoip` / `--geoip6`: tor's GeoIP files for relay countries. The IPv4 file defaults to
/// Debian's `tor-geoipdb` path when it exists (countries are simply left out without it); the
/// IPv6 file is read only when named, since every relay has an IPv4 address in its `r` line
/// and parsing 16 MB for the rare relay whose IPv4 address has no country is not worth it.
struct GeoIPOptions: ParsableArguments {
    static let debianIPv4 = "/usr/share/tor/geoip"
    static let debianIPv6 = "/usr/share/tor/geoip6"

    @Option(help: ArgumentHelp("tor's IPv4 GeoIP file (default: \(debianIPv4) when present; `apt-get install tor-geoipdb`).", valueName: "file"))
    var geoip: String?

    @Option(help: ArgumentHelp("tor's IPv6 GeoIP file (e.g. \(debianIPv6)), for relays whose IPv4 address has no country.", valueName: "file"))
    var geoip6: String?

    @Flag(help: "Do not look up countries.")
    var noGeoip = false

    /// The lookup, `nil` when no file is named or present; a named file that is missing or
    /// damaged is a usage error.
    func load() throws -> CountryLookup? {
        guard !noGeoip else { return nil }
        let v4 = try Self.database(named: geoip, default: Self.debianIPv4, family: .ipv4)
        let v6 = try geoip6.flatMap { try Self.database(named: $0, default: $0, family: .ipv6) }
        return v4 == nil && v6 == nil ? nil : CountryLookup(ipv4: v4, ipv6: v6)
    }

    private static func database(named path: String?, default fallback: String, family: GeoIPDatabase.AddressFamily) throws -> GeoIPDatabase? {
        let chosen: String
        if let path { chosen = path } else if FileManager.default.fileExists(atPath: fallback) { chosen = fallback } else { return nil }
        let bytes = try RelaySources.read(chosen)
        do { return try GeoIPDatabase(parsing: bytes[...], family: family) } catch {
            throw reportError("\(chosen): \(error)")
        }
    }
}

extension RelaySources {
    /// The relays the family computation sees: the newest server descriptor of each identity,
    /// plus, for identities without one, the microdescriptor the consensus's `m` line names.
    var familyMembers: [FamilyMember] {
        var members: [Fingerprint: FamilyMember] = [:]
        for (fingerprint, descriptor) in latestDescriptors {
            if let member = FamilyMember(descriptor: descriptor) { members[fingerprint] = member }
        }
        if let consensus, !microdescriptors.isEmpty {
            let byDigest = microdescriptorsByDigest
            for entry in consensus.entries where members[entry.fingerprint] == nil {
                guard let digest = entry.microdescriptorDigest, let micro = byDigest[digest] else { continue }
                members[entry.fingerprint] = FamilyMember(microdescriptor: micro, entry: entry)
            }
        }
        return Array(members.values)
    }
}

extension Formatting {
    /// A probability as a percentage with three decimals (`12.345%`), `-` for none.
    static func probability(_ value: Double?) -> String {
        guard let value else { return "-" }
        return Formatting.fixed(value * 100, digits: 3) + "%"
    }
}

extension SelectionProbabilities {
    /// Onionoo's key names.
    var json: JSONValue {
        .object([
            ("consensus_weight_fraction", .double(consensusWeightFraction)),
            ("guard_probability", .double(guardProbability)),
            ("middle_probability", .double(middleProbability)),
            ("exit_probability", .double(exitProbability)),
        ])
    }
}
