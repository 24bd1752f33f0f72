extension OnionServiceDescriptor: ParsableDocument {
    enum Key: String, DocumentKeyword {
        case version = "hs-descriptor"
        case lifetime = "descriptor-lifetime"
        case signingKeyCertificate = "descriptor-signing-key-cert"
        case revisionCounter = "revision-counter"
        case superencrypted
        case signature
    }

    public static var documentKind: DocumentKind { .onionServiceDescriptor }
    public static var startKeywords: [String] { [Key.version.rawValue] }

    /// tor's `hs_desc_v3_token_table` (hs_descriptor.c).
    static let rules = KeywordRules<Key>(kind: documentKind, source: .tor("hs_descriptor.c", "hs_desc_v3_token_table"), [
        .first(.version, .exactly(1), .forbidden),
        .once(.lifetime, .exactly(1), .forbidden),
        .once(.signingKeyCertificate, .none, .required, types: ["ED25519 CERT"]),
        .once(.revisionCounter, .exactly(1), .forbidden),
        .once(.superencrypted, .none, .required, types: ["MESSAGE"]),
        .last(.signature, .exactly(1), .forbidden),
    ])

    /// What HSDirs accept (rend-spec-v3 §2.4: "up to 50k bytes"; tor's `HSV3MaxDescriptorSize`
    /// default): strict mode refuses larger documents.
    public static let maxStrictBytes = 50_000
    /// rend-spec-v3 §2.4: `descriptor-lifetime` takes values between 30 and 720 minutes.
    public static let lifetimeRange = 30...720
    /// The prefix tor signs before the document bytes (`str_desc_sig_prefix`).
    static let signaturePrefix = Array("Tor onion service descriptor sig v3".utf8)

    /// Parses one `hs-descriptor 3` document.
    ///
    /// Lenient mode keeps what it can read and records the rest in ``warnings``; the
    /// certificate, revision counter, superencrypted blob and signature are needed by every
    /// later step, so a missing or unreadable one throws in both modes. Strict mode also checks
    /// tor's token table, ASCII, the 50,000-byte HSDir limit and the lifetime range.
    ///
    /// ```swift
    /// let descriptor = try OnionServiceDescriptor(parsing: DocumentSlice(bytes: bytes[...], firstLine: 1), mode: .strict)
    /// ```
    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let strict = mode.isStrict
        let kind = Self.documentKind
        let document = try Tokenizer.tokenize(slice.bytes, kind: kind, mode: mode, firstLine: slice.firstLine)
        let bytes = document.bytes
        guard let first = document.items.first, first.keywordEquals("hs-descriptor", in: bytes) else {
            throw document.error(.missingKeyword, keyword: Key.version.rawValue)
        }
        if strict {
            if document.content.count > Self.maxStrictBytes {
                throw DescriptorParseError(document: kind, line: first.line, keyword: nil,
                                           failure: .malformedLine("descriptor is \(document.content.count) bytes, HSDirs accept \(Self.maxStrictBytes)"))
            }
            try Self.rules.check(document)
            if let bad = Microdescriptor.firstNonASCIILine(bytes) {
                throw DescriptorParseError(document: kind, line: slice.firstLine + bad.line, keyword: nil,
                                           failure: .nonASCII(line: ByteText.escaped(bytes, bad.range)))
            }
        }
        var warnings: [DescriptorParseError] = []
        func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
            if strict { throw error }
            warnings.append(error)
        }

        var versionCursor = first.argumentCursor(in: bytes)
        let version = try document.unsignedInteger(&versionCursor, first, name: "version")
        if version != 3 {
            // Another version is another format: nothing below would mean what it says.
            throw document.error(.malformedArguments("expected version 3, found \(version)"), at: first)
        }

        var lifetime: Int? = nil
        var certificate: Ed25519Certificate? = nil
        var revision: UInt64? = nil
        var superencrypted: [UInt8]? = nil
        var signature: [UInt8]? = nil
        var signedRange: Range<Int>? = nil
        var unrecognized: [UnrecognizedItem] = []
        // Only the lifetime is optional to later steps; any other unreadable item is fatal.
        let itemProblem = { (key: Key, error: DescriptorParseError) throws(DescriptorParseError) in
            if key != .lifetime { throw error }
            try problem(error)
        }
        try Self.rules.walk(document.items, in: bytes, unrecognized: &unrecognized, problem: itemProblem) { key, item throws(DescriptorParseError) in
            switch key {
            case .version:
                break
            case .lifetime:
                var cursor = item.argumentCursor(in: bytes)
                let minutes = try document.unsignedInteger(&cursor, item, name: "lifetime")
                if strict, !Self.lifetimeRange.contains(minutes) {
                    throw document.error(.malformedArguments("lifetime \(minutes) outside 30–720 minutes"), at: item)
                }
                lifetime = minutes
            case .signingKeyCertificate:
                certificate = try Self.certificate(item, document, expectedType: Ed25519Certificate.CertType.hsDescriptorSigning)
            case .revisionCounter:
                var cursor = item.argumentCursor(in: bytes)
                guard let word = cursor.next(), let value = Self.uint64(bytes, word) else {
                    throw document.error(.malformedArguments("expected a 64-bit unsigned integer, found '\(ByteText.escaped(bytes, item.arguments))'"), at: item)
                }
                revision = value
            case .superencrypted:
                let object = try document.object(item, named: "MESSAGE")
                guard let blob = object.decodedBytes(in: bytes) else {
                    throw document.error(.malformedObject("MESSAGE is not valid base64"), at: item)
                }
                superencrypted = blob
            case .signature:
                var cursor = item.argumentCursor(in: bytes)
                guard let word = cursor.next() else { throw document.error(.malformedArguments("missing signature"), at: item) }
                signature = try document.base64(word, item, length: 64)
                signedRange = document.content.lowerBound..<item.range.lowerBound
            }
        }
        // Every later step needs these: absent or unreadable, the document is unusable in either mode.
        func required<T>(_ value: T?, _ key: Key) throws(DescriptorParseError) -> T {
            guard let value else { throw document.error(.missingKeyword, keyword: key.rawValue) }
            return value
        }
        if lifetime == nil { try problem(document.error(.missingKeyword, keyword: Key.lifetime.rawValue)) }
        self.rawBytes = bytes
        self.annotations = document.annotations
        self.firstLine = slice.firstLine
        self.version = version
        self.lifetimeMinutes = lifetime ?? 0
        self.signingKeyCertificate = try required(certificate, .signingKeyCertificate)
        self.revisionCounter = try required(revision, .revisionCounter)
        self.superencrypted = try required(superencrypted, .superencrypted)
        self.signature = try required(signature, .signature)
        self.signedRange = try required(signedRange, .signature)
        self.unrecognizedLines = unrecognized
        self.warnings = warnings
    }

    /// An `ED25519 CERT` object decoded and of `expectedType`, with its signer included
    /// (tor's `cert_is_valid`: every onion-service certificate carries its signing key).
    static func certificate(_ item: DocumentItem, _ document: TokenizedDocument, expectedType: UInt8) throws(DescriptorParseError) -> Ed25519Certificate {
        let object = try document.object(item, named: "ED25519 CERT")
        let certificate: Ed25519Certificate
        do { certificate = try Ed25519Certificate(base64: document.bytes[object.body]) } catch {
            throw document.error(.malformedObject("certificate: \(error)"), at: item)
        }
        guard certificate.certType == expectedType else {
            throw document.error(.malformedObject("certificate type \(certificate.certType), expected \(expectedType)"), at: item)
        }
        guard certificate.signingKey != nil else {
            throw document.error(.malformedObject("certificate lacks the signed-with-ed25519-key extension"), at: item)
        }
        return certificate
    }

    /// A decimal `UInt64` (rend-spec: implementations must read 64-bit revision counters).
    static func uint64(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.count <= 20 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
