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

extension ServerDescriptor {
    /// Checks every signature, certificate and key binding of the descriptor (dir-spec §2.1.1)
    /// and lists each check by its ``VerificationCheckID``:
    ///
    /// - `fingerprint` = SHA-1 of the DER `signing-key`; `router-signature` by that key over
    ///   SHA-1 of `router` … `router-signature\n`;
    /// - `identity-ed25519` (type 4, signed by the master key in its extension, not expired at
    ///   `time`); `master-key-ed25519` equal to that master key; `router-sig-ed25519` by the
    ///   certified signing key over SHA-256("Tor router descriptor signature v1" ‖ content through
    ///   `router-sig-ed25519 `);
    /// - `onion-key-crosscert`: the TAP onion key's RSA signature of SHA-1(signing-key DER) ‖
    ///   master key (zeros without Ed25519), more data after those 52 bytes allowed;
    /// - `ntor-onion-key-crosscert` (type 10, certifying the master key, signed by the Ed25519
    ///   form of `ntor-onion-key` with the given sign bit, not expired);
    /// - each `family-cert` (type 12, certifying the master key, signed by the family key in its
    ///   extension, not expired), named with its family id;
    /// - `published` no more than `publishedTolerance` after `time` (tor's own upload skew is 12
    ///   hours). Old descriptors are not failed: how old is too old is the caller's policy.
    ///
    /// Sanitized bridge descriptors (CollecTor removed keys and signatures) and descriptors
    /// without an Ed25519 identity list the checks that cannot apply as not applicable.
    ///
    /// ```swift
    /// let report = descriptor.verificationReport(at: descriptor.published!.date)
    /// print(report.isValid, report.failures)
    /// ```
    public func verificationReport(at time: Date = Date(),
                                   publishedTolerance: TimeInterval = RelayCheck.defaultPublishedTolerance) -> VerificationReport {
        var report = VerificationReport(document: documentKind, firstLine: firstLine)
        if objects.signature == nil, objects.signingKey == nil, routerDigestRange != nil {
            for id: VerificationCheckID in [.fingerprint, .routerSignature, .identityEd25519, .routerSigEd25519,
                                            .onionKeyCrosscert, .ntorCrosscert, .familyCerts] {
                report.record(id, .notApplicable(RelayCheck.sanitizedBridge))
            }
            report.record(.published, RelayCheck.publishedOutcome(published, at: time, tolerance: publishedTolerance))
            return report
        }

        // RSA identity: fingerprint and router-signature.
        let signingDER = signingKey
        let identityDigest = signingDER.map { Digest.sha1($0) }
        var rsaKey: RSAPublicKey?
        if let signingDER {
            do throws(SignatureError) { rsaKey = try RSAPublicKey(der: signingDER) } catch {
                report.record(.fingerprint, .failed("signing-key: \(error)"))
            }
        } else {
            report.record(.fingerprint, .failed("no signing-key"))
        }
        if rsaKey != nil, let identityDigest {
            if let fingerprint {
                report.require(.fingerprint, fingerprint.bytes == identityDigest,
                               else: "fingerprint \(fingerprint.hex) but SHA-1(signing-key) is \(Hex.encode(identityDigest))")
            } else {
                report.record(.fingerprint, .notApplicable("no fingerprint line (optional before tor 0.1.0.6)"))
            }
        }
        if let rsaKey, let signature, let signedContent {
            let digest = Digest.sha1(signedContent)
            report.record(.routerSignature, RelayCheck.outcome { () throws(SignatureError) in try rsaKey.verify(signature, for: digest) })
        } else {
            report.record(.routerSignature, .failed(rsaKey == nil ? "no usable signing-key" : "no router-signature"))
        }

        // Ed25519 identity.
        let master = verifyIdentity(into: &report, at: time)
        verifyOnionKeyCrosscert(into: &report, identityDigest: identityDigest, master: master)
        verifyNtorCrosscert(into: &report, master: master, at: time)
        verifyFamilyCertificates(into: &report, master: master, at: time)
        report.record(.published, RelayCheck.publishedOutcome(published, at: time, tolerance: publishedTolerance))
        return report
    }

    /// ``verificationReport(at:publishedTolerance:)``, thrown as a ``VerificationError`` when any check failed.
    ///
    /// ```swift
    /// do { try descriptor.verify(at: .now) } catch { print(error.report.failures) }
    /// ```
    @discardableResult
    public func verify(at time: Date = Date(),
                       publishedTolerance: TimeInterval = RelayCheck.defaultPublishedTolerance) throws(VerificationError) -> VerificationReport {
        try verificationReport(at: time, publishedTolerance: publishedTolerance).validated()
    }

    /// The family ids of the `family-cert` lines (`ed25519:` + unpadded base64 of each family
    /// key, as in microdescriptors' `family-ids`), in order, verified or not: check the report.
    public var familyIDs: [String] {
        familyCertificates.compactMap { $0.signingKey.map(RelayCheck.familyID) }
    }

