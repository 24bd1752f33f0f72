/// The HSDir hash ring of one time period (rend-spec-v3 2.2.3, [WHERE-HSDESC]): every relay
/// with the `HSDir` flag that speaks `HSDir=2`, placed at
/// SHA3-256("node-idx" | ed25519 identity | shared random value | INT_8(period) | INT_8(length)),
/// in ascending order of that index.
///
/// A consensus names relays by RSA fingerprint only; their ed25519 identities come from their
/// microdescriptors (`id ed25519`) or server descriptors (`master-key-ed25519`), so the caller
/// passes them in (``ed25519Identities(consensus:microdescriptors:serverDescriptors:)``
/// builds the map). HSDirs without a known identity are left off the ring, as tor leaves off
/// nodes it has no descriptor for, and listed in ``missingIdentities``.
///
/// ```swift
/// let ids = OnionHashRing.ed25519Identities(consensus: consensus, microdescriptors: micros)
/// let ring = OnionHashRing(consensus: consensus, ed25519Identities: ids)
/// let blinded = try address.blindedKey(for: ring.period)
/// for hsdir in ring.responsibleHSDirs(blindedKey: blinded) { print(hsdir.nickname, hsdir.fingerprint) }
/// ```
public struct OnionHashRing: Sendable {
    /// One HSDir on the ring: where to reach it and where it sits.
    ///
    /// ```swift
    /// for member in ring.members.prefix(3) { print(member.nickname, "\(member.address):\(member.orPort)") }
    /// ```
    public struct Member: Sendable, Hashable {
        public let nickname: String
        public let fingerprint: Fingerprint
        public let ed25519Identity: [UInt8]
        public let address: IPAddress
        public let orPort: UInt16
        /// Its place on the ring (the `node-idx` hash).
        public let index: [UInt8]

        public init(nickname: String, fingerprint: Fingerprint, ed25519Identity: [UInt8], address: IPAddress, orPort: UInt16, index: [UInt8]) {
            (self.nickname, self.fingerprint, self.ed25519Identity, self.address, self.orPort, self.index)
                = (nickname, fingerprint, ed25519Identity, address, orPort, index)
        }
    }

    /// The consensus parameters that shape the ring's answer, with tor's defaults and ranges.
    ///
    /// ```swift
    /// let parameters = OnionHashRing.Parameters(consensus: consensus)
    /// print(parameters.replicas * parameters.spreadFetch)   // 6 on the public network
    /// ```
    public struct Parameters: Sendable, Hashable {
        /// `hsdir_n_replicas`, 1...16, default 2.
        public var replicas: Int
        /// `hsdir_spread_fetch`, 1...128, default 3: HSDirs per replica a client may fetch from.
        public var spreadFetch: Int
        /// `hsdir_spread_store`, 1...128, default 4: HSDirs per replica a service uploads to.
        public var spreadStore: Int

        public init(replicas: Int = 2, spreadFetch: Int = 3, spreadStore: Int = 4) {
            self.replicas = min(max(replicas, 1), 16)
            self.spreadFetch = min(max(spreadFetch, 1), 128)
            self.spreadStore = min(max(spreadStore, 1), 128)
        }

        /// From a consensus's `params`, each clamped to its range as tor does.
        public init(consensus: NetworkStatusConsensus) {
            let params = consensus.header.params.dictionary
            self.init(replicas: Int(params["hsdir_n_replicas"] ?? 2), spreadFetch: Int(params["hsdir_spread_fetch"] ?? 3),
                      spreadStore: Int(params["hsdir_spread_store"] ?? 4))
        }
    }

    /// The period the ring is for.
    public let period: OnionTimePeriod
    /// The shared random value that placed the relays.
    public let sharedRandomValue: [UInt8]
    /// Whether that value is the disaster value (the consensus lacked the one wanted).
    public let usesDisasterValue: Bool
    public let parameters: Parameters
    /// Ring members in ascending index order.
    public let members: [Member]
    /// HSDirs left off because no ed25519 identity was supplied for them.
    public let missingIdentities: [Fingerprint]

