/// Every keyword dir-spec 2.1.2 lists for extra-info documents, plus CollecTor's sanitized
/// bridge lines (`master-key-ed25519`, `router-digest`, `router-digest-sha256`).
enum ExtraInfoKeyword: String, DocumentKeyword {
    case extraInfo = "extra-info", published
    case identityEd25519 = "identity-ed25519", masterKeyEd25519 = "master-key-ed25519"
    case routerSigEd25519 = "router-sig-ed25519", routerSignature = "router-signature"
    case routerDigest = "router-digest", routerDigestSHA256 = "router-digest-sha256"
    case geoipDBDigest = "geoip-db-digest", geoip6DBDigest = "geoip6-db-digest", transport
    case readHistory = "read-history", writeHistory = "write-history"
    case ipv6ReadHistory = "ipv6-read-history", ipv6WriteHistory = "ipv6-write-history"
    case dirReadHistory = "dirreq-read-history", dirWriteHistory = "dirreq-write-history"
    case geoipStartTime = "geoip-start-time", geoipClientOrigins = "geoip-client-origins"
    case bridgeStatsEnd = "bridge-stats-end", bridgeIPs = "bridge-ips"
    case bridgeIPVersions = "bridge-ip-versions", bridgeIPTransports = "bridge-ip-transports"
    case dirStatsEnd = "dirreq-stats-end"
    case dirV2IPs = "dirreq-v2-ips", dirV3IPs = "dirreq-v3-ips"
    case dirV2Requests = "dirreq-v2-reqs", dirV3Requests = "dirreq-v3-reqs"
    case dirV2Share = "dirreq-v2-share", dirV3Share = "dirreq-v3-share"
    case dirV2Responses = "dirreq-v2-resp", dirV3Responses = "dirreq-v3-resp"
    case dirV2DirectDL = "dirreq-v2-direct-dl", dirV3DirectDL = "dirreq-v3-direct-dl"
    case dirV2TunneledDL = "dirreq-v2-tunneled-dl", dirV3TunneledDL = "dirreq-v3-tunneled-dl"
    case entryStatsEnd = "entry-stats-end", entryIPs = "entry-ips"
    case cellStatsEnd = "cell-stats-end", cellProcessedCells = "cell-processed-cells"
    case cellQueuedCells = "cell-queued-cells", cellTimeInQueue = "cell-time-in-queue"
    case cellCircuitsPerDecile = "cell-circuits-per-decile"
    case connBiDirect = "conn-bi-direct", ipv6ConnBiDirect = "ipv6-conn-bi-direct"
    case exitStatsEnd = "exit-stats-end", exitKibibytesWritten = "exit-kibibytes-written"
    case exitKibibytesRead = "exit-kibibytes-read", exitStreamsOpened = "exit-streams-opened"
    case hsStatsEnd = "hidserv-stats-end", hsRendCells = "hidserv-rend-relayed-cells"
    case hsDirOnionsSeen = "hidserv-dir-onions-seen", hsV3StatsEnd = "hidserv-v3-stats-end"
    case hsV3RendCells = "hidserv-rend-v3-relayed-cells", hsV3DirOnionsSeen = "hidserv-dir-v3-onions-seen"
    case paddingCounts = "padding-counts"
    case overloadRateLimits = "overload-ratelimits", overloadFDExhausted = "overload-fd-exhausted"

    /// The keyword and its bit in a "seen" mask (fewer than 64 keywords).
    struct Entry: Sendable {
        let key: ExtraInfoKeyword
        let bit: UInt64
    }

    static let table = KeywordTable<Entry>(allCases.enumerated().map { ($0.element.rawValue, Entry(key: $0.element, bit: 1 << UInt64($0.offset))) })
}

extension ExtraInfoDescriptor {
    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let strict = mode.isStrict
        let annotatedBridge = ByteText.hasPrefix(slice.bytes, slice.bytes.indices, "@type bridge-extra-info")
        var document = try Tokenizer.tokenize(slice.bytes, kind: annotatedBridge ? .bridgeExtraInfo : .extraInfo,
                                              mode: mode, firstLine: slice.firstLine)
        let bytes = document.bytes

        // The opening line identifies the document; without it nothing else can be trusted.
        guard let opening = document.items.first(where: { $0.keywordEquals("extra-info", in: bytes) }) else {
            throw document.error(.missingKeyword, keyword: "extra-info")
        }
        var cursor = opening.argumentCursor(in: bytes)
        guard let nicknameRange = cursor.next(), Self.isNickname(bytes, nicknameRange) else {
            throw document.error(.malformedArguments("expected a nickname of 1-19 letters and digits: '\(ByteText.escaped(bytes, opening.arguments))'"), at: opening)
        }
        guard let fingerprintRange = cursor.next(), fingerprintRange.count == 40 else {
            throw document.error(.malformedArguments("expected a 40-digit hex fingerprint: '\(ByteText.escaped(bytes, opening.arguments))'"), at: opening)
        }
        fingerprint = try document.fingerprint(fingerprintRange, opening)
        try ExtraInfoFields.expectEnd(cursor, document, opening, strict: strict)
        nickname = document.string(nicknameRange)

