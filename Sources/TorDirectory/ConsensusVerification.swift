import TorDescriptors

/// How ``DirectoryClient/consensus(flavor:)`` checks a consensus before returning it.
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
public struct ConsensusVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The built-in quorum check: counts the configured v3 identities that signed the consensus
/// with a signing key their (unexpired, self-consistent) certificate vouches for, and requires
/// more than half of them.
///
/// The RSA signature arithmetic itself is the job of the core's verification API (#5); until
/// the client is wired to it, ``signatureCheck`` is the injection point for it (nil: the
/// signature bytes are not checked, everything else is).
///
/// ```swift
/// let check = AuthorityQuorumCheck(now: .now)
/// try check.verify(consensus, certificates: certificates, authorities: list.authorities)
/// ```
public struct AuthorityQuorumCheck: ConsensusVerifier {
    /// The time certificates must be valid at.
    public var now: TorTimestamp
    /// Verifies one signature of the consensus with its certificate (RSA), when available.
    public var signatureCheck: (@Sendable (NetworkStatusConsensus, DirectorySignature, KeyCertificate) -> Bool)?

    public init(now: TorTimestamp = TorTimestamp(Date()),
                signatureCheck: (@Sendable (NetworkStatusConsensus, DirectorySignature, KeyCertificate) -> Bool)? = nil) {
        self.now = now
        self.signatureCheck = signatureCheck
    }

    public func verify(_ consensus: NetworkStatusConsensus, certificates: [KeyCertificate],
                       authorities: [DirectoryAuthority]) throws(ConsensusVerificationError) {
        let trusted = Set(authorities.compactMap(\.v3Identity))
        guard !trusted.isEmpty else { throw ConsensusVerificationError("no trusted v3 identities configured") }
        guard consensus.signedRange != nil else { throw ConsensusVerificationError("no directory-signature lines") }
        var good = Set<Fingerprint>()
        var problems: [String] = []
        for signature in consensus.footer.signatures {
            guard trusted.contains(signature.identity) else { continue }
            guard let certificate = certificates.first(where: {
                $0.fingerprint == signature.identity && $0.signingKeyDigest == signature.signingKeyDigest
            }) else {
                problems.append("\(signature.identity): no certificate for signing key \(signature.signingKeyDigest)")
                continue
            }
            guard certificate.fingerprintMatchesIdentityKey else {
                problems.append("\(signature.identity): certificate identity key does not match its fingerprint"); continue
            }
            guard certificate.isValid(at: now) else { problems.append("\(signature.identity): certificate expired"); continue }
            if let signatureCheck, !signatureCheck(consensus, signature, certificate) {
                problems.append("\(signature.identity): bad signature"); continue
            }
            good.insert(signature.identity)
        }
        guard good.count * 2 > trusted.count else {
            throw ConsensusVerificationError("\(good.count) of \(trusted.count) trusted authorities signed validly; need more than half"
                                             + (problems.isEmpty ? "" : " (" + problems.joined(separator: "; ") + ")"))
        }
    }
}

import Foundation
