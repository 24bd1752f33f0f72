import TorDescriptors

/// How ``DirectoryClient/consensus(flavor:cached:)`` checks a consensus before returning it.
///
/// ```swift
/// var configuration = DirectoryClient.Configuration(list: .tor)
/// configuration.verification = .none              // explicit opt-out
/// configuration.verification = .custom(MyVerifier())
/// ```
public enum ConsensusVerification: Sendable {
    /// No check at all: the document is only parsed.
    case none
    /// The built-in check against ``DirectoryClient/Configuration/authorities``: the key
    /// certificates the signatures name are fetched from `/tor/keys/fp/...`, and a majority of
    /// the configured v3 identities must have signed with a valid certified key.
    case authorities
    /// A caller-supplied check.
    case custom(any ConsensusVerifier)
}

/// One step that accepts or rejects a fetched consensus, given the key certificates of its
/// signers and the trusted authorities.
///
/// ```swift
/// struct RequireFresh: ConsensusVerifier {
///     func verify(_ consensus: NetworkStatusConsensus, certificates: [KeyCertificate],
///                 authorities: [DirectoryAuthority]) throws(ConsensusVerificationError) {
///         guard consensus.isFresh() else { throw ConsensusVerificationError("stale") }
///     }
/// }
/// ```
public protocol ConsensusVerifier: Sendable {
    func verify(_ consensus: NetworkStatusConsensus, certificates: [KeyCertificate],
                authorities: [DirectoryAuthority]) throws(ConsensusVerificationError)
}

/// Why a consensus was rejected.
///
/// ```swift
/// throw ConsensusVerificationError("1 of 9 trusted authorities signed validly")
/// ```
public struct ConsensusVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The built-in check: the core's consensus verification (`NetworkStatusConsensus.verify(certificates:authorities:at:tolerance:)`)
/// against the configured authorities' v3 identities. Each certificate must verify
/// (certification, cross-certificate, fingerprint, expiry), each counted signature must verify
/// with its certificate's signing key, more than half of the authorities must have signed, and
/// `now` must fall in the consensus's validity window (± `tolerance` seconds).
///
/// ```swift
/// let check = AuthorityQuorumCheck(now: TorTimestamp(Date()))
/// try check.verify(consensus, certificates: certificates, authorities: list.authorities)
/// ```
public struct AuthorityQuorumCheck: ConsensusVerifier {
    /// The time certificates and the consensus must be valid at.
    public var now: TorTimestamp
    /// Clock skew allowed around the validity window, in seconds.
    public var tolerance: Int64

    public init(now: TorTimestamp = TorTimestamp(Date()), tolerance: Int64 = 60) {
        self.now = now
        self.tolerance = tolerance
    }

    /// The authorities as the core's trust set.
    public static func trusted(_ authorities: [DirectoryAuthority]) -> TrustedAuthorities {
        TrustedAuthorities(authorities.compactMap { authority in
            authority.v3Identity.map { DirectoryAuthorityIdentity(nickname: authority.nickname, identity: $0) }
        })
    }

    public func verify(_ consensus: NetworkStatusConsensus, certificates: [KeyCertificate],
                       authorities: [DirectoryAuthority]) throws(ConsensusVerificationError) {
        let trusted = Self.trusted(authorities)
        guard trusted.count > 0 else { throw ConsensusVerificationError("no trusted v3 identities configured") }
        do {
            _ = try AuthorityVerifier(authorities: trusted).verify(consensus, certificates: certificates, at: now, tolerance: tolerance)
        } catch {
            throw ConsensusVerificationError(error.report.failures.map(\.description).joined(separator: "; "))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
