import Crypto
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

/// Ed25519 signature checks (RFC 8032, through swift-crypto) with Tor's error type.
///
/// ```swift
/// try Ed25519Signature.verify(signature, of: digest, by: key)
/// ```
public enum Ed25519Signature {
    /// Throws ``SignatureError/ed25519Invalid(_:)`` unless `signature` (64 bytes) is `key`'s
    /// (32 bytes) signature of exactly `message`.
    public static func verify(_ signature: some Collection<UInt8>, of message: some DataProtocol,
                              by key: some Collection<UInt8>) throws(SignatureError) {
        guard key.count == 32 else { throw .ed25519Invalid("key is \(key.count) bytes, not 32") }
        guard signature.count == 64 else { throw .ed25519Invalid("signature is \(signature.count) bytes, not 64") }
        let publicKey: Curve25519.Signing.PublicKey
        do { publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: Array(key)) } catch {
            throw .ed25519Invalid("unusable public key")
        }
        guard publicKey.isValidSignature(Array(signature), for: message) else {
            throw .ed25519Invalid("signature does not verify")
        }
    }

    /// Whether `signature` is `key`'s signature of `message`.
    public static func isValid(_ signature: some Collection<UInt8>, of message: some DataProtocol,
                               by key: some Collection<UInt8>) -> Bool {
        (try? verify(signature, of: message, by: key)) != nil
    }
}