    /// Records the identity checks and returns the master key they establish (`nil` without one).
    private func verifyIdentity(into report: inout VerificationReport, at time: Date) -> [UInt8]? {
        let edSignature = ed25519Signature
        guard let certificate = identityCertificate else {
            if objects.identity != nil {
                report.record(.identityEd25519, .failed("identity-ed25519 certificate does not decode"))
            } else if edSignature != nil || masterKeyRange != nil {
                report.record(.identityEd25519, .failed("router-sig-ed25519 or master-key-ed25519 without identity-ed25519"))
            } else {
                for id: VerificationCheckID in [.identityEd25519, .identityEd25519Expiry, .masterKeyEd25519, .routerSigEd25519] {
                    report.record(id, .notApplicable(RelayCheck.noEd25519))
                }
                return nil
            }
            report.record(.routerSigEd25519, .failed("no usable identity-ed25519 certificate"))
            return nil
        }
        let signature = certificate.signatureOutcome(expectedType: Ed25519Certificate.CertType.signingKey)
        report.record(.identityEd25519, signature)
        report.record(.identityEd25519Expiry, certificate.expiryOutcome(at: time))
        let master = certificate.signingKey
        if let masterKey = masterKeyEd25519 {
            report.require(.masterKeyEd25519, master == masterKey,
                           else: "master-key-ed25519 \(Base64.encode(masterKey, padded: false)) is not the certificate's signer")
        } else {
            report.record(.masterKeyEd25519, .notApplicable("no master-key-ed25519 line (optional)"))
        }
        if let edSignature, let content = ed25519SignedContent {
            let digest = RelayCheck.ed25519SignedDigest(content)
            report.record(.routerSigEd25519, RelayCheck.outcome { () throws(SignatureError) in
                try Ed25519Signature.verify(edSignature, of: digest, by: certificate.certifiedKey)
            })
        } else {
            report.record(.routerSigEd25519, .failed("identity-ed25519 without router-sig-ed25519"))
        }
        return signature == .passed ? master : nil
    }

    private func verifyOnionKeyCrosscert(into report: inout VerificationReport, identityDigest: [UInt8]?, master: [UInt8]?) {
        guard let crosscert = onionKeyCrosscert else {
            if objects.onionKeyCrosscert != nil {
                report.record(.onionKeyCrosscert, .failed("onion-key-crosscert does not decode"))
            } else if identityCertificate == nil {
                report.record(.onionKeyCrosscert, .notApplicable("no onion-key-crosscert (optional before tor 0.4.5.1 without an Ed25519 identity)"))
            } else if objects.onionKey == nil {
                report.record(.onionKeyCrosscert, .notApplicable("no TAP onion-key"))
            } else {
                report.record(.onionKeyCrosscert, .failed("identity-ed25519 and onion-key without onion-key-crosscert"))
            }
            return
        }
        guard let onionDER = onionKey, let identityDigest else {
            report.record(.onionKeyCrosscert, .failed("onion-key-crosscert without onion-key and signing-key"))
            return
        }
        if identityCertificate != nil, master == nil {
            report.record(.onionKeyCrosscert, .failed("no verified Ed25519 master key to cross-certify"))
            return
        }
        let expected = identityDigest + (master ?? [UInt8](repeating: 0, count: 32))
        report.record(.onionKeyCrosscert, RelayCheck.outcome { () throws(SignatureError) in
            let key = try RSAPublicKey(der: onionDER)
            let signed = try key.recoverMessage(from: crosscert)
            // dir-spec: verifiers must allow data after the 52 bytes.
            guard signed.count >= expected.count else {
                throw .signedLengthMismatch(expected: expected.count, actual: signed.count)
            }
            guard signed[..<expected.count].elementsEqual(expected) else { throw .digestMismatch }
        })
    }

    private func verifyNtorCrosscert(into report: inout VerificationReport, master: [UInt8]?, at time: Date) {
        guard let certificate = ntorOnionKeyCrosscert else {
            if objects.ntorOnionKeyCrosscert != nil {
                report.record(.ntorCrosscert, .failed("ntor-onion-key-crosscert does not decode"))
            } else if identityCertificate == nil {
                report.record(.ntorCrosscert, .notApplicable(RelayCheck.noEd25519))
                report.record(.ntorCrosscertExpiry, .notApplicable(RelayCheck.noEd25519))
            } else {
                report.record(.ntorCrosscert, .failed("identity-ed25519 without ntor-onion-key-crosscert"))
            }
            return
        }
        report.record(.ntorCrosscert, RelayCheck.outcome { () throws(SignatureError) in
            guard let master else { throw .ed25519Invalid("no verified Ed25519 master key to cross-certify") }
            guard certificate.certifiedKey == master else { throw .ed25519Invalid("certifies a key other than the master key") }
            guard let ntorKey = ntorOnionKey, let sign = ntorOnionKeyCrosscertSign,
                  let signer = Ed25519KeyConversion.ed25519PublicKey(fromCurve25519: ntorKey, signBit: sign)
            else { throw .ed25519Invalid("no usable 32-byte ntor-onion-key and sign bit") }
            try certificate.verifySignature(expectedType: Ed25519Certificate.CertType.ntorOnionKeyCrosscert, signedBy: signer)
        })
        report.record(.ntorCrosscertExpiry, certificate.expiryOutcome(at: time))
    }

    private func verifyFamilyCertificates(into report: inout VerificationReport, master: [UInt8]?, at time: Date) {
        guard !familyCertificates.isEmpty else {
            report.record(.familyCerts, .notApplicable("no family-cert lines"))
            return
        }
        for certificate in familyCertificates {
            let id = certificate.signingKey.map(RelayCheck.familyID) ?? "(no family key)"
            report.record(.familyCert(id: id), RelayCheck.outcome { () throws(SignatureError) in
                guard let master else { throw .ed25519Invalid("no verified Ed25519 master key to certify") }
                guard certificate.certifiedKey == master else { throw .ed25519Invalid("certifies a key other than the master key") }
                try certificate.verifySignature(expectedType: Ed25519Certificate.CertType.familyIdentity)
            })
            report.record(.familyCertExpiry(id: id), certificate.expiryOutcome(at: time))
        }
    }
}