        rawBytes = slice.bytes
        annotations = document.annotations
        firstLine = slice.firstLine
        contentRange = document.content

        var hasRouterDigest = false
        var routerSignatureItem: DocumentItem?
        for item in document.items {
            if item.keywordEquals("router-digest", in: bytes) { hasRouterDigest = true }
            if item.keywordEquals("router-signature", in: bytes), routerSignatureItem == nil { routerSignatureItem = item }
        }
        isBridge = annotatedBridge
            || annotations.contains { $0.name == "type" && $0.value.hasPrefix("bridge-extra-info") }
            || (hasRouterDigest && routerSignatureItem == nil)
        if isBridge, document.kind != .bridgeExtraInfo {
            document = TokenizedDocument(bytes: document.bytes, annotations: document.annotations, items: document.items,
                                         content: document.content, firstLine: document.firstLine, kind: .bridgeExtraInfo)
        }
        if let routerSignatureItem, !isBridge {
            signedRange = document.signedRange(throughKeywordLineOf: routerSignatureItem)
        }
        if strict { try ExtraInfoRules.check(document, isBridge: isBridge) }

        var seen: UInt64 = 0
        let table = ExtraInfoKeyword.table
        for item in document.items {
            guard let entry = table.lookup(bytes, item.keyword) else {
                unrecognizedLines.append(UnrecognizedItem(item, in: bytes))
                continue
            }
            if entry.key == .extraInfo {
                if item.line != opening.line { warnings.append(document.error(.duplicateKeyword, at: item)) }
                continue
            }
            if entry.key != .transport {
                guard seen & entry.bit == 0 else {
                    // Strict mode already rejected this; lenient keeps the first, as Stem does.
                    warnings.append(document.error(.duplicateKeyword, at: item))
                    continue
                }
                seen |= entry.bit
            }
            do throws(DescriptorParseError) {
                try apply(entry.key, item, document, strict: strict)
            } catch {
                if strict { throw error }
                warnings.append(error)
            }
        }
    }

    /// Nicknames are 1 to 19 ASCII letters and digits.
    static func isNickname(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        guard (1...19).contains(range.count) else { return false }
        for index in range {
            let byte = bytes[index]
            guard Tokenizer.isKeywordByte(byte), byte != UInt8(ascii: "-") else { return false }
        }
        return true
    }

    /// Decodes one known item into its field.
    private mutating func apply(_ key: ExtraInfoKeyword, _ item: DocumentItem, _ document: TokenizedDocument,
                                strict: Bool) throws(DescriptorParseError) {
        typealias F = ExtraInfoFields
        if key != .identityEd25519, key != .routerSignature, item.object != nil {
            throw document.error(.malformedObject("unexpected object"), at: item)
        }
        switch key {
        case .extraInfo: break
        case .published: published = try F.time(document, item, strict: strict)
        case .identityEd25519:
            identityObject = try F.validatedObject(document, item, named: "ED25519 CERT", strict: strict)
        case .masterKeyEd25519: masterKeyEd25519 = try F.base64Word(document, item, length: 32, strict: strict)
        case .routerSigEd25519: ed25519Signature = try F.base64Word(document, item, length: 64, strict: strict)
        case .routerSignature:
            signatureObject = try F.validatedObject(document, item, named: "SIGNATURE", strict: strict)
        case .routerDigest: routerDigestRange = try F.hexDigest(document, item, strict: strict)
        case .routerDigestSHA256: routerDigestSHA256Range = try F.base64SHA256Digest(document, item, strict: strict)
        case .geoipDBDigest: geoipDBDigestRange = try F.hexDigest(document, item, strict: strict)
        case .geoip6DBDigest: geoip6DBDigestRange = try F.hexDigest(document, item, strict: strict)
        case .transport:
            let transport = try F.transport(document, item)
            if strict, transports.contains(where: { $0.name == transport.name }) {
                throw F.malformed(document, item, "a transport name may appear only once")
            }
            transports.append(transport)
        case .readHistory: readHistory = try F.history(document, item)
        case .writeHistory: writeHistory = try F.history(document, item)
        case .ipv6ReadHistory: ipv6ReadHistory = try F.history(document, item)
        case .ipv6WriteHistory: ipv6WriteHistory = try F.history(document, item)
        case .dirReadHistory: dirReadHistory = try F.history(document, item)
        case .dirWriteHistory: dirWriteHistory = try F.history(document, item)
        case .geoipStartTime: geoipStartTime = try F.time(document, item, strict: strict)
        case .geoipClientOrigins: geoipClientOrigins = try F.countryCounts(document, item)
        case .bridgeStatsEnd: bridgeStats = try F.statsPeriod(document, item, strict: strict)
        case .bridgeIPs: bridgeIPs = try F.countryCounts(document, item)
        case .bridgeIPVersions: ipVersions = try F.namedCounts(document, item)
        case .bridgeIPTransports: ipTransports = try F.namedCounts(document, item)
        case .dirStatsEnd: dirStats = try F.statsPeriod(document, item, strict: strict)
        case .dirV2IPs: dirV2IPs = try F.countryCounts(document, item)
        case .dirV3IPs: dirV3IPs = try F.countryCounts(document, item)
        case .dirV2Requests: dirV2Requests = try F.countryCounts(document, item)
        case .dirV3Requests: dirV3Requests = try F.countryCounts(document, item)
        case .dirV2Share: dirV2Share = try F.share(document, item, strict: strict)
        case .dirV3Share: dirV3Share = try F.share(document, item, strict: strict)
        case .dirV2Responses:
            (dirV2Responses, dirV2ResponsesUnknown) = try F.typedCounts(document, item, table: DirResponse.table)
        case .dirV3Responses:
            (dirV3Responses, dirV3ResponsesUnknown) = try F.typedCounts(document, item, table: DirResponse.table)
        case .dirV2DirectDL:
            (dirV2DirectDownloads, dirV2DirectDownloadsUnknown) = try F.typedCounts(document, item, table: DirStat.table)
        case .dirV3DirectDL:
            (dirV3DirectDownloads, dirV3DirectDownloadsUnknown) = try F.typedCounts(document, item, table: DirStat.table)
        case .dirV2TunneledDL:
            (dirV2TunneledDownloads, dirV2TunneledDownloadsUnknown) = try F.typedCounts(document, item, table: DirStat.table)
        case .dirV3TunneledDL:
            (dirV3TunneledDownloads, dirV3TunneledDownloadsUnknown) = try F.typedCounts(document, item, table: DirStat.table)
        case .entryStatsEnd: entryStats = try F.statsPeriod(document, item, strict: strict)
        case .entryIPs: entryIPs = try F.countryCounts(document, item)
        case .cellStatsEnd: cellStats = try F.statsPeriod(document, item, strict: strict)
        case .cellProcessedCells: cellProcessedCells = try F.decimalList(document, item)
        case .cellQueuedCells: cellQueuedCells = try F.decimalList(document, item)
        case .cellTimeInQueue: cellTimeInQueue = try F.decimalList(document, item)
        case .cellCircuitsPerDecile: cellCircuitsPerDecile = try F.integer(document, item, strict: strict)
        case .connBiDirect: connBiDirect = try F.connectionDirections(document, item, strict: strict)
        case .ipv6ConnBiDirect: ipv6ConnBiDirect = try F.connectionDirections(document, item, strict: strict)
        case .exitStatsEnd: exitStats = try F.statsPeriod(document, item, strict: strict)
        case .exitKibibytesWritten: exitKibibytesWritten = try F.portCounts(document, item)
        case .exitKibibytesRead: exitKibibytesRead = try F.portCounts(document, item)
        case .exitStreamsOpened: exitStreamsOpened = try F.portCounts(document, item)
        case .hsStatsEnd: hiddenServiceStats = try F.statsPeriod(document, item, strict: strict)
        case .hsRendCells: hiddenServiceRendezvousCells = try F.hiddenServiceStatistic(document, item)
        case .hsDirOnionsSeen: hiddenServiceDirOnionsSeen = try F.hiddenServiceStatistic(document, item)
        case .hsV3StatsEnd: hiddenServiceV3Stats = try F.statsPeriod(document, item, strict: strict)
        case .hsV3RendCells: hiddenServiceV3RendezvousCells = try F.hiddenServiceStatistic(document, item)
        case .hsV3DirOnionsSeen: hiddenServiceV3DirOnionsSeen = try F.hiddenServiceStatistic(document, item)
        case .paddingCounts: paddingCounts = try F.paddingCounts(document, item)
        case .overloadRateLimits: overloadRateLimits = try F.overloadRateLimits(document, item, strict: strict)
        case .overloadFDExhausted: overloadFDExhausted = try F.overloadFDExhausted(document, item, strict: strict)
        }
    }
}
