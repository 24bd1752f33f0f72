/// A key certificate that a verification needed and was not given: the consensus (or detached
/// signature) names it by authority identity and signing-key digest. Directory caches serve it at
/// ``downloadPath``.
///
/// ```swift
/// for wanted in consensus.missingCertificates(in: certificates) { print(wanted.downloadPath) }
/// ```
public struct MissingCertificate: Sendable, Hashable, CustomStringConvertible {
    public let identity: Fingerprint
    public let signingKeyDigest: Fingerprint

    public init(identity: Fingerprint, signingKeyDigest: Fingerprint) {
        self.identity = identity
        self.signingKeyDigest = signingKeyDigest
    }

    /// The dir-spec download path for exactly this certificate (`/tor/keys/fp-sk/F-S`).
    public var downloadPath: String { "/tor/keys/fp-sk/\(identity.hex)-\(signingKeyDigest.hex)" }
    public var description: String { "\(identity.hex)-\(signingKeyDigest.hex)" }
}

/// Checks authority signatures (`directory-signature`, `additional-signature`) against key
/// certificates and counts a quorum of pinned authorities. Each certificate is verified at most
/// once per checker, and at most once per ``AuthorityVerifier`` when one lends its cache.
///
/// A signature that does not count (unknown authority, missing or unusable certificate, bad
/// signature) is recorded as `notApplicable("not counted: …")` rather than `failed`: tor accepts
/// a consensus with some bad signatures as long as enough good ones remain, so the quorum
/// check alone decides, and its reason names every signature that did not count.
struct AuthoritySignatureChecker {
    let authorities: TrustedAuthorities
    let time: TorTimestamp
    private let certificates: [KeyCertificate]
    private let cache: KeyCertificateCheckCache?
    private var certificateReports: [Int: VerificationReport] = [:]
    private(set) var missing: [MissingCertificate] = []

    init(certificates: [KeyCertificate], authorities: TrustedAuthorities, time: TorTimestamp, cache: KeyCertificateCheckCache? = nil) {
        self.certificates = certificates
        self.authorities = authorities
        self.time = time
        self.cache = cache
    }

    /// Which signature line is checked: a consensus's own, or a detached `additional-signature`.
    enum SignatureLine {
        case directory
        case additional(flavor: String)

        func id(_ identity: Fingerprint) -> VerificationCheckID {
            switch self {
            case .directory: .signature(authority: identity)
            case .additional(let flavor): .additionalSignature(flavor: flavor, authority: identity)
            }
        }

        var keyword: String {
            switch self {
            case .directory: "directory-signature"
            case .additional(let flavor): "additional-signature \(flavor)"
            }
        }
    }

    /// Signers that counted, and why the others did not, for one group of signatures.
    struct Tally {
        var validSigners: Set<Fingerprint> = []
        var notCounted: [String] = []
    }

    /// The printed name of a signature's check: the keyword, the authority's nickname when
    /// pinned with one, and the identity.
    func checkName(_ line: SignatureLine, _ signature: DirectorySignature) -> String {
        if let authority = authorities.authority(for: signature.identity), !authority.nickname.isEmpty {
            return "\(line.keyword) \(authority.nickname) \(signature.identity.hex)"
        }
        return "\(line.keyword) \(signature.identity.hex)"
    }

