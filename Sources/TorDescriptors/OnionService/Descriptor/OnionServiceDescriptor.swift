/// A v3 onion-service descriptor as an HSDir stores and serves it (rend-spec-v3 §2.4,
/// `hs-descriptor 3`): the outer layer, parsed but not yet verified or decrypted.
///
/// Three explicit steps, each on values: parse (this type), verify
/// (``verificationReport(at:blindedKey:)``: the signing-key certificate and the document
/// signature), then decrypt with the service's subcredential
/// (``decrypt(subcredential:clientKey:mode:)``) into an ``OnionServiceDescriptor/Decrypted``
/// whose ``Decrypted/inner`` lists the introduction points.
///
/// ```swift
/// let descriptor = try OnionServiceDescriptor(parsing: bytes[...], mode: .strict)
/// try descriptor.verify(at: .now)
/// let decrypted = try descriptor.decrypt(subcredential: subcredential)
/// for point in decrypted.inner.introductionPoints { print(point.linkSpecifiers) }
/// ```
public struct OnionServiceDescriptor: Sendable, Hashable {
    /// The whole document's bytes, annotations included.
    public let rawBytes: ArraySlice<UInt8>
    /// `@type` and other annotation lines.
    public let annotations: [Annotation]
    /// 1-based line of the first byte in its input.
    public let firstLine: Int
    /// `hs-descriptor`: the format version (3).
    public let version: Int
    /// `descriptor-lifetime`: minutes an HSDir keeps the descriptor (the spec allows 30–720).
    public let lifetimeMinutes: Int
    /// `descriptor-signing-key-cert`: type 08, the descriptor signing key certified by the
    /// blinded key (in its signed-with-ed25519-key extension).
    public let signingKeyCertificate: Ed25519Certificate
    /// `revision-counter`: higher replaces lower for the same blinded key (64-bit).
    public let revisionCounter: UInt64
    /// `superencrypted`: the first encryption layer, decoded from its MESSAGE object
    /// (salt, ciphertext, MAC).
    public let superencrypted: [UInt8]
    /// `signature`: 64-byte Ed25519 signature by the descriptor signing key.
    public let signature: [UInt8]
    /// The bytes the signature covers (after the prefix `Tor onion service descriptor sig v3`):
    /// from `hs-descriptor` through the newline before `signature `.
    public let signedRange: Range<Int>
    /// Items the parser did not recognise, in order.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Problems lenient parsing stepped over.
    public let warnings: [DescriptorParseError]

    /// The blinded public key for this descriptor's time period: the certificate's signer.
    public var blindedKey: [UInt8]? { signingKeyCertificate.signingKey }
    /// The descriptor signing key the certificate certifies (signs the document and, inside,
    /// the introduction points' certificates).
    public var signingKey: [UInt8] { signingKeyCertificate.certifiedKey }
}

extension OnionServiceDescriptor: StemJSONRepresentable {
    /// Stem's `HiddenServiceDescriptorV3` attributes: `version`, `lifetime`, `signing_cert`
    /// (base64 of the certificate), `revision_counter`, `superencrypted` (the MESSAGE object's
    /// base64, one line), `signature` (base64 as written, unpadded).
    public var stemJSON: JSONValue {
        .object([("type", .string("hidden-service-descriptor-3")),
                 ("version", .int(version)),
                 ("lifetime", .int(lifetimeMinutes)),
                 ("signing_cert", .string(Base64.encode(signingKeyCertificate.rawBytes))),
                 // Always a JSON integer (Resources/schemas fixes the type): a counter above
                 // 2^63-1, which tor never writes (it derives the counter from the time), is null.
                 ("revision_counter", .optional(Int(exactly: revisionCounter)) { .int($0) }),
                 ("blinded_key", .optional(blindedKey) { .string(Base64.encode($0)) }),
                 ("superencrypted_bytes", .int(superencrypted.count)),
                 ("signature", .string(Base64.encode(signature, padded: false)))])
    }
}
