/// A position in a three-hop circuit.
///
/// ```swift
/// for position in PathPosition.allCases { print(position, selection[fingerprint]?[position] ?? 0) }
/// ```
public enum PathPosition: String, Sendable, Hashable, CaseIterable {
    case `guard`, middle, exit
}

/// One relay's chances in path selection: the probability that a client picking a relay for
/// each position picks this one, and its share of the total consensus weight.
///
/// ```swift
/// let chances = selection[fingerprint]!
/// print(chances.guardProbability, chances.middleProbability, chances.exitProbability)
/// ```
public struct SelectionProbabilities: Sendable, Hashable {
    public var guardProbability: Double = 0
    public var middleProbability: Double = 0
    public var exitProbability: Double = 0
    /// The relay's `w Bandwidth=` over the sum of all entries' (Onionoo's
    /// `consensus_weight_fraction`).
    public var consensusWeightFraction: Double = 0

    public init(guardProbability: Double = 0, middleProbability: Double = 0, exitProbability: Double = 0,
                consensusWeightFraction: Double = 0) {
        self.guardProbability = guardProbability
        self.middleProbability = middleProbability
        self.exitProbability = exitProbability
        self.consensusWeightFraction = consensusWeightFraction
    }

    /// The probability for one position.
    public subscript(position: PathPosition) -> Double {
        switch position {
        case .guard: guardProbability
        case .middle: middleProbability
        case .exit: exitProbability
        }
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        Self(guardProbability: lhs.guardProbability + rhs.guardProbability,
             middleProbability: lhs.middleProbability + rhs.middleProbability,
             exitProbability: lhs.exitProbability + rhs.exitProbability,
             consensusWeightFraction: lhs.consensusWeightFraction + rhs.consensusWeightFraction)
    }
}

/// Guard, middle and exit selection probabilities of every relay in a consensus, computed as
/// tor's client weights relays (`compute_weighted_bandwidths` in tor's `node_select.c`,
/// path-spec "Choosing nodes"): a relay's consensus bandwidth times the `bandwidth-weights`
/// factor for its kind in that position, over the sum for every candidate of the position.
///
/// - Kind: Guard+Exit (`Wxd`), Guard (`Wxg`), Exit (`Wxe`), neither (`Wxm`). An exit with the
///   BadExit flag counts as a non-exit, as tor counts it.
/// - Candidates: relays with Running and Valid; for the guard position also Guard, for the exit
///   position also Exit without BadExit (the general exit probability, whatever the port, as
///   Onionoo publishes it).
/// - A relay with the V2Dir flag is also multiplied by the `Wxb` factor of its kind (1 in every
///   consensus since 2010).
/// - Not modelled: GuardFraction (proposal 236, never enabled on the public network), family and
///   /16 restrictions between hops, and a client's own exclusions. An entry without a `w` line
///   gets no weight.
///
/// Onionoo computes `guard_probability`, `middle_probability` and `exit_probability` the same
/// way, except that it divides by a fixed 10000, skips the `Wxb` factors and requires Running
/// only; the results agree on every consensus where those make no difference.
///
/// ```swift
/// if let selection = PathSelection(consensus) {
///     let top = consensus.entries.max { selection[$0.fingerprint]!.exitProbability < selection[$1.fingerprint]!.exitProbability }
///     print(top?.nickname ?? "-", selection.weights.wee)
/// }
/// ```
public struct PathSelection: Sendable {
    public let weights: BandwidthWeights
    /// Each entry's probabilities, by identity.
    public let probabilities: [Fingerprint: SelectionProbabilities]

    /// The probabilities of every entry of `consensus`; `nil` without usable bandwidth weights.
    public init?(_ consensus: NetworkStatusConsensus) {
        guard let weights = BandwidthWeights(consensus) else { return nil }
        self.init(entries: consensus.entries, weights: weights)
    }

    public init(entries: [RouterStatusEntry], weights: BandwidthWeights) {
        self.weights = weights
        var totals = [Double](repeating: 0, count: PathPosition.allCases.count)
        var totalBandwidth = 0.0
        var weighted: [(Fingerprint, [Double], Double)] = []
        weighted.reserveCapacity(entries.count)
        for entry in entries {
            let bandwidth = Double(entry.bandwidth ?? 0)
            totalBandwidth += bandwidth
            let values = PathPosition.allCases.map { Self.weight(of: entry, for: $0, weights: weights) * bandwidth }
            for (index, value) in values.enumerated() { totals[index] += value }
            weighted.append((entry.fingerprint, values, bandwidth))
        }
        func share(_ value: Double, _ total: Double) -> Double { total > 0 ? value / total : 0 }
        var probabilities: [Fingerprint: SelectionProbabilities] = [:]
        probabilities.reserveCapacity(weighted.count)
        for (fingerprint, values, bandwidth) in weighted {
            probabilities[fingerprint] = SelectionProbabilities(
                guardProbability: share(values[0], totals[0]), middleProbability: share(values[1], totals[1]),
                exitProbability: share(values[2], totals[2]), consensusWeightFraction: share(bandwidth, totalBandwidth))
        }
        self.probabilities = probabilities
    }

    public subscript(fingerprint: Fingerprint) -> SelectionProbabilities? { probabilities[fingerprint] }

    /// The summed probabilities of a set of relays (a family, a country, an operator); relays
    /// the consensus does not list add nothing.
    public func total(of fingerprints: some Sequence<Fingerprint>) -> SelectionProbabilities {
        var seen = Set<Fingerprint>()
        var sum = SelectionProbabilities()
        for fingerprint in fingerprints where seen.insert(fingerprint).inserted {
            if let relay = probabilities[fingerprint] { sum = sum + relay }
        }
        return sum
    }

    /// Sums by a key of each entry (its country, its /16, its family id); entries whose key is
    /// `nil` are left out.
    public func totals<Key: Hashable>(of entries: [RouterStatusEntry], by key: (RouterStatusEntry) -> Key?) -> [Key: SelectionProbabilities] {
        var sums: [Key: SelectionProbabilities] = [:]
        for entry in entries {
            guard let group = key(entry), let relay = probabilities[entry.fingerprint] else { continue }
            sums[group] = (sums[group] ?? SelectionProbabilities()) + relay
        }
        return sums
    }

    /// The factor tor multiplies `entry`'s bandwidth by when picking a relay for `position`:
    /// 0 when the entry is no candidate for it.
    public static func weight(of entry: RouterStatusEntry, for position: PathPosition, weights: BandwidthWeights) -> Double {
        let flags = entry.flags
        guard flags.contains(.running), flags.contains(.valid) else { return 0 }
        let isGuard = flags.contains(.guard)
        let isExit = flags.contains(.exit) && !flags.contains(.badExit)
        let isDirectory = flags.contains(.v2Dir)
        switch position {
        case .guard: guard isGuard else { return 0 }
        case .exit: guard isExit else { return 0 }
        case .middle: break
        }
        let (g, m, e, d): (Double, Double, Double, Double) = switch position {
        case .guard: (weights.wgg, weights.wgm, 0, weights.wgd)
        case .middle: (weights.wmg, weights.wmm, weights.wme, weights.wmd)
        case .exit: (weights.weg, weights.wem, weights.wee, weights.wed)
        }
        if isGuard && isExit { return isDirectory ? weights.wdb * d : d }
        if isGuard { return isDirectory ? weights.wgb * g : g }
        if isExit { return isDirectory ? weights.web * e : e }
        return isDirectory ? weights.wmb * m : m
    }
}
