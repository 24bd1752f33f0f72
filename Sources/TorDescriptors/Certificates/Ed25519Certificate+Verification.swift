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

extension Ed25519Certificate {
    /// Extension types this verifier understands (cert-spec §2.2.1: only signed-with-ed25519-key).
    static let knownExtensionTypes: Set<UInt8> = [signedWithKeyExtension]

    /// Extensions of unknown type with the affects-validation flag: cert-spec says such a
    /// certificate must be rejected.
    public var unknownCriticalExtensions: [Extension] {
        extensions.filter { $0.affectsValidation && !Self.knownExtensionTypes.contains($0.type) }
    }

    /// Whether the certificate has expired at `time` (tor: valid through the expiration hour's
    /// first second, expired after it).
    public func isExpired(at time: Date) -> Bool {
        TorTimestamp(time) > expiration
    }

    /// Checks the form and the signature, not the time: the type is `expectedType`, the
    /// certified key is an Ed25519 key, no unknown extension affects validation, and the
    /// signature over ``signedBytes`` verifies with `key` (or, when `key` is `nil`, with the key
    /// in the signed-with-ed25519-key extension). When both are present they must agree.
    ///
    /// ```swift
    /// try cert.verifySignature(expectedType: Ed25519Certificate.CertType.signingKey)
    /// ```
    public func verifySignature(expectedType: UInt8, signedBy key: [UInt8]? = nil) throws(SignatureError) {
        guard certType == expectedType else {
            throw .ed25519Invalid("certificate type \(certType), expected \(expectedType)")
        }
        guard certifiedKeyType == 1 else {
            throw .ed25519Invalid("certified key type \(certifiedKeyType), expected 1 (Ed25519)")
        }
        if let unknown = unknownCriticalExtensions.first {
            throw .ed25519Invalid("unknown extension type \(unknown.type) marked as affecting validation")
        }
        let included = signingKey
        if let key, let included, key != included {
            throw .ed25519Invalid("signed-with-ed25519-key extension names a different key")
        }
        guard let signer = key ?? included else {
            throw .ed25519Invalid("no signing key: no signed-with-ed25519-key extension")
        }
        try Ed25519Signature.verify(signature, of: signedBytes, by: signer)
    }

    /// ``verifySignature(expectedType:signedBy:)`` and then not expired at `time`.
    public func verify(expectedType: UInt8, signedBy key: [UInt8]? = nil, at time: Date) throws(SignatureError) {
        try verifySignature(expectedType: expectedType, signedBy: key)
        if isExpired(at: time) { throw .ed25519Invalid("expired at \(expiration)") }
    }

    /// The expiry as a check outcome at `time`.
    func expiryOutcome(at time: Date) -> VerificationCheck.Outcome {
        isExpired(at: time) ? .failed("expired \(expiration), checked at \(TorTimestamp(time))") : .passed
    }

    /// The signature check as a check outcome.
    func signatureOutcome(expectedType: UInt8, signedBy key: [UInt8]? = nil) -> VerificationCheck.Outcome {
        do throws(SignatureError) {
            try verifySignature(expectedType: expectedType, signedBy: key)
            return .passed
        } catch {
            return .failed(error.description)
        }
    }
}
