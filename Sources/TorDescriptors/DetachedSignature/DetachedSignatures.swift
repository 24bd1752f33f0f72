/// Detached signatures (dir-spec "Exchanging detached signatures"): the signatures authorities
/// exchange over a consensus they all computed, for the ns flavor and any other flavors.
///
/// ```swift
/// let signatures = try DetachedSignatures(parsing: bytes)
/// print(signatures.consensusDigest?.hex ?? "-", signatures.signatures.count)
/// for extra in signatures.additionalSignatures { print(extra.flavor, extra.signature.identity) }
/// ```
public struct DetachedSignatures: ParsableDocument, StemJSONRepresentable, Sendable {
    public static var startKeywords: [String] { ["consensus-digest"] }

    /// The bytes this document was parsed from, annotations included (shares the file's storage).
    public let rawBytes: ArraySlice<UInt8>
    /// `@...` lines before the document (`@type detached-signature-3 1.0`).
    public let annotations: [Annotation]
    /// Line number of the first byte of ``rawBytes`` in its file.
    public let firstLine: Int

    /// `consensus-digest`: the SHA-1 digest of the ns-flavored consensus being signed
    /// (``NetworkStatusConsensus/signedDigestSHA1``). `nil` when the line is missing or malformed
    /// (lenient mode then lists it in ``warnings``).
    public let consensusDigest: SHA1DigestValue?
    /// `valid-after` of the signed consensus.
    public let validAfter: TorTimestamp?
    /// `fresh-until` of the signed consensus.
    public let freshUntil: TorTimestamp?
    /// `valid-until` of the signed consensus.
    public let validUntil: TorTimestamp?
    /// `additional-digest` lines: digests of the other consensus flavors, in order.
    public let additionalDigests: [AdditionalDigest]
    /// `additional-signature` lines: signatures over the other flavors, in order.
    public let additionalSignatures: [AdditionalSignature]
    /// `directory-signature` lines: signatures over the ns-flavored consensus, in order.
    public let signatures: [DirectorySignature]

    /// Items this parser does not know, in order, with their objects.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Malformed values of known keywords that were skipped in lenient mode.
    public let warnings: [DescriptorParseError]
}

/// One `additional-digest FLAVOR ALGNAME DIGEST` line of ``DetachedSignatures``.
///
/// ```swift
/// let micro = signatures.additionalDigests.first { $0.flavor == "microdesc" }
/// print(micro?.algorithm ?? "-", micro?.digest?.base64 ?? "-")
/// ```
public struct AdditionalDigest: Sendable, Hashable {
    /// The consensus flavor, e.g. `microdesc`.
    public let flavor: String
    /// The digest algorithm name, e.g. `sha256`.
    public let algorithm: String
    /// The digest bytes decoded from the hex on the line, whatever ``algorithm`` is: the only form
    /// of a digest whose algorithm this library does not know (it cannot vouch for its length).
    public let bytes: [UInt8]
    /// Line number of the item.
    public let line: Int

    /// The typed digest when ``algorithm`` is `sha256` (the only one tor writes) and the line
    /// holds 32 bytes; `nil` otherwise: an unknown algorithm, or a sha256 value of another length
    /// (parsing takes any length, as written), whose bytes are still in ``bytes``.
    public var digest: SHA256DigestValue? { algorithm == "sha256" ? SHA256DigestValue(bytes: bytes) : nil }
}

/// One `additional-signature FLAVOR ALGNAME IDENTITY SIGNING-KEY-DIGEST` item of
/// ``DetachedSignatures``: a ``DirectorySignature`` over the `flavor` consensus.
///
/// ```swift
/// for extra in signatures.additionalSignatures where extra.flavor == "microdesc" {
///     print(extra.signature.identity, extra.signature.signingKeyDigest)
/// }
/// ```
public struct AdditionalSignature: Sendable, Hashable {
    /// The consensus flavor the signature covers, e.g. `microdesc`.
    public let flavor: String
    /// The algorithm, authority identity, signing-key digest and signature bytes.
    public let signature: DirectorySignature
}

extension DetachedSignatures {
    /// Stem's `DetachedSignature` attributes in snake_case: `consensus_digest`, `valid_after`,
    /// `fresh_until`, `valid_until`, `additional_digests` (`flavor`, `algorithm`, `digest`),
    /// `additional_signatures` and `signatures` (`method`, `identity`, `key_digest`, `signature`
    /// as PEM text, `flavor`).
    ///
    /// ```swift
    /// print(signatures.stemJSON.serialized())   // {"consensus_digest":"244E...",...
    /// ```
    public var stemJSON: JSONValue {
        func signature(_ value: DirectorySignature, flavor: String?) -> JSONValue {
            .object([
                ("method", .string(value.algorithm.description)),
                ("identity", .string(value.identity.hex)),
                ("key_digest", .string(value.signingKeyDigest.hex)),
                ("signature", .string(Self.pem(value.signature))),
                ("flavor", .optional(flavor) { .string($0) }),
            ])
        }
        return .object([
            ("consensus_digest", .optional(consensusDigest) { .string($0.hex) }),
            ("valid_after", .optional(validAfter) { .string($0.description) }),
            ("fresh_until", .optional(freshUntil) { .string($0.description) }),
            ("valid_until", .optional(validUntil) { .string($0.description) }),
            ("additional_digests", .array(additionalDigests.map {
                .object([("flavor", .string($0.flavor)), ("algorithm", .string($0.algorithm)), ("digest", .string(Hex.encode($0.bytes)))])
            })),
            ("additional_signatures", .array(additionalSignatures.map { signature($0.signature, flavor: $0.flavor) })),
            ("signatures", .array(signatures.map { signature($0, flavor: nil) })),
        ])
    }

    /// A `SIGNATURE` PEM block in tor's layout (64 base64 characters a line), without a final newline.
    static func pem(_ bytes: [UInt8]) -> String {
        let text = Array(Base64.encode(bytes, padded: true).utf8)
        var out = "-----BEGIN SIGNATURE-----\n"
        var start = 0
        while start < text.count {
            let end = min(start + 64, text.count)
            out += String(decoding: text[start..<end], as: UTF8.self) + "\n"
            start = end
        }
        return out + "-----END SIGNATURE-----"
    }
}

extension DetachedSignatures {
    public static var documentKind: DocumentKind { .detachedSignature }
}
