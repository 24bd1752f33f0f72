extension OnionServiceInnerLayer {
    /// Parses a decrypted inner layer: the header, then one section per `introduction-point`
    /// line (tor splits the plaintext the same way).
    ///
    /// Lenient mode skips an introduction point it cannot read and records why in ``warnings``
    /// (tor ignores such a point and keeps the others); strict mode throws, and also checks
    /// both token tables and the limit of ``maxIntroductionPoints``.
    ///
    /// ```swift
    /// let inner = try OnionServiceInnerLayer(parsing: plaintext, mode: .strict)
    /// ```
    public init(parsing plaintext: [UInt8], mode: ValidationMode = .lenient) throws(DescriptorParseError) {
        let strict = mode.isStrict
        let document = try Tokenizer.tokenize(plaintext[...], kind: Self.kind, mode: mode)
        let bytes = document.bytes
        let items = document.items
        let firstPoint = items.firstIndex { $0.keywordEquals("introduction-point", in: bytes) } ?? items.endIndex
        let header = TokenizedDocument(bytes: bytes, annotations: [], items: Array(items[..<firstPoint]),
                                       content: document.content, firstLine: document.firstLine, kind: Self.kind)
        if strict { try Self.headerRules.check(header) }
        var warnings: [DescriptorParseError] = []

        var formats: [Int]? = nil
        var introAuth: [String]? = nil
        var single = false
        var pow: [PowParams] = []
        var unrecognized: [UnrecognizedItem] = []
        for item in header.items {
            guard let key = Self.headerRules.key(bytes, item.keyword) else {
                unrecognized.append(UnrecognizedItem(item, in: bytes))
                continue
            }
            var cursor = item.argumentCursor(in: bytes)
            switch key {
            case .create2Formats:
                guard formats == nil else { continue }
                var values: [Int] = []
                while let word = cursor.next() {
                    guard let value = ByteText.unsigned(bytes, word) else {
                        throw header.error(.malformedArguments("create2-formats takes integers, found '\(ByteText.escaped(bytes, word))'"), at: item)
                    }
                    values.append(value)
                }
                formats = values
            case .introAuthRequired:
                introAuth = cursor.all().map { ByteText.string(bytes, $0) }
            case .singleOnionService:
                single = true
            case .flowControl:
                unrecognized.append(UnrecognizedItem(item, in: bytes))
            case .powParams:
                do throws(DescriptorParseError) { pow.append(try Self.powParams(item, header)) } catch {
                    if strict { throw error }
                    warnings.append(error)
                }
            }
        }
        guard let formats else { throw header.error(.missingKeyword, keyword: HeaderKey.create2Formats.rawValue) }

        var points: [IntroductionPoint] = []
        var start = firstPoint
        while start < items.endIndex {
            var end = start + 1
            while end < items.endIndex, !items[end].keywordEquals("introduction-point", in: bytes) { end += 1 }
            let section = TokenizedDocument(bytes: bytes, annotations: [], items: Array(items[start..<end]),
                                            content: items[start].range.lowerBound..<items[end - 1].range.upperBound,
                                            firstLine: document.firstLine, kind: Self.kind)
            do throws(DescriptorParseError) {
                if strict { try Self.pointRules.check(section) }
                points.append(try Self.introductionPoint(section))
            } catch {
                if strict || error.isLimit { throw error }
                warnings.append(error)
            }
            start = end
        }
        if strict, points.count > Self.maxIntroductionPoints {
            throw header.error(.malformedLine("\(points.count) introduction points, at most \(Self.maxIntroductionPoints)"), keyword: PointKey.introductionPoint.rawValue)
        }
        self.rawBytes = plaintext
        self.create2Formats = formats
        self.introAuthRequired = introAuth
        self.isSingleOnionService = single
        self.powParams = pow
        self.introductionPoints = points
        self.unrecognizedLines = unrecognized
        self.warnings = warnings
    }

    /// `pow-params TYPE [ARGS...]`; for `v1`: seed (base64, 32 bytes), effort, expiry
    /// (`YYYY-MM-DDTHH:MM:SS`).
    static func powParams(_ item: DocumentItem, _ document: TokenizedDocument) throws(DescriptorParseError) -> PowParams {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        guard let typeWord = cursor.next() else { throw document.error(.malformedArguments("missing type"), at: item) }
        let arguments = cursor.all()
        let type = ByteText.string(bytes, typeWord)
        var seed: [UInt8]? = nil
        var effort: UInt32? = nil
        var expiration: TorTimestamp? = nil
        if type == "v1" {
            guard arguments.count >= 3 else { throw document.error(.malformedArguments("v1 takes seed, effort and expiration"), at: item) }
            seed = try document.base64(arguments[0], item, length: 32)
            guard let value = ByteText.unsigned(bytes, arguments[1]), let narrow = UInt32(exactly: value) else {
                throw document.error(.malformedArguments("suggested-effort is not a 32-bit unsigned integer"), at: item)
            }
            effort = narrow
            guard let time = TorTimestamp.parseISO(bytes, arguments[2]) else {
                throw document.error(.malformedArguments("expiration-time is not YYYY-MM-DDTHH:MM:SS"), at: item)
            }
            expiration = time
        }
        return PowParams(type: type, arguments: arguments.map { ByteText.string(bytes, $0) }, seed: seed,
                         suggestedEffort: effort, expiration: expiration)
    }

    /// One introduction point section: tor's `decode_introduction_point` reads, apart from the
    /// certificate signatures (see ``OnionServiceDescriptor/Decrypted/verificationReport(at:)``).
    static func introductionPoint(_ section: TokenizedDocument) throws(DescriptorParseError) -> IntroductionPoint {
        let bytes = section.bytes
        let first = section.items[0]
        var cursor = first.argumentCursor(in: bytes)
        guard let word = cursor.next() else { throw section.error(.malformedArguments("missing link specifiers"), at: first) }
        let rawSpecifiers = try section.base64(word, first)
        let specifiers: [LinkSpecifier]
        do { specifiers = try LinkSpecifier.decodeList(rawSpecifiers) } catch {
            throw section.error(.malformedArguments("link specifiers: \(error)"), at: first)
        }
        var onionKey: [UInt8]? = nil
        var authCertificate: Ed25519Certificate? = nil
        var encKey: [UInt8]? = nil
        var encCertificate: Ed25519Certificate? = nil
        var legacyKey: [UInt8]? = nil
        var legacyCertificate: [UInt8]? = nil
        var unrecognized: [UnrecognizedItem] = []
        for item in section.items.dropFirst() {
            guard let key = Self.pointRules.key(bytes, item.keyword) else {
                unrecognized.append(UnrecognizedItem(item, in: bytes))
                continue
            }
            var arguments = item.argumentCursor(in: bytes)
            switch key {
            case .introductionPoint:
                break
            case .onionKey, .encKey:
                // Other key types are for later formats: kept as unrecognized, as tor ignores them.
                guard let type = arguments.next(), ByteText.equals(bytes, type, "ntor"), let value = arguments.next() else {
                    unrecognized.append(UnrecognizedItem(item, in: bytes))
                    continue
                }
                let decoded = try section.base64(value, item, length: 32)
                if key == .onionKey { if onionKey == nil { onionKey = decoded } } else if encKey == nil { encKey = decoded }
            case .authKey:
                guard authCertificate == nil else { continue }
                authCertificate = try OnionServiceDescriptor.certificate(item, section, expectedType: Ed25519Certificate.CertType.hsIntroductionAuthentication)
            case .encKeyCertificate:
                guard encCertificate == nil else { continue }
                encCertificate = try OnionServiceDescriptor.certificate(item, section, expectedType: Ed25519Certificate.CertType.hsIntroductionEncryption)
            case .legacyKey:
                let object = try section.object(item, named: "RSA PUBLIC KEY")
                legacyKey = object.decodedBytes(in: bytes)
            case .legacyKeyCertificate:
                let object = try section.object(item, named: "CROSSCERT")
                legacyCertificate = object.decodedBytes(in: bytes)
            }
        }
        guard let onionKey else { throw section.error(.missingKeyword, keyword: "onion-key ntor") }
        guard let authCertificate else { throw section.error(.missingKeyword, keyword: PointKey.authKey.rawValue) }
        guard let encKey else { throw section.error(.missingKeyword, keyword: "enc-key ntor") }
        guard let encCertificate else { throw section.error(.missingKeyword, keyword: PointKey.encKeyCertificate.rawValue) }
        return IntroductionPoint(line: first.line, linkSpecifiers: specifiers, rawLinkSpecifiers: rawSpecifiers, onionKey: onionKey,
                                 authKeyCertificate: authCertificate, encKey: encKey, encKeyCertificate: encCertificate,
                                 legacyKey: legacyKey, legacyKeyCertificate: legacyCertificate, unrecognizedLines: unrecognized)
    }
}

