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

extension NetworkStatusConsensus {
    /// Verifies the consensus signatures and its validity window.
    ///
    /// Each `directory-signature` is checked over SHA-1 or SHA-256 (as its line says) of the
    /// signed part (from `network-status-version` through the space after the first
    /// `directory-signature`) with the certificate matching its identity and signing-key digest;
    /// that certificate must itself verify and be unexpired at `time`
    /// (`KeyCertificate.verificationReport(at:)`), and its identity must be in `authorities`.
    /// The `quorum` check passes when more than half of `authorities` signed validly (distinct
    /// authorities). Signatures that do not count are listed as not applicable with the reason;
    /// the quorum check decides (see ``missingCertificates(in:authorities:)`` to fetch the missing
    /// ones). The window check is valid-after − tolerance ≤ time ≤ valid-until + tolerance.
    ///
    /// The quorum check is ``VerificationCheckID/quorum(_:)`` of the consensus's flavor; each
    /// signature's is ``VerificationCheckID/signature(authority:)``.
    ///
    /// Certificates are checked afresh on each call; to verify many consensuses with the same
    /// certificates, keep an ``AuthorityVerifier``, which remembers them.
    ///
    /// ```swift
    /// let certs = KeyCertificate.parseAll(certBytes[...]).compactMap { try? $0.get() }
    /// let report = consensus.verificationReport(certificates: certs, at: TorTimestamp(Date()))
    /// print(report.isValid, report[.quorum(consensus.header.flavor)] ?? .failed("no quorum check"))
    /// ```
    public func verificationReport(certificates: [KeyCertificate], authorities: TrustedAuthorities = .tor,
                                   at time: TorTimestamp, tolerance seconds: Int64 = 0) -> VerificationReport {
        verificationReport(certificates: certificates, authorities: authorities, at: time, tolerance: seconds, cache: nil)
    }

    func verificationReport(certificates: [KeyCertificate], authorities: TrustedAuthorities, at time: TorTimestamp,
                            tolerance seconds: Int64, cache: KeyCertificateCheckCache?) -> VerificationReport {
        var report = VerificationReport(document: .networkStatusConsensus, firstLine: firstLine)
        if let origin = authorities.origin { report.record(.authoritySet, .passed, name: origin) }
        Self.checkSignatures(footer.signatures, signedBytes: signedRange.map { rawBytes[$0] }, flavor: header.flavor,
                             certificates: certificates, authorities: authorities, time: time, cache: cache, into: &report)
        report.requireWindow(start: header.validAfter, end: header.validUntil, time: time, tolerance: seconds)
        return report
    }

    /// ``verificationReport(certificates:authorities:at:tolerance:)``, throwing when a check failed.
    @discardableResult
    public func verify(certificates: [KeyCertificate], authorities: TrustedAuthorities = .tor,
                       at time: TorTimestamp, tolerance seconds: Int64 = 0) throws(VerificationError) -> VerificationReport {
        try verificationReport(certificates: certificates, authorities: authorities, at: time, tolerance: seconds).validated()
    }

    /// ``verify(certificates:authorities:at:tolerance:)`` at a `Date` (now by default).
    @discardableResult
    public func verify(certificates: [KeyCertificate], authorities: TrustedAuthorities = .tor,
                       at date: Date = Date(), tolerance seconds: Int64 = 0) throws(VerificationError) -> VerificationReport {
        try verify(certificates: certificates, authorities: authorities, at: TorTimestamp(date), tolerance: seconds)
    }

    /// The certificates that signatures by pinned authorities name and `certificates` lacks, in
    /// signature order: what a client downloads (``MissingCertificate/downloadPath``) before
    /// verifying again.
    public func missingCertificates(in certificates: [KeyCertificate], authorities: TrustedAuthorities = .tor) -> [MissingCertificate] {
        Self.missingCertificates(footer.signatures, certificates, authorities)
    }

    static func missingCertificates(_ signatures: [DirectorySignature], _ certificates: [KeyCertificate],
                                    _ authorities: TrustedAuthorities) -> [MissingCertificate] {
        var missing: [MissingCertificate] = []
        for signature in signatures where authorities.contains(signature.identity) {
            let wanted = MissingCertificate(identity: signature.identity, signingKeyDigest: signature.signingKeyDigest)
            let present = certificates.contains {
                $0.fingerprint == wanted.identity && $0.signingKeyDigest == wanted.signingKeyDigest
            }
            if !present, !missing.contains(wanted) { missing.append(wanted) }
        }
        return missing
    }

    /// Signature and quorum checks over `signedBytes` (the shared part of consensus and streaming
    /// verification). Each digest is computed at most once, and only if some signature uses it.
    static func checkSignatures(_ signatures: [DirectorySignature], signedBytes: ArraySlice<UInt8>?, flavor: ConsensusFlavor,
                                certificates: [KeyCertificate], authorities: TrustedAuthorities, time: TorTimestamp,
                                cache: KeyCertificateCheckCache?, into report: inout VerificationReport) {
        if signedBytes == nil { report.record(.signedPart, .failed("no directory-signature line")) }
        var sha1: [UInt8]? = nil
        var sha256: [UInt8]? = nil
        var checker = AuthoritySignatureChecker(certificates: certificates, authorities: authorities, time: time, cache: cache)
        var tally = AuthoritySignatureChecker.Tally()
        for signature in signatures {
            var digest: [UInt8]? = nil
            if let signedBytes {
                switch signature.algorithm {
                case .sha1:
                    if sha1 == nil { sha1 = Digest.sha1(signedBytes) }
                    digest = sha1
                case .sha256:
                    if sha256 == nil { sha256 = Digest.sha256(signedBytes) }
                    digest = sha256
                case .other: break
                }
            }
            checker.check(signature, line: .directory, digest: digest, tally: &tally, report: &report)
        }
        checker.recordQuorum(flavor, label: "quorum", tally, into: &report)
    }
}

extension ConsensusReader {
    /// Reads the footer (skipping any entries left) and verifies the consensus signatures, for a
    /// consensus read with bounded memory. `bytes` must be the buffer this reader was created on.
    /// Returns the footer and the same report as
    /// ``NetworkStatusConsensus/verificationReport(certificates:authorities:at:tolerance:)``.
    ///
    /// ```swift
    /// var reader = try ConsensusReader(bytes[...])
    /// while let entry = try reader.nextEntry() { _ = entry }
    /// let (_, report) = try reader.verifiedFooter(of: bytes[...], certificates: certs, at: TorTimestamp(Date()))
    /// ```
    public mutating func verifiedFooter(of bytes: ArraySlice<UInt8>, certificates: [KeyCertificate],
                                        authorities: TrustedAuthorities = .tor, at time: TorTimestamp,
                                        tolerance seconds: Int64 = 0) throws(DescriptorParseError) -> (footer: ConsensusFooter, report: VerificationReport) {
        let (footer, signedRange, _) = try self.footer()
        var report = VerificationReport(document: .networkStatusConsensus, firstLine: firstLine)
        let signed = signedRange.flatMap { range in
            range.lowerBound >= bytes.startIndex && range.upperBound <= bytes.endIndex ? bytes[range] : nil
        }
        NetworkStatusConsensus.checkSignatures(footer.signatures, signedBytes: signed, flavor: header.flavor,
                                               certificates: certificates, authorities: authorities, time: time,
                                               cache: nil, into: &report)
        report.requireWindow(start: header.validAfter, end: header.validUntil, time: time, tolerance: seconds)
        return (footer, report)
    }
}
