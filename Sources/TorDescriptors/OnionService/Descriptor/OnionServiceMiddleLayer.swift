/// The first decrypted layer of an onion-service descriptor (rend-spec-v3 §2.5.1.2): the
/// client-authorization material and the `encrypted` inner layer.
///
/// Without client authorization a service still writes every line, with random values, so
/// that HSDirs cannot tell; the inner layer then decrypts without a descriptor cookie.
///
/// ```swift
/// let middle = try descriptor.decryptMiddleLayer(subcredential: subcredential)
/// print(middle.authType, middle.clients.count)
/// ```
public struct OnionServiceMiddleLayer: Sendable, Hashable {
    /// One `auth-client` line: the descriptor cookie encrypted to one client (or filler).
    ///
    /// ```swift
    /// let ids = middle.clients.map { Base64.encode($0.id) }
    /// ```
    public struct AuthorizedClient: Sendable, Hashable {
        /// CLIENT-ID: the first 8 bytes of the client's KDF output.
        public let id: [UInt8]
        /// The AES-256-CTR IV (16 bytes).
        public let iv: [UInt8]
        /// The descriptor cookie encrypted with the client's COOKIE-KEY.
        public let encryptedCookie: [UInt8]
    }

    /// The decrypted plaintext, NUL padding removed.
    public let rawBytes: [UInt8]
    /// `desc-auth-type`: `x25519` (the only type).
    public let authType: String
    /// `desc-auth-ephemeral-key`: the service's ephemeral x25519 public key (32 bytes).
    public let ephemeralKey: [UInt8]
    /// `auth-client` lines, in order.
    public let clients: [AuthorizedClient]
    /// `encrypted`: the inner layer's salt, ciphertext and MAC.
    public let encrypted: [UInt8]
    /// Items the parser did not recognise.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Problems lenient parsing stepped over.
    public let warnings: [DescriptorParseError]
}

extension OnionServiceMiddleLayer {
    enum Key: String, DocumentKeyword {
        case authType = "desc-auth-type"
        case ephemeralKey = "desc-auth-ephemeral-key"
        case authClient = "auth-client"
        case encrypted
    }

    static let kind = DocumentKind.onionServiceMiddleLayer

    /// tor's `hs_desc_superencrypted_v3_token_table` (hs_descriptor.c).
    static let rules = KeywordRules<Key>(kind: kind, source: .tor("hs_descriptor.c", "hs_desc_superencrypted_v3_token_table"), [
        .first(.authType, .atLeast(1), .forbidden),
        .once(.ephemeralKey, .atLeast(1), .forbidden),
        .atLeastOnce(.authClient, .atLeast(3), .forbidden),
        .once(.encrypted, .none, .required, types: ["MESSAGE"]),
    ])

    /// Parses a decrypted first layer. The ephemeral key and the `encrypted` object are needed
    /// to go on, so an unreadable one throws in both modes; a malformed `auth-client` line is a
    /// warning in lenient mode (it can only be someone else's).
    ///
    /// ```swift
    /// let middle = try OnionServiceMiddleLayer(parsing: plaintext, mode: .strict)
    /// ```
    public init(parsing plaintext: [UInt8], mode: ValidationMode = .lenient) throws(DescriptorParseError) {
        let strict = mode.isStrict
        let document = try Tokenizer.tokenize(plaintext[...], kind: Self.kind, mode: mode)
        let bytes = document.bytes
        if strict { try Self.rules.check(document) }
        var warnings: [DescriptorParseError] = []
        var authType: String? = nil
        var ephemeralKey: [UInt8]? = nil
        var clients: [AuthorizedClient] = []
        var encrypted: [UInt8]? = nil
        var unrecognized: [UnrecognizedItem] = []
        for item in document.items {
            guard let key = Self.rules.key(bytes, item.keyword) else {
                unrecognized.append(UnrecognizedItem(item, in: bytes))
                continue
            }
            var cursor = item.argumentCursor(in: bytes)
            switch key {
            case .authType:
                guard authType == nil, let word = cursor.next() else { continue }
                authType = ByteText.string(bytes, word)
            case .ephemeralKey:
                guard ephemeralKey == nil, let word = cursor.next() else { continue }
                ephemeralKey = try document.base64(word, item, length: 32)
            case .authClient:
                do throws(DescriptorParseError) {
                    guard let id = cursor.next(), let iv = cursor.next(), let cookie = cursor.next() else {
                        throw document.error(.malformedArguments("expected client-id iv encrypted-cookie"), at: item)
                    }
                    clients.append(AuthorizedClient(id: try document.base64(id, item, length: 8),
                                                    iv: try document.base64(iv, item, length: 16),
                                                    encryptedCookie: try document.base64(cookie, item)))
                } catch {
                    if strict { throw error }
                    warnings.append(error)
                }
            case .encrypted:
                guard encrypted == nil else { continue }
                let object = try document.object(item, named: "MESSAGE")
                guard let blob = object.decodedBytes(in: bytes) else {
                    throw document.error(.malformedObject("MESSAGE is not valid base64"), at: item)
                }
                encrypted = blob
            }
        }
        guard let ephemeralKey else { throw document.error(.missingKeyword, keyword: Key.ephemeralKey.rawValue) }
        guard let encrypted else { throw document.error(.missingKeyword, keyword: Key.encrypted.rawValue) }
        if authType == nil { warnings.append(document.error(.missingKeyword, keyword: Key.authType.rawValue)) }
        self.rawBytes = plaintext
        self.authType = authType ?? ""
        self.ephemeralKey = ephemeralKey
        self.clients = clients
        self.encrypted = encrypted
        self.unrecognizedLines = unrecognized
        self.warnings = warnings
    }
}

extension OnionServiceMiddleLayer: StemJSONRepresentable {
    /// Stem's `OuterLayer` attributes: `auth_type`, `ephemeral_key`, `clients` (id → iv, cookie).
    public var stemJSON: JSONValue {
        .object([("auth_type", .string(authType)),
                 ("ephemeral_key", .string(Base64.encode(ephemeralKey))),
                 ("clients", .array(clients.map { client in
                     .object([("id", .string(Base64.encode(client.id, padded: false))),
                              ("iv", .string(Base64.encode(client.iv, padded: false))),
                              ("cookie", .string(Base64.encode(client.encryptedCookie, padded: false)))])
                 })),
                 ("encrypted_bytes", .int(encrypted.count))])
    }
}
