/// Reads a bridge network status: the header through the general tokenizer (a handful of
/// lines), the entries through the consensus entry scanner.
struct BridgeNetworkStatusParser {
    /// The document kind errors name.
    static let kind: DocumentKind = .bridgeNetworkStatus

    enum Key: String, CaseIterable, Sendable {
        case published
        case flagThresholds = "flag-thresholds"
        case fingerprint
    }

    static let keys = KeywordTable<Key>(Key.allCases.map { ($0.rawValue, $0) })

    static let rules = KeywordRules(kind: kind, [
        KeywordRule("published", .exactlyOnce, .first, object: false),
        KeywordRule("flag-thresholds", .atMostOnce, object: false),
        KeywordRule("fingerprint", .atMostOnce, object: false),
    ])

    struct Parsed {
        var annotations: [Annotation] = []
        var contentStart = 0
        var published = TorTimestamp(secondsSince1970: 0)
        var flagThresholds: [KeyValueText] = []
        var fingerprint: Fingerprint?
        var entries: [RouterStatusEntry] = []
        var unrecognized: [UnrecognizedItem] = []
        var warnings: [DescriptorParseError] = []
    }

    let slice: DocumentSlice
    let mode: ValidationMode
    var strict: Bool { mode == .strict }

    func parse() throws(DescriptorParseError) -> Parsed {
        let bytes = slice.bytes
        // The header ends at the first `r` line.
        let (position, line) = RouterStatusEntryScanner.headerEnd(bytes, firstLine: slice.firstLine, stopAtFooter: false)
        let header = try Tokenizer.tokenize(bytes[bytes.startIndex..<position], kind: Self.kind, mode: mode,
                                            firstLine: slice.firstLine)
        var parsed = Parsed()
        parsed.annotations = header.annotations
        parsed.contentStart = header.content.lowerBound
        try readHeader(header, into: &parsed)

        var scanner = RouterStatusEntryScanner(bytes: bytes, flavor: .ns, mode: mode, position: position, line: line)
        parsed.entries.reserveCapacity(bytes.count / 170 + 1)
        try scanner.collect(into: &parsed.entries)
        var warnings = parsed.warnings + scanner.skipped
        for entry in parsed.entries where !entry.warnings.isEmpty { warnings += entry.warnings }
        // The scanner stops at consensus footer keywords, which a bridge status never has.
        if scanner.position < bytes.endIndex {
            let rest = try Tokenizer.tokenize(bytes[scanner.position..<bytes.endIndex], kind: Self.kind, mode: mode,
                                              firstLine: scanner.line)
            if let first = rest.items.first {
                let failure = rest.error(.misplacedKeyword(expected: "bridge network statuses have no footer"), at: first)
                if strict { throw failure }
                warnings.append(failure)
            }
            parsed.unrecognized += rest.items.map { UnrecognizedItem($0, in: bytes) }
        }
        warnings.sort { $0.line < $1.line }
        parsed.warnings = warnings
        return parsed
    }

    private func readHeader(_ document: TokenizedDocument, into parsed: inout Parsed) throws(DescriptorParseError) {
        let bytes = document.bytes
        // `published` opens the document: without a usable one it cannot be identified.
        guard let first = document.items.first, first.keywordEquals("published", in: bytes) else {
            let line = document.items.first?.line ?? slice.firstLine
            throw DescriptorParseError(document: Self.kind, line: line, keyword: "published",
                                       failure: document.items.isEmpty ? .empty : .misplacedKeyword(expected: "must be the first item"))
        }
        if strict { try Self.rules.check(document) }
        for item in document.items {
            guard let key = Self.keys.lookup(bytes, item.keyword) else {
                parsed.unrecognized.append(UnrecognizedItem(item, in: bytes))
                continue
            }
            do throws(DescriptorParseError) {
                try read(key, item, document, into: &parsed)
            } catch {
                // The opening line is what identifies the document: never step over it.
                if strict || key == .published && item.range == first.range { throw error }
                parsed.warnings.append(error)
            }
        }
    }

    private func read(_ key: Key, _ item: DocumentItem, _ document: TokenizedDocument,
                      into parsed: inout Parsed) throws(DescriptorParseError) {
        let bytes = document.bytes
        var cursor = item.argumentCursor(in: bytes)
        switch key {
        case .published:
            let time = try document.timestamp(&cursor, item)
            if strict, !cursor.isAtEnd { throw document.error(.malformedArguments("extra arguments"), at: item) }
            parsed.published = time
        case .flagThresholds:
            var values: [KeyValueText] = []
            while let word = cursor.next() {
                var equals = word.lowerBound
                while equals < word.upperBound, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                guard equals > word.lowerBound, equals < word.upperBound else {
                    throw document.error(.malformedArguments("expected key=value, got '\(ByteText.escaped(bytes, word))'"), at: item)
                }
                values.append(KeyValueText(key: ByteText.string(bytes, word.lowerBound..<equals),
                                           value: ByteText.string(bytes, (equals + 1)..<word.upperBound)))
            }
            parsed.flagThresholds = values
        case .fingerprint:
            guard let word = cursor.next(), let fingerprint = Fingerprint.parse(bytes, word), word.count == 40 else {
                throw document.error(.malformedArguments("expected 40 hex digits"), at: item)
            }
            if strict, !cursor.isAtEnd { throw document.error(.malformedArguments("extra arguments"), at: item) }
            parsed.fingerprint = fingerprint
        }
    }
}
