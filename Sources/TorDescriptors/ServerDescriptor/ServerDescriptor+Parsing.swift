extension ServerDescriptor {
    enum Key: String, DocumentKeyword {
        case router, bandwidth, platform, published, fingerprint, hibernating, uptime
        case onionKey = "onion-key", ntorOnionKey = "ntor-onion-key", signingKey = "signing-key"
        case accept, reject, accept6, reject6
        case ipv6Policy = "ipv6-policy", family, familyCert = "family-cert", contact
        case bridgeDistributionRequest = "bridge-distribution-request"
        case proto, protocols, orAddress = "or-address"
        case identityEd25519 = "identity-ed25519", masterKeyEd25519 = "master-key-ed25519"
        case onionKeyCrosscert = "onion-key-crosscert", ntorOnionKeyCrosscert = "ntor-onion-key-crosscert"
        case routerSigEd25519 = "router-sig-ed25519", routerSignature = "router-signature"
        case extraInfoDigest = "extra-info-digest", cachesExtraInfo = "caches-extra-info"
        case hiddenServiceDir = "hidden-service-dir", tunnelledDirServer = "tunnelled-dir-server"
        case allowSingleHopExits = "allow-single-hop-exits"
        case readHistory = "read-history", writeHistory = "write-history"
        case eventdns, overloadGeneral = "overload-general"
        case routerDigest = "router-digest", routerDigestSHA256 = "router-digest-sha256"
    }

    /// Parses one descriptor; the protocol's entry point. Bridge-ness comes from the bytes.
    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        try self.init(parsing: slice, mode: mode, isBridge: nil)
    }

    /// Parses one descriptor. `isBridge: true` treats it as a bridge descriptor even without a
    /// `@type bridge-server-descriptor` annotation or `router-digest` line; `nil` detects it.
    public init(parsing slice: DocumentSlice, mode: ValidationMode, isBridge: Bool?) throws(DescriptorParseError) {
        let bytes = slice.bytes
        let announcedBridge = isBridge ?? Self.hasBridgeTypeAnnotation(bytes)
        var document = try Tokenizer.tokenize(
            bytes, kind: announcedBridge ? .bridgeServerDescriptor : .serverDescriptor, mode: mode,
            firstLine: slice.firstLine, nonASCIIAllowed: ["platform", "contact"])
        var bridge = announcedBridge
        if isBridge == nil, !bridge,
           document.items.contains(where: { $0.keywordEquals("router-digest", in: bytes) }) {
            bridge = true
            document = TokenizedDocument(bytes: bytes, annotations: document.annotations, items: document.items,
                                         content: document.content, firstLine: document.firstLine,
                                         kind: .bridgeServerDescriptor)
        }
        self.init(rawBytes: bytes, firstLine: slice.firstLine, isBridge: bridge)
        annotations = document.annotations

        guard let router = document.items.first(where: { $0.keywordEquals("router", in: bytes) }) else {
            throw document.error(.missingKeyword, keyword: "router")
        }
        let strict = mode.isStrict
        if strict { try Self.rules(bridge: bridge).check(document) }
        try parseRouter(router, document, strict: strict)

        let keywords = Self.keyTable   // one lazy-global check, not one per item
        for item in document.items where item.range.lowerBound != router.range.lowerBound {
            do throws(DescriptorParseError) {
                try parseItem(item, document, keywords, strict: strict)
            } catch {
                if strict { throw error }
                warnings.append(error)
            }
        }
        if strict { try checkStrict(document) }
    }

    /// Parses every descriptor of a buffer as bridge (`true`) or relay (`false`) descriptors.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient,
                                isBridge: Bool) -> [Result<ServerDescriptor, DescriptorParseError>] {
        var results: [Result<ServerDescriptor, DescriptorParseError>] = []
        for slice in slices(in: bytes) {
            if results.count >= mode.limits.maxDocumentsPerBuffer {
                let kind: DocumentKind = isBridge ? .bridgeServerDescriptor : .serverDescriptor
                results.append(.failure(mode.limits.exceeded(.documentsPerBuffer, kind: kind, line: slice.firstLine)))
                break
            }
            do throws(DescriptorParseError) {
                results.append(.success(try ServerDescriptor(parsing: slice, mode: mode, isBridge: isBridge)))
            } catch { results.append(.failure(error)) }
        }
        return results
    }

    /// Whether the annotation lines before the first keyword include `@type bridge-server-descriptor`.
    static func hasBridgeTypeAnnotation(_ bytes: ArraySlice<UInt8>) -> Bool {
        var position = bytes.startIndex
        while position < bytes.endIndex, bytes[position] == UInt8(ascii: "@") {
            let (lineEnd, next) = Tokenizer.lineBounds(bytes, from: position)
            if ByteText.hasPrefix(bytes, position..<lineEnd, "@type bridge-server-descriptor") { return true }
            position = next
        }
        return false
    }

    /// `router nickname address ORPort SOCKSPort DirPort`: the document's identity, so a line
    /// that cannot be read throws in both modes.
    private mutating func parseRouter(_ item: DocumentItem, _ document: TokenizedDocument, strict: Bool) throws(DescriptorParseError) {
        let bytes = document.bytes
        routerStart = item.range.lowerBound
        var cursor = item.argumentCursor(in: bytes)
        guard let name = cursor.next() else { throw document.error(.malformedArguments("missing nickname"), at: item) }
        let address = try document.address(&cursor, item, name: "address")
        orPort = UInt16(try document.port(&cursor, item, name: "ORPort"))
        let socks = try document.port(&cursor, item, name: "SOCKSPort"), dir = try document.port(&cursor, item, name: "DirPort")
        socksPort = socks == 0 ? nil : UInt16(socks)
        dirPort = dir == 0 ? nil : UInt16(dir)
        nickname = ByteText.string(bytes, name)
        self.address = address
        if strict {
            guard Self.isValidNickname(bytes, name) else {
                throw document.error(.malformedArguments("invalid nickname '\(ByteText.escaped(bytes, name))'"), at: item)
            }
            guard !address.isIPv6 else { throw document.error(.malformedArguments("address must be IPv4"), at: item) }
        }
    }

    /// 1–19 characters of `[A-Za-z0-9]` (dir-spec §2.1.3).
    static func isValidNickname(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        guard (1...19).contains(range.count) else { return false }
        return bytes[range].allSatisfy { Tokenizer.isKeywordByte($0) && $0 != UInt8(ascii: "-") }
    }

    private mutating func parseItem(_ item: DocumentItem, _ document: TokenizedDocument, _ keywords: KeywordTable<Key>,
                                    strict: Bool) throws(DescriptorParseError) {
        let bytes = document.bytes
        guard let key = keywords.lookup(bytes, item.keyword) else {
            unrecognizedLines.append(UnrecognizedItem(item, in: bytes))
            return
        }
        var cursor = item.argumentCursor(in: bytes)
        func malformed(_ why: String) -> DescriptorParseError { document.error(.malformedArguments(why), at: item) }

        switch key {
        case .router:
            // A second router line only reaches here in lenient mode.
            throw document.error(.duplicateKeyword, at: item)
        case .bandwidth:
            let average = try document.unsignedInteger(&cursor, item, name: "bandwidth-avg")
            let burst = try document.unsignedInteger(&cursor, item, name: "bandwidth-burst")
            let observed = try document.unsignedInteger(&cursor, item, name: "bandwidth-observed")
            (averageBandwidth, burstBandwidth, observedBandwidth) = (average, burst, observed)
        case .platform:
            platformRange = item.arguments
        case .published:
            published = try document.timestamp(&cursor, item)
        case .fingerprint:
            let value = try document.fingerprint(item.arguments, item)
            if strict, item.arguments.count != 49 { throw malformed("expected ten groups of four hex digits") }
            fingerprint = value
        case .hibernating:
            guard let flag = Self.bit(bytes, cursor.next()) else { throw malformed("expected 0 or 1") }
            isHibernating = flag == 1
        case .uptime:
            uptime = try document.signedInteger(&cursor, item, name: "uptime")
        case .onionKey:
            objects.onionKey = try Self.checkedObject(document, item, named: "RSA PUBLIC KEY", decode: strict)
        case .signingKey:
            objects.signingKey = try Self.checkedObject(document, item, named: "RSA PUBLIC KEY", decode: strict)
        case .ntorOnionKey:
            guard let word = cursor.next() else { throw malformed("missing key") }
            try Self.checkBase64(document, item, word, length: 32)
            ntorOnionKeyRange = word
        case .accept, .reject, .accept6, .reject6:
            if strict, !ExitPattern.isValid(bytes, item.arguments, ipv6Only: key == .accept6 || key == .reject6) {
                throw malformed("invalid exit pattern '\(ByteText.escaped(bytes, item.arguments))'")
            }
            exitPolicyRanges.append((item.keyword, item.arguments))
        case .ipv6Policy:
            if strict, !ExitPattern.isValidSummary(bytes, item.arguments) {
                throw malformed("expected accept|reject PortList")
            }
            ipv6PolicyRange = item.arguments
        case .family:
            familyRange = item.arguments
        case .familyCert:
            let object = try document.object(item, named: "FAMILY CERT")
            familyCertificates.append(try Self.certificate(document, item, object))
        case .contact:
            contactRange = item.arguments
        case .bridgeDistributionRequest:
            guard let word = cursor.next() else { throw malformed("missing method") }
            bridgeDistributionRequest = ByteText.string(bytes, word)
        case .proto:
            guard ProtocolVersions.isValid(bytes, item.arguments) else {
                throw malformed("expected Name=N[-M][,...] entries")
            }
            protocolsRange = item.arguments
        case .protocols:
            try parseLegacyProtocols(item, document)
        case .orAddress:
            guard let word = cursor.next(), let value = ORAddress.parse(bytes, word) else {
                throw malformed("expected ADDRESS:PORT")
            }
            orAddresses.append(value)
        case .identityEd25519:
            let object = try document.object(item, named: "ED25519 CERT")
            let certificate = try Self.certificate(document, item, object)
            if strict, certificate.certType != Ed25519Certificate.CertType.signingKey || certificate.signingKey == nil {
                throw document.error(.malformedObject("identity certificate must be type 4 with a signing key"), at: item)
            }
            identityCertificate = certificate
            objects.identity = object
        case .masterKeyEd25519:
            guard let word = cursor.next() else { throw malformed("missing key") }
            try Self.checkBase64(document, item, word, length: 32)
            masterKeyRange = word
        case .onionKeyCrosscert:
            objects.onionKeyCrosscert = try Self.checkedObject(document, item, named: "CROSSCERT", decode: strict)
        case .ntorOnionKeyCrosscert:
            guard let sign = Self.bit(bytes, cursor.next()) else { throw malformed("sign bit must be 0 or 1") }
            let object = try document.object(item, named: "ED25519 CERT")
            ntorOnionKeyCrosscert = try Self.certificate(document, item, object)
            ntorOnionKeyCrosscertSign = sign
            objects.ntorOnionKeyCrosscert = object
        case .routerSigEd25519:
            guard let word = cursor.next() else { throw malformed("missing signature") }
            try Self.checkBase64(document, item, word, length: 64)
            ed25519SignatureRange = word
            ed25519SignedEnd = item.keyword.upperBound + 1
        case .routerSignature:
            objects.signature = try Self.checkedObject(document, item, named: "SIGNATURE", decode: strict)
            signedEnd = document.signedRange(throughKeywordLineOf: item).upperBound
        case .extraInfoDigest:
            guard let sha1 = cursor.next(), Self.isHex40(bytes, sha1) else {
                throw malformed("expected 40 hex digits")
            }
            if let sha256 = cursor.next() {
                try Self.checkBase64(document, item, sha256, length: 32)
                extraInfoDigestSHA256Range = sha256
            }
            extraInfoDigestRange = sha1
        case .cachesExtraInfo:
            cachesExtraInfo = true
        case .hiddenServiceDir:
            var versions: [Int] = []
            while let word = cursor.next() {
                guard let version = ByteText.unsigned(bytes, word) else { throw malformed("version is not a number") }
                versions.append(version)
            }
            isHiddenServiceDir = true
            hiddenServiceDirVersions = versions
        case .tunnelledDirServer:
            allowsTunnelledDirRequests = true
        case .allowSingleHopExits:
            allowsSingleHopExits = true
        case .readHistory, .writeHistory:
            guard let history = BandwidthHistory.parse(bytes, item.arguments) else {
                throw malformed("expected YYYY-MM-DD HH:MM:SS (NSEC s) NUM,...")
            }
            if key == .readHistory { readHistory = history } else { writeHistory = history }
        case .eventdns:
            guard let flag = Self.bit(bytes, cursor.next()) else { throw malformed("expected 0 or 1") }
            eventDNS = flag == 1
        case .overloadGeneral:
            let version = try document.unsignedInteger(&cursor, item, name: "version")
            overloadGeneral = OverloadGeneral(version: version, timestamp: try document.timestamp(&cursor, item))
        case .routerDigest:
            guard let word = cursor.next(), Self.isHex40(bytes, word) else {
                throw malformed("expected 40 hex digits")
            }
            routerDigestRange = word
        case .routerDigestSHA256:
            guard let word = cursor.next() else { throw malformed("missing digest") }
            try Self.checkBase64(document, item, word, length: 32)
            routerDigestSHA256Range = word
        }
    }

    /// `protocols Link 1 2 Circuit 1` (obsolete since tor 0.2.9.4-alpha).
    private mutating func parseLegacyProtocols(_ item: DocumentItem, _ document: TokenizedDocument) throws(DescriptorParseError) {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        guard let first = cursor.next(), ByteText.equals(bytes, first, "Link") else {
            throw document.error(.malformedArguments("expected 'Link ... Circuit ...'"), at: item)
        }
        var link: [String] = []
        var circuit: [String] = []
        var inCircuit = false
        while let word = cursor.next() {
            if !inCircuit, ByteText.equals(bytes, word, "Circuit") { inCircuit = true; continue }
            if inCircuit { circuit.append(ByteText.string(bytes, word)) } else { link.append(ByteText.string(bytes, word)) }
        }
        guard inCircuit else { throw document.error(.malformedArguments("expected 'Link ... Circuit ...'"), at: item) }
        linkProtocols = link
        circuitProtocols = circuit
    }

    /// Checks, without decoding, that `range` is base64 of exactly `length` bytes (padding optional).
    static func checkBase64(_ document: TokenizedDocument, _ item: DocumentItem, _ range: Range<Int>, length: Int) throws(DescriptorParseError) {
        if Base64.decodedCount(document.bytes, range) != length {
            throw document.error(.malformedArguments("not valid base64 of \(length) bytes: '\(ByteText.escaped(document.bytes, range))'"), at: item)
        }
    }

    /// 40 hex digits, checked without allocating.
    static func isHex40(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        range.count == 40 && bytes[range].allSatisfy { Hex.nibble($0) != nil }
    }

    static func bit(_ bytes: ArraySlice<UInt8>, _ word: Range<Int>?) -> Int? {
        guard let word, word.count == 1 else { return nil }
        switch bytes[word.lowerBound] {
        case UInt8(ascii: "0"): return 0
        case UInt8(ascii: "1"): return 1
        default: return nil
        }
    }

    /// The item's object, checked for type; with `decode`, also checked to be valid base64.
    static func checkedObject(_ document: TokenizedDocument, _ item: DocumentItem, named name: StaticString,
                              decode: Bool) throws(DescriptorParseError) -> DocumentObject {
        let object = try document.object(item, named: name)
        if decode, object.decodedBytes(in: document.bytes) == nil {
            throw document.error(.malformedObject("object body is not valid base64"), at: item)
        }
        return object
    }

    static func certificate(_ document: TokenizedDocument, _ item: DocumentItem, _ object: DocumentObject) throws(DescriptorParseError) -> Ed25519Certificate {
        do throws(Ed25519CertificateError) {
            return try Ed25519Certificate(base64: document.bytes[object.body])
        } catch {
            throw document.error(.malformedObject("Ed25519 certificate: \(error)"), at: item)
        }
    }
}
