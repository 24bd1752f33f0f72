extension Microdescriptor {
    enum Key: String, DocumentKeyword {
        case onionKey = "onion-key"
        case ntorOnionKey = "ntor-onion-key"
        case a
        case family
        case familyIDs = "family-ids"
        case p
        case p6
        case id
        case pr
    }

    /// tor's `microdesc_token_table`; `pr` and `family-ids` (which tor 0.4.8 ignores) from dir-spec §3.3.
    static let rules = KeywordRules<Key>(kind: .microdescriptor, source: .tor("microdesc_parse.c", "microdesc_token_table"), [
        .first(.onionKey, .none, .optional,
               differs: "since tor 0.4.9 removed TAP, onion-key may carry no key (dir-spec 3.3); tor 0.4.8 needs a 1024-bit key"),
        .atMostOnce(.ntorOnionKey, .atLeast(1), .forbidden,
                    differs: "microdescriptors of 2013-2015 lack it; tor 0.4.5.1-alpha made it required"),
        .any(.id, .atLeast(2), .forbidden),
        .any(.a, .atLeast(1), .forbidden),
        .atMostOnce(.family, .concat, .forbidden),
        .atMostOnce(.p, .concat, .forbidden),
        .atMostOnce(.p6, .concat, .forbidden),
        .atMostOnce(.familyIDs, .any, .forbidden, source: .spec("3.3 family-ids (tor 0.4.9)")),
        .atMostOnce(.pr, .any, .forbidden, source: .spec("3.3 pr")),
    ])

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let strict = mode.isStrict
        let document = try Tokenizer.tokenize(slice.bytes, kind: .microdescriptor, mode: mode, firstLine: slice.firstLine)
        let bytes = document.bytes
        guard let first = document.items.first,
              first.keywordEquals("onion-key", in: bytes) || first.keywordEquals("ntor-onion-key", in: bytes) else {
            throw document.error(.missingKeyword, keyword: "onion-key")
        }
        if strict {
            try Self.rules.check(document)
            // The tokenizer checks keyword lines only; objects and annotations must be ASCII too.
            if let bad = Self.firstNonASCIILine(bytes) {
                throw DescriptorParseError(document: .microdescriptor, line: slice.firstLine + bad.line, keyword: nil,
                                           failure: .nonASCII(line: ByteText.escaped(bytes, bad.range)))
            }
        }

        var warnings: [DescriptorParseError] = []
        // Lenient mode records the problem and goes on; strict mode stops at the first one.
        func problem(_ failure: ParseFailure, _ item: DocumentItem) throws(DescriptorParseError) {
            let error = document.error(failure, at: item)
            if strict { throw error }
            warnings.append(error)
        }

        var onionKeyBody: Range<Int>? = nil
        var ntorKey: InlineBytes32? = nil
        var ntorKeyText: Range<Int>? = nil
        var orAddresses: [ORAddress] = []
        var familyText: Range<Int>? = nil
        var familyIDsText: Range<Int>? = nil
        var exitPolicy: String? = nil
        var exitPolicyV6: String? = nil
        var rsa1024: Fingerprint? = nil
        var ed25519: InlineBytes32? = nil
        var otherIdentifiers: [(type: String, value: String)] = []
        var protocolsText: String? = nil
        var unrecognized: [UnrecognizedItem] = []
        var seenOnionKey = false, seenNtor = false, seenP = false, seenP6 = false, seenPR = false

        let keywords = Self.rules.keyTable
        for item in document.items {
            guard let key = keywords.lookup(bytes, item.keyword) else {
                unrecognized.append(UnrecognizedItem(item, in: bytes))
                continue
            }
            switch key {
            case .onionKey:
                if seenOnionKey { continue }
                seenOnionKey = true
                if strict, !item.arguments.isEmpty { try problem(.malformedArguments("onion-key takes no arguments"), item) }
                guard let object = item.object else { continue }
                guard ByteText.equals(bytes, object.name, "RSA PUBLIC KEY") else {
                    try problem(.malformedObject("expected RSA PUBLIC KEY, found '\(object.name(in: bytes))'"), item)
                    continue
                }
                guard let length = MicroBase64.decodedLength(bytes, object.body), length > 0 else {
                    try problem(.malformedObject("onion-key is not valid base64"), item)
                    continue
                }
                onionKeyBody = object.body
            case .ntorOnionKey:
                if seenNtor { continue }
                seenNtor = true
                var cursor = item.argumentCursor(in: bytes)
                guard let word = cursor.next(),
                      let key = MicroBase64.withDecoded(bytes, word, { InlineBytes32($0) }) else {
                    try problem(.malformedArguments("ntor-onion-key must be 32 bytes of base64: '\(ByteText.escaped(bytes, item.arguments))'"), item)
                    continue
                }
                ntorKey = key
                ntorKeyText = word
            case .a:
                var cursor = item.argumentCursor(in: bytes)
                guard let word = cursor.next(),
                      let address = ORAddress.parse(bytes, word, requireBrackets: strict) else {
                    try problem(.malformedArguments("expected address:port, found '\(ByteText.escaped(bytes, item.arguments))'"), item)
                    continue
                }
                orAddresses.append(address)
            case .family:
                if familyText == nil { familyText = item.arguments }
            case .familyIDs:
                if familyIDsText == nil { familyIDsText = item.arguments }
            case .p, .p6:
                if key == .p ? seenP : seenP6 { continue }
                if key == .p { seenP = true } else { seenP6 = true }
                guard Self.isPolicySummary(bytes, item.arguments) else {
                    try problem(.malformedArguments("expected accept|reject PortList, found '\(ByteText.escaped(bytes, item.arguments))'"), item)
                    continue
                }
                let text = ByteText.string(bytes, item.arguments)
                if key == .p { exitPolicy = text } else { exitPolicyV6 = text }
            case .id:
                var cursor = item.argumentCursor(in: bytes)
                guard let type = cursor.next(), let value = cursor.next() else {
                    try problem(.malformedArguments("id needs a key type and a value"), item)
                    continue
                }
                if ByteText.equals(bytes, type, "rsa1024") {
                    if rsa1024 != nil { try problem(.duplicateKeyword, item); continue }
                    guard let fingerprint = MicroBase64.withDecoded(bytes, value, { Fingerprint(bytes: $0) }) else {
                        try problem(.malformedArguments("id rsa1024 must be 20 bytes of base64"), item)
                        continue
                    }
                    rsa1024 = fingerprint
                } else if ByteText.equals(bytes, type, "ed25519") {
                    if ed25519 != nil { try problem(.duplicateKeyword, item); continue }
                    guard let key = MicroBase64.withDecoded(bytes, value, { InlineBytes32($0) }) else {
                        try problem(.malformedArguments("id ed25519 must be 32 bytes of base64"), item)
                        continue
                    }
                    ed25519 = key
                } else {
                    let typeName = ByteText.string(bytes, type)
                    if otherIdentifiers.contains(where: { $0.type == typeName }) { try problem(.duplicateKeyword, item); continue }
                    otherIdentifiers.append((typeName, ByteText.string(bytes, value)))
                }
            case .pr:
                if seenPR { continue }
                seenPR = true
                protocolsText = ByteText.string(bytes, item.arguments)
            }
        }

        var lastListed: TorTimestamp? = nil
        for annotation in document.annotations where annotation.name == "last-listed" {
            lastListed = Self.annotationTimestamp(bytes, annotation, firstLine: slice.firstLine)
            if lastListed == nil {
                let error = DescriptorParseError(document: .microdescriptor, line: annotation.line, keyword: "@last-listed",
                                                 failure: .malformedArguments("expected YYYY-MM-DD HH:MM:SS, found '\(annotation.value)'"))
                if strict { throw error }
                warnings.append(error)
            }
            break
        }

        self.rawBytes = bytes
        self.annotations = document.annotations
        self.firstLine = slice.firstLine
        self.contentRange = document.content
        self.lastListed = lastListed
        self.onionKeyBody = onionKeyBody
        self.ntorKey = ntorKey
        self.ntorKeyText = ntorKeyText
        self.orAddresses = orAddresses
        self.familyText = familyText
        self.familyIDsText = familyIDsText
        self.exitPolicyText = exitPolicy
        self.exitPolicyV6Text = exitPolicyV6
        self.rsa1024Identity = rsa1024
        self.ed25519Key = ed25519
        self.otherIdentifiers = otherIdentifiers
        self.protocolsText = protocolsText
        self.unrecognizedLines = unrecognized
        self.warnings = warnings
    }

    /// `accept|reject` SP PortList, PortList = Port or Port-Port joined by commas, ports ≤ 65535
    /// and low ≤ high. One pass over the bytes: `p` lines run to hundreds of bytes.
    static func isPolicySummary(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count > 7, ByteText.equals(bytes, range.lowerBound..<(range.lowerBound + 6), "accept")
                || ByteText.equals(bytes, range.lowerBound..<(range.lowerBound + 6), "reject") else { return false }
        return bytes.withUnsafeBufferPointer { buffer -> Bool in
            var index = range.lowerBound + 6 - bytes.startIndex
            let end = range.upperBound - bytes.startIndex
            guard ByteText.isSpace(buffer[index]) else { return false }
            while index < end, ByteText.isSpace(buffer[index]) { index += 1 }
            var low = -1, current = 0, digits = 0
            while true {
                let byte: UInt8 = index < end ? buffer[index] : UInt8(ascii: ",")
                if ByteText.isDigit(byte) {
                    current = current * 10 + Int(byte &- 0x30)
                    digits += 1
                    guard digits <= 5, current <= 65_535 else { return false }
                } else if byte == UInt8(ascii: "-"), low < 0, digits > 0 {
                    low = current
                    current = 0
                    digits = 0
                } else if byte == UInt8(ascii: ","), digits > 0, low <= current {
                    if index >= end { return true }
                    low = -1
                    current = 0
                    digits = 0
                } else {
                    return false
                }
                index += 1
            }
        }
    }

    /// Reads the `@last-listed` timestamp from the bytes of its line.
    private static func annotationTimestamp(_ bytes: ArraySlice<UInt8>, _ annotation: Annotation, firstLine: Int) -> TorTimestamp? {
        // Annotations come first, so the line can be found by counting newlines from the start.
        var position = bytes.startIndex
        for _ in 0..<(annotation.line - firstLine) { position = Tokenizer.lineBounds(bytes, from: position).next }
        let (lineEnd, _) = Tokenizer.lineBounds(bytes, from: position)
        var cursor = ArgumentCursor(bytes: bytes, range: position..<lineEnd)
        _ = cursor.next()
        guard let value = TorTimestamp.parse(bytes, cursor: &cursor), cursor.isAtEnd else { return nil }
        return value
    }

    /// The first line (0-based offset, range) holding a byte outside printable ASCII, tab or CR.
    static func firstNonASCIILine(_ bytes: ArraySlice<UInt8>) -> (line: Int, range: Range<Int>)? {
        var line = 0
        var lineStart = bytes.startIndex
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == ByteText.newline {
                line += 1
                lineStart = index + 1
            } else if byte >= 0x7F || (byte < 0x20 && byte != ByteText.tab && byte != ByteText.carriageReturn) {
                return (line, lineStart..<Tokenizer.lineBounds(bytes, from: lineStart).end)
            }
        }
        return nil
    }
}
