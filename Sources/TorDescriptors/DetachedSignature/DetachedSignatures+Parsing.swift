extension DetachedSignatures {
    enum Key: String, DocumentKeyword {
        case consensusDigest = "consensus-digest"
        case validAfter = "valid-after"
        case freshUntil = "fresh-until"
        case validUntil = "valid-until"
        case additionalDigest = "additional-digest"
        case additionalSignature = "additional-signature"
        case directorySignature = "directory-signature"
    }

    /// The document kind errors name.
    static let kind = DocumentKind.detachedSignature

    /// tor's `networkstatus_detached_signature_token_table` (it lives with the authority code).
    static let rules = KeywordRules<Key>(kind: kind, source: .tor("dsigs_parse.c", "networkstatus_detached_signature_token_table"), [
        .first(.consensusDigest, .atLeast(1), .forbidden),
        .any(.additionalDigest, .atLeast(3), .forbidden),
        .once(.validAfter, .concat, .forbidden),
        .once(.freshUntil, .concat, .forbidden),
        .once(.validUntil, .concat, .forbidden),
        .any(.additionalSignature, .atLeast(4), .required, types: ["SIGNATURE"]),
        .atLeastOnce(.directorySignature, .atLeast(2), .required, types: ["SIGNATURE"]),
    ])

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let strict = mode.isStrict
        let document = try Tokenizer.tokenize(slice.bytes, kind: Self.kind, mode: mode, firstLine: slice.firstLine)
        let bytes = document.bytes
        guard let first = document.items.first, first.keywordEquals("consensus-digest", in: bytes) else {
            throw document.error(.missingKeyword, keyword: "consensus-digest")
        }
        if strict {
            try Self.rules.check(document)
            if let bad = Microdescriptor.firstNonASCIILine(bytes) {
                throw DescriptorParseError(document: Self.kind, line: slice.firstLine + bad.line, keyword: nil,
                                           failure: .nonASCII(line: ByteText.escaped(bytes, bad.range)))
            }
        }

        var warnings: [DescriptorParseError] = []
        func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
            if strict { throw error }
            warnings.append(error)
        }

        var consensusDigest: SHA1DigestValue? = nil
        var times: [Key: TorTimestamp] = [:]
        var additionalDigests: [AdditionalDigest] = []
        var additionalSignatures: [AdditionalSignature] = []
        var signatures: [DirectorySignature] = []
        var unrecognized: [UnrecognizedItem] = []

        try Self.rules.walk(document.items, in: bytes, unrecognized: &unrecognized,
                            problem: { _, error throws(DescriptorParseError) in try problem(error) }) { key, item throws(DescriptorParseError) in
            var cursor = item.argumentCursor(in: bytes)
            switch key {
            case .consensusDigest:
                consensusDigest = SHA1DigestValue(bytes: try Self.hexDigest(&cursor, item, document, length: 20, strict: strict))
            case .validAfter, .freshUntil, .validUntil:
                let time = try document.timestamp(&cursor, item)
                if strict, !cursor.isAtEnd { throw document.error(.malformedArguments("extra arguments after the time"), at: item) }
                times[key] = time
            case .additionalDigest:
                guard let flavor = cursor.next(), let algorithm = cursor.next() else {
                    throw document.error(.malformedArguments("expected FLAVOR ALGNAME DIGEST"), at: item)
                }
                let digest = try Self.hexDigest(&cursor, item, document, length: nil, strict: strict)
                additionalDigests.append(AdditionalDigest(flavor: document.string(flavor), algorithm: document.string(algorithm),
                                                          bytes: digest, line: item.line))
            case .additionalSignature:
                guard let flavor = cursor.next() else {
                    throw document.error(.malformedArguments("expected FLAVOR ALGNAME IDENTITY SIGNING-KEY-DIGEST"), at: item)
                }
                let words = cursor.all()
                guard words.count == 3 || (!strict && words.count > 3) else {
                    throw document.error(.malformedArguments("expected FLAVOR ALGNAME IDENTITY SIGNING-KEY-DIGEST"), at: item)
                }
                let signature = try Self.signature(item, document, algorithm: words[0], identity: words[1], keyDigest: words[2])
                additionalSignatures.append(AdditionalSignature(flavor: document.string(flavor), signature: signature))
            case .directorySignature:
                let words = cursor.all()
                guard words.count == 2 || words.count == 3 else {
                    throw document.error(.malformedArguments("expected [ALGNAME] IDENTITY SIGNING-KEY-DIGEST"), at: item)
                }
                signatures.append(try Self.signature(item, document, algorithm: words.count == 3 ? words[0] : nil,
                                                     identity: words[words.count - 2], keyDigest: words[words.count - 1]))
            }
        }

        self.rawBytes = bytes
        self.annotations = document.annotations
        self.firstLine = slice.firstLine
        self.consensusDigest = consensusDigest
        self.validAfter = times[.validAfter]
        self.freshUntil = times[.freshUntil]
        self.validUntil = times[.validUntil]
        self.additionalDigests = additionalDigests
        self.additionalSignatures = additionalSignatures
        self.signatures = signatures
        self.unrecognizedLines = unrecognized
        self.warnings = warnings
    }

    /// A hex digest from the next argument; `length` in bytes when fixed.
    private static func hexDigest(_ cursor: inout ArgumentCursor, _ item: DocumentItem, _ document: TokenizedDocument,
                                  length: Int?, strict: Bool) throws(DescriptorParseError) -> [UInt8] {
        guard let word = cursor.next(), let digest = Hex.decode(document.bytes[word]), !digest.isEmpty,
              length == nil || digest.count == length else {
            throw document.error(.malformedArguments("expected a hex digest\(length.map { " of \($0) bytes" } ?? ""), found '\(ByteText.escaped(document.bytes, item.arguments))'"), at: item)
        }
        if strict, !cursor.isAtEnd { throw document.error(.malformedArguments("extra arguments after the digest"), at: item) }
        return digest
    }

    private static func signature(_ item: DocumentItem, _ document: TokenizedDocument, algorithm: Range<Int>?,
                                  identity: Range<Int>, keyDigest: Range<Int>) throws(DescriptorParseError) -> DirectorySignature {
        let bytes = document.bytes
        var value = DirectorySignature.Algorithm.sha1
        if let algorithm {
            if ByteText.equals(bytes, algorithm, "sha1") { value = .sha1 }
            else if ByteText.equals(bytes, algorithm, "sha256") { value = .sha256 }
            else { value = .other(ByteText.string(bytes, algorithm)) }
        }
        let identityValue = try document.fingerprint(identity, item)
        let keyDigestValue = try document.fingerprint(keyDigest, item)
        let object = try document.object(item, named: "SIGNATURE")
        guard let signature = object.decodedBytes(in: bytes), !signature.isEmpty else {
            throw document.error(.malformedObject("signature is not valid base64"), at: item)
        }
        return DirectorySignature(algorithm: value, algorithmWasExplicit: algorithm != nil, identity: identityValue,
                                  signingKeyDigest: keyDigestValue, signature: signature, line: item.line)
    }
}
