#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// A CERTS cell (tor-spec "CERTS cells"): typed certificates the responder uses to prove its
/// identity. Parse with ``init(payload:)``, then check with ``validate(tlsCertificateDER:expected:now:)``.
///
/// ```swift
/// let certs = try CertsCell(payload: cell.payload)
/// let identity = try certs.validate(tlsCertificateDER: leaf, expected: fingerprint, now: Date())
/// ```
public struct CertsCell: Sendable, Hashable {
    /// One certificate of the cell: its type and its encoded bytes.
    public struct Entry: Sendable, Hashable {
        public let type: UInt8
        public let body: [UInt8]
    }

    public let entries: [Entry]

    /// Certificate types of tor-spec.
    public enum CertType {
        public static let tlsLink: UInt8 = 1
        public static let rsaIdentity: UInt8 = 2
        public static let ed25519SigningKey: UInt8 = 4
        public static let ed25519TLSLink: UInt8 = 5
        public static let rsaEd25519CrossCert: UInt8 = 7
    }

    public init(payload: [UInt8]) throws(LinkError) {
        var reader = PayloadReader(payload, what: "CERTS")
        let count = try reader.u8()
        var entries: [Entry] = []
        for _ in 0..<count {
            let type = try reader.u8()
            let length = Int(try reader.u16())
            entries.append(Entry(type: type, body: Array(try reader.take(length))))
        }
        self.entries = entries
    }

    /// The one certificate of `type`; `nil` when absent, an error when repeated.
    func single(_ type: UInt8) throws(LinkError) -> [UInt8]? {
        let matching = entries.filter { $0.type == type }
        guard matching.count <= 1 else { throw .certificates("\(matching.count) certificates of type \(type)") }
        return matching.first?.body
    }

    /// Checks the certificates as a client checks a relay (tor-spec "Validating a
    /// responder's CERTS cell"):
    /// - exactly one RSA identity certificate (type 2), a self-signed 1024-bit key, within its
    ///   validity; its key's SHA-1 equals `expected` (when given), else ``LinkError/identityMismatch(expected:actual:)``;
    /// - when Ed25519 certificates are present, all of types 4, 5 and 7: the RSA→Ed25519
    ///   cross-certificate (7) is signed by the RSA identity and names the Ed25519 identity
    ///   that signed the signing-key certificate (4), which signed the link certificate (5),
    ///   which certifies the SHA-256 of `tlsCertificateDER`;
    /// - otherwise the link certificate (type 1) is signed by the RSA identity and has the
    ///   same subject key as `tlsCertificateDER`.
    public func validate(tlsCertificateDER: [UInt8], expected: Fingerprint?, now: Date) throws(LinkError) -> RelayIdentity {
        let seconds = Int64(now.timeIntervalSince1970)
        guard let identityDER = try single(CertType.rsaIdentity) else { throw .certificates("no RSA identity certificate (type 2)") }
        let identityCert = try X509Certificate(der: identityDER)
        let identityKey = try identityCert.subjectKey
        // The fingerprint first: a relay with another identity is named as such, whatever else is wrong.
        let fingerprint = identityKey.fingerprint
        if let expected, expected != fingerprint { throw .identityMismatch(expected: expected, actual: fingerprint) }
        guard identityKey.bitCount == 1024 else { throw .certificates("RSA identity key has \(identityKey.bitCount) bits, not 1024") }
        try identityCert.verifySignature(by: identityKey)
        guard identityCert.isValid(at: seconds, slop: Self.clockSlop) else { throw .certificates("RSA identity certificate is not valid now") }

        let signing = try single(CertType.ed25519SigningKey), link = try single(CertType.ed25519TLSLink)
        let cross = try single(CertType.rsaEd25519CrossCert)
        if signing != nil || link != nil || cross != nil {
            guard let signing, let link, let cross else { throw .certificates("Ed25519 certificates incomplete: types 4, 5 and 7 are all needed") }
            let ed25519 = try Self.verifyEd25519Chain(signing: signing, link: link, cross: cross, identityKey: identityKey,
                                                      tlsCertificateDER: tlsCertificateDER, now: now)
            return RelayIdentity(fingerprint: fingerprint, rsaIdentity: identityKey, ed25519Identity: ed25519)
        }
        guard let linkDER = try single(CertType.tlsLink) else { throw .certificates("no link certificate (type 1 or 5)") }
        let linkCert = try X509Certificate(der: linkDER)
        try linkCert.verifySignature(by: identityKey)
        guard linkCert.isValid(at: seconds, slop: Self.clockSlop) else { throw .certificates("link certificate (type 1) is not valid now") }
        let tls = try X509Certificate(der: tlsCertificateDER)
        guard tls.subjectPublicKeyInfo.elementsEqual(linkCert.subjectPublicKeyInfo) else {
            throw .certificates("TLS certificate key is not the one the link certificate (type 1) certifies")
        }
        return RelayIdentity(fingerprint: fingerprint, rsaIdentity: identityKey, ed25519Identity: nil)
    }

