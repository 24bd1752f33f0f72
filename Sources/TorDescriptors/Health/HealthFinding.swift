/// How much a ``HealthFinding`` matters, ordered `info < warning < error`.
///
/// ```swift
/// let serious = report.findings.filter { $0.severity >= .warning }
/// ```
public enum HealthSeverity: String, Sendable, Hashable, Comparable, CaseIterable {
    /// Worth knowing (an authority that does not vote on a flag, a relay one vote lacks).
    case info
    /// An operator should look (a missing vote or signature, a certificate about to expire).
    case warning
    /// The network or the consensus is in trouble (no quorum, an expired consensus or certificate).
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: HealthSeverity, rhs: HealthSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// What a ``HealthFinding`` is about: one case per check ``ConsensusHealth`` runs. The raw
/// value is the stable name used in `tordesc health --json`.
///
/// ```swift
/// let missing = report.findings.filter { $0.check == .missingVote }.flatMap(\.authorities)
/// ```
public enum HealthCheckID: String, Sendable, Hashable, CaseIterable {
    /// An authority of the set (or of the consensus's `dir-source` lines) has no vote.
    case missingVote = "missing-vote"
    /// Fewer votes than a majority of the authority set: no consensus can be made.
    case voteQuorum = "vote-quorum"
    /// A vote from an authority outside the expected set.
    case unexpectedVote = "unexpected-vote"
    /// A vote for another voting period than the consensus's (a stale or early vote).
    case voteForOtherPeriod = "vote-for-other-period"
    /// The consensus is not yet valid, no longer fresh, or expired at the time checked.
    case consensusFreshness = "consensus-freshness"
    /// An authority that contributed a vote did not sign the consensus.
    case missingSignature = "missing-signature"
    /// Fewer signatures from the set than a majority: clients reject the consensus.
    case signatureQuorum = "signature-quorum"
    /// An authority's newest key certificate has expired or expires within the warning window.
    case certificateExpiry = "certificate-expiry"
    /// The votes' `known-flags` differ.
    case knownFlags = "known-flags"
    /// The votes' `consensus-methods` differ.
    case consensusMethods = "consensus-methods"
    /// The consensus uses a method some voter does not list.
    case consensusMethodUnsupported = "consensus-method-unsupported"
    /// The votes' `client-versions` differ.
    case clientVersions = "client-versions"
    /// The votes' `server-versions` differ.
    case serverVersions = "server-versions"
    /// The votes' `recommended-*-protocols` or `required-*-protocols` differ.
    case protocols = "protocols"
    /// The votes give one `params` key different values.
    case params = "params"
    /// A relay got a flag from some, but not a majority, of the authorities voting on that flag.
    case minorityFlag = "minority-flag"
    /// Relays listed in other votes are absent from this authority's vote.
    case relaysMissingFromVote = "relays-missing-from-vote"
    /// A bandwidth authority measured fewer than the threshold share of the relays it lists.
    case bandwidthMeasurements = "bandwidth-measurements"
    /// A participating authority's vote lacks its own `shared-rand-commit`.
    case sharedRandomCommit = "shared-random-commit"
    /// In the reveal phase, a participating authority's own commit has no reveal.
    case sharedRandomReveal = "shared-random-reveal"
    /// A voting authority does not take part in shared randomness.
    case sharedRandomParticipation = "shared-random-participation"
    /// The votes (or votes and consensus) state different shared random values.
    case sharedRandomValue = "shared-random-value"
    /// An authority's HTTP `Date` differs from local time by more than the tolerance.
    case clockSkew = "clock-skew"
    /// A vote's `published` lies after its `valid-after`, or far from the other votes'.
    case votePublished = "vote-published"
    /// A request to an authority failed (live mode): no answer, a timeout, an unusable document.
    case unreachableAuthority = "unreachable-authority"
    /// An authority answered much more slowly than the median authority (live mode).
    case slowAuthority = "slow-authority"
    /// A relay kept its address and ORPort under a new fingerprint since the previous consensus.
    case fingerprintChange = "fingerprint-change"
}

/// One result of ``ConsensusHealth``: which check, how serious, the authorities involved (and
/// the relay, for per-relay checks), a sentence for people and the evidence as ordered pairs.
///
/// ```swift
/// for finding in report.findings where finding.severity == .error {
///     print(finding.check.rawValue, finding.authorities.map(\.nickname), finding.message)
///     for item in finding.evidence { print("  \(item.key): \(item.value)") }
/// }
/// ```
public struct HealthFinding: Sendable, Hashable {
    public let check: HealthCheckID
    public let severity: HealthSeverity
    /// The authorities the finding is about (empty when it concerns the consensus as a whole).
    public let authorities: [DirectoryAuthorityIdentity]
    /// The relay a per-relay finding is about.
    public let relay: Fingerprint?
    /// One sentence, for people.
    public let message: String
    /// The values that led to the finding, in a stable order.
    public let evidence: [KeyValueText]

    public init(_ check: HealthCheckID, _ severity: HealthSeverity, authorities: [DirectoryAuthorityIdentity] = [],
                relay: Fingerprint? = nil, message: String, evidence: [KeyValueText] = []) {
        self.check = check
        self.severity = severity
        self.authorities = authorities
        self.relay = relay
        self.message = message
        self.evidence = evidence
    }

    /// The finding as one JSON object (`tordesc health --json` writes one per line).
    public var json: JSONValue {
        .object([
            ("check", .string(check.rawValue)),
            ("severity", .string(severity.rawValue)),
            ("authorities", .array(authorities.map { .object([("nickname", .string($0.nickname)), ("identity", .string($0.identity.hex))]) })),
            ("relay", .optional(relay) { .string($0.hex) }),
            ("message", .string(message)),
            ("evidence", .object(evidence.map { ($0.key, .string($0.value)) })),
        ])
    }
}
