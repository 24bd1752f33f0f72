/// Reads a v2 network status: the header through the tokenizer, the entries through the
/// consensus entry scanner (ns flavor: the `r` line is the same), the footer through the
/// tokenizer again.
struct NetworkStatusV2Parser {
    static let kind: DocumentKind = .networkStatusV2

    enum Key: String, DocumentKeyword {
        case version = "network-status-version"
        case dirSource = "dir-source"
        case fingerprint, contact, published
        case dirOptions = "dir-options"
        case clientVersions = "client-versions"
        case serverVersions = "server-versions"
        case signingKey = "dir-signing-key"
        case signature = "directory-signature"
    }

    /// tor 0.1.x's `netstatus_token_table` (routerparse.c, removed in 0.2.3), as dir-spec-v2
    /// §3.1 describes it.
    static let rules = KeywordRules<Key>(kind: kind, source: .spec("dir-spec-v2 3.1"), [
        .first(.version, .atLeast(1), .forbidden),
        .once(.dirSource, .atLeast(3), .forbidden),
        .once(.fingerprint, .concat, .forbidden),
        .atMostOnce(.contact, .concat, .forbidden),
        .once(.published, .concat, .forbidden),
        .atMostOnce(.dirOptions, .any, .forbidden),
        .atMostOnce(.clientVersions, .concat, .forbidden),
        .atMostOnce(.serverVersions, .concat, .forbidden),
        .once(.signingKey, .none, .rsaKey),
        .once(.signature, .exactly(1), .required, types: ["SIGNATURE"]),
    ])

    struct Parsed {
        var annotations: [Annotation] = []
        var version = 2
        var hostname: String?, address: IPAddress?, dirPort: UInt16?
        var fingerprint: Fingerprint?, contact: String?, published: TorTimestamp?
        var options: [String] = [], clientVersions: [String] = [], serverVersions: [String] = []
        var signingKey: [UInt8]?
        var entries: [RouterStatusEntry] = []
        var signingAuthority: String?, signature: [UInt8]?, signedRange: Range<Int>?
        var unrecognized: [UnrecognizedItem] = []
        var warnings: [DescriptorParseError] = []
    }

    let slice: DocumentSlice
    let mode: ValidationMode

    func parse() throws(DescriptorParseError) -> Parsed {
        let bytes = slice.bytes
        let (position, line) = RouterStatusEntryScanner.headerEnd(bytes, firstLine: slice.firstLine)
        let header = try Tokenizer.tokenize(bytes[bytes.startIndex..<position], kind: Self.kind, mode: mode, firstLine: slice.firstLine)
        guard let first = header.items.first, first.keywordEquals("network-status-version", in: bytes) else {
            throw DescriptorParseError(document: Self.kind, line: header.items.first?.line ?? slice.firstLine,
                                       keyword: "network-status-version", failure: .misplacedKeyword(expected: "must be the first item"))
        }
        // Entries are read by the v3 scanner's lenient rules in both modes: v2 statuses predate
        // v3's strict entry syntax (flags were not in byte order, e.g. `Valid V2Dir`).
        var scanner = RouterStatusEntryScanner(bytes: bytes, flavor: .ns, mode: .lenient(limits: mode.limits),
                                               position: position, line: line)
        var parsed = Parsed()
        parsed.annotations = header.annotations
        try scanner.collect(into: &parsed.entries)
        var warnings = scanner.skipped
        for entry in parsed.entries { warnings += entry.warnings }
        var items = header.items
        if scanner.position < bytes.endIndex {
            let footer = try Tokenizer.tokenize(bytes[scanner.position..<bytes.endIndex], kind: Self.kind, mode: mode, firstLine: scanner.line)
            items += footer.items
        }
        // One rule check over header and footer together (they are one document to tor).
        let whole = TokenizedDocument(bytes: bytes, annotations: header.annotations, items: items,
                                      content: header.content.lowerBound..<bytes.endIndex, firstLine: slice.firstLine, kind: Self.kind)
        if mode.isStrict { try Self.rules.check(whole) }
        // The version identifies the document: unreadable, it fails in both modes.
        let problem = { (key: Key, error: DescriptorParseError) throws(DescriptorParseError) in
            if mode.isStrict || key == .version { throw error }
            warnings.append(error)
        }
        var unrecognized: [UnrecognizedItem] = []
        try Self.rules.walk(items, in: bytes, unrecognized: &unrecognized, problem: problem) { key, item throws(DescriptorParseError) in
            try read(key, item, whole, start: header.content.lowerBound, into: &parsed)
        }
        parsed.unrecognized = unrecognized
        parsed.warnings = warnings.sorted { $0.line < $1.line }
        return parsed
    }

    private func read(_ key: Key, _ item: DocumentItem, _ document: TokenizedDocument, start: Int,
                      into parsed: inout Parsed) throws(DescriptorParseError) {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        func list(_ range: Range<Int>) -> [String] {
            ByteText.string(bytes, range).split(separator: ",").map(String.init)
        }
        switch key {
        case .version:
            guard let word = cursor.next(), let version = ByteText.unsigned(bytes, word), version == 2 else {
                throw document.error(.malformedArguments("expected version 2"), at: item)
            }
            parsed.version = version
        case .dirSource:
            guard let host = cursor.next(), let ip = cursor.next(), let port = cursor.next(),
                  let address = IPAddress.parse(bytes, ip), let dirPort = ByteText.unsigned(bytes, port), dirPort <= 65_535 else {
                throw document.error(.malformedArguments("expected HOSTNAME ADDRESS DIRPORT"), at: item)
            }
            (parsed.hostname, parsed.address, parsed.dirPort) = (ByteText.string(bytes, host), address, UInt16(dirPort))
        case .fingerprint:
            let text = String(decoding: bytes[item.arguments].filter { $0 != UInt8(ascii: " ") }, as: UTF8.self)
            guard text.utf8.count == 40, let fingerprint = Fingerprint(hex: text) else {
                throw document.error(.malformedArguments("expected 40 hex digits"), at: item)
            }
            parsed.fingerprint = fingerprint
        case .contact:
            parsed.contact = ByteText.string(bytes, item.arguments)
        case .published:
            parsed.published = try document.timestamp(&cursor, item)
        case .dirOptions:
            parsed.options = cursor.all().map { ByteText.string(bytes, $0) }
        case .clientVersions:
            parsed.clientVersions = list(item.arguments)
        case .serverVersions:
            parsed.serverVersions = list(item.arguments)
        case .signingKey:
            guard let object = item.object, let der = object.decodedBytes(in: bytes) else {
                throw document.error(.malformedObject("expected an RSA PUBLIC KEY"), at: item)
            }
            parsed.signingKey = der
        case .signature:
            guard let nickname = cursor.next(), let object = item.object, let signature = object.decodedBytes(in: bytes) else {
                throw document.error(.malformedObject("expected a nickname and a SIGNATURE"), at: item)
            }
            parsed.signingAuthority = ByteText.string(bytes, nickname)
            parsed.signature = signature
            // Signed: from network-status-version through the newline ending this line.
            let (_, next) = Tokenizer.lineBounds(bytes, from: item.range.lowerBound)
            parsed.signedRange = start..<next
        }
    }
}
