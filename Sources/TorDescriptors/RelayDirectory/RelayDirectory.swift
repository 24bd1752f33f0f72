/// A v1 router directory (dir-spec-v1, tor 0.0.x–0.1.x, 2004–2007; CollecTor and metrics-lib
/// `@type directory 1.0`): one directory authority's signed list of every router descriptor it
/// accepted, with the routers it believed running.
///
/// It opens with `signed-directory` and a short header (`published`, `recommended-software`,
/// `router-status` or the older `running-routers`, and `dir-signing-key`, the authority's
/// identity key); then the full server descriptors; `directory-signature` closes it. The
/// descriptors are parsed as server descriptors in the same mode, each on its own: one that
/// fails is kept as its error and never hides the others.
///
/// ```swift
/// let directory = try RelayDirectory(parsing: bytes[...])
/// print(directory.published, directory.statusEntries.filter(\.isLive).count)
/// let relays = directory.serverDescriptors.compactMap { try? $0.get() }
/// let report = directory.verificationReport()   // dir-signing-key signed the directory
/// ```
public struct RelayDirectory: ParsableDocument, Sendable {
    public static let startKeywords = ["signed-directory"]
    public static var documentKind: DocumentKind { .relayDirectory }

    /// One router of `router-status` (or `running-routers`): a verified router by nickname
    /// (with its fingerprint in `router-status`), an unverified one by `$`fingerprint; `!` marks
    /// a router the authority did not find running.
    ///
    /// ```swift
    /// let running = directory.statusEntries.filter { $0.isLive && $0.isVerified }.compactMap(\.nickname)
    /// ```
    public struct StatusEntry: Sendable, Hashable {
        public let nickname: String?
        public let fingerprint: Fingerprint?
        /// Not marked `!`: the authority believed the router running.
        public let isLive: Bool
        /// Named by nickname: the authority had verified (approved) the router.
        public let isVerified: Bool
    }

    /// The bytes the directory was parsed from (annotations included).
    public let rawBytes: ArraySlice<UInt8>
    /// `@type` annotations before the first line.
    public let annotations: [Annotation]
    /// Line number of the first line of ``rawBytes``.
    public let firstLine: Int
    /// `published`.
    public let published: TorTimestamp?
    /// `recommended-software`: the tor versions the authority recommended.
    public let recommendedSoftware: [String]
    /// `router-status` entries, or `running-routers` ones when the directory has only those.
    public let statusEntries: [StatusEntry]
    /// Which line ``statusEntries`` came from: `router-status` or `running-routers`.
    public let statusKeyword: String?
    /// DER of `dir-signing-key` (the authority's identity key; the earliest directories wrote it
    /// base64 on the keyword's line instead of as an object).
    public let signingKey: [UInt8]?
    /// The server descriptors, in order; each one that did not parse is its error (lines
    /// counted in the directory).
    public let serverDescriptors: [Result<ServerDescriptor, DescriptorParseError>]
    /// The nickname on `directory-signature` and the signature bytes.
    public let signingAuthority: String?
    public let signature: [UInt8]?
    /// What the signature covers: `signed-directory` through the newline of the
    /// `directory-signature` line.
    public let signedRange: Range<Int>?
    /// Header and footer lines with keywords this library does not know.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Problems lenient parsing stepped over.
    public let warnings: [DescriptorParseError]

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let parsed = try RelayDirectoryParser(slice: slice, mode: mode).parse()
        rawBytes = slice.bytes
        firstLine = slice.firstLine
        annotations = parsed.annotations
        published = parsed.published
        recommendedSoftware = parsed.recommendedSoftware
        statusEntries = parsed.statusEntries
        statusKeyword = parsed.statusKeyword
        signingKey = parsed.signingKey
        serverDescriptors = parsed.serverDescriptors
        signingAuthority = parsed.signingAuthority
        signature = parsed.signature
        signedRange = parsed.signedRange
        unrecognizedLines = parsed.unrecognized
        warnings = parsed.warnings
    }

    /// The SHA-1 of the signed part (`.hex` is metrics-lib's `getDigestSha1Hex`).
    public var digest: SHA1DigestValue? { signedRange.map { Digest.sha1Value(rawBytes[$0]) } }

    /// The one check a v1 directory allows: `dir-signing-key` signed the SHA-1 of the signed
    /// part (PKCS#1 v1.5 over the bare digest, as tor signs). The key is the authority's
    /// identity, named by its fingerprint in the check; whether that authority was trusted is
    /// the caller's question (tor 0.1.x pinned its authorities' keys).
    public func verificationReport() -> VerificationReport {
        guard let signingKey, let key = try? RSAPublicKey(der: signingKey) else {
            return VerificationReport(document: .relayDirectory, firstLine: firstLine,
                                      checks: [VerificationCheck(.signedPart, .failed("no usable dir-signing-key"))])
        }
        let identity = Fingerprint(bytes: Digest.sha1(signingKey))
        guard let signedRange, let signature else {
            return VerificationReport(document: .relayDirectory, firstLine: firstLine,
                                      checks: [VerificationCheck(.signedPart, .failed("no directory-signature"))])
        }
        return VerificationReport(document: .relayDirectory, firstLine: firstLine,
                                  checks: [.signedPart(key: key, identity: identity, signature: signature, signed: rawBytes[signedRange])])
    }
}

extension RelayDirectory: StemJSONRepresentable {
    /// metrics-lib's `RelayDirectory` in snake_case (Stem does not read v1 directories); the
    /// server descriptors print as their own lines after it (``stemJSONEntries``).
    public var stemJSON: JSONValue {
        .object([
            ("published", .optional(published) { .string($0.description) }),
            ("recommended_software", .array(recommendedSoftware.map(JSONValue.string))),
            ("status_keyword", .optional(statusKeyword) { .string($0) }),
            ("router_status_entries", .array(statusEntries.map { entry in
                .object([("nickname", .optional(entry.nickname) { .string($0) }),
                         ("fingerprint", .optional(entry.fingerprint) { .string($0.hex) }),
                         ("is_live", .bool(entry.isLive)), ("is_verified", .bool(entry.isVerified))])
            })),
            ("dir_signing_key_digest", .optional(signingKey) { .string(Hex.encode(Digest.sha1($0))) }),
            ("server_descriptors", .int(serverDescriptors.count)),
            ("server_descriptor_failures", .int(serverDescriptors.filter { if case .failure = $0 { true } else { false } }.count)),
            ("nickname", .optional(signingAuthority) { .string($0) }),
            ("digest_sha1_hex", .optional(digest) { .string($0.hex) }),
        ])
    }

    /// The directory's server descriptors that parsed, one JSON object each (Stem's server
    /// descriptor names, as `tordesc parse --json` prints a server descriptor).
    public var stemJSONEntries: [JSONValue] { serverDescriptors.compactMap { try? $0.get().stemJSON } }
}
