/// Reads a v1 directory in three parts: the header up to the first `router` line, the server
/// descriptors up to `directory-signature` (each parsed as a ``ServerDescriptor``), and the
/// signature. The boundaries are found by a line scan on keywords, so the descriptors are
/// tokenized once, by their own parser.
struct RelayDirectoryParser {
    enum Key: String, DocumentKeyword {
        case signedDirectory = "signed-directory"
        case published
        case recommendedSoftware = "recommended-software"
        case routerStatus = "router-status"
        case runningRouters = "running-routers"
        case signingKey = "dir-signing-key"
        case signature = "directory-signature"
    }

    static let kind = DocumentKind.relayDirectory

    /// dir-spec-v1 §3 and tor 0.1.x's `dir_token_table` (routerparse.c); metrics-lib checks the
    /// same counts. `router-status` (tor 0.1.0 and later) replaced `running-routers`; a
    /// directory carries one or both. `dir-signing-key`'s key was on its own line in the
    /// earliest directories, an object later.
    static let rules = KeywordRules<Key>(kind: kind, source: .spec("dir-spec-v1 3"), [
        .first(.signedDirectory, .exactly(0), .forbidden),
        .once(.published, .concat, .forbidden),
        .once(.recommendedSoftware, .any, .forbidden),
        .atMostOnce(.routerStatus, .any, .forbidden),
        .atMostOnce(.runningRouters, .any, .forbidden),
        .atMostOnce(.signingKey, .any, .optional),
        .last(.signature, .atLeast(1), .required, types: ["SIGNATURE"]),
    ])

    struct Parsed {
        var annotations: [Annotation] = []
        var published: TorTimestamp?
        var recommendedSoftware: [String] = []
        var statusEntries: [RelayDirectory.StatusEntry] = []
        var statusKeyword: String?
        var signingKey: [UInt8]?
        var serverDescriptors: [Result<ServerDescriptor, DescriptorParseError>] = []
        var signingAuthority: String?, signature: [UInt8]?, signedRange: Range<Int>?
        var unrecognized: [UnrecognizedItem] = []
        var warnings: [DescriptorParseError] = []
    }

    let slice: DocumentSlice
    let mode: ValidationMode

    /// Where the descriptors and the signature begin, with their line numbers.
    struct Boundaries {
        var routers: (position: Int, line: Int)?
        var signature: (position: Int, line: Int)?
    }

    func parse() throws(DescriptorParseError) -> Parsed {
        let bytes = slice.bytes
        try LineScanner.checkSize(bytes, kind: Self.kind, limits: mode.limits, firstLine: slice.firstLine)
        let bounds = Self.boundaries(bytes, firstLine: slice.firstLine)
        let headerEnd = bounds.routers?.position ?? bounds.signature?.position ?? bytes.endIndex
        let header = try Tokenizer.tokenize(bytes[bytes.startIndex..<headerEnd], kind: Self.kind, mode: mode, firstLine: slice.firstLine)
        guard let first = header.items.first, first.keywordEquals("signed-directory", in: bytes) else {
            throw DescriptorParseError(document: Self.kind, line: header.items.first?.line ?? slice.firstLine,
                                       keyword: "signed-directory", failure: .misplacedKeyword(expected: "must be the first item"))
        }
        var items = header.items
        if let signature = bounds.signature {
            items += try Tokenizer.tokenize(bytes[signature.position..<bytes.endIndex], kind: Self.kind, mode: mode,
                                            firstLine: signature.line).items
        }
        // One rule check over header and signature together (they are one document to tor).
        let whole = TokenizedDocument(bytes: bytes, annotations: header.annotations, items: items,
                                      content: header.content.lowerBound..<bytes.endIndex, firstLine: slice.firstLine, kind: Self.kind)
        if mode.isStrict { try Self.rules.check(whole) }

        var parsed = Parsed()
        parsed.annotations = header.annotations
        if let routers = bounds.routers {
            let end = bounds.signature?.position ?? bytes.endIndex
            parsed.serverDescriptors = ServerDescriptor.parseAll(bytes[routers.position..<end], mode: mode).map { result in
                // parseAll counts lines from the slice's start; errors name the directory's lines.
                result.mapError { error in
                    var error = error
                    error.line += routers.line - 1
                    return error
                }
            }
        }
        var warnings: [DescriptorParseError] = []
        let problem = { (key: Key, error: DescriptorParseError) throws(DescriptorParseError) in
            if mode.isStrict || key == .signedDirectory { throw error }
            warnings.append(error)
        }
        var unrecognized: [UnrecognizedItem] = []
        try Self.rules.walk(items, in: bytes, unrecognized: &unrecognized, problem: problem) { key, item throws(DescriptorParseError) in
            try read(key, item, whole, start: header.content.lowerBound, into: &parsed)
        }
        if parsed.published == nil { try problem(.published, whole.error(.missingKeyword, keyword: Key.published.rawValue)) }
        parsed.unrecognized = unrecognized
        parsed.warnings = warnings.sorted { $0.line < $1.line }
        return parsed
    }

