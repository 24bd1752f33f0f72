import TorDescriptors

/// The few parts of a DER X.509 certificate that tor's link handshake needs (tor-spec
/// "CERTS cells", types 1 and 2): the signed `tbsCertificate` bytes, the signature and its
/// algorithm, the validity period, and the RSA subject key as a PKCS#1 `RSAPublicKey` DER.
///
/// A deliberately small reader (about 150 lines instead of the swift-certificates and
/// swift-asn1 dependency): tor's link certificates are RSA, signed with SHA-256 (older
/// relays: SHA-1), and nothing else in them is checked by tor.
///
/// ```swift
/// let identity = try X509Certificate(der: certsCellEntry)
/// try identity.verifySignature(by: identity.subjectKey)   // self-signed
/// ```
public struct X509Certificate: Sendable, Hashable {
    /// The whole certificate as received.
    public let der: [UInt8]
    /// The `tbsCertificate` element (what the signature covers), header included.
    public let signedBytes: ArraySlice<UInt8>
    /// The subjectPublicKeyInfo element, header included (compared to match keys).
    public let subjectPublicKeyInfo: ArraySlice<UInt8>
    /// The subject key's `RSAPublicKey` DER.
    public let subjectKeyDER: [UInt8]
    public let signatureAlgorithm: SignatureAlgorithm
    public let signature: [UInt8]
    /// Validity, seconds since 1970.
    public let notBefore: Int64
    public let notAfter: Int64

    /// The signature algorithms a relay's link and identity certificates use.
    public enum SignatureAlgorithm: Sendable, Hashable { case sha1WithRSA, sha256WithRSA }

    /// The subject key as an RSA key.
    public var subjectKey: RSAPublicKey { get throws(LinkError) {
        do { return try RSAPublicKey(der: subjectKeyDER) } catch { throw .certificates("certificate key: \(error)") }
    } }

    public init(der: [UInt8]) throws(LinkError) {
        self.der = der
        var outer = DERReader(der[...])
        var certificate = try outer.enter(tag: 0x30, "Certificate")
        guard outer.isAtEnd else { throw .certificates("bytes after the X.509 certificate") }
        let tbs = try certificate.element(tag: 0x30, "tbsCertificate")
        signedBytes = tbs.whole
        var algorithm = try certificate.enter(tag: 0x30, "signatureAlgorithm")
        signatureAlgorithm = try Self.algorithm(oid: try algorithm.element(tag: 0x06, "algorithm OID").content)
        let bits = try certificate.element(tag: 0x03, "signatureValue").content
        guard bits.first == 0 else { throw .certificates("signature BIT STRING with unused bits") }
        signature = Array(bits.dropFirst())

        var fields = DERReader(tbs.content)
        if fields.peekTag == 0xA0 { _ = try fields.element(tag: 0xA0, "version") }
        _ = try fields.element(tag: 0x02, "serialNumber")
        _ = try fields.element(tag: 0x30, "signature")
        _ = try fields.element(tag: 0x30, "issuer")
        var validity = try fields.enter(tag: 0x30, "validity")
        notBefore = try validity.time("notBefore")
        notAfter = try validity.time("notAfter")
        _ = try fields.element(tag: 0x30, "subject")
        let spki = try fields.element(tag: 0x30, "subjectPublicKeyInfo")
        subjectPublicKeyInfo = spki.whole
        var keyInfo = DERReader(spki.content)
        var keyAlgorithm = try keyInfo.enter(tag: 0x30, "subjectPublicKeyInfo algorithm")
        guard try keyAlgorithm.element(tag: 0x06, "key algorithm OID").content.elementsEqual(Self.rsaEncryption) else {
            throw .certificates("subject key is not an RSA key")
        }
        let keyBits = try keyInfo.element(tag: 0x03, "subjectPublicKey").content
        guard keyBits.first == 0 else { throw .certificates("subject key BIT STRING with unused bits") }
        subjectKeyDER = Array(keyBits.dropFirst())
    }

