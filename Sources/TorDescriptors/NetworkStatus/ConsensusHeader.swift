/// The preamble and authority section of a consensus (dir-spec §3.4.1): everything before the
/// first router status entry.
///
/// ```swift
/// let header = consensus.header
/// print(header.validAfter!, header.consensusMethod ?? 0, header.knownFlags)
/// print(header.params["bwweightscale"] ?? 10000)
/// ```
public struct ConsensusHeader: Sendable {
    /// The version number on `network-status-version` (3).
    public internal(set) var version: Int = 3
    /// The flavor on `network-status-version`.
    public internal(set) var flavor: ConsensusFlavor = .ns
    /// `vote-status` (`consensus` for these documents).
    public internal(set) var voteStatus: String?
    /// `consensus-method`.
    public internal(set) var consensusMethod: Int?
    public internal(set) var validAfter: TorTimestamp?
    public internal(set) var freshUntil: TorTimestamp?
    public internal(set) var validUntil: TorTimestamp?
    /// `voting-delay` VoteSeconds.
    public internal(set) var voteDelay: Int?
    /// `voting-delay` DistSeconds.
    public internal(set) var distDelay: Int?
    /// `client-versions`, split at commas.
    public internal(set) var clientVersions: [String] = []
    /// `server-versions`, split at commas.
    public internal(set) var serverVersions: [String] = []
    /// `package` lines in order.
    public internal(set) var packages: [ConsensusPackage] = []
    /// `known-flags` in order.
    public internal(set) var knownFlags: [String] = []
    public internal(set) var recommendedClientProtocols: ProtocolVersions?
    public internal(set) var recommendedRelayProtocols: ProtocolVersions?
    public internal(set) var requiredClientProtocols: ProtocolVersions?
    public internal(set) var requiredRelayProtocols: ProtocolVersions?
    /// `params` in document order (explicit values only; no defaults are filled in).
    public internal(set) var params = Int32Parameters([])
    /// `shared-rand-previous-value`.
    public internal(set) var sharedRandomPrevious: SharedRandomValue?
    /// `shared-rand-current-value`.
    public internal(set) var sharedRandomCurrent: SharedRandomValue?
    /// `bandwidth-file-headers` (a vote item; kept if a consensus has it).
    public internal(set) var bandwidthFileHeaders: [KeyValueText] = []
    /// `bandwidth-file-digest` algorithm=digest pairs (a vote item; kept if present).
    public internal(set) var bandwidthFileDigests: [KeyValueText] = []
    /// The authority section: one entry per `dir-source`, in order.
    public internal(set) var authorities: [ConsensusAuthority] = []
    /// Header lines with keywords this library does not know (or vote-only ones), in order.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] = []

    /// Whether this is the microdesc flavor.
    public var isMicrodescriptorFlavor: Bool { flavor == .microdesc }
}

/// One authority of a consensus's authority section: `dir-source`, `contact`, `vote-digest`,
/// and `legacy-dir-key` if any. Legacy keys also appear as their own `dir-source` with a
/// nickname ending in `-legacy` and no contact or vote digest.
///
/// ```swift
/// for authority in consensus.authorities where !authority.isLegacy {
///     print(authority.nickname, authority.identity, authority.voteDigest?.hex ?? "-")
/// }
/// ```
public struct ConsensusAuthority: Sendable {
    public let nickname: String
    /// The authority's v3 identity fingerprint.
    public let identity: Fingerprint
    public let hostname: String
    public let address: IPAddress
    /// `nil` when the line says 0.
    public let dirPort: UInt16?
    public let orPort: UInt16
    /// Line number of the `dir-source` line.
    public let line: Int
    public internal(set) var contact: String?
    /// SHA-1 of the authority's vote as signed.
    public internal(set) var voteDigest: SHA1DigestValue?
    public internal(set) var legacyDirKey: Fingerprint?
    /// Lines of this authority's group that this library does not know, in order.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] = []

    /// Whether this `dir-source` stands for a legacy identity key.
    public var isLegacy: Bool { nickname.hasSuffix("-legacy") }
}

/// The header keywords of a consensus.
enum HeaderKey: String, CaseIterable {
    case networkStatusVersion = "network-status-version"
    case voteStatus = "vote-status"
    case consensusMethod = "consensus-method"
    case validAfter = "valid-after"
    case freshUntil = "fresh-until"
    case validUntil = "valid-until"
    case votingDelay = "voting-delay"
    case clientVersions = "client-versions"
    case serverVersions = "server-versions"
    case package = "package"
    case knownFlags = "known-flags"
    case recommendedClientProtocols = "recommended-client-protocols"
    case recommendedRelayProtocols = "recommended-relay-protocols"
    case requiredClientProtocols = "required-client-protocols"
    case requiredRelayProtocols = "required-relay-protocols"
    case params = "params"
    case sharedRandPrevious = "shared-rand-previous-value"
    case sharedRandCurrent = "shared-rand-current-value"
    case bandwidthFileHeaders = "bandwidth-file-headers"
    case bandwidthFileDigest = "bandwidth-file-digest"
    case dirSource = "dir-source"
    case contact = "contact"
    case voteDigest = "vote-digest"
    case legacyDirKey = "legacy-dir-key"
    // Vote-only preamble items: recognised so strict mode can name the problem.
    case consensusMethods = "consensus-methods"
    case published = "published"
    case flagThresholds = "flag-thresholds"
    case sharedRandParticipate = "shared-rand-participate"
    case sharedRandCommit = "shared-rand-commit"

    static let table = KeywordTable<HeaderKey>(allCases.map { ($0.rawValue, $0) })

    static let rules = KeywordRules(kind: ConsensusKind.document, [
        KeywordRule("network-status-version", .exactlyOnce, .first, object: false),
        KeywordRule("vote-status", .exactlyOnce, object: false),
        KeywordRule("consensus-method", .atMostOnce, object: false),
        KeywordRule("valid-after", .exactlyOnce, object: false),
        KeywordRule("fresh-until", .exactlyOnce, object: false),
        KeywordRule("valid-until", .exactlyOnce, object: false),
        KeywordRule("voting-delay", .exactlyOnce, object: false),
        KeywordRule("client-versions", .atMostOnce, object: false),
        KeywordRule("server-versions", .atMostOnce, object: false),
        KeywordRule("package", .any, object: false),
        KeywordRule("known-flags", .exactlyOnce, object: false),
        KeywordRule("recommended-client-protocols", .atMostOnce, object: false),
        KeywordRule("recommended-relay-protocols", .atMostOnce, object: false),
        KeywordRule("required-client-protocols", .atMostOnce, object: false),
        KeywordRule("required-relay-protocols", .atMostOnce, object: false),
        KeywordRule("params", .atMostOnce, object: false),
        KeywordRule("shared-rand-previous-value", .atMostOnce, object: false),
        KeywordRule("shared-rand-current-value", .atMostOnce, object: false),
        KeywordRule("dir-source", .any, object: false),
        KeywordRule("contact", .any, object: false),
        KeywordRule("vote-digest", .any, object: false),
        KeywordRule("legacy-dir-key", .any, object: false),
    ])

    var isAuthorityItem: Bool { self == .dirSource || self == .contact || self == .voteDigest || self == .legacyDirKey }
    var isVoteOnly: Bool {
        switch self {
        case .consensusMethods, .published, .flagThresholds, .sharedRandParticipate, .sharedRandCommit,
             .bandwidthFileHeaders, .bandwidthFileDigest: true
        default: false
        }
    }
}
