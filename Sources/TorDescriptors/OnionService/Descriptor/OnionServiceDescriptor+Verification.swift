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

/// The checks made on a v3 onion-service descriptor (rend-spec-v3 §2.4, §2.5.2.2).
///
/// ```swift
/// let report = descriptor.verificationReport(at: .now)
/// if case .failed(let why)? = report[.onionService(.signature)] { print(why) }
/// ```
public enum OnionServiceCheck: Sendable, Hashable, CustomStringConvertible {
    /// `descriptor-signing-key-cert`: type 08, signed by the blinded key in its extension.
    case signingKeyCertificate
    /// The signing-key certificate not expired at the verification time.
    case signingKeyCertificateExpiry
    /// The certificate's signer equals the blinded key the caller derived from the address.
    case blindedKey
    /// `signature`: the descriptor signing key's Ed25519 signature over
    /// "Tor onion service descriptor sig v3" and the document up to `signature `.
    case signature
    /// `descriptor-lifetime` within 30–720 minutes.
    case lifetime
    /// Introduction point `index` (0-based): its `auth-key` certificate (type 09) signed by the
    /// descriptor signing key.
    case introductionAuthKey(index: Int)
    /// Introduction point `index`: its `enc-key-cert` (type 0B) signed by the descriptor signing key.
    case introductionEncKeyCert(index: Int)

    public var description: String {
        switch self {
        case .signingKeyCertificate: "descriptor-signing-key-cert"
        case .signingKeyCertificateExpiry: "descriptor-signing-key-cert expiry"
        case .blindedKey: "descriptor-signing-key-cert signer = blinded key"
        case .signature: "signature"
        case .lifetime: "descriptor-lifetime 30–720"
        case .introductionAuthKey(let index): "introduction-point \(index) auth-key"
        case .introductionEncKeyCert(let index): "introduction-point \(index) enc-key-cert"
        }
    }
}

extension OnionServiceDescriptor {
    /// Every check on the outer layer at `time`: the signing-key certificate (type, signer,
    /// signature, expiry), the blinded key when the caller knows it (derived from the onion
    /// address for the time period), the document signature and the lifetime range.
    ///
    /// ```swift
    /// let report = descriptor.verificationReport(at: .now, blindedKey: expectedBlindedKey)
    /// print(report)
    /// ```
    public func verificationReport(at time: Date, blindedKey expected: [UInt8]? = nil) -> VerificationReport {
        var report = VerificationReport(document: .onionServiceDescriptor, firstLine: firstLine)
        let certificate = signingKeyCertificate
        report.record(.onionService(.signingKeyCertificate),
                      certificate.signatureOutcome(expectedType: Ed25519Certificate.CertType.hsDescriptorSigning))
        report.record(.onionService(.signingKeyCertificateExpiry), certificate.expiryOutcome(at: time))
        if let expected {
            report.require(.onionService(.blindedKey), blindedKey == expected,
                           else: "certificate signed by \(blindedKey.map { Base64.encode($0) } ?? "-"), expected \(Base64.encode(expected))")
        } else {
            report.record(.onionService(.blindedKey), .notApplicable("no blinded key given (it comes from the onion address)"))
        }
        do throws(SignatureError) {
            try Ed25519Signature.verify(signature, of: signedMessage, by: signingKey)
            report.record(.onionService(.signature), .passed)
        } catch {
            report.record(.onionService(.signature), .failed(error.description))
        }
        report.require(.onionService(.lifetime), Self.lifetimeRange.contains(lifetimeMinutes),
                       else: "\(lifetimeMinutes) minutes")
        return report
    }

    /// ``verificationReport(at:blindedKey:)``, thrown as a ``VerificationError`` when any check failed.
    ///
    /// ```swift
    /// do { try descriptor.verify(at: .now) } catch { print(error.report.failures) }
    /// ```
    @discardableResult
    public func verify(at time: Date, blindedKey: [UInt8]? = nil) throws(VerificationError) -> VerificationReport {
        try verificationReport(at: time, blindedKey: blindedKey).validated()
    }

    /// The signed message: tor's prefix, then the document from its first keyword through the
    /// newline before `signature `.
    var signedMessage: [UInt8] { Self.signaturePrefix + rawBytes[signedRange] }
}
