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

extension ExtraInfoDescriptor {
    /// Checks the extra-info document's signatures (dir-spec §2.1.2):
    ///
    /// - `identity-ed25519` (type 4, signed by the master key in its extension, not expired at
    ///   `time`) and `router-sig-ed25519` by its certified key over SHA-256("Tor router descriptor
    ///   signature v1" ‖ content through `router-sig-ed25519 `), as in server descriptors;
    /// - `router-signature`: the relay's RSA identity signs SHA-1 of `extra-info` …
    ///   `router-signature\n`. The key is not in the document: pass `signingKey` (from the
    ///   relay's server descriptor); without it the check is not applicable, and says so.
    ///   With it, the `extra-info` fingerprint must be SHA-1 of that key.
    ///
    /// ```swift
    /// let key = try RSAPublicKey(der: serverDescriptor.signingKey!)
    /// let report = extraInfo.verificationReport(signingKey: key, at: extraInfo.published!.date)
    /// ```
    public func verificationReport(signingKey: RSAPublicKey?, at time: Date = Date(),
                                   publishedTolerance: TimeInterval = RelayCheck.defaultPublishedTolerance) -> VerificationReport {
        var report = VerificationReport(document: isBridge ? .bridgeExtraInfo : .extraInfo, firstLine: firstLine)
        if isBridge, signatureObject == nil {
            for id: VerificationCheckID in [.fingerprint, .routerSignature, .identityEd25519, .routerSigEd25519] {
                report.record(id, .notApplicable(RelayCheck.sanitizedBridge))
            }
            report.record(.published, RelayCheck.publishedOutcome(published, at: time, tolerance: publishedTolerance))
            return report
        }
        if let signingKey {
            report.require(.fingerprint, fingerprint.bytes == signingKey.fingerprint.bytes,
                           else: "extra-info fingerprint \(fingerprint.hex), signing key's \(signingKey.fingerprint.hex)")
            if let signature, let signedRange {
                let digest = Digest.sha1(rawBytes[signedRange])
                report.record(.routerSignature, RelayCheck.outcome { () throws(SignatureError) in
                    try signingKey.verify(signature, for: digest)
                })
            } else {
                report.record(.routerSignature, .failed("no router-signature"))
            }
        } else {
            let why = "needs the relay's server descriptor (its signing-key)"
            report.record(.fingerprint, .notApplicable(why))
            report.record(.routerSignature, .notApplicable(why))
        }
        verifyIdentity(into: &report, at: time)
        report.record(.published, RelayCheck.publishedOutcome(published, at: time, tolerance: publishedTolerance))
        return report
    }

    /// ``verificationReport(signingKey:at:publishedTolerance:)`` with the key of the relay's server
    /// descriptor, plus a check that both documents carry the same Ed25519 identity.
    ///
    /// ```swift
    /// let report = extraInfo.verificationReport(serverDescriptor: descriptor, at: .now)
    /// ```
    public func verificationReport(serverDescriptor: ServerDescriptor, at time: Date = Date(),
                                   publishedTolerance: TimeInterval = RelayCheck.defaultPublishedTolerance) -> VerificationReport {
        let key = serverDescriptor.signingKey.flatMap { try? RSAPublicKey(der: $0) }
        var report = verificationReport(signingKey: key, at: time, publishedTolerance: publishedTolerance)
        if key == nil {
            report.checks = report.checks.map {
                guard $0.id == .fingerprint || $0.id == .routerSignature, !$0.passed else { return $0 }
                if case .notApplicable = $0.outcome, !isBridge {
                    return VerificationCheck($0.id, .failed("the server descriptor has no usable signing-key"))
                }
                return $0
            }
        }
        let mine = identityEd25519Certificate.flatMap { try? Ed25519Certificate(bytes: $0) }?.signingKey
        let theirs = serverDescriptor.identityCertificate?.signingKey
        if mine == nil, theirs == nil {
            report.record(.sameIdentity, .notApplicable(RelayCheck.noEd25519))
        } else {
            report.require(.sameIdentity, mine == theirs, else: "the two documents name different Ed25519 master keys")
        }
        return report
    }

    /// ``verificationReport(signingKey:at:publishedTolerance:)``, thrown when any check failed.
    @discardableResult
    public func verify(signingKey: RSAPublicKey?, at time: Date = Date(),
                       publishedTolerance: TimeInterval = RelayCheck.defaultPublishedTolerance) throws(VerificationError) -> VerificationReport {
        try verificationReport(signingKey: signingKey, at: time, publishedTolerance: publishedTolerance).validated()
    }

    /// The bytes `router-sig-ed25519` covers: `extra-info` through the space after the first
    /// `\nrouter-sig-ed25519` (where tor looks for it).
    var ed25519SignedContent: ArraySlice<UInt8>? {
        let needle = Array("\nrouter-sig-ed25519 ".utf8)
        let start = contentRange.lowerBound
        var index = start
        let last = contentRange.upperBound - needle.count
        while index <= last {
            if rawBytes[index] == needle[0], rawBytes[index..<(index + needle.count)].elementsEqual(needle) {
                return rawBytes[start..<(index + needle.count)]
            }
            index += 1
        }
        return nil
    }

    private func verifyIdentity(into report: inout VerificationReport, at time: Date) {
        let edSignature = ed25519Signature.flatMap { Base64.decode($0.utf8) }
        guard let certificateBytes = identityEd25519Certificate else {
            if identityObject != nil || edSignature != nil {
                report.record(.identityEd25519, .failed("router-sig-ed25519 without a usable identity-ed25519"))
                report.record(.routerSigEd25519, .failed("no usable identity-ed25519 certificate"))
            } else {
                for id: VerificationCheckID in [.identityEd25519, .identityEd25519Expiry, .routerSigEd25519] {
                    report.record(id, .notApplicable(RelayCheck.noEd25519))
                }
            }
            return
        }
        let certificate: Ed25519Certificate
        do throws(Ed25519CertificateError) { certificate = try Ed25519Certificate(bytes: certificateBytes) } catch {
            report.record(.identityEd25519, .failed(error.description))
            report.record(.routerSigEd25519, .failed("no usable identity-ed25519 certificate"))
            return
        }
        report.record(.identityEd25519, certificate.signatureOutcome(expectedType: Ed25519Certificate.CertType.signingKey))
        report.record(.identityEd25519Expiry, certificate.expiryOutcome(at: time))
        if let edSignature, let content = ed25519SignedContent {
            let digest = RelayCheck.ed25519SignedDigest(content)
            report.record(.routerSigEd25519, RelayCheck.outcome { () throws(SignatureError) in
                try Ed25519Signature.verify(edSignature, of: digest, by: certificate.certifiedKey)
            })
        } else {
            report.record(.routerSigEd25519, .failed("identity-ed25519 without router-sig-ed25519"))
        }
    }
}