    /// A ring from explicit members (any order); the index of each is recomputed from its
    /// identity, `sharedRandomValue` and `period`.
    public init(period: OnionTimePeriod, sharedRandomValue: [UInt8], usesDisasterValue: Bool = false,
                parameters: Parameters = Parameters(), members: [Member], missingIdentities: [Fingerprint] = []) {
        self.period = period
        self.sharedRandomValue = sharedRandomValue
        self.usesDisasterValue = usesDisasterValue
        self.parameters = parameters
        self.members = members.map {
            Member(nickname: $0.nickname, fingerprint: $0.fingerprint, ed25519Identity: $0.ed25519Identity, address: $0.address,
                   orPort: $0.orPort, index: Self.relayIndex(identity: $0.ed25519Identity, sharedRandomValue: sharedRandomValue, period: period))
        }.sorted { $0.index.lexicographicallyPrecedes($1.index) }
        self.missingIdentities = missingIdentities
    }

    /// The ring a client fetches from, as tor builds it (`node_set_hsdir_index`): the period
    /// containing `time` (default: the consensus's `valid-after`) and, from the start of a
    /// shared-random run (00:00 UTC on the public network) until the next period starts
    /// (12:00), the consensus's *previous* shared random value; from then until the next run,
    /// the *current* one. A missing value is replaced by the disaster value of the period.
    ///
    /// `testingNetwork` applies tor's `TestingTorNetwork` period length (see ``OnionTimePeriod``).
    public init(consensus: NetworkStatusConsensus, ed25519Identities: [Fingerprint: [UInt8]],
                at time: TorTimestamp? = nil, testingNetwork: Bool = false) {
        let at = time ?? consensus.header.validAfter ?? TorTimestamp(secondsSince1970: 0)
        let period = OnionTimePeriod(containing: at, consensus: consensus, testingNetwork: testingNetwork)
        let wanted = Self.usesCurrentValue(at: at, period: period, votingIntervalSeconds: OnionTimePeriod.votingIntervalSeconds(consensus))
            ? consensus.header.sharedRandomCurrent : consensus.header.sharedRandomPrevious
        let srv = wanted.flatMap { $0.value.count == 32 ? $0.value : nil }
        var members: [Member] = []
        var missing: [Fingerprint] = []
        for entry in consensus.entries where Self.isV3HSDir(entry) {
            guard let identity = ed25519Identities[entry.fingerprint], identity.count == 32 else {
                missing.append(entry.fingerprint)
                continue
            }
            members.append(Member(nickname: entry.nickname, fingerprint: entry.fingerprint, ed25519Identity: identity,
                                  address: entry.address, orPort: entry.orPort, index: []))
        }
        self.init(period: period, sharedRandomValue: srv ?? Self.disasterSharedRandomValue(period: period),
                  usesDisasterValue: srv == nil, parameters: Parameters(consensus: consensus), members: members,
                  missingIdentities: missing)
    }

    /// tor's `node_supports_v3_hsdir` and `is_hs_dir`: the `HSDir` flag and `HSDir=2` on the
    /// `pr` line (an entry without a `pr` line is taken to support it).
    static func isV3HSDir(_ entry: RouterStatusEntry) -> Bool {
        entry.flags.contains(.hsDir) && (entry.protocols.map { $0.supports("HSDir", version: 2) } ?? true)
    }

    /// tor's `hs_in_period_between_tp_and_srv`: false from the start of the shared-random run
    /// containing `time` (24 voting intervals long, aligned to the epoch) until the first
    /// period start after it, true otherwise.
    static func usesCurrentValue(at time: TorTimestamp, period: OnionTimePeriod, votingIntervalSeconds: Int64) -> Bool {
        let run = max(1, votingIntervalSeconds) * 24
        let seconds = time.secondsSince1970
        let runStart = seconds - ((seconds % run) + run) % run
        let nextPeriodStart = OnionTimePeriod(containing: TorTimestamp(secondsSince1970: runStart), lengthMinutes: period.lengthMinutes,
                                              rotationOffsetMinutes: period.rotationOffsetMinutes).end
        return !(seconds >= runStart && seconds < nextPeriodStart.secondsSince1970)
    }