    /// Checks one signature over `digest` (nil when the signed bytes are unknown) and records it.
    mutating func check(_ signature: DirectorySignature, line: SignatureLine, digest: [UInt8]?,
                        tally: inout Tally, report: inout VerificationReport) {
        let id = line.id(signature.identity)
        let name = checkName(line, signature)
        let who = authorities.authority(for: signature.identity)?.nickname ?? signature.identity.hex
        func notCounted(_ why: String) {
            tally.notCounted.append("\(who.isEmpty ? signature.identity.hex : who) (\(why))")
            report.record(id, .notApplicable("not counted: \(why)"), name: name)
        }
        if case .other(let algorithm) = signature.algorithm {
            return notCounted("unknown digest algorithm '\(algorithm)', ignored as dir-spec says")
        }
        if let absence = authorities.absenceReason(for: signature.identity) { return notCounted(absence) }
        let candidates = certificates.indices.filter {
            certificates[$0].fingerprint == signature.identity && certificates[$0].signingKeyDigest == signature.signingKeyDigest
        }
        guard !candidates.isEmpty else {
            let wanted = MissingCertificate(identity: signature.identity, signingKeyDigest: signature.signingKeyDigest)
            if !missing.contains(wanted) { missing.append(wanted) }
            return notCounted("missing certificate \(signature.signingKeyDigest.hex)")
        }
        // Several copies of one certificate may be given; any one that verifies will do.
        var certificate: KeyCertificate? = nil
        var problem = ""
        for index in candidates {
            let certificateReport = self.certificateReport(index)
            if certificateReport.isValid { certificate = certificates[index]; break }
            if certificateReport.failures.count == 1, case .failed(let why)? = certificateReport[.certificate(.expires)] {
                problem = "certificate \(why)"
            } else {
                problem = "certificate does not verify: " + certificateReport.failures.map(\.description).joined(separator: "; ")
            }
        }
        guard let certificate, let der = certificate.signingKey else { return notCounted(problem) }
        guard let digest else { return notCounted("the signed part is unknown") }
        do throws(SignatureError) {
            try RSAPublicKey(der: der).verify(signature.signature, for: digest)
            tally.validSigners.insert(signature.identity)
            report.record(id, .passed, name: name)
        } catch {
            notCounted("bad signature: \(error.description)")
        }
    }

    private mutating func certificateReport(_ index: Int) -> VerificationReport {
        if let cached = certificateReports[index] { return cached }
        let report = certificates[index].verificationReport(at: time, cache: cache)
        certificateReports[index] = report
        return report
    }

    /// Records the quorum check for `flavor`, printed `"<label>: N of M needed, V valid"` so a
    /// passing report still shows the count: valid signatures from more than half the pinned
    /// authorities.
    func recordQuorum(_ flavor: ConsensusFlavor, label: String, _ tally: Tally, into report: inout VerificationReport) {
        let needed = authorities.quorum
        let valid = tally.validSigners.count
        let name = "\(label): \(needed) of \(authorities.count) needed, \(valid) valid"
        if authorities.count == 0 { return report.record(.quorum(flavor), .failed("no pinned authorities"), name: name) }
        let reason = tally.notCounted.isEmpty ? "too few signatures" : "not counted: " + tally.notCounted.joined(separator: ", ")
        report.record(.quorum(flavor), valid >= needed ? .passed : .failed(reason), name: name)
    }
}

extension VerificationReport {
    /// Records (as ``VerificationCheckID/validityWindow``) whether `time` lies in [`start` - tolerance, `end` + tolerance].
    mutating func requireWindow(start: TorTimestamp?, end: TorTimestamp?, time: TorTimestamp, tolerance: Int64) {
        guard let start, let end else { return record(.validityWindow, .failed("valid-after or valid-until missing")) }
        let low = TorTimestamp(secondsSince1970: start.secondsSince1970 - tolerance)
        let high = TorTimestamp(secondsSince1970: end.secondsSince1970 + tolerance)
        if time < low {
            record(.validityWindow, .failed("not yet valid at \(time): valid-after \(start)" + (tolerance > 0 ? " (tolerance \(tolerance) s)" : "")))
        } else if time > high {
            record(.validityWindow, .failed("expired at \(time): valid-until \(end)" + (tolerance > 0 ? " (tolerance \(tolerance) s)" : "")))
        } else {
            record(.validityWindow, .passed)
        }
    }
}

extension ConsensusFlavor {
    /// The flavor a detached signature's `additional-signature` line names.
    init(named name: String) {
        switch name {
        case "ns": self = .ns
        case "microdesc": self = .microdesc
        default: self = .other(name)
        }
    }
}
