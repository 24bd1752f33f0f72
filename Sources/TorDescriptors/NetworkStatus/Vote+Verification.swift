#if canImport(FoundationEssentials)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
#else
import FoundationEssentials
#endif

extension NetworkStatusVote {
    /// SHA-1 of the vote as signed (from `network-status-version` through the space after the
    /// first `directory-signature`): the digest a consensus names in its `vote-digest` line.
    public var voteDigest: SHA1DigestValue? { signedRange.map { Digest.sha1Value(rawBytes[$0]) } }

    /// Verifies the vote: its embedded key certificate (``VerificationCheckID/embeddedCertificate(_:)``,
    /// expiry at `time`), that the certificate's identity is in `authorities`, and that its
    /// signing key made the vote's `directory-signature` over the signed part (SHA-1, or SHA-256
    /// when the line says so). Signatures by other keys are listed as not applicable.
    ///
    /// ```swift
    /// let report = vote.verificationReport(at: vote.validAfter!)
    /// print(report.isValid, vote.voteDigest?.hex ?? "-")
    /// ```
    public func verificationReport(authorities: TrustedAuthorities = .tor, at time: TorTimestamp) -> VerificationReport {
        verificationReport(authorities: authorities, at: time, cache: nil)
    }

    func verificationReport(authorities: TrustedAuthorities, at time: TorTimestamp, cache: KeyCertificateCheckCache?) -> VerificationReport {
        var report = VerificationReport(document: .networkStatusVote, firstLine: firstLine)
        guard let certificate = keyCertificate else {
            report.record(.embeddedCertificate(nil), .failed("the vote has no usable key certificate"))
            return report
        }
        for check in certificate.verificationReport(at: time, cache: cache).checks {
            if case .certificate(let which) = check.id { report.record(.embeddedCertificate(which), check.outcome) }
        }
        if let identity = certificate.fingerprint {
            report.require(.authorityPinned, authorities.contains(identity),
                           else: "identity \(identity.hex) is not among the \(authorities.count) pinned authorities")
        } else {
            report.record(.authorityPinned, .failed("the certificate has no fingerprint"))
        }
        guard let signedRange else {
            report.record(.signature(authority: nil), .failed("no directory-signature line"))
            return report
        }
        let signingKey = certificate.signingKey.flatMap { try? RSAPublicKey(der: $0) }
        var matched = false
        for signature in footer.signatures {
            let name = VerificationCheckID.signature(authority: signature.identity)
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
            report.record(.signature(authority: nil), .failed("no signature by the embedded certificate's identity and signing key"))
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
    /// // its id: .voteDigest(authority: maatuska's identity)
    /// ```
    public func voteDigestCheck(in consensus: NetworkStatusConsensus) -> VerificationCheck {
        let identity = keyCertificate?.fingerprint ?? header.authorities.first?.identity
        guard let identity else { return VerificationCheck(.voteDigest(authority: nil), .failed("the vote names no authority")) }
        let id = VerificationCheckID.voteDigest(authority: identity)
        guard let authority = consensus.header.authorities.first(where: { $0.identity == identity && !$0.isLegacy }) else {
            return VerificationCheck(id, .failed("the consensus has no dir-source for \(identity.hex)"))
        }
        // Printed with the nickname, as the consensus's dir-source names it.
        let name = "vote-digest \(authority.nickname)"
        guard let stated = authority.voteDigest else { return VerificationCheck(id, .failed("the consensus has no vote-digest line"), name: name) }
        guard let digest = voteDigest else { return VerificationCheck(id, .failed("the vote has no signed part"), name: name) }
        return VerificationCheck(id, stated == digest ? .passed
            : .failed("consensus names \(stated.hex), the vote hashes to \(digest.hex)"), name: name)
    }
}