    /// The HSDirs responsible for the descriptor with `blindedKey` in this ring's period, in
    /// tor's order (`hs_get_responsible_hsdirs`): for each replica 1...n, the first `spread`
    /// members at or after SHA3-256("store-at-idx" | blinded key | INT_8(replica) |
    /// INT_8(length) | INT_8(period)), wrapping around, skipping those a lower replica chose.
    /// A client picks among them at random; a service uploads to all (`forFetching: false`).
    public func responsibleHSDirs(blindedKey: [UInt8], forFetching: Bool = true) -> [Member] {
        guard !members.isEmpty else { return [] }
        let spread = forFetching ? parameters.spreadFetch : parameters.spreadStore
        var chosen: [Member] = []
        var chosenFingerprints = Set<Fingerprint>()
        for replica in 1...parameters.replicas {
            let target = Self.serviceIndex(blindedKey: blindedKey, replica: UInt64(replica), period: period)
            let start = members.firstIndex { !$0.index.lexicographicallyPrecedes(target) } ?? 0
            var position = start, added = 0
            repeat {
                let member = members[position]
                if chosenFingerprints.insert(member.fingerprint).inserted {
                    chosen.append(member)
                    added += 1
                }
                position = (position + 1) % members.count
            } while added < spread && position != start
        }
        return chosen
    }

    /// hs_service_index(replica) of rend-spec-v3 2.2.3 (tor's `hs_build_hs_index`).
    public static func serviceIndex(blindedKey: [UInt8], replica: UInt64, period: OnionTimePeriod) -> [UInt8] {
        sha3([Array("store-at-idx".utf8), blindedKey, OnionSHA3.int8(replica),
              OnionSHA3.int8(period.lengthMinutes), OnionSHA3.int8(period.number)])
    }

    /// hs_relay_index(node) of rend-spec-v3 2.2.3 (tor's `hs_build_hsdir_index`).
    public static func relayIndex(identity: [UInt8], sharedRandomValue: [UInt8], period: OnionTimePeriod) -> [UInt8] {
        sha3([Array("node-idx".utf8), identity, sharedRandomValue, OnionSHA3.int8(period.number), OnionSHA3.int8(period.lengthMinutes)])
    }

    /// SHA3-256("shared-random-disaster" | INT_8(length) | INT_8(period)) (rend-spec-v3 2.3.1).
    public static func disasterSharedRandomValue(period: OnionTimePeriod) -> [UInt8] {
        sha3([Array("shared-random-disaster".utf8), OnionSHA3.int8(period.lengthMinutes), OnionSHA3.int8(period.number)])
    }

    /// Where SHA3 is missing (Apple platforms) every index is empty and the ring degenerates;
    /// ``OnionAddress`` reports ``OnionAddressError/sha3Unavailable`` before it gets here.
    private static func sha3(_ parts: [[UInt8]]) -> [UInt8] { OnionSHA3.hash(parts: parts) ?? [] }

    /// RSA fingerprint → ed25519 identity for the consensus's relays: from microdescriptors
    /// matched by the digest on the entries' `m` lines (microdesc flavor), and from server
    /// descriptors' `master-key-ed25519` matched by fingerprint. Server descriptors win a tie.
    public static func ed25519Identities(consensus: NetworkStatusConsensus, microdescriptors: [Microdescriptor] = [],
                                         serverDescriptors: [ServerDescriptor] = []) -> [Fingerprint: [UInt8]] {
        var byDigest: [SHA256DigestValue: [UInt8]] = [:]
        for micro in microdescriptors { if let id = micro.ed25519Identity { byDigest[micro.digest] = id } }
        var identities: [Fingerprint: [UInt8]] = [:]
        if !byDigest.isEmpty {
            for entry in consensus.entries {
                if let digest = entry.microdescriptorDigest, let id = byDigest[digest] { identities[entry.fingerprint] = id }
            }
        }
        for descriptor in serverDescriptors {
            if let fingerprint = descriptor.fingerprint, let id = descriptor.masterKeyEd25519, id.count == 32 { identities[fingerprint] = id }
        }
        return identities
    }
}
