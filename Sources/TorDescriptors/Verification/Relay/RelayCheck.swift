import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Names of the checks in relay-side ``VerificationReport``s (server descriptors, extra-info,
/// cross-document digests), so callers can look a check up: `report[RelayCheck.routerSignature]`.
///
/// ```swift
/// if case .failed(let why)? = report[RelayCheck.ntorOnionKeyCrosscert] { print(why) }
/// ```
public enum RelayCheck {
    public static let fingerprint = "fingerprint = SHA-1(signing-key)"
    public static let routerSignature = "router-signature"
    public static let identityCertificate = "identity-ed25519"
    public static let identityExpiry = "identity-ed25519 expiry"
    public static let masterKey = "master-key-ed25519 = identity-ed25519 signer"
    public static let ed25519Signature = "router-sig-ed25519"
    public static let onionKeyCrosscert = "onion-key-crosscert"
    public static let ntorOnionKeyCrosscert = "ntor-onion-key-crosscert"
    public static let ntorOnionKeyCrosscertExpiry = "ntor-onion-key-crosscert expiry"
    /// Followed by the family id (`family-cert ed25519:…`), one check per certificate.
    public static let familyCertificatePrefix = "family-cert"
    public static let familyCertificates = "family-cert"
    public static let published = "published not in the future"
    /// Extra-info only: the extra-info's identity certificate names the server descriptor's master key.
    public static let sameIdentity = "identity-ed25519 = server descriptor's"
    /// Cross-document digest checks.
    public static let descriptorDigest = "r descriptor digest = SHA-1(server descriptor)"
    public static let microdescriptorDigest = "m digest = SHA-256(microdescriptor)"
    public static let extraInfoDigest = "extra-info-digest = SHA-1(extra-info)"
    public static let extraInfoDigestSHA256 = "extra-info-digest sha256 = SHA-256(extra-info)"

    /// The prefix tor hashes before a descriptor's content for `router-sig-ed25519`, in
    /// server descriptors and extra-info documents alike.
    static let ed25519SignaturePrefix = Array("Tor router descriptor signature v1".utf8)

    /// SHA-256(prefix ‖ content): the 32 bytes `router-sig-ed25519` signs.
    static func ed25519SignedDigest(_ content: ArraySlice<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: ed25519SignaturePrefix)
        content.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }

    /// Tor refuses descriptors published more than this far ahead of its clock (ROUTER_ALLOW_SKEW).
    public static let defaultPublishedTolerance: TimeInterval = 12 * 3600

    static let sanitizedBridge = "sanitized bridge descriptor: CollecTor removed the keys and signatures"
    static let noEd25519 = "no Ed25519 identity (descriptor older than tor 0.2.7 or identity-ed25519 absent)"

    /// `published` against `at`: failed when more than `tolerance` ahead.
    static func publishedOutcome(_ published: TorTimestamp?, at time: Date, tolerance: TimeInterval) -> VerificationCheck.Outcome {
        guard let published else { return .failed("no published time") }
        let limit = TorTimestamp(time.addingTimeInterval(tolerance))
        return published > limit
            ? .failed("published \(published), more than \(Int(tolerance)) s after \(TorTimestamp(time))")
            : .passed
    }

    static func outcome(_ body: () throws(SignatureError) -> Void) -> VerificationCheck.Outcome {
        do throws(SignatureError) {
            try body()
            return .passed
        } catch {
            return .failed(error.description)
        }
    }

    /// `ed25519:` and the unpadded base64 of a family key, as microdescriptors' `family-ids` write it.
    static func familyID(_ key: [UInt8]) -> String { "ed25519:" + Base64.encode(key, padded: false) }
}
