extension KeyCertificate {
    enum Key: String, DocumentKeyword {
        case version = "dir-key-certificate-version"
        case dirAddress = "dir-address"
        case fingerprint
        case published = "dir-key-published"
        case expires = "dir-key-expires"
        case identityKey = "dir-identity-key"
        case signingKey = "dir-signing-key"
        case crossCertificate = "dir-key-crosscert"
        case certification = "dir-key-certification"
    }

    /// The document kind errors name.
    static let kind = DocumentKind.keyCertificate

    /// tor's `dir_key_certificate_table` (`AUTHCERT_MEMBERS` and `fingerprint`).
    static let rules = KeywordRules<Key>(kind: kind, source: .tor("authcert_parse.c", "dir_key_certificate_table"), [
        .first(.version, .atLeast(1), .forbidden,
               differs: "tor's table says T1; tor and the splitter find a certificate by this keyword, so it opens the document"),
        .atMostOnce(.dirAddress, .atLeast(1), .forbidden),
        .once(.fingerprint, .concat, .forbidden),
        .once(.published, .concat, .forbidden),
        .once(.expires, .concat, .forbidden),
        .once(.identityKey, .none, .rsaKey),
        .once(.signingKey, .none, .rsaKey),
        .atMostOnce(.crossCertificate, .none, .required,
                    differs: "certificates made before tor 0.2.0 lack it (Stem's 2008 test certificate); tor requires it"),
        .last(.certification, .none, .required, types: ["SIGNATURE"],
              differs: "tor's table says T1; authority_cert_parse_from_string then requires it to be the last item"),
    ])

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let strict = mode.isStrict
        let document = try Tokenizer.tokenize(slice.bytes, kind: Self.kind, mode: mode, firstLine: slice.firstLine)
        let bytes = document.bytes
        guard let first = document.items.first, first.keywordEquals("dir-key-certificate-version", in: bytes) else {
            throw document.error(.missingKeyword, keyword: "dir-key-certificate-version")
        }
        // The version is what identifies the document: an unreadable one throws in both modes.
        var versionCursor = first.argumentCursor(in: bytes)
        let version = try document.unsignedInteger(&versionCursor, first, name: "version")
        if strict {
            try Self.rules.check(document)
            if let bad = Microdescriptor.firstNonASCIILine(bytes) {
                throw DescriptorParseError(document: Self.kind, line: slice.firstLine + bad.line, keyword: nil,
                                           failure: .nonASCII(line: ByteText.escaped(bytes, bad.range)))
            }
        }

        var warnings: [DescriptorParseError] = []
        // Lenient mode records the problem and goes on; strict mode stops at the first one.
        func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
            if strict { throw error }
            warnings.append(error)
        }
        if version != 3 || (strict && !versionCursor.isAtEnd) {
            try problem(document.error(.malformedArguments("expected version 3, found '\(ByteText.escaped(bytes, first.arguments))'"), at: first))
        }

        var address: IPAddress? = nil
        var dirPort: Int? = nil
        var fingerprint: Fingerprint? = nil
        var published: TorTimestamp? = nil
        var expires: TorTimestamp? = nil
        var identityKey: [UInt8]? = nil
        var signingKey: [UInt8]? = nil
        var crossCertificate: [UInt8]? = nil
        var crossType: String? = nil
        var certification: [UInt8]? = nil
        var signedRange: Range<Int>? = nil
        var objects = ObjectRanges()
        var unrecognized: [UnrecognizedItem] = []

        try Self.rules.walk(document.items, in: bytes, unrecognized: &unrecognized,
                            problem: { _, error throws(DescriptorParseError) in try problem(error) }) { key, item throws(DescriptorParseError) in
            switch key {
            case .version:
                break
            case .dirAddress:
                (address, dirPort) = try Self.dirAddress(item, document)
            case .fingerprint:
                var cursor = item.argumentCursor(in: bytes)
                guard let word = cursor.next(), cursor.isAtEnd, word.count == 40 else {
                    throw document.error(.malformedArguments("expected 40 hex digits, found '\(ByteText.escaped(bytes, item.arguments))'"), at: item)
                }
                fingerprint = try document.fingerprint(word, item)
            case .published, .expires:
                var cursor = item.argumentCursor(in: bytes)
                let time = try document.timestamp(&cursor, item)
                if strict, !cursor.isAtEnd { throw document.error(.malformedArguments("extra arguments after the time"), at: item) }
                if key == .published { published = time } else { expires = time }
            case .identityKey, .signingKey:
                try Self.noArguments(item, document, strict: strict)
                let object = try document.object(item, named: "RSA PUBLIC KEY")
                let der = try Self.decode(object, item, document)
                if key == .identityKey { identityKey = der; objects.identityKey = object.range }
                else { signingKey = der; objects.signingKey = object.range }
            case .crossCertificate:
                try Self.noArguments(item, document, strict: strict)
                let object = try document.object(item, named: "ID SIGNATURE", "SIGNATURE")
                crossCertificate = try Self.decode(object, item, document)
                crossType = object.name(in: bytes)
                objects.crossCertificate = object.range
            case .certification:
                try Self.noArguments(item, document, strict: strict)
                let object = try document.object(item, named: "SIGNATURE")
                certification = try Self.decode(object, item, document)
                objects.certification = object.range
                signedRange = document.signedRange(throughKeywordLineOf: item)
            }
        }

        if strict, let fingerprint, let identityKey, Fingerprint(bytes: Digest.sha1(identityKey)) != fingerprint {
            let item = document.items.first { $0.keywordEquals("fingerprint", in: bytes) }!
            throw document.error(.malformedArguments("fingerprint is not the SHA-1 of dir-identity-key"), at: item)
        }

        self.rawBytes = bytes
        self.annotations = document.annotations
        self.firstLine = slice.firstLine
        self.contentRange = document.content
        self.version = version
        self.address = address
        self.dirPort = dirPort
        self.fingerprint = fingerprint
        self.published = published
        self.expires = expires
        self.identityKey = identityKey
        self.signingKey = signingKey
        self.crossCertificate = crossCertificate
        self.crossCertificateObjectType = crossType
        self.certification = certification
        self.signedRange = signedRange
        self.objectRanges = objects
        self.unrecognizedLines = unrecognized
        self.warnings = warnings
    }

    /// `dir-address IPv4:port` (tor writes only IPv4 here).
    private static func dirAddress(_ item: DocumentItem, _ document: TokenizedDocument) throws(DescriptorParseError) -> (IPAddress, Int) {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        guard let word = cursor.next(), cursor.isAtEnd,
              let colon = bytes[word].lastIndex(of: UInt8(ascii: ":")),
              let ipv4 = IPAddress.parseIPv4(bytes, word.lowerBound..<colon),
              let port = ByteText.unsigned(bytes, (colon + 1)..<word.upperBound), port <= 65_535 else {
            throw document.error(.malformedArguments("expected IPv4:port, found '\(ByteText.escaped(bytes, item.arguments))'"), at: item)
        }
        return (.v4(ipv4), port)
    }

    private static func noArguments(_ item: DocumentItem, _ document: TokenizedDocument, strict: Bool) throws(DescriptorParseError) {
        if strict, !item.arguments.isEmpty { throw document.error(.malformedArguments("takes no arguments"), at: item) }
    }

    private static func decode(_ object: DocumentObject, _ item: DocumentItem, _ document: TokenizedDocument) throws(DescriptorParseError) -> [UInt8] {
        guard let value = object.decodedBytes(in: document.bytes), !value.isEmpty else {
            throw document.error(.malformedObject("object is not valid base64"), at: item)
        }
        return value
    }
}
