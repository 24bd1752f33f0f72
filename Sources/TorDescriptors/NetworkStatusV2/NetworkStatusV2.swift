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

/// A v2 network status (dir-spec v2, 2005–2008; CollecTor `@type network-status-2 1.0`): one
/// directory authority's own list of routers, signed by it alone. Obsolete since tor 0.2.0's
/// v3 consensus, kept for research over CollecTor's early archive.
///
/// The header says which authority wrote it (`dir-source`, `fingerprint`, `contact`,
/// `dir-signing-key`) and what it recommended; entries are `r`/`s`/`v` lines read by the same
/// scanner as consensus entries; `directory-signature` closes it.
///
/// ```swift
/// let status = try NetworkStatusV2(parsing: bytes[...])
/// print(status.published, status.hostname ?? "-", status.entries.count)
/// let report = status.verificationReport()   // fingerprint = SHA-1(dir-signing-key), signature
/// ```
public struct NetworkStatusV2: ParsableDocument, Sendable {
    public static let startKeywords = ["network-status-version"]

    /// The bytes the status was parsed from (annotations included).
    public let rawBytes: ArraySlice<UInt8>
    /// `@type` annotations before the first line.
    public let annotations: [Annotation]
    /// Line number of the first line of ``rawBytes``.
    public let firstLine: Int
    /// `network-status-version` (2).
    public let version: Int
    /// `dir-source` hostname, address and DirPort of the authority.
    public let hostname: String?
    public let address: IPAddress?
    public let dirPort: UInt16?
    /// `fingerprint`: the authority's identity (SHA-1 of ``signingKey``).
    public let fingerprint: Fingerprint?
    /// `contact`, as written.
    public let contact: String?
    /// `published`.
    public let published: TorTimestamp?
    /// `dir-options` words (`Names`, `Versions`, `BadExits`, `BadDirectories`).
    public let options: [String]
    /// `client-versions` and `server-versions`, comma-separated lists.
    public let clientVersions: [String]
    public let serverVersions: [String]
    /// The DER bytes of the `dir-signing-key` object (the authority's identity key in v2).
    public let signingKey: [UInt8]?
    /// Router status entries in document order.
    public let entries: [RouterStatusEntry]
    /// The nickname of `directory-signature` and the signature bytes.
    public let signingAuthority: String?
    public let signature: [UInt8]?
    /// What the signature covers: `network-status-version` through the newline of the
    /// `directory-signature` line.
    public let signedRange: Range<Int>?
    /// Header and footer lines with keywords this library does not know.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Problems lenient parsing stepped over.
    public let warnings: [DescriptorParseError]

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let parsed = try NetworkStatusV2Parser(slice: slice, mode: mode).parse()
        rawBytes = slice.bytes
        firstLine = slice.firstLine
        annotations = parsed.annotations
        version = parsed.version
        hostname = parsed.hostname
        address = parsed.address
        dirPort = parsed.dirPort
        fingerprint = parsed.fingerprint
        contact = parsed.contact
        published = parsed.published
        options = parsed.options
        clientVersions = parsed.clientVersions
        serverVersions = parsed.serverVersions
        signingKey = parsed.signingKey
        entries = parsed.entries
        signingAuthority = parsed.signingAuthority
        signature = parsed.signature
        signedRange = parsed.signedRange
        unrecognizedLines = parsed.unrecognized
        warnings = parsed.warnings
    }

    public static var documentKind: DocumentKind { .networkStatusV2 }

    /// The checks a v2 status allows: `fingerprint` is SHA-1 of `dir-signing-key`, and that key
    /// signed SHA-1 of the signed part (PKCS#1 v1.5 over the bare digest, as tor signs).
    public func verificationReport() -> VerificationReport {
        var checks: [VerificationCheck] = []
        guard let signingKey, let key = try? RSAPublicKey(der: signingKey) else {
            return VerificationReport(document: .networkStatusV2, firstLine: firstLine,
                                      checks: [VerificationCheck(.fingerprint, .failed("no usable dir-signing-key"))])
        }
        let identity = Fingerprint(bytes: Digest.sha1(signingKey))
        checks.append(VerificationCheck(.fingerprint, identity == fingerprint ? .passed
                                        : .failed("fingerprint \(fingerprint?.hex ?? "-") is not SHA-1(dir-signing-key) \(identity?.hex ?? "-")")))
        guard let signedRange, let signature else {
            checks.append(VerificationCheck(.signedPart, .failed("no directory-signature")))
            return VerificationReport(document: .networkStatusV2, firstLine: firstLine, checks: checks)
        }
        checks.append(.signedPart(key: key, identity: identity, signature: signature, signed: rawBytes[signedRange]))
        return VerificationReport(document: .networkStatusV2, firstLine: firstLine, checks: checks)
    }
}

extension NetworkStatusV2: StemJSONRepresentable {
    /// Stem's `NetworkStatusDocumentV2` attribute names; entries print their own objects.
    public var stemJSON: JSONValue {
        .object([
            ("version", .int(version)),
            ("hostname", .optional(hostname) { .string($0) }),
            ("address", .optional(address) { .string($0.description) }),
            ("dir_port", .optional(dirPort) { .int(Int($0)) }),
            ("fingerprint", .optional(fingerprint) { .string($0.hex) }),
            ("contact", .optional(contact) { .string($0) }),
            ("published", .optional(published) { .string($0.description) }),
            ("options", .array(options.map(JSONValue.string))),
            ("client_versions", .array(clientVersions.map(JSONValue.string))),
            ("server_versions", .array(serverVersions.map(JSONValue.string))),
            ("signing_authority", .optional(signingAuthority) { .string($0) }),
        ])
    }
}
