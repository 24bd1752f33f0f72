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

extension DetachedSignatures {
    /// Verifies the detached signatures as a consensus's own signatures are verified
    /// (``NetworkStatusConsensus/verificationReport(certificates:authorities:at:tolerance:)``).
    ///
    /// - `directory-signature` items sign the ns consensus: sha1 ones over ``consensusDigest``,
    ///   sha256 ones over the SHA-256 of `consensus` (only when it is given); one `quorum` check.
    /// - `additional-signature` items for a flavor sign that flavor's digest: the digest of the
    ///   matching consensus in `flavored` when given, else the `additional-digest` line; one
    ///   `quorum (flavor)` check per flavor.
    /// - When `consensus` is given: `consensus-digest` must be SHA-1 of its signed part and the
    ///   three times must equal its own; each consensus in `flavored` must match its
    ///   `additional-digest`. Without them these checks are not applicable.
    /// - The validity window, as for a consensus.
    ///
    /// ```swift
    /// let report = detached.verificationReport(certificates: certs, consensus: consensus, at: TorTimestamp(Date()))
    /// ```
    public func verificationReport(certificates: [KeyCertificate], authorities: TrustedAuthorities = .tor,
                                   consensus: NetworkStatusConsensus? = nil, flavored: [NetworkStatusConsensus] = [],
                                   at time: TorTimestamp, tolerance seconds: Int64 = 0) -> VerificationReport {
        verificationReport(certificates: certificates, authorities: authorities, consensus: consensus, flavored: flavored,
                           at: time, tolerance: seconds, cache: nil)
    }

    func verificationReport(certificates: [KeyCertificate], authorities: TrustedAuthorities,
                            consensus: NetworkStatusConsensus?, flavored: [NetworkStatusConsensus],
                            at time: TorTimestamp, tolerance seconds: Int64, cache: KeyCertificateCheckCache?) -> VerificationReport {
        var report = VerificationReport(document: .detachedSignature, firstLine: firstLine)
        if let consensus {
            if let digest = consensus.signedDigestSHA1, let consensusDigest {
                report.require(.consensusDigest, digest == consensusDigest,
                               else: "consensus-digest \(consensusDigest.hex), the consensus hashes to \(digest.hex)")
            } else {
                report.record(.consensusDigest, .failed(consensusDigest == nil ? "no consensus-digest line" : "the consensus has no signed part"))
            }
            let same = consensus.validAfter == validAfter && consensus.freshUntil == freshUntil && consensus.validUntil == validUntil
            report.require(.consensusTimes, same, else: "the consensus is for \(consensus.validAfter.map(\.description) ?? "-")")
        } else {
            report.record(.consensusDigest, .notApplicable("no consensus given"))
        }

        var checker = AuthoritySignatureChecker(certificates: certificates, authorities: authorities, time: time, cache: cache)
        var tally = AuthoritySignatureChecker.Tally()
        for signature in signatures {
            let digest: [UInt8]?
            switch signature.algorithm {
            case .sha1: digest = consensusDigest?.bytes
            case .sha256: digest = consensus?.signedDigestSHA256?.bytes
            case .other: digest = nil
            }
            checker.check(signature, line: .directory, digest: digest, tally: &tally, report: &report)
        }
        checker.recordQuorum(.ns, label: "quorum", tally, into: &report)

        var flavors: [String] = []
        for extra in additionalSignatures where !flavors.contains(extra.flavor) { flavors.append(extra.flavor) }
        for flavor in flavors {
            let match = flavored.first { $0.flavor.description == flavor }
            var flavorTally = AuthoritySignatureChecker.Tally()
            for extra in additionalSignatures where extra.flavor == flavor {
                let algorithm = extra.signature.algorithm
                let stated = additionalDigests.first { $0.flavor == flavor && $0.algorithm == algorithm.description }?.bytes
                let digest = match.flatMap { $0.signedDigest(for: algorithm) } ?? stated
                checker.check(extra.signature, line: .additional(flavor: flavor), digest: digest, tally: &flavorTally, report: &report)
            }
            checker.recordQuorum(ConsensusFlavor(named: flavor), label: "quorum (\(flavor))", flavorTally, into: &report)
        }
        for other in flavored {
            let flavor = other.flavor.description
            let lines = additionalDigests.filter { $0.flavor == flavor }
            let name = VerificationCheckID.additionalDigest(flavor: flavor)
            guard !lines.isEmpty else { report.record(name, .failed("no additional-digest line for \(flavor)")); continue }
            for line in lines {
                let actual: [UInt8]? = switch line.algorithm {
                case "sha256": other.signedDigestSHA256?.bytes
                case "sha1": other.signedDigestSHA1?.bytes
                default: nil
                }
                guard let actual else { report.record(name, .notApplicable("unknown algorithm \(line.algorithm)")); continue }
                report.require(name, actual == line.bytes, else: "\(line.algorithm) \(Hex.encode(line.bytes)), the consensus hashes to \(Hex.encode(actual))")
            }
        }
        report.requireWindow(start: validAfter, end: validUntil, time: time, tolerance: seconds)
        return report
    }

    /// ``verificationReport(certificates:authorities:consensus:flavored:at:tolerance:)``,
    /// throwing when a check failed.
    @discardableResult
    public func verify(certificates: [KeyCertificate], authorities: TrustedAuthorities = .tor,
                       consensus: NetworkStatusConsensus? = nil, flavored: [NetworkStatusConsensus] = [],
                       at time: TorTimestamp, tolerance seconds: Int64 = 0) throws(VerificationError) -> VerificationReport {
        try verificationReport(certificates: certificates, authorities: authorities, consensus: consensus,
                               flavored: flavored, at: time, tolerance: seconds).validated()
    }

    /// Certificates named by pinned authorities' signatures (both kinds) that `certificates` lacks.
    public func missingCertificates(in certificates: [KeyCertificate], authorities: TrustedAuthorities = .tor) -> [MissingCertificate] {
        NetworkStatusConsensus.missingCertificates(signatures + additionalSignatures.map(\.signature), certificates, authorities)
    }
}