    /// Two days of clock skew either way on X.509 validity, as tor allows its peers.
    static let clockSlop: Int64 = 2 * 86_400

    private static func verifyEd25519Chain(signing: [UInt8], link: [UInt8], cross: [UInt8], identityKey: RSAPublicKey,
                                           tlsCertificateDER: [UInt8], now: Date) throws(LinkError) -> [UInt8] {
        // Type 7: ED25519_KEY [32] EXPIRATION_DATE [4] SIGLEN [1] SIGNATURE [SIGLEN]; the RSA
        // key signs SHA-256("Tor TLS RSA/Ed25519 cross-certificate" | key | expiration).
        var reader = PayloadReader(cross, what: "RSA->Ed25519 cross-certificate")
        let ed25519Identity = Array(try reader.take(32))
        let expirationHours = try reader.u32()
        let signatureLength = Int(try reader.u8())
        let signature = try reader.take(signatureLength)
        guard reader.remaining == 0 else { throw .certificates("bytes after the cross-certificate signature") }
        let digest = Digest.sha256(Array("Tor TLS RSA/Ed25519 cross-certificate".utf8) + cross[0..<36])
        do { try identityKey.verify(signature, for: digest) } catch {
            throw .certificates("RSA->Ed25519 cross-certificate (type 7): \(error)")
        }
        guard Int64(expirationHours) * 3600 >= Int64(now.timeIntervalSince1970) else {
            throw .certificates("RSA->Ed25519 cross-certificate (type 7) expired")
        }
        let signingCert: Ed25519Certificate, linkCert: Ed25519Certificate
        do {
            signingCert = try Ed25519Certificate(bytes: signing)
            linkCert = try Ed25519Certificate(bytes: link)
        } catch { throw .certificates("Ed25519 certificate: \(error)") }
        do { try signingCert.verify(expectedType: Ed25519Certificate.CertType.signingKey, signedBy: ed25519Identity, at: now) } catch {
            throw .certificates("identity->signing certificate (type 4): \(error)")
        }
        guard signingCert.signingKey == ed25519Identity else {
            throw .certificates("identity->signing certificate (type 4) does not name the cross-certified Ed25519 identity")
        }
        // Type 5 certifies a SHA-256 digest (key type 3), which `verify(expectedType:)` does
        // not accept, so its checks are spelled out here.
        guard linkCert.certType == Ed25519Certificate.CertType.linkCertificate, linkCert.certifiedKeyType == 3 else {
            throw .certificates("signing->link certificate (type 5) has cert type \(linkCert.certType), key type \(linkCert.certifiedKeyType)")
        }
        guard linkCert.unknownCriticalExtensions.isEmpty else { throw .certificates("signing->link certificate (type 5): unknown critical extension") }
        if let included = linkCert.signingKey, included != signingCert.certifiedKey {
            throw .certificates("signing->link certificate (type 5) names another signing key")
        }
        do { try Ed25519Signature.verify(linkCert.signature, of: linkCert.signedBytes, by: signingCert.certifiedKey) } catch {
            throw .certificates("signing->link certificate (type 5): \(error)")
        }
        guard !linkCert.isExpired(at: now) else { throw .certificates("signing->link certificate (type 5) expired") }
        guard linkCert.certifiedKey == Digest.sha256(tlsCertificateDER) else {
            throw .certificates("TLS certificate is not the one the signing->link certificate (type 5) certifies")
        }
        return ed25519Identity
    }
}

/// The identity a relay proved in its CERTS cell.
///
/// ```swift
/// print(identity.fingerprint, identity.ed25519Identity.map(Hex.encode) ?? "RSA only")
/// ```
public struct RelayIdentity: Sendable, Hashable {
    /// SHA-1 of the RSA identity key's DER.
    public let fingerprint: Fingerprint
    public let rsaIdentity: RSAPublicKey
    /// The Ed25519 identity key, when the relay sent Ed25519 certificates.
    public let ed25519Identity: [UInt8]?
}
