/// What churn analysis keeps of one consensus: its valid-after time and, per relay, the
/// nickname and `r`-line IPv4 address. A whole consensus is a few megabytes; a snapshot is a
/// small fraction of that, so an archive of thousands can be read, reduced and then sorted.
///
/// ```swift
/// let snapshot = ChurnSnapshot(try NetworkStatusConsensus(parsing: bytes), label: "2020-02-29-10-00-00-consensus")
/// print(snapshot.validAfter, snapshot.relays.count)
/// ```
public struct ChurnSnapshot: Sendable {
    /// One relay of the consensus.
    public struct Relay: Sendable, Hashable {
        public var fingerprint: Fingerprint
        public var nickname: String
        public var address: IPAddress

        public init(fingerprint: Fingerprint, nickname: String, address: IPAddress) {
            self.fingerprint = fingerprint
            self.nickname = nickname
            self.address = address
        }
    }

    /// The consensus's `valid-after` time (snapshots are ordered by it).
    public var validAfter: TorTimestamp
    /// `ns` or `microdesc`.
    public var flavor: ConsensusFlavor
    /// Where the consensus came from (a file name), for messages.
    public var label: String
    /// The relays by fingerprint. A fingerprint listed twice keeps its first entry.
    public var relays: [Fingerprint: Relay]

    public init(validAfter: TorTimestamp, flavor: ConsensusFlavor = .ns, label: String = "", relays: [Relay]) {
        self.validAfter = validAfter
        self.flavor = flavor
        self.label = label
        var byFingerprint: [Fingerprint: Relay] = [:]
        for relay in relays where byFingerprint[relay.fingerprint] == nil { byFingerprint[relay.fingerprint] = relay }
        self.relays = byFingerprint
    }

    /// The snapshot of a parsed consensus; `nil` when it has no `valid-after` time (it cannot be
    /// placed in a time series).
    public init?(_ consensus: NetworkStatusConsensus, label: String = "") {
        guard let validAfter = consensus.header.validAfter else { return nil }
        self.init(validAfter: validAfter, flavor: consensus.header.flavor, label: label,
                  relays: consensus.entries.map { Relay(fingerprint: $0.fingerprint, nickname: $0.nickname, address: $0.address) })
    }
}

/// How relays that joined together are grouped: the IPv4 /16 they sit in and the pattern of
/// their nicknames. Sybil operators tend to rent addresses in one network and number their
/// relays (`relay01`, `relay02`, ...).
///
/// ```swift
/// ChurnGrouping.subnet(of: IPAddress("198.51.100.7")!)   // "198.51.0.0/16"
/// ChurnGrouping.nicknamePattern("Relay07")               // "relay#"
/// ```
public enum ChurnGrouping {
    /// The IPv4 /16 of `address` written `a.b.0.0/16`; IPv6 `r` addresses (not in use today)
    /// are grouped by their /32.
    public static func subnet(of address: IPAddress) -> String {
        switch address {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xFF).0.0/16"
        case .v6(let high, _):
            let top = high >> 32
            return String(top >> 16, radix: 16) + ":" + String(top & 0xFFFF, radix: 16) + "::/32"
        }
    }

    /// The nickname pattern: lowercased (tor compares nicknames without case), trailing digits
    /// replaced by `#`, so `Relay07` and `relay12` share `relay#`. A nickname without trailing
    /// digits is its own pattern (many relays joining under one nickname is a group too), and
    /// one made only of digits keeps them (a bare `#` would lump unrelated relays together).
    public static func nicknamePattern(_ nickname: String) -> String {
        let bytes = Array(nickname.utf8)
        var end = bytes.count
        while end > 0, bytes[end - 1] >= UInt8(ascii: "0"), bytes[end - 1] <= UInt8(ascii: "9") { end -= 1 }
        guard end > 0, end < bytes.count else { return nickname.lowercased() }
        return String(decoding: bytes[..<end], as: UTF8.self).lowercased() + "#"
    }
}
