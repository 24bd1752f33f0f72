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

/// A directory authority's v3 key certificate (dir-spec "Creating key certificates"): the
/// long-term identity key vouching for the medium-term signing key that signs votes and
/// consensuses.
///
/// Parse one certificate, or tor's `cached-certs` (many certificates in one file):
///
/// ```swift
/// let file = Array(try Data(contentsOf: URL(fileURLWithPath: "cached-certs")))
/// for case .success(let cert) in KeyCertificate.parseAll(file[...]) {
///     print(cert.fingerprint?.hex ?? "-", cert.signingKeyDigest?.hex ?? "-", cert.expires ?? "-")
/// }
/// ```
///
/// A consensus `directory-signature` names the certificate by ``fingerprint`` (identity) and
/// ``signingKeyDigest``; ``signedDigest`` is what ``certification`` signs with the identity key.
public struct KeyCertificate: ParsableDocument, StemJSONRepresentable, Sendable {
    public static var startKeywords: [String] { ["dir-key-certificate-version"] }

    /// The bytes this certificate was parsed from, annotations included (shares the file's storage).
    public let rawBytes: ArraySlice<UInt8>
    /// `@...` lines before the certificate (`@type dir-key-certificate-3 1.0`).
    public let annotations: [Annotation]
    /// Line number of the first byte of ``rawBytes`` in its file.
    public let firstLine: Int
    /// The certificate without annotations.
    public let contentRange: Range<Int>

    /// `dir-key-certificate-version` (3 for every certificate tor has produced).
    public let version: Int
    /// `dir-address`: the authority's IPv4 address, `nil` when the line is absent.
    public let address: IPAddress?
    /// `dir-address`: the authority's directory port, `nil` when the line is absent.
    public let dirPort: Int?
    /// `fingerprint`: the authority's v3 identity (SHA-1 of ``identityKey``).
    public let fingerprint: Fingerprint?
    /// `dir-key-published`: when the signing key was certified.
    public let published: TorTimestamp?
    /// `dir-key-expires`: after this the signing key must not be trusted.
    public let expires: TorTimestamp?
    /// `dir-identity-key`: DER (PKCS#1 RSAPublicKey) of the long-term identity key.
    public let identityKey: [UInt8]?
    /// `dir-signing-key`: DER (PKCS#1 RSAPublicKey) of the medium-term signing key.
    public let signingKey: [UInt8]?
    /// `dir-key-crosscert`: the signing key's signature over the identity key's SHA-1 digest;
    /// `nil` for certificates made before tor 0.2.0 added it.
    public let crossCertificate: [UInt8]?
    /// The object type of `dir-key-crosscert` (`ID SIGNATURE`, or `SIGNATURE` as the spec also allows).
    public let crossCertificateObjectType: String?
    /// `dir-key-certification`: the identity key's signature over ``signedDigest``.
    public let certification: [UInt8]?
    /// The signed part: from `dir-key-certificate-version` through the newline after
    /// `dir-key-certification`; `nil` when that line is missing.
    public let signedRange: Range<Int>?

    /// Items this parser does not know, in order, with their objects.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Malformed values of known keywords that were skipped in lenient mode.
    public let warnings: [DescriptorParseError]

    let objectRanges: ObjectRanges

    /// Where each PEM block sits in ``rawBytes``, for Stem-compatible text output.
    struct ObjectRanges: Sendable {
        var identityKey: Range<Int>?
        var signingKey: Range<Int>?
        var crossCertificate: Range<Int>?
        var certification: Range<Int>?
    }

    // MARK: Derived values

    /// SHA-1 of the signed part: the digest ``certification`` signs.
    public var signedDigest: SHA1DigestValue? { signedRange.map { Digest.sha1Value(rawBytes[$0]) } }

    /// SHA-1 of the DER signing key: the signing-key digest that consensus and vote
    /// `directory-signature` lines reference.
    public var signingKeyDigest: Fingerprint? { signingKey.flatMap { Fingerprint(bytes: Digest.sha1($0)) } }

    /// SHA-1 of the DER identity key; equals ``fingerprint`` in a well-formed certificate.
    public var identityKeyDigest: Fingerprint? { identityKey.flatMap { Fingerprint(bytes: Digest.sha1($0)) } }

    /// Whether ``fingerprint`` is the SHA-1 of ``identityKey`` (`false` when either is missing).
    public var fingerprintMatchesIdentityKey: Bool {
        guard let fingerprint, let identityKeyDigest else { return false }
        return fingerprint == identityKeyDigest
    }

    /// Whether the certificate has expired at `time` (after ``expires``); `true` when
    /// ``expires`` is missing.
    public func isExpired(at time: TorTimestamp) -> Bool {
        guard let expires else { return true }
        return time > expires
    }

    /// Whether the certificate may be used at `time`: not expired. ``published`` is
    /// deliberately not a lower bound: authorities pre-generate certificates, and real
    /// consensuses are signed with keys whose `dir-key-published` is still in the future (tor26
    /// signed the 2021-08-29 19:00 consensus with a certificate published 2021-09-01).
    public func isValid(at time: TorTimestamp) -> Bool { !isExpired(at: time) }

    /// ``isValid(at:)`` against a `Date` (the current time by default).
    public func isValid(at date: Date = Date()) -> Bool { isValid(at: TorTimestamp(date)) }

    /// `dir-identity-key` as PEM text without a final newline, as Stem reports it.
    public var identityKeyPEM: String? { pem(objectRanges.identityKey) }
    /// `dir-signing-key` as PEM text without a final newline.
    public var signingKeyPEM: String? { pem(objectRanges.signingKey) }
    /// `dir-key-crosscert` as PEM text without a final newline.
    public var crossCertificatePEM: String? { pem(objectRanges.crossCertificate) }
    /// `dir-key-certification` as PEM text without a final newline.
    public var certificationPEM: String? { pem(objectRanges.certification) }

    private func pem(_ range: Range<Int>?) -> String? {
        guard var range else { return nil }
        // The object range ends after the END line's line break (LF or CRLF); Stem strips it.
        while range.upperBound > range.lowerBound,
              rawBytes[range.upperBound - 1] == ByteText.newline || rawBytes[range.upperBound - 1] == ByteText.carriageReturn {
            range = range.lowerBound..<(range.upperBound - 1)
        }
        return ByteText.string(rawBytes, range)
    }
}

extension KeyCertificate {
    /// Stem's `KeyCertificate` attributes in snake_case: `version`, `address`, `dir_port`,
    /// `fingerprint`, `identity_key`, `published`, `expires`, `signing_key`, `crosscert`,
    /// `certification` (keys and signatures as PEM text, times as `YYYY-MM-DD HH:MM:SS`).
    ///
    /// ```swift
    /// print(cert.stemJSON.serialized())   // {"version":3,"address":"154.35.175.225",...
    /// ```
    public var stemJSON: JSONValue {
        .object([
            ("version", .int(version)),
            ("address", .optional(address) { .string($0.description) }),
            ("dir_port", .optional(dirPort) { .int($0) }),
            ("fingerprint", .optional(fingerprint) { .string($0.hex) }),
            ("identity_key", .optional(identityKeyPEM) { .string($0) }),
            ("published", .optional(published) { .string($0.description) }),
            ("expires", .optional(expires) { .string($0.description) }),
            ("signing_key", .optional(signingKeyPEM) { .string($0) }),
            ("crosscert", .optional(crossCertificatePEM) { .string($0) }),
            ("certification", .optional(certificationPEM) { .string($0) }),
        ])
    }
}

extension KeyCertificate {
    public static var documentKind: DocumentKind { .keyCertificate }
}
