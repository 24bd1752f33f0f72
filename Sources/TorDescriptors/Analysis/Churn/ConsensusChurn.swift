/// Relay churn over a time series of consensuses, the check DocTor's Sybil checker runs over
/// archived consensuses: per consensus, which relays joined and left since the one before, which
/// new fingerprints appeared at an address (or IPv4 /16) that earlier consensuses listed under
/// another fingerprint, and which joins came in groups (same /16, same nickname pattern, and
/// the same country when a country lookup is given).
///
/// Sans-I/O: it takes snapshots of parsed consensuses in any order, sorts them by valid-after
/// and compares neighbours. Two snapshots with the same valid-after (an ns and a microdesc
/// consensus of the same hour, or the same file twice) count once: the first is kept and the
/// others are listed in ``skipped``.
///
/// ```swift
/// let snapshots = consensuses.compactMap { ChurnSnapshot($0) }
/// let churn = ConsensusChurn(snapshots, minimumGroupSize: 3)
/// for step in churn.steps.dropFirst() {
///     print(step.validAfter, "+\(step.joined.count) -\(step.left.count)", step.addressReuse.count)
/// }
/// ```
public struct ConsensusChurn: Sendable {
    /// A new fingerprint at a place (an address, or a /16) earlier consensuses listed under other fingerprints.
    public struct Reuse: Sendable, Hashable {
        /// The relay that joined under a fingerprint never seen before in the series.
        public var relay: ChurnSnapshot.Relay
        /// The address or /16 (`a.b.0.0/16`) it shares with earlier relays.
        public var place: String
        /// How many other fingerprints earlier consensuses listed there.
        public var earlierCount: Int
        /// Up to ``ConsensusChurn/reuseExamples`` of them, sorted.
        public var earlier: [Fingerprint]
    }

    /// Relays that joined in the same consensus and share a key (a /16, a nickname pattern, a country).
    public struct Group: Sendable, Hashable {
        public var key: String
        /// Sorted by fingerprint.
        public var relays: [ChurnSnapshot.Relay]
    }

    /// One consensus of the series compared with the one before it.
    public struct Step: Sendable {
        public var validAfter: TorTimestamp
        /// `nil` for the first consensus, the baseline (its lists are empty).
        public var previousValidAfter: TorTimestamp?
        public var label: String
        public var flavor: ConsensusFlavor
        /// Relays in this consensus.
        public var relays: Int
        /// In this consensus and not the one before, sorted by fingerprint.
        public var joined: [ChurnSnapshot.Relay] = []
        /// In the one before and not this one, sorted by fingerprint.
        public var left: [ChurnSnapshot.Relay] = []
        /// Joined relays whose fingerprint no earlier consensus of the series listed.
        public var newFingerprints = 0
        /// New fingerprints at an IPv4 address an earlier consensus listed under another fingerprint.
        public var addressReuse: [Reuse] = []
        /// New fingerprints not at a known address but in a /16 where earlier consensuses listed others.
        public var subnetReuse: [Reuse] = []
        /// Joins grouped by /16, groups of at least the minimum size, largest first.
        public var subnetGroups: [Group] = []
        /// Joins grouped by ``ChurnGrouping/nicknamePattern(_:)``.
        public var nicknameGroups: [Group] = []
        /// Joins grouped by country; empty unless a country lookup was given.
        public var countryGroups: [Group] = []
    }

    /// How many earlier fingerprints a ``Reuse`` names.
    public static let reuseExamples = 5

    /// One step per distinct valid-after, oldest first.
    public private(set) var steps: [Step] = []
    /// Snapshots left out because an earlier one had the same valid-after.
    public private(set) var skipped: [ChurnSnapshot] = []

    /// Compares `snapshots` in valid-after order. `country` maps an address to a country code
    /// (e.g. from tor's GeoIP file); without it no country groups are formed.
    public init(_ snapshots: [ChurnSnapshot], minimumGroupSize: Int = 3, country: (@Sendable (IPAddress) -> String?)? = nil) {
        // A stable sort keeps the input order among equal times, so "the first is kept" holds.
        let ordered = snapshots.enumerated().sorted { ($0.element.validAfter, $0.offset) < ($1.element.validAfter, $1.offset) }.map(\.element)
        var seenFingerprints: Set<Fingerprint> = []
        var fingerprintsAtAddress: [IPAddress: Set<Fingerprint>] = [:]
        var fingerprintsInSubnet: [String: Set<Fingerprint>] = [:]
        var previous: ChurnSnapshot?
        for snapshot in ordered {
            if let previous, previous.validAfter == snapshot.validAfter {
                skipped.append(snapshot)
                continue
            }
            var step = Step(validAfter: snapshot.validAfter, previousValidAfter: previous?.validAfter, label: snapshot.label,
                            flavor: snapshot.flavor, relays: snapshot.relays.count)
            if let previous {
                step.joined = snapshot.relays.values.filter { previous.relays[$0.fingerprint] == nil }.sorted { $0.fingerprint < $1.fingerprint }
                step.left = previous.relays.values.filter { snapshot.relays[$0.fingerprint] == nil }.sorted { $0.fingerprint < $1.fingerprint }
                for relay in step.joined where !seenFingerprints.contains(relay.fingerprint) {
                    step.newFingerprints += 1
                    if let earlier = fingerprintsAtAddress[relay.address], !earlier.isEmpty {
                        step.addressReuse.append(Self.reuse(relay, place: relay.address.description, earlier))
                    } else if case .v4 = relay.address, let earlier = fingerprintsInSubnet[ChurnGrouping.subnet(of: relay.address)], !earlier.isEmpty {
                        step.subnetReuse.append(Self.reuse(relay, place: ChurnGrouping.subnet(of: relay.address), earlier))
                    }
                }
                step.subnetGroups = Self.groups(step.joined, minimumSize: minimumGroupSize) { ChurnGrouping.subnet(of: $0.address) }
                step.nicknameGroups = Self.groups(step.joined, minimumSize: minimumGroupSize) { ChurnGrouping.nicknamePattern($0.nickname) }
                if let country {
                    step.countryGroups = Self.groups(step.joined, minimumSize: minimumGroupSize) { country($0.address) }
                }
            }
            // History is updated after the comparison: "seen before" means in an earlier consensus.
            for relay in snapshot.relays.values {
                seenFingerprints.insert(relay.fingerprint)
                fingerprintsAtAddress[relay.address, default: []].insert(relay.fingerprint)
                if case .v4 = relay.address { fingerprintsInSubnet[ChurnGrouping.subnet(of: relay.address), default: []].insert(relay.fingerprint) }
            }
            steps.append(step)
            previous = snapshot
        }
    }

    private static func reuse(_ relay: ChurnSnapshot.Relay, place: String, _ earlier: Set<Fingerprint>) -> Reuse {
        Reuse(relay: relay, place: place, earlierCount: earlier.count, earlier: Array(earlier.sorted().prefix(reuseExamples)))
    }

    private static func groups(_ relays: [ChurnSnapshot.Relay], minimumSize: Int, key: (ChurnSnapshot.Relay) -> String?) -> [Group] {
        var byKey: [String: [ChurnSnapshot.Relay]] = [:]
        for relay in relays { if let value = key(relay) { byKey[value, default: []].append(relay) } }
        return byKey.filter { $0.value.count >= max(minimumSize, 1) }
            .map { Group(key: $0.key, relays: $0.value) }
            .sorted { $0.relays.count != $1.relays.count ? $0.relays.count > $1.relays.count : $0.key < $1.key }
    }
}