extension OnionServiceInnerLayer: StemJSONRepresentable {
    /// Stem's `InnerLayer` attributes: `formats`, `intro_auth`, `is_single_service`,
    /// `introduction_points` (each: `link_specifiers`, `onion_key_raw`, `auth_key_cert`,
    /// `enc_key_raw`, `enc_key_cert`, `legacy_key_raw`, `legacy_key_cert`).
    public var stemJSON: JSONValue {
        .object([("formats", .array(create2Formats.map { .int($0) })),
                 ("intro_auth", .array((introAuthRequired ?? []).map { .string($0) })),
                 ("is_single_service", .bool(isSingleOnionService)),
                 ("pow_params", .array(powParams.map { .string(([$0.type] + $0.arguments).joined(separator: " ")) })),
                 ("introduction_points", .array(introductionPoints.map(\.stemJSON)))])
    }
}

extension OnionServiceInnerLayer.IntroductionPoint: StemJSONRepresentable {
    public var stemJSON: JSONValue {
        .object([("link_specifiers", .array(linkSpecifiers.map { .string($0.description) })),
                 ("onion_key_raw", .string(Base64.encode(onionKey))),
                 ("auth_key_cert", .string(Base64.encode(authKeyCertificate.rawBytes))),
                 ("enc_key_raw", .string(Base64.encode(encKey))),
                 ("enc_key_cert", .string(Base64.encode(encKeyCertificate.rawBytes))),
                 ("legacy_key_raw", .optional(legacyKey) { .string(Base64.encode($0)) }),
                 ("legacy_key_cert", .optional(legacyKeyCertificate) { .string(Base64.encode($0)) })])
    }
}
