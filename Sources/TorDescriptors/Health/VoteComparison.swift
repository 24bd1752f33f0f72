/// The per-relay tables consensus-health shows, computed from the votes of one period: how many
/// relays each authority lists and gives each flag, which relays each vote lacks, and which
/// relays got a flag from some but not a majority of the authorities voting on that flag.
///
/// ```swift
/// let comparison = VoteComparison(votes: votes)
/// for row in comparison.authorities {
///     print(row.authority.nickname, row.relayCount, row.flagCounts["Guard"] ?? 0, row.missingRelays.count)
/// }
/// for disagreement in comparison.minorityFlags { print(disagreement.relay, disagreement.flag, disagreement.givenBy.count) }
/// ```
public struct VoteComparison: Sendable {
    /// One authority's row.
    ///
    /// ```swift
    /// let row = comparison.authorities[0]
    /// print(row.authority.nickname, row.relayCount, row.measuredCount, row.missingRelays.count)
    /// ```
    public struct AuthorityRow: Sendable {
        public let authority: DirectoryAuthorityIdentity
        /// Entries in its vote.
        public let relayCount: Int
        /// Per flag name (from `known-flags`, plus any flag an entry carries), how many entries have it.
        public let flagCounts: [String: Int]
        /// Entries with a `w Measured=` value (non-zero only for bandwidth authorities).
        public let measuredCount: Int
        /// Relays listed in at least one other vote but not in this one, sorted.
        public let missingRelays: [Fingerprint]
    }

    /// A relay that got `flag` from some authorities, but not from more than half of those that
    /// list the relay and vote on the flag (tor's rule for assigning it), so the consensus drops it.
    ///
    /// ```swift
    /// for item in comparison.minorityFlags where item.flag == "Guard" {
    ///     print(item.nickname, item.givenBy.map(\.nickname), item.withheldBy.map(\.nickname))
    /// }
    /// ```
    public struct FlagDisagreement: Sendable, Hashable {
        public let relay: Fingerprint
        public let nickname: String
        public let flag: String
        /// Authorities whose vote gives the flag.
        public let givenBy: [DirectoryAuthorityIdentity]
        /// Authorities that list the relay, vote on the flag and do not give it.
        public let withheldBy: [DirectoryAuthorityIdentity]
    }

    /// One row per vote, in the order the votes were given.
    public let authorities: [AuthorityRow]
    /// Sorted by relay, then flag.
    public let minorityFlags: [FlagDisagreement]

    /// Compares `votes` (one per authority, same period).
    public init(votes: [NetworkStatusVote]) {
        self.init(voted: votes.compactMap { vote in ConsensusHealth.author(of: vote).map { (author: $0, vote: vote) } })
    }

    init(voted: [(author: DirectoryAuthorityIdentity, vote: NetworkStatusVote)]) {
        var listing: [[Fingerprint: RouterStatusEntry]] = []
        var everyRelay: [Fingerprint: String] = [:]
        var rows: [AuthorityRow] = []
        for (author, vote) in voted {
            // A relay listed twice in one vote (hostile or broken input) counts once, as its
            // last entry: a vote has one opinion per relay.
            var byRelay: [Fingerprint: RouterStatusEntry] = [:]
            for voteEntry in vote.entries { byRelay[voteEntry.entry.fingerprint] = voteEntry.entry }
            var counts = Dictionary(vote.header.knownFlags.map { ($0, 0) }, uniquingKeysWith: { first, _ in first })
            var measured = 0
            for entry in byRelay.values {
                everyRelay[entry.fingerprint] = entry.nickname
                for flag in entry.flagNames { counts[flag, default: 0] += 1 }
                if entry.measured != nil { measured += 1 }
            }
            listing.append(byRelay)
            rows.append(AuthorityRow(authority: author, relayCount: byRelay.count, flagCounts: counts, measuredCount: measured, missingRelays: []))
        }
        let allRelays = everyRelay.keys.sorted()
        authorities = rows.enumerated().map { index, row in
            AuthorityRow(authority: row.authority, relayCount: row.relayCount, flagCounts: row.flagCounts, measuredCount: row.measuredCount,
                         missingRelays: allRelays.filter { listing[index][$0] == nil })
        }
        var disagreements: [FlagDisagreement] = []
        for relay in allRelays {
            var flagsSeen: [String] = []
            for (_, vote) in voted { for flag in vote.header.knownFlags where !flagsSeen.contains(flag) { flagsSeen.append(flag) } }
            for flag in flagsSeen.sorted() {
                var given: [DirectoryAuthorityIdentity] = [], withheld: [DirectoryAuthorityIdentity] = []
                for (index, (author, vote)) in voted.enumerated() {
                    guard let entry = listing[index][relay], vote.header.knownFlags.contains(flag) else { continue }
                    if entry.hasFlag(flag) { given.append(author) } else { withheld.append(author) }
                }
                if !given.isEmpty, given.count * 2 <= given.count + withheld.count {
                    disagreements.append(FlagDisagreement(relay: relay, nickname: everyRelay[relay] ?? "", flag: flag, givenBy: given, withheldBy: withheld))
                }
            }
        }
        minorityFlags = disagreements
    }

    func findings(measuredShareThreshold: Double) -> [HealthFinding] {
        var findings: [HealthFinding] = []
        for row in authorities where !row.missingRelays.isEmpty {
            findings.append(HealthFinding(.relaysMissingFromVote, .info, authorities: [row.authority],
                                          message: "\(row.missingRelays.count) relays listed by other votes are missing from \(ConsensusHealth.name(row.authority))'s vote",
                                          evidence: [KeyValueText(key: "missing", value: "\(row.missingRelays.count)"),
                                                     KeyValueText(key: "first", value: row.missingRelays.prefix(5).map(\.hex).joined(separator: ","))]))
        }
        for row in authorities where row.measuredCount > 0 && row.relayCount > 0 {
            let share = Double(row.measuredCount) / Double(row.relayCount)
            guard share < measuredShareThreshold else { continue }
            findings.append(HealthFinding(.bandwidthMeasurements, .warning, authorities: [row.authority],
                                          message: "bandwidth authority \(ConsensusHealth.name(row.authority)) measured \(row.measuredCount) of \(row.relayCount) relays",
                                          evidence: [KeyValueText(key: "measured", value: "\(row.measuredCount)"),
                                                     KeyValueText(key: "relays", value: "\(row.relayCount)"),
                                                     KeyValueText(key: "threshold", value: "\(measuredShareThreshold)")]))
        }
        var byRelay: [Fingerprint: [FlagDisagreement]] = [:]
        for disagreement in minorityFlags { byRelay[disagreement.relay, default: []].append(disagreement) }
        for (relay, list) in byRelay {
            findings.append(HealthFinding(.minorityFlag, .info, authorities: Array(Set(list.flatMap(\.givenBy))).sorted { $0.identity < $1.identity }, relay: relay,
                                          message: "\(list[0].nickname) got \(list.map(\.flag).joined(separator: ", ")) from a minority of the authorities voting on it",
                                          evidence: list.map { KeyValueText(key: $0.flag, value: "given by \($0.givenBy.map(ConsensusHealth.name).joined(separator: ",")); withheld by \($0.withheldBy.map(ConsensusHealth.name).joined(separator: ","))") }))
        }
        return findings
    }
}
