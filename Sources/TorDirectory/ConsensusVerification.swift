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
///
/// ```swift
/// throw ConsensusVerificationError("1 of 9 trusted authorities signed validly")
/// ```
public struct ConsensusVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The built-in quorum check: counts the configured v3 identities that signed the consensus
/// with a signing key their certificate vouches for, and requires more than half of them.
///
/// For each signature of a trusted identity it checks, with the core's RSA verification:
/// the certificate's identity key hashes to the identity, the certificate is signed by that
/// identity key (`dir-key-certification`) and cross-signed by its signing key
/// (`dir-key-crosscert`), it has not expired, and the consensus signature (SHA-1 or SHA-256
/// of the signed part, as the line says) verifies with the signing key.
///
/// ```swift
/// let check = AuthorityQuorumCheck(now: TorTimestamp(Date()))
/// try check.verify(consensus, certificates: certificates, authorities: list.authorities)
/// ```
public struct AuthorityQuorumCheck: ConsensusVerifier {
    /// The time certificates must be valid at.
    public var now: TorTimestamp

    public init(now: TorTimestamp = TorTimestamp(Date())) {
        self.now = now
    }

    public func verify(_ consensus: NetworkStatusConsensus, certificates: [KeyCertificate],
                       authorities: [DirectoryAuthority]) throws(ConsensusVerificationError) {
        let trusted = Set(authorities.compactMap(\.v3Identity))
        guard !trusted.isEmpty else { throw ConsensusVerificationError("no trusted v3 identities configured") }
        guard consensus.signedRange != nil else { throw ConsensusVerificationError("no directory-signature lines") }
        let (good, problems) = validSigners(of: consensus, certificates: certificates, trusted: trusted)
        guard good.count * 2 > trusted.count else {
            throw ConsensusVerificationError("\(good.count) of \(trusted.count) trusted authorities signed validly; need more than half"
                                             + (problems.isEmpty ? "" : " (" + problems.joined(separator: "; ") + ")"))
        }
    }

    /// The trusted identities whose signature on `consensus` verifies, and why the others did not.
    public func validSigners(of consensus: NetworkStatusConsensus, certificates: [KeyCertificate],
                             trusted: Set<Fingerprint>) -> (signers: Set<Fingerprint>, problems: [String]) {
        var good = Set<Fingerprint>()
        var problems: [String] = []
        for signature in consensus.footer.signatures where trusted.contains(signature.identity) && !good.contains(signature.identity) {
            let candidates = certificates.filter { $0.fingerprint == signature.identity && $0.signingKeyDigest == signature.signingKeyDigest }
            guard let certificate = candidates.first else {
                problems.append("\(signature.identity): no certificate for signing key \(signature.signingKeyDigest)")
                continue
            }
            if let problem = Self.problem(with: certificate, at: now) {
                problems.append("\(signature.identity): \(problem)"); continue
            }
            guard let digest = consensus.signedDigest(for: signature.algorithm), let signingKey = certificate.signingKey,
                  let key = try? RSAPublicKey(der: signingKey), key.isValidSignature(signature.signature, for: digest) else {
                problems.append("\(signature.identity): bad \(signature.algorithm) signature"); continue
            }
            good.insert(signature.identity)
        }
        return (good, problems)
    }

    /// Why a key certificate cannot vouch for its signing key, or nil when it can.
    static func problem(with certificate: KeyCertificate, at now: TorTimestamp) -> String? {
        guard certificate.fingerprintMatchesIdentityKey else { return "certificate identity key does not match its fingerprint" }
        guard certificate.isValid(at: now) else { return "certificate expired" }
        guard let identityDER = certificate.identityKey, let identity = try? RSAPublicKey(der: identityDER),
              let signingDER = certificate.signingKey, let signing = try? RSAPublicKey(der: signingDER) else {
            return "certificate keys unreadable"
        }
        guard let certification = certificate.certification, let signed = certificate.signedDigest,
              identity.isValidSignature(certification, for: signed) else { return "bad dir-key-certification" }
        guard let cross = certificate.crossCertificate, signing.isValidSignature(cross, for: Digest.sha1(identityDER)) else {
            return "bad or missing dir-key-crosscert"
        }
        return nil
    }
}

import Foundation
