/// Reads the tokenized preamble and authority section into a ``ConsensusHeader``.
struct ConsensusHeaderParser {
    let document: TokenizedDocument
    let strict: Bool
    var warnings: [DescriptorParseError] = []
    /// Set by the vote parser, which reads the vote-only items itself.
    var isVote = false

    init(document: TokenizedDocument, strict: Bool) {
        self.document = document
        self.strict = strict
    }

    private var bytes: ArraySlice<UInt8> { document.bytes }

    /// A malformed known item: thrown in strict mode, a warning in lenient mode.
    private mutating func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
        if strict { throw error }
        warnings.append(error)
    }

    /// Checks the opening line, which must be usable in both modes: it identifies the document.
    static func readVersionLine(_ document: TokenizedDocument) throws(DescriptorParseError) -> (Int, ConsensusFlavor) {
        let bytes = document.bytes
        guard let first = document.items.first, first.keywordEquals("network-status-version", in: bytes) else {
            throw document.error(.misplacedKeyword(expected: "a consensus starts with network-status-version"),
                                 keyword: document.items.first?.keywordString(in: bytes))
        }
        var cursor = first.argumentCursor(in: bytes)
        guard let versionWord = cursor.next(), let version = ByteText.unsigned(bytes, versionWord) else {
            throw document.error(.malformedArguments("missing version number"), at: first)
        }
        guard version == 3 else {
            throw document.error(.malformedArguments("only version 3 network statuses are consensuses, found \(version)"), at: first)
        }
        var flavor = ConsensusFlavor.ns
        if let word = cursor.next() {
            if ByteText.equals(bytes, word, "microdesc") { flavor = .microdesc }
            else if !ByteText.equals(bytes, word, "ns") { flavor = .other(ByteText.string(bytes, word)) }
        }
        return (version, flavor)
    }

    mutating func parse() throws(DescriptorParseError) -> ConsensusHeader {
        var header = ConsensusHeader()
        (header.version, header.flavor) = try Self.readVersionLine(document)
        if strict {
            try HeaderKey.rules.check(document)
        }
        var inAuthorities = false
        for item in document.items.dropFirst() {
            guard let key = HeaderKey.table.lookup(bytes, item.keyword) else {
                let unknown = UnrecognizedItem(item, in: bytes)
                if inAuthorities, !header.authorities.isEmpty {
                    header.authorities[header.authorities.count - 1].unrecognizedLines.append(unknown)
                } else {
                    header.unrecognizedLines.append(unknown)
                }
                continue
            }
            if key.isVoteOnly, !isVote {
                try problem(document.error(.misplacedKeyword(expected: "only in votes"), at: item))
            }
            if isVote, key.isVoteOnly, key != .bandwidthFileHeaders, key != .bandwidthFileDigest { continue }
            if key.isAuthorityItem {
                if key == .dirSource { inAuthorities = true }
                do throws(DescriptorParseError) {
                    try readAuthorityItem(key, item, into: &header)
                } catch {
                    try problem(error)
                }
                continue
            }
            // A vote's authority section holds its shared-random values.
            if inAuthorities, !(isVote && (key == .sharedRandPrevious || key == .sharedRandCurrent)) {
                try problem(document.error(.misplacedKeyword(expected: "preamble items come before the authority section"), at: item))
            }
            do throws(DescriptorParseError) {
                try readPreambleItem(key, item, into: &header)
            } catch {
                try problem(error)
            }
        }
        if strict, !isVote, header.voteStatus != "consensus" {
            let item = document.items.first { $0.keywordEquals("vote-status", in: bytes) }!
            throw document.error(.malformedArguments("vote-status must be 'consensus'"), at: item)
        }
        return header
    }

    private func words(_ item: DocumentItem) -> [Range<Int>] {
        var cursor = item.argumentCursor(in: bytes)
        return cursor.all()
    }

    private func commaList(_ range: Range<Int>) -> [String] {
        guard !range.isEmpty else { return [] }
        var values: [String] = []
        var start = range.lowerBound
        for index in range where bytes[index] == UInt8(ascii: ",") {
            values.append(ByteText.string(bytes, start..<index))
            start = index + 1
        }
        values.append(ByteText.string(bytes, start..<range.upperBound))
        return values
    }

    private func keyValues(_ item: DocumentItem, skip: Int = 0) -> [KeyValueText] {
        words(item).dropFirst(skip).map { word in
            let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")) ?? word.upperBound
            return KeyValueText(key: ByteText.string(bytes, word.lowerBound..<equals),
                                value: ByteText.string(bytes, min(equals + 1, word.upperBound)..<word.upperBound))
        }
    }

    private mutating func readPreambleItem(_ key: HeaderKey, _ item: DocumentItem, into header: inout ConsensusHeader) throws(DescriptorParseError) {
        var cursor = item.argumentCursor(in: bytes)
        func noExtra() throws(DescriptorParseError) {
            if strict, !cursor.isAtEnd { throw document.error(.malformedArguments("unexpected extra arguments"), at: item) }
        }
        switch key {
        case .voteStatus:
            header.voteStatus = cursor.next().map { ByteText.string(bytes, $0) }
            try noExtra()
        case .consensusMethod:
            header.consensusMethod = try document.unsignedInteger(&cursor, item, name: "consensus method")
            try noExtra()
        case .validAfter:
            header.validAfter = try document.timestamp(&cursor, item)
            try noExtra()
        case .freshUntil:
            header.freshUntil = try document.timestamp(&cursor, item)
            try noExtra()
        case .validUntil:
            header.validUntil = try document.timestamp(&cursor, item)
            try noExtra()
        case .votingDelay:
            let vote = try document.unsignedInteger(&cursor, item, name: "VoteSeconds")
            let dist = try document.unsignedInteger(&cursor, item, name: "DistSeconds")
            (header.voteDelay, header.distDelay) = (vote, dist)
            try noExtra()
        case .clientVersions:
            header.clientVersions = commaList(cursor.rest())
        case .serverVersions:
            header.serverVersions = commaList(cursor.rest())
        case .package:
            let parts = words(item)
            guard parts.count >= 3 else { throw document.error(.malformedArguments("expected PackageName Version URL DIGESTS"), at: item) }
            header.packages.append(ConsensusPackage(
                name: ByteText.string(bytes, parts[0]), version: ByteText.string(bytes, parts[1]),
                url: ByteText.string(bytes, parts[2]), digests: keyValues(item, skip: 3)))
        case .knownFlags:
            header.knownFlags = words(item).map { ByteText.string(bytes, $0) }
        case .recommendedClientProtocols, .recommendedRelayProtocols, .requiredClientProtocols, .requiredRelayProtocols:
            guard let protocols = ProtocolVersions.parse(bytes, item.arguments) else {
                throw document.error(.malformedArguments("malformed protocol list '\(ByteText.escaped(bytes, item.arguments))'"), at: item)
            }
            switch key {
            case .recommendedClientProtocols: header.recommendedClientProtocols = protocols
            case .recommendedRelayProtocols: header.recommendedRelayProtocols = protocols
            case .requiredClientProtocols: header.requiredClientProtocols = protocols
            default: header.requiredRelayProtocols = protocols
            }
        case .params:
            header.params = try int32Parameters(item)
        case .sharedRandPrevious, .sharedRandCurrent:
            let count = try document.unsignedInteger(&cursor, item, name: "NumReveals")
            guard let word = cursor.next() else { throw document.error(.malformedArguments("missing shared random value"), at: item) }
            let value = try document.base64(word, item, length: strict ? 32 : nil)
            try noExtra()
            let shared = SharedRandomValue(revealCount: count, value: value, base64: ByteText.string(bytes, word))
            if key == .sharedRandPrevious { header.sharedRandomPrevious = shared } else { header.sharedRandomCurrent = shared }
        case .bandwidthFileHeaders:
            header.bandwidthFileHeaders = keyValues(item)
        case .bandwidthFileDigest:
            header.bandwidthFileDigests = keyValues(item)
        default:
            // Vote-only items (already reported) are kept as unrecognized lines.
            header.unrecognizedLines.append(UnrecognizedItem(item, in: bytes))
        }
    }

    /// `name=Int32` pairs; strict mode also requires the names in ascending byte order.
    func int32Parameters(_ item: DocumentItem) throws(DescriptorParseError) -> Int32Parameters {
        var entries: [NamedInt32] = []
        var previous: Range<Int>? = nil
        for word in words(item) {
            guard let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")), equals > word.lowerBound,
                  let value = ByteText.signed(bytes, (equals + 1)..<word.upperBound),
                  value >= Int(Int32.min), value <= Int(Int32.max) else {
                throw document.error(.malformedArguments("expected Keyword=Int32, found '\(ByteText.escaped(bytes, word))'"), at: item)
            }
            let name = word.lowerBound..<equals
            if strict, let previous, !bytes[previous].lexicographicallyPrecedes(bytes[name]) {
                throw document.error(.malformedArguments("keys must be sorted and unique: '\(ByteText.string(bytes, previous))' before '\(ByteText.string(bytes, name))'"), at: item)
            }
            previous = name
            entries.append(NamedInt32(name: ByteText.string(bytes, name), value: Int32(value)))
        }
        return Int32Parameters(entries)
    }

    private mutating func readAuthorityItem(_ key: HeaderKey, _ item: DocumentItem, into header: inout ConsensusHeader) throws(DescriptorParseError) {
        var cursor = item.argumentCursor(in: bytes)
        if key == .dirSource {
            guard let nickname = cursor.next(), let identityWord = cursor.next(), let hostname = cursor.next() else {
                throw document.error(.malformedArguments("expected nickname identity address IP dirport orport"), at: item)
            }
            let identity = try document.fingerprint(identityWord, item)
            let address = try document.address(&cursor, item, name: "IP")
            let dirPort = try document.port(&cursor, item, name: "DirPort")
            let orPort = try document.port(&cursor, item, name: "ORPort")
            if strict, !cursor.isAtEnd { throw document.error(.malformedArguments("unexpected extra arguments"), at: item) }
            header.authorities.append(ConsensusAuthority(
                nickname: ByteText.string(bytes, nickname), identity: identity, hostname: ByteText.string(bytes, hostname),
                address: address, dirPort: dirPort == 0 ? nil : UInt16(dirPort), orPort: UInt16(orPort), line: item.line))
            return
        }
        guard !header.authorities.isEmpty else {
            throw document.error(.misplacedKeyword(expected: "must follow a dir-source line"), at: item)
        }
        let index = header.authorities.count - 1
        switch key {
        case .contact:
            if strict, header.authorities[index].contact != nil { throw document.error(.duplicateKeyword, at: item) }
            header.authorities[index].contact = ByteText.string(bytes, item.arguments)
        case .voteDigest:
            if strict, header.authorities[index].voteDigest != nil { throw document.error(.duplicateKeyword, at: item) }
            guard let word = cursor.next(), word.count == 40, let raw = Hex.decode(bytes[word]),
                  let digest = SHA1DigestValue(bytes: raw) else {
                throw document.error(.malformedArguments("expected 40 hex digits"), at: item)
            }
            header.authorities[index].voteDigest = digest
        default:
            if strict, header.authorities[index].legacyDirKey != nil { throw document.error(.duplicateKeyword, at: item) }
            guard let word = cursor.next() else { throw document.error(.malformedArguments("missing fingerprint"), at: item) }
            header.authorities[index].legacyDirKey = try document.fingerprint(word, item)
        }
    }

    /// Strict checks of the authority groups: each non-legacy authority has exactly one contact
    /// and one vote-digest.
    func checkAuthorities(_ header: ConsensusHeader) throws(DescriptorParseError) {
        guard strict else { return }
        for authority in header.authorities where !authority.isLegacy {
            if authority.contact == nil || authority.voteDigest == nil {
                throw DescriptorParseError(document: document.kind, line: authority.line, keyword: "dir-source",
                                           failure: .malformedArguments("authority \(authority.nickname) needs one contact and one vote-digest line"))
            }
        }
    }
}
