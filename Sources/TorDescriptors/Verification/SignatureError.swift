/// Why a key could not be read or a signature did not verify.
///
/// ```swift
/// do { try key.verify(signature, for: digest) }
/// catch .digestMismatch { print("signed something else") }
/// ```
public enum SignatureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key's encoding is not acceptable (reason given).
    case malformedKey(String)
    /// A signature longer than the modulus (or empty).
    case badSignatureLength(expected: Int, actual: Int)
    /// The signature, read as a number, is not below the modulus.
    case signatureNotBelowModulus
    /// The recovered block is not PKCS#1 v1.5 type-1 padding (reason given).
    case badPadding(String)
    /// The signed message has a different length from the expected one.
    case signedLengthMismatch(expected: Int, actual: Int)
    /// The signed message has the right length but different bytes.
    case digestMismatch
    /// An Ed25519 key or signature is not 32/64 bytes, or the signature does not verify.
    case ed25519Invalid(String)

    public var description: String {
        switch self {
        case .malformedKey(let why): "malformed RSA key: \(why)"
        case .badSignatureLength(let expected, let actual): "signature is \(actual) bytes, modulus is \(expected)"
        case .signatureNotBelowModulus: "signature is not below the modulus"
        case .badPadding(let why): "bad PKCS#1 v1.5 padding: \(why)"
        case .signedLengthMismatch(let expected, let actual): "signature covers \(actual) bytes, expected \(expected)"
        case .digestMismatch: "signature covers a different digest"
        case .ed25519Invalid(let why): "Ed25519: \(why)"
        }
    }
}
