#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension NetworkStatusVote {
    /// SHA-1 of the vote as signed (from `network-status-version` through the space after the
    /// first `directory-signature`): the digest a consensus names in its `vote-digest` line.
    public var voteDigest: [UInt8]? { signedRange.map { Digest.sha1(rawBytes[$0]) } }

    /// Verifies the vote: its embedded key certificate (checks prefixed `key certificate: `,
    /// expiry at `time`), that the certificate's identity is in `authorities`, and that its
    /// signing key made the vote's `directory-signature` over the signed part (SHA-1, or SHA-256
    /// when the line says so). Signatures by other keys are listed as not applicable.
    ///
    /// ```swift
    /// let report = vote.verificationReport(at: vote.validAfter!)
    /// print(report.isValid, vote.voteDigest.map { Hex.encode($0) } ?? "-")
    /// ```
    public func verificationReport(authorities: TrustedAuthorities = .tor, at time: TorTimestamp) -> VerificationReport {
        var report = VerificationReport(document: .networkStatusVote, firstLine: firstLine)
        guard let certificate = keyCertificate else {
            report.record("key certificate", .failed("the vote has no usable key certificate"))
            return report
        }
        for check in certificate.verificationReport(at: time).checks {
            report.record("key certificate: " + check.name, check.outcome)
        }
        if let identity = certificate.fingerprint {
            report.require("authority pinned", authorities.contains(identity),
                           else: "identity \(identity.hex) is not among the \(authorities.count) pinned authorities")
        } else {
            report.record("authority pinned", .failed("the certificate has no fingerprint"))
        }
        guard let signedRange else {
            report.record("directory-signature", .failed("no directory-signature line"))
            return report
        }
        let signingKey = certificate.signingKey.flatMap { try? RSAPublicKey(der: $0) }
        var matched = false
        for signature in footer.signatures {
            let name = "directory-signature \(signature.identity.hex)"
            guard signature.identity == certificate.fingerprint, signature.signingKeyDigest == certificate.signingKeyDigest else {
                report.record(name, .notApplicable("not by the embedded certificate's keys"))
                continue
            }
            matched = true
            let digest: [UInt8]
            switch signature.algorithm {
            case .sha1: digest = Digest.sha1(rawBytes[signedRange])
            case .sha256: digest = Digest.sha256(rawBytes[signedRange])
            case .other(let algorithm):
                report.record(name, .failed("unknown digest algorithm '\(algorithm)'"))
                continue
            }
            guard let signingKey else {
                report.record(name, .failed("the certificate's signing key is unusable"))
                continue
            }
            report.record(name, KeyCertificate.outcome { () throws(SignatureError) in try signingKey.verify(signature.signature, for: digest) })
        }
        if !matched {
            report.record("directory-signature", .failed("no signature by the embedded certificate's identity and signing key"))
        }
        return report
    }

    /// ``verificationReport(authorities:at:)``, throwing when a check failed.
    @discardableResult
    public func verify(authorities: TrustedAuthorities = .tor, at time: TorTimestamp) throws(VerificationError) -> VerificationReport {
        try verificationReport(authorities: authorities, at: time).validated()
    }

    /// Whether `consensus` names this vote: its authority section has a `dir-source` for the
    /// vote's authority whose `vote-digest` equals ``voteDigest``.
    ///
    /// ```swift
    /// print(vote.voteDigestCheck(in: consensus))   // vote-digest maatuska: ok
    /// ```
    public func voteDigestCheck(in consensus: NetworkStatusConsensus) -> VerificationCheck {
        let identity = keyCertificate?.fingerprint ?? header.authorities.first?.identity
        guard let identity else { return VerificationCheck("vote-digest", .failed("the vote names no authority")) }
        guard let authority = consensus.header.authorities.first(where: { $0.identity == identity && !$0.isLegacy }) else {
            return VerificationCheck("vote-digest \(identity.hex)", .failed("the consensus has no dir-source for \(identity.hex)"))
        }
        let name = "vote-digest \(authority.nickname)"
        guard let stated = authority.voteDigest else { return VerificationCheck(name, .failed("the consensus has no vote-digest line")) }
        guard let digest = voteDigest else { return VerificationCheck(name, .failed("the vote has no signed part")) }
        return VerificationCheck(name, stated.bytes == digest ? .passed
            : .failed("consensus names \(stated.hex), the vote hashes to \(Hex.encode(digest))"))
    }
}