    /// Throws unless `key` made the certificate's signature (PKCS#1 v1.5 over a DigestInfo).
    public func verifySignature(by key: RSAPublicKey) throws(LinkError) {
        let digestInfo: [UInt8] = switch signatureAlgorithm {
        case .sha256WithRSA: Self.sha256DigestInfoPrefix + Digest.sha256(signedBytes)
        case .sha1WithRSA: Self.sha1DigestInfoPrefix + Digest.sha1(signedBytes)
        }
        do { try key.verify(signature, for: digestInfo) } catch { throw .certificates("X.509 signature: \(error)") }
    }

    /// Whether `time` (seconds since 1970) lies in the validity period widened by `slop`
    /// seconds on both sides (clock skew).
    public func isValid(at time: Int64, slop: Int64) -> Bool { time >= notBefore - slop && time <= notAfter + slop }

    static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
    static let sha1DigestInfoPrefix: [UInt8] = [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A, 0x05, 0x00, 0x04, 0x14]
    static let sha256DigestInfoPrefix: [UInt8] = [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
                                                  0x05, 0x00, 0x04, 0x20]

    private static func algorithm(oid: ArraySlice<UInt8>) throws(LinkError) -> SignatureAlgorithm {
        let pkcs1: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01]
        guard oid.count == 9, oid.prefix(8).elementsEqual(pkcs1) else { throw .certificates("signature algorithm is not RSA PKCS#1") }
        switch oid.last! {
        case 0x05: return .sha1WithRSA
        case 0x0B: return .sha256WithRSA
        default: throw .certificates("unsupported RSA signature algorithm \(oid.last!)")
        }
    }
}

/// Reads DER tag-length-value elements without trapping on short or lying lengths.
struct DERReader {
    var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }
    var peekTag: UInt8? { bytes.first }

    struct Element { let whole: ArraySlice<UInt8>; let content: ArraySlice<UInt8> }

    mutating func element(tag: UInt8, _ name: String) throws(LinkError) -> Element {
        guard let actual = bytes.first else { throw .certificates("X.509 \(name) missing") }
        guard actual == tag else { throw .certificates("X.509 \(name): tag \(actual), expected \(tag)") }
        var index = bytes.startIndex + 1
        guard index < bytes.endIndex else { throw .certificates("X.509 \(name): no length") }
        var length = Int(bytes[index]); index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...3).contains(count), bytes.endIndex - index >= count else { throw .certificates("X.509 \(name): bad length") }
            length = 0
            for _ in 0..<count { length = length << 8 | Int(bytes[index]); index += 1 }
        }
        guard bytes.endIndex - index >= length else { throw .certificates("X.509 \(name): length \(length) past the end") }
        let element = Element(whole: bytes[bytes.startIndex..<(index + length)], content: bytes[index..<(index + length)])
        bytes = bytes[(index + length)...]
        return element
    }

    mutating func enter(tag: UInt8, _ name: String) throws(LinkError) -> DERReader {
        DERReader(try element(tag: tag, name).content)
    }

    /// UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) as seconds since 1970.
    mutating func time(_ name: String) throws(LinkError) -> Int64 {
        let isUTC = peekTag == 0x17
        let text = try element(tag: isUTC ? 0x17 : 0x18, name).content
        guard text.count == (isUTC ? 13 : 15), text.last == UInt8(ascii: "Z"),
              text.dropLast().allSatisfy({ (0x30...0x39).contains($0) }) else { throw .certificates("X.509 \(name): bad time") }
        var digits = text.dropLast().map { Int64($0 - 0x30) }[...]
        func next(_ n: Int) -> Int64 { defer { digits = digits.dropFirst(n) }; return digits.prefix(n).reduce(0) { $0 * 10 + $1 } }
        var year = next(isUTC ? 2 : 4)
        if isUTC { year += year < 50 ? 2000 : 1900 }
        let month = next(2), day = next(2), hour = next(2), minute = next(2), second = next(2)
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            throw .certificates("X.509 \(name): bad time")
        }
        // Days from civil (proleptic Gregorian), as in Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }
}
