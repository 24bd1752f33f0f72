/// A Tor Ed25519 certificate (cert-spec §2.1), as found in `identity-ed25519`,
/// `ntor-onion-key-crosscert` and `family-cert` objects and in hidden-service descriptors.
///
/// Layout: version (1 byte, always 1), cert type (1), expiration in hours since the epoch (4,
/// big-endian), certified key type (1), certified key (32), extension count (1), extensions
/// (each: data length (2), type (1), flags (1), data), then a 64-byte Ed25519 signature over
/// everything before it. The signature is not verified here.
///
/// ```swift
/// let cert = try Ed25519Certificate(bytes: Base64.decode(objectBody)!)
/// print(cert.certType, cert.expiration, cert.signingKey.map { Base64.encode($0) } ?? "-")
/// ```
public struct Ed25519Certificate: Sendable, Hashable {
    /// A certificate extension (cert-spec §2.2).
    public struct Extension: Sendable, Hashable {
        /// Extension type; ``Ed25519Certificate/signedWithKeyExtension`` (4) carries the signing key.
        public let type: UInt8
        /// Flags; bit 0 set means "affects validation": a verifier that does not know the type must reject.
        public let flags: UInt8
        public let data: [UInt8]

        public var affectsValidation: Bool { flags & 1 == 1 }
    }

    /// Extension type 4, "signed-with-ed25519-key": its 32 bytes are the key that signed the certificate.
    public static let signedWithKeyExtension: UInt8 = 4

    /// Well-known `certType` values (cert-spec appendix A.1).
    public enum CertType {
        /// Ed25519 signing key, signed with the identity key (`identity-ed25519`).
        public static let signingKey: UInt8 = 0x04
        /// TLS link certificate signed with the signing key.
        public static let linkCertificate: UInt8 = 0x05
        /// Ed25519 authentication key signed with the signing key.
        public static let authenticationKey: UInt8 = 0x06
        /// Onion service: descriptor signing key signed with the blinded key.
        public static let hsDescriptorSigning: UInt8 = 0x08
        /// Onion service: introduction point authentication key.
        public static let hsIntroductionAuthentication: UInt8 = 0x09
        /// Ed25519 identity signed with the ntor onion key (`ntor-onion-key-crosscert`).
        public static let ntorOnionKeyCrosscert: UInt8 = 0x0A
        /// Onion service: introduction point encryption key.
        public static let hsIntroductionEncryption: UInt8 = 0x0B
        /// Relay identity signed with a family key (`family-cert`).
        public static let familyIdentity: UInt8 = 0x0C
    }

    /// Format version; only 1 exists.
    public let version: UInt8
    /// What the certificate certifies, see ``CertType``.
    public let certType: UInt8
    /// Hours since 1970-01-01 00:00 UTC after which the certificate is invalid, as encoded.
    public let expirationHours: UInt32
    /// Type of ``certifiedKey``: 1 = Ed25519 key, 2/3 = SHA-256 of an RSA key / X.509 certificate.
    public let certifiedKeyType: UInt8
    /// The 32-byte certified key (or digest). Copied out of ``rawBytes`` on access, like
    /// ``signature``: every relay descriptor holds two certificates, and storing both copies
    /// cost four allocations per descriptor parsed.
    public var certifiedKey: [UInt8] { Array(rawBytes[7..<39]) }
    public let extensions: [Extension]
    /// The 64-byte Ed25519 signature.
    public var signature: [UInt8] { Array(rawBytes[(rawBytes.count - 64)...]) }
    /// The whole certificate as decoded.
    public let rawBytes: [UInt8]

    /// The expiration as a timestamp.
    public var expiration: TorTimestamp { TorTimestamp(secondsSince1970: Int64(expirationHours) * 3600) }

    /// The bytes the signature covers: everything but the signature.
    public var signedBytes: ArraySlice<UInt8> { rawBytes[0..<(rawBytes.count - 64)] }

    /// The data of the first signed-with-ed25519-key extension, if any.
    public var signingKey: [UInt8]? {
        extensions.first { $0.type == Self.signedWithKeyExtension }?.data
    }

    /// Decodes a certificate.
    public init(bytes: [UInt8]) throws(Ed25519CertificateError) {
        // Header (39 bytes) plus signature (64) is the minimum.
        guard bytes.count >= 39 + 64 else { throw .tooShort(bytes.count) }
        guard bytes[0] == 1 else { throw .unsupportedVersion(bytes[0]) }
        version = bytes[0]
        certType = bytes[1]
        expirationHours = UInt32(bytes[2]) << 24 | UInt32(bytes[3]) << 16 | UInt32(bytes[4]) << 8 | UInt32(bytes[5])
        certifiedKeyType = bytes[6]
        let count = Int(bytes[39])
        let end = bytes.count - 64
        var position = 40
        var extensions: [Extension] = []
        extensions.reserveCapacity(count)
        for index in 0..<count {
            guard position + 4 <= end else { throw .truncatedExtension(index: index) }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            let type = bytes[position + 2]
            let flags = bytes[position + 3]
            position += 4
            guard position + length <= end else { throw .truncatedExtension(index: index) }
            if type == Self.signedWithKeyExtension, length != 32 { throw .badSigningKeyLength(length) }
            extensions.append(Extension(type: type, flags: flags, data: Array(bytes[position..<(position + length)])))
            position += length
        }
        guard position == end else { throw .unusedBytes(end - position) }
        self.extensions = extensions
        rawBytes = bytes
    }

    /// Decodes base64 (line breaks and missing padding accepted), e.g. an object body.
    public init(base64: some Collection<UInt8>) throws(Ed25519CertificateError) {
        guard let bytes = Base64.decode(base64) else { throw .invalidBase64 }
        try self.init(bytes: bytes)
    }
}

/// Why an ``Ed25519Certificate`` could not be decoded.
///
/// ```swift
/// do { _ = try Ed25519Certificate(bytes: raw) } catch { print(error) }   // e.g. "certificate is 12 bytes, ..."
/// ```
public enum Ed25519CertificateError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidBase64
    case tooShort(Int)
    case unsupportedVersion(UInt8)
    case truncatedExtension(index: Int)
    case badSigningKeyLength(Int)
    case unusedBytes(Int)

    public var description: String {
        switch self {
        case .invalidBase64: return "certificate is not valid base64"
        case .tooShort(let count): return "certificate is \(count) bytes, at least 103 are needed"
        case .unsupportedVersion(let version): return "unsupported certificate version \(version)"
        case .truncatedExtension(let index): return "extension \(index) runs past the signature"
        case .badSigningKeyLength(let length): return "signed-with-ed25519-key extension has \(length) bytes, not 32"
        case .unusedBytes(let count): return "\(count) bytes between the extensions and the signature"
        }
    }
}
