/// The answer to "was ADDRESS a relay or an exit in WINDOW?", gathered document by document
/// from index records (or parsed documents): the evidence, and per fingerprint when it was
/// first and last seen in the window. The same consensus read twice (an archive and a loose
/// copy of it, or its ns and microdesc flavors) counts once.
///
/// ```swift
/// var answer = AddressLookupAnswer(address: IPAddress("192.0.2.7")!, window: window)
/// answer.addConsensus(validAfter: validAfter, records: reader.records(of: answer.address, in: entry, read: read))
/// for relay in answer.relays { print(relay.fingerprint.hex, relay.firstSeen, relay.lastSeen) }
/// ```
public struct AddressLookupAnswer: Sendable {
    public let address: IPAddress
    public let window: ClosedRange<TorTimestamp>
    /// The `valid-after` times of the consensuses read within the window.
    public private(set) var consensusTimes: Set<TorTimestamp> = []
    /// Exit lists whose observations overlap the window.
    public private(set) var exitListsInWindow = 0
    /// One listing per consensus time, relay and address: the flavors of one consensus agree
    /// on these, and only the ns flavor has the policy summary, which is kept when read.
    private var listings: [ListingKey: RelayAddressMatch] = [:]
    private struct ListingKey: Hashable { let validAfter: TorTimestamp, fingerprint: Fingerprint, address: ORAddress }
    private var matches: Dictionary<ListingKey, RelayAddressMatch>.Values { listings.values }
    private var observed: Set<ExitAddressObservation> = []

    public init(address: IPAddress, window: ClosedRange<TorTimestamp>) {
        self.address = address
        self.window = window
    }

    /// A consensus valid after `validAfter` (ignored outside the window) and its records for
    /// the address.
    public mutating func addConsensus(validAfter: TorTimestamp, records: [AddressLookupRecord]) {
        guard window.contains(validAfter) else { return }
        consensusTimes.insert(validAfter)
        for record in records where record.address == address && record.origin != .exitAddress {
            let match = RelayAddressMatch(validAfter: validAfter, record: record)
            let key = ListingKey(validAfter: validAfter, fingerprint: record.fingerprint, address: match.matchedAddress)
            if listings[key]?.policyAllowsExiting == nil { listings[key] = match }
        }
    }

    /// An exit list spanning `first...last` and its records for the address; observations
    /// outside the window are left out.
    public mutating func addExitList(first: TorTimestamp, last: TorTimestamp, records: [AddressLookupRecord]) {
        guard first <= window.upperBound && last >= window.lowerBound else { return }
        exitListsInWindow += 1
        for record in records where record.address == address && record.origin == .exitAddress {
            guard let seen = record.seen, window.contains(seen) else { continue }
            observed.insert(ExitAddressObservation(fingerprint: record.fingerprint, seen: seen, published: record.published))
        }
    }

    /// Every consensus listing, by time then fingerprint.
    public var consensusMatches: [RelayAddressMatch] {
        matches.sorted { ($0.validAfter, $0.fingerprint.hex, $0.matchedAddress.port) < ($1.validAfter, $1.fingerprint.hex, $1.matchedAddress.port) }
    }

    /// Every exit-list observation, by time then fingerprint.
    public var exitListMatches: [ExitAddressObservation] {
        observed.sorted { ($0.seen, $0.fingerprint.hex) < ($1.seen, $1.fingerprint.hex) }
    }

    /// Whether some consensus in the window listed the address as a relay's.
    public var wasRelay: Bool { !matches.isEmpty }
    /// Whether a relay on the address was an exit (``RelayAddressMatch/isExit``) or was seen
    /// exiting from it.
    public var wasExit: Bool { matches.contains(where: \.isExit) || !observed.isEmpty }

    /// One relay (fingerprint) seen on the address within the window.
    public struct Sighting: Sendable, Hashable {
        public let fingerprint: Fingerprint
        /// Its nicknames, sorted (a relay may rename itself).
        public let nicknames: [String]
        /// The first and last consensus or exit-list time it was seen on the address.
        public let firstSeen: TorTimestamp
        public let lastSeen: TorTimestamp
        /// Consensuses listing it with the address.
        public let consensuses: Int
        /// Whether it was an exit in one of them, or seen exiting in an exit list.
        public let wasExit: Bool
    }

    /// Per fingerprint, by first sighting.
    public var relays: [Sighting] {
        var times: [Fingerprint: (first: TorTimestamp, last: TorTimestamp, names: Set<String>, count: Int, exit: Bool)] = [:]
        func note(_ fingerprint: Fingerprint, _ time: TorTimestamp, name: String?, counted: Bool, exit: Bool) {
            var value = times[fingerprint] ?? (time, time, [], 0, false)
            value.first = min(value.first, time)
            value.last = max(value.last, time)
            if let name { value.names.insert(name) }
            if counted { value.count += 1 }
            value.exit = value.exit || exit
            times[fingerprint] = value
        }
        for match in matches { note(match.fingerprint, match.validAfter, name: match.nickname, counted: true, exit: match.isExit) }
        for seen in observed { note(seen.fingerprint, seen.seen, name: nil, counted: false, exit: true) }
        return times.map { Sighting(fingerprint: $0.key, nicknames: $0.value.names.sorted(), firstSeen: $0.value.first, lastSeen: $0.value.last,
                                    consensuses: $0.value.count, wasExit: $0.value.exit) }
            .sorted { ($0.firstSeen, $0.fingerprint.hex) < ($1.firstSeen, $1.fingerprint.hex) }
    }
}
