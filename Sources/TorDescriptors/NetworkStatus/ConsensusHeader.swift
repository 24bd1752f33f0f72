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
enum HeaderKey: String, DocumentKeyword {
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

    /// tor's `networkstatus_consensus_token_table` (preamble and authority sections; the footer
    /// has its own). Vote-only keywords are listed so lookups find them; the parser rejects them.
    static let consensusRules = KeywordRules<HeaderKey>(kind: .networkStatusConsensus,
                                                        source: .tor("ns_parse.c", "networkstatus_consensus_token_table"), [
        .first(.networkStatusVersion, .atLeast(1), .forbidden),
        .once(.voteStatus, .atLeast(1), .forbidden),
        .atMostOnce(.consensusMethod, .exactly(1), .forbidden),
        .once(.validAfter, .concat, .forbidden),
        .once(.freshUntil, .concat, .forbidden),
        .once(.validUntil, .concat, .forbidden),
        .once(.votingDelay, .atLeast(2), .forbidden),
        .atMostOnce(.clientVersions, .concat, .forbidden),
        .atMostOnce(.serverVersions, .concat, .forbidden),
        .once(.knownFlags, .concat, .forbidden),
        .atMostOnce(.recommendedClientProtocols, .concat, .forbidden),
        .atMostOnce(.recommendedRelayProtocols, .concat, .forbidden),
        .atMostOnce(.requiredClientProtocols, .concat, .forbidden),
        .atMostOnce(.requiredRelayProtocols, .concat, .forbidden),
        .atMostOnce(.params, .any, .forbidden),
        .atMostOnce(.sharedRandPrevious, .exactly(2), .forbidden),
        .atMostOnce(.sharedRandCurrent, .exactly(2), .forbidden),
        .atLeastOnce(.dirSource, .atLeast(6), .forbidden),
        .atLeastOnce(.contact, .concat, .forbidden),
        .atLeastOnce(.voteDigest, .atLeast(1), .forbidden),
        .any(.package, .concat, .forbidden, source: .spec("3.4.1 package (consensus methods 19-32)")),
        .any(.legacyDirKey, .atLeast(1), .forbidden, source: .spec("3.4.1 legacy-dir-key")),
        .atMostOnce(.bandwidthFileHeaders, .any, .forbidden, source: .spec("3.4.1 bandwidth-file-headers (votes only)")),
        .atMostOnce(.bandwidthFileDigest, .any, .forbidden, source: .spec("3.4.1 bandwidth-file-digest (votes only)")),
        .any(.consensusMethods, .any, .forbidden, source: .spec("3.4.1 consensus-methods (votes only)")),
        .any(.published, .any, .forbidden, source: .spec("3.4.1 published (votes only)")),
        .any(.flagThresholds, .any, .forbidden, source: .spec("3.4.1 flag-thresholds (votes only)")),
        .any(.sharedRandParticipate, .any, .forbidden, source: .spec("3.4.1 shared-rand-participate (votes only)")),
        .any(.sharedRandCommit, .any, .forbidden, source: .spec("3.4.1 shared-rand-commit (votes only)")),
    ])

    /// tor's `networkstatus_token_table`, the vote's preamble and its one authority section (tor
    /// reads the vote's embedded key certificate with the same table; those items are the key
    /// certificate's rules).
    static let voteRules = KeywordRules<HeaderKey>(kind: .networkStatusVote, source: .tor("ns_parse.c", "networkstatus_token_table"), [
        .first(.networkStatusVersion, .atLeast(1), .forbidden),
        .once(.voteStatus, .atLeast(1), .forbidden),
        .once(.published, .concat, .forbidden),
        .once(.validAfter, .concat, .forbidden),
        .once(.freshUntil, .concat, .forbidden),
        .once(.validUntil, .concat, .forbidden),
        .once(.votingDelay, .atLeast(2), .forbidden),
        .once(.knownFlags, .any, .forbidden),
        .atMostOnce(.params, .any, .forbidden),
        .atMostOnce(.sharedRandParticipate, .none, .forbidden),
        .any(.sharedRandCommit, .atLeast(3), .forbidden),
        .atMostOnce(.sharedRandPrevious, .exactly(2), .forbidden),
        .atMostOnce(.sharedRandCurrent, .exactly(2), .forbidden),
        .any(.package, .concat, .forbidden),
        .atMostOnce(.recommendedClientProtocols, .concat, .forbidden),
        .atMostOnce(.recommendedRelayProtocols, .concat, .forbidden),
        .atMostOnce(.requiredClientProtocols, .concat, .forbidden),
        .atMostOnce(.requiredRelayProtocols, .concat, .forbidden),
        .once(.contact, .concat, .forbidden),
        .once(.dirSource, .atLeast(6), .forbidden),
        .atMostOnce(.legacyDirKey, .atLeast(1), .forbidden),
        .atMostOnce(.clientVersions, .concat, .forbidden),
        .atMostOnce(.serverVersions, .concat, .forbidden),
        .once(.consensusMethods, .atLeast(1), .forbidden),
        .atMostOnce(.flagThresholds, .any, .forbidden, source: .spec("3.4.1 flag-thresholds")),
        .atMostOnce(.bandwidthFileHeaders, .any, .forbidden, source: .spec("3.4.1 bandwidth-file-headers")),
        .atMostOnce(.bandwidthFileDigest, .any, .forbidden, source: .spec("3.4.1 bandwidth-file-digest")),
        .any(.consensusMethod, .any, .forbidden, source: .spec("3.4.1 consensus-method (consensuses only)")),
        .any(.voteDigest, .any, .forbidden, source: .spec("3.4.1 vote-digest (consensuses only)")),
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

// Here rather than beside the types, whose files hold the byte-scanning code.
extension NetworkStatusConsensus {
    public static var documentKind: DocumentKind { .networkStatusConsensus }
}

extension NetworkStatusVote {
    public static var documentKind: DocumentKind { .networkStatusVote }
}