    /// The first `router` line and the first `directory-signature` line after it, by keyword at
    /// the start of a line (object bodies are base64 and hold no spaces, so no line of theirs
    /// reads as either).
    static func boundaries(_ bytes: ArraySlice<UInt8>, firstLine: Int) -> Boundaries {
        var found = Boundaries()
        var position = bytes.startIndex
        var line = firstLine
        while position < bytes.endIndex {
            let (end, next) = Tokenizer.lineBounds(bytes, from: position)
            var cursor = ArgumentCursor(bytes: bytes, range: position..<end)
            var keyword = cursor.next()
            if let word = keyword, ByteText.equals(bytes, word, "opt") { keyword = cursor.next() }
            if let word = keyword {
                if found.routers == nil, ByteText.equals(bytes, word, "router") { found.routers = (position, line) }
                if ByteText.equals(bytes, word, "directory-signature") {
                    found.signature = (position, line)
                    return found
                }
            }
            position = next
            line += 1
        }
        return found
    }

    private func read(_ key: Key, _ item: DocumentItem, _ document: TokenizedDocument, start: Int,
                      into parsed: inout Parsed) throws(DescriptorParseError) {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        switch key {
        case .signedDirectory:
            break
        case .published:
            parsed.published = try document.timestamp(&cursor, item)
        case .recommendedSoftware:
            // One comma-separated word; an empty list is allowed.
            if let word = cursor.next() {
                let versions = ByteText.string(bytes, word).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if versions.contains(where: \.isEmpty) || !cursor.isAtEnd {
                    throw document.error(.malformedArguments("expected one comma-separated list of versions"), at: item)
                }
                parsed.recommendedSoftware = versions
            }
        case .routerStatus, .runningRouters:
            // router-status wins over running-routers, whichever comes first.
            if key == .runningRouters, parsed.statusKeyword == Key.routerStatus.rawValue { return }
            var entries: [RelayDirectory.StatusEntry] = []
            while let word = cursor.next() {
                guard let entry = Self.statusEntry(bytes, word, newForm: key == .routerStatus) else {
                    throw document.error(.malformedArguments("bad router entry '\(ByteText.escaped(bytes, word))'"), at: item)
                }
                entries.append(entry)
            }
            parsed.statusEntries = entries
            parsed.statusKeyword = key.rawValue
        case .signingKey:
            if let object = item.object {
                guard object.name(in: bytes) == "RSA PUBLIC KEY", let der = object.decodedBytes(in: bytes) else {
                    throw document.error(.malformedObject("expected an RSA PUBLIC KEY"), at: item)
                }
                parsed.signingKey = der
            } else if let word = cursor.next(), cursor.isAtEnd, let der = Base64.decode(bytes[word]) {
                parsed.signingKey = der
            } else {
                throw document.error(.malformedObject("expected an RSA PUBLIC KEY, as an object or base64 on the line"), at: item)
            }
        case .signature:
            guard let nickname = cursor.next(), let object = item.object, let signature = object.decodedBytes(in: bytes) else {
                throw document.error(.malformedObject("expected a nickname and a SIGNATURE"), at: item)
            }
            parsed.signingAuthority = ByteText.string(bytes, nickname)
            parsed.signature = signature
            // Signed: from signed-directory through the newline ending this line (tor's
            // router_get_dir_hash).
            let (_, next) = Tokenizer.lineBounds(bytes, from: item.range.lowerBound)
            parsed.signedRange = start..<next
        }
    }

    /// `nick`, `!nick` (running-routers), `nick=$HEX`, `!nick=$HEX` (router-status), `$HEX`,
    /// `!$HEX` (either).
    static func statusEntry(_ bytes: ArraySlice<UInt8>, _ word: Range<Int>, newForm: Bool) -> RelayDirectory.StatusEntry? {
        var start = word.lowerBound
        let isLive = bytes[start] != UInt8(ascii: "!")
        if !isLive { start += 1 }
        guard start < word.upperBound else { return nil }
        func fingerprint(_ range: Range<Int>) -> Fingerprint? {
            guard range.count == 41, bytes[range.lowerBound] == UInt8(ascii: "$") else { return nil }
            return Fingerprint(hex: ByteText.string(bytes, (range.lowerBound + 1)..<range.upperBound))
        }
        if bytes[start] == UInt8(ascii: "$") {
            guard let id = fingerprint(start..<word.upperBound) else { return nil }
            return RelayDirectory.StatusEntry(nickname: nil, fingerprint: id, isLive: isLive, isVerified: false)
        }
        let equals = bytes[start..<word.upperBound].firstIndex(of: UInt8(ascii: "="))
        let name = start..<(equals ?? word.upperBound)
        guard ServerDescriptor.isValidNickname(bytes, name) else { return nil }
        var id: Fingerprint? = nil
        if let equals {
            guard newForm, let parsed = fingerprint((equals + 1)..<word.upperBound) else { return nil }
            id = parsed
        }
        return RelayDirectory.StatusEntry(nickname: ByteText.string(bytes, name), fingerprint: id, isLive: isLive, isVerified: true)
    }
}
