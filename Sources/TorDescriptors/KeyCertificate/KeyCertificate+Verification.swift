#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

extension KeyCertificate {
    /// Smallest identity key tor accepts for an authority (authorities use 3072 bits).
    public static let minimumIdentityKeyBits = 1024

    /// Checks the certificate on its own: the identity key (at least 1024 bits) hashes to
    /// ``fingerprint``; the identity key signs SHA-1 of the document through
    /// `dir-key-certification\n`; the signing key cross-certifies SHA-1 of the identity key's DER
    /// (`dir-key-crosscert`, object `ID SIGNATURE` or `SIGNATURE`); and the certificate has not
    /// expired at `time`.
    ///
    /// `dir-key-published` is deliberately not a lower bound: authorities pre-generate
    /// certificates, and real consensuses are signed with signing keys whose certificate is
    /// published after the consensus (tor26's 2021-09-01 certificate signed the 2021-08-29 19:00
    /// consensus). Only expiry makes a certificate unusable.
    ///
    /// Each call makes the 3072-bit RSA checks again. A client verifying every hourly consensus,
    /// or a reader going through an archive of them, keeps an ``AuthorityVerifier``: it remembers
    /// the signature checks of each certificate (they depend only on its bytes) and checks only
    /// expiry against `time` on every call.
    ///
    /// ```swift
    /// let report = certificate.verificationReport(at: TorTimestamp(Date()))
    /// if !report.isValid { print(report.failures) }
    /// ```
    public func verificationReport(at time: TorTimestamp) -> VerificationReport {
        verificationReport(at: time, cache: nil)
    }

    /// `verificationReport(at:)`, taking the time-independent checks from `cache` when it has them.
    func verificationReport(at time: TorTimestamp, cache: KeyCertificateCheckCache?) -> VerificationReport {
        var report = VerificationReport(document: .keyCertificate, firstLine: firstLine)
        let key = cache.map { _ in Digest.sha256(rawBytes) }
        if let cache, let key, let cached = cache.checks(for: key) {
            report.checks = cached
        } else {
            report.checks = timeIndependentChecks()
            if let cache, let key { cache.store(report.checks, for: key) }
        }
        if let expires {
            report.require(.certificate(.expires), time <= expires, else: "expired \(expires) (checked at \(time))")
        } else {
            report.record(.certificate(.expires), .failed("missing"))
        }
        return report
    }

    /// Keys, fingerprint, certification and cross-certificate: everything but expiry.
    private func timeIndependentChecks() -> [VerificationCheck] {
        var report = VerificationReport(document: .keyCertificate, firstLine: firstLine)
        let identity = Self.key(identityKey, .identityKey, &report)
        if let identity {
            report.require(.certificate(.identityKeySize), identity.bitCount >= Self.minimumIdentityKeyBits,
                           else: "\(identity.bitCount)-bit identity key; tor requires at least \(Self.minimumIdentityKeyBits)")
        } else {
            report.record(.certificate(.identityKeySize), .notApplicable("no usable identity key"))
        }
        let signing = Self.key(signingKey, .signingKey, &report)

        switch (fingerprint, identity) {
        case (nil, _): report.record(.certificate(.fingerprint), .failed("no fingerprint line"))
        case (_, nil): report.record(.certificate(.fingerprint), .notApplicable("no usable identity key"))
        case (let fingerprint?, let identity?):
            report.require(.certificate(.fingerprint), identity.fingerprint == fingerprint,
                           else: "fingerprint \(fingerprint.hex), identity key hashes to \(identity.fingerprint.hex)")
        }

        if let identity, let certification, let digest = signedDigest {
            report.record(.certificate(.certification), Self.outcome { () throws(SignatureError) in try identity.verify(certification, for: digest.bytes) })
        } else if certification == nil || signedRange == nil {
            report.record(.certificate(.certification), .failed("missing"))
        } else {
            report.record(.certificate(.certification), .notApplicable("no usable identity key"))
        }

        if let crossCertificate {
            if let type = crossCertificateObjectType, type != "ID SIGNATURE", type != "SIGNATURE" {
                report.record(.certificate(.crosscert), .failed("object type '\(type)', expected 'ID SIGNATURE' or 'SIGNATURE'"))
            } else if let signing, let identityKey {
                let digest = Digest.sha1(identityKey)
                report.record(.certificate(.crosscert), Self.outcome { () throws(SignatureError) in try signing.verify(crossCertificate, for: digest) })
            } else {
                report.record(.certificate(.crosscert), .notApplicable("no usable identity or signing key"))
            }
        } else {
            // Tor has required the cross-certificate since 0.2.0 (2008); without it a stolen
            // identity-signed certificate could bind someone else's signing key.
            report.record(.certificate(.crosscert), .failed("missing"))
        }
        return report.checks
    }

    /// `verificationReport(at:)`, throwing when any check failed.
    @discardableResult
    public func verify(at time: TorTimestamp) throws(VerificationError) -> VerificationReport {
        try verificationReport(at: time).validated()
    }

    /// `verificationReport(at:)` at a `Date` (now by default).
    public func verificationReport(at date: Date = Date()) -> VerificationReport { verificationReport(at: TorTimestamp(date)) }

    /// ``verify(at:)`` at a `Date` (now by default).
    @discardableResult
    public func verify(at date: Date = Date()) throws(VerificationError) -> VerificationReport { try verify(at: TorTimestamp(date)) }

    private static func key(_ der: [UInt8]?, _ check: KeyCertificateCheck, _ report: inout VerificationReport) -> RSAPublicKey? {
        guard let der else {
            report.record(.certificate(check), .failed("missing"))
            return nil
        }
        do throws(SignatureError) {
            let key = try RSAPublicKey(der: der)
            report.record(.certificate(check), .passed)
            return key
        } catch {
            report.record(.certificate(check), .failed(error.description))
            return nil
        }
    }

    static func outcome(_ body: () throws(SignatureError) -> Void) -> VerificationCheck.Outcome {
        do throws(SignatureError) {
            try body()
            return .passed
        } catch {
            return .failed(error.description)
        }
    }
}

/// Outcomes of key certificates' signature checks by SHA-256 of their bytes, owned by an
/// ``AuthorityVerifier`` (copies of a verifier share it). Bounded: when full it starts over (a
/// network has about nine current certificates; an archive a few hundred).
final class KeyCertificateCheckCache: @unchecked Sendable {
    private let lock = Lock()
    private var entries: [[UInt8]: [VerificationCheck]] = [:]
    private let capacity = 1024

    func checks(for key: [UInt8]) -> [VerificationCheck]? {
        lock.lock(); defer { lock.unlock() }
        return entries[key]
    }

    /// Certificates remembered.
    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return entries.count
    }

    func store(_ checks: [VerificationCheck], for key: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = checks
    }
}
