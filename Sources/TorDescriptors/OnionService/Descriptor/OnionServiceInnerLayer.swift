/// The innermost decrypted layer of an onion-service descriptor (rend-spec-v3 §2.5.2.2): what
/// a client needs to reach the service, above all its introduction points.
///
/// ```swift
/// let inner = try descriptor.decrypt(subcredential: subcredential).inner
/// for point in inner.introductionPoints {
///     print(point.linkSpecifiers.map(\.description), Base64.encode(point.onionKey))
/// }
/// ```
public struct OnionServiceInnerLayer: Sendable, Hashable {
    /// One `introduction-point` section.
    ///
    /// ```swift
    /// let addresses = point.linkSpecifiers.compactMap { if case .ipv4(let a, let p) = $0 { "\(a):\(p)" } else { nil } }
    /// ```
    public struct IntroductionPoint: Sendable, Hashable {
        /// 1-based line of the `introduction-point` line in the decrypted layer.
        public let line: Int
        /// The link specifiers, decoded, in order.
        public let linkSpecifiers: [LinkSpecifier]
        /// The link specifier block as encoded (what a client sends in EXTEND2).
        public let rawLinkSpecifiers: [UInt8]
        /// `onion-key ntor`: the introduction point relay's curve25519 key (32 bytes).
        public let onionKey: [UInt8]
        /// `auth-key`: certificate type 09 of the introduction point authentication key
        /// (``Ed25519Certificate/certifiedKey``), signed by the descriptor signing key.
        public let authKeyCertificate: Ed25519Certificate
        /// `enc-key ntor`: the service's curve25519 encryption key for this point (32 bytes).
        public let encKey: [UInt8]
        /// `enc-key-cert`: certificate type 0B cross-certifying ``encKey``.
        public let encKeyCertificate: Ed25519Certificate
        /// `legacy-key` (obsolete): the RSA key's DER bytes.
        public let legacyKey: [UInt8]?
        /// `legacy-key-cert` (obsolete): the CROSSCERT bytes.
        public let legacyKeyCertificate: [UInt8]?
        /// Items of this section the parser did not recognise (other onion or enc key types included).
        public let unrecognizedLines: [UnrecognizedItem]

        /// The introduction point's authentication key (`KP_hs_ipt_sid`).
        public var authKey: [UInt8] { authKeyCertificate.certifiedKey }
    }

    /// A `pow-params` line (proposal 327): the proof-of-work the service asks for.
    ///
    /// ```swift
    /// if let pow = inner.powParams.first(where: { $0.type == "v1" }) { print(pow.suggestedEffort ?? 0) }
    /// ```
    public struct PowParams: Sendable, Hashable {
        /// The scheme, `v1` for Equi-X.
        public let type: String
        /// The arguments after the type, as written (unknown schemes keep only these).
        public let arguments: [String]
        /// `v1`: the 32-byte seed.
        public let seed: [UInt8]?
        /// `v1`: the effort clients should start with.
        public let suggestedEffort: UInt32?
        /// `v1`: when the seed expires.
        public let expiration: TorTimestamp?
    }

    /// The decrypted plaintext, NUL padding removed.
    public let rawBytes: [UInt8]
    /// `create2-formats`: CREATE2 handshake types the service supports (2 = ntor).
    public let create2Formats: [Int]
    /// `intro-auth-required`: introduction-layer authentication types (`ed25519`).
    public let introAuthRequired: [String]?
    /// `single-onion-service`: the service connects to rendezvous points directly.
    public let isSingleOnionService: Bool
    /// `pow-params` lines.
    public let powParams: [PowParams]
    /// `introduction-point` sections, in order.
    public let introductionPoints: [IntroductionPoint]
    /// Header items (before the first introduction point) the parser did not recognise.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Problems lenient parsing stepped over (a malformed introduction point is skipped, as tor does).
    public let warnings: [DescriptorParseError]
}

extension OnionServiceInnerLayer {
    enum HeaderKey: String, DocumentKeyword {
        case create2Formats = "create2-formats"
        case introAuthRequired = "intro-auth-required"
        case singleOnionService = "single-onion-service"
        case flowControl = "flow-control"
        case powParams = "pow-params"
    }

    enum PointKey: String, DocumentKeyword {
        case introductionPoint = "introduction-point"
        case onionKey = "onion-key"
        case authKey = "auth-key"
        case encKey = "enc-key"
        case encKeyCertificate = "enc-key-cert"
        case legacyKey = "legacy-key"
        case legacyKeyCertificate = "legacy-key-cert"
    }

    static let kind = DocumentKind.onionServiceInnerLayer

    /// tor's `hs_desc_encrypted_v3_token_table` (hs_descriptor.c), with the later keywords.
    static let headerRules = KeywordRules<HeaderKey>(kind: kind, source: .tor("hs_descriptor.c", "hs_desc_encrypted_v3_token_table"), [
        .first(.create2Formats, .concat, .forbidden),
        .atMostOnce(.introAuthRequired, .any, .forbidden),
        .atMostOnce(.singleOnionService, .any, .forbidden),
        .atMostOnce(.flowControl, .atLeast(2), .forbidden, source: .spec("rend-spec-v3 flow-control (prop 324)")),
        .any(.powParams, .atLeast(1), .forbidden, source: .spec("prop 327 pow-params"),
             differs: "prop 327 says at most once; tor 0.4.8 reads one per scheme, so any count, unknown schemes kept"),
    ])

    /// tor's `hs_desc_intro_point_v3_token_table` (hs_descriptor.c).
    static let pointRules = KeywordRules<PointKey>(kind: kind, source: .tor("hs_descriptor.c", "hs_desc_intro_point_v3_token_table"), [
        .first(.introductionPoint, .exactly(1), .forbidden),
        .atLeastOnce(.onionKey, .atLeast(2), .optional),
        .once(.authKey, .none, .required, types: ["ED25519 CERT"]),
        .once(.encKey, .atLeast(2), .optional),
        .once(.encKeyCertificate, .any, .optional),
        .atMostOnce(.legacyKey, .any, .rsaKey1024),
        .atMostOnce(.legacyKeyCertificate, .any, .optional),
    ])

    /// rend-spec-v3 §2.5.4: a descriptor lists at most 20 introduction points (strict mode).
    public static let maxIntroductionPoints = 20
}
