/// Reads the vote-only preamble and authority items that ``ConsensusHeaderParser`` leaves to
/// the vote parser, and the `m` lines of vote entries.
struct VotePreamble {
    let document: TokenizedDocument
    let strict: Bool
    var warnings: [DescriptorParseError] = []
    var consensusMethods: [Int] = []
    var published: TorTimestamp?
    var flagThresholds: [KeyValueText] = []
    var participate = false
    var commits: [SharedRandomCommit] = []

    private enum Key: String, CaseIterable {
        case consensusMethods = "consensus-methods", published, flagThresholds = "flag-thresholds"
        case participate = "shared-rand-participate", commit = "shared-rand-commit"
    }
    private static let table = KeywordTable<Key>(Key.allCases.map { ($0.rawValue, $0) })

    /// Vote-only counts from dir-spec §3.4.1; the shared preamble rules are checked by the
    /// consensus header parser.
    private static let rules = KeywordRules(kind: .networkStatusVote, [
        KeywordRule("consensus-methods", .exactlyOnce, object: false),
        KeywordRule("published", .exactlyOnce, object: false),
        KeywordRule("flag-thresholds", .atMostOnce, object: false),
        KeywordRule("shared-rand-participate", .atMostOnce, object: false),
        KeywordRule("shared-rand-commit", .any, object: false),
    ])

    mutating func read() throws(DescriptorParseError) {
        let bytes = document.bytes
        if strict { try Self.rules.check(document) }
        for item in document.items {
            guard let key = Self.table.lookup(bytes, item.keyword) else { continue }
            do throws(DescriptorParseError) {
                try readItem(key, item, bytes)
            } catch {
                if strict { throw error }
                warnings.append(error)
            }
        }
    }

    private mutating func readItem(_ key: Key, _ item: DocumentItem, _ bytes: ArraySlice<UInt8>) throws(DescriptorParseError) {
        var cursor = item.argumentCursor(in: bytes)
        switch key {
        case .consensusMethods:
            var methods: [Int] = []
            while let word = cursor.next() {
                guard let value = ByteText.unsigned(bytes, word) else {
                    throw document.error(.malformedArguments("expected a consensus method number: '\(ByteText.escaped(bytes, word))'"), at: item)
                }
                methods.append(value)
            }
            consensusMethods = methods
        case .published:
            published = try document.timestamp(&cursor, item)
        case .flagThresholds:
            while let word = cursor.next() {
                let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")) ?? word.upperBound
                flagThresholds.append(KeyValueText(key: ByteText.string(bytes, word.lowerBound..<equals),
                                                   value: ByteText.string(bytes, min(equals + 1, word.upperBound)..<word.upperBound)))
            }
        case .participate:
            participate = true
        case .commit:
            let version = try document.unsignedInteger(&cursor, item, name: "version")
            guard let algorithm = cursor.next(), let identityWord = cursor.next(), let commit = cursor.next() else {
                throw document.error(.malformedArguments("expected version algorithm identity commit [reveal]"), at: item)
            }
            let identity = try document.fingerprint(identityWord, item)
            let reveal = cursor.next()
            if strict {
                _ = try document.base64(commit, item)
                if let reveal { _ = try document.base64(reveal, item) }
            }
            commits.append(SharedRandomCommit(version: version, algorithm: ByteText.string(bytes, algorithm), identity: identity,
                                              commit: ByteText.string(bytes, commit), reveal: reveal.map { ByteText.string(bytes, $0) }))
        }
    }

    /// The entry's `m` lines (`m 13,14,15 sha256=...`), read from its bytes.
    static func microdescriptorLines(_ entry: RouterStatusEntry, strict: Bool,
                                     warnings: inout [DescriptorParseError]) throws(DescriptorParseError) -> [VoteMicrodescriptorLine] {
        let bytes = entry.rawBytes
        var lines: [VoteMicrodescriptorLine] = []
        var position = bytes.startIndex
        var line = entry.line
        while position < bytes.endIndex {
            let (end, next) = Tokenizer.lineBounds(bytes, from: position)
            defer { position = next; line += 1 }
            guard end - position > 2, bytes[position] == UInt8(ascii: "m"), bytes[position + 1] == UInt8(ascii: " ") else { continue }
            var cursor = ArgumentCursor(bytes: bytes, range: (position + 2)..<end)
            var methods: [Int] = []
            var digests: [VoteMicrodescriptorLine.Digest] = []
            var valid = false
            if let first = cursor.next() {
                valid = true
                var start = first.lowerBound
                for index in first.lowerBound...first.upperBound where index == first.upperBound || bytes[index] == UInt8(ascii: ",") {
                    if let value = ByteText.unsigned(bytes, start..<index) { methods.append(value) } else { valid = false }
                    start = index + 1
                }
                while let word = cursor.next() {
                    guard let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")) else { valid = false; continue }
                    digests.append(.init(algorithm: ByteText.string(bytes, word.lowerBound..<equals),
                                         value: ByteText.string(bytes, (equals + 1)..<word.upperBound)))
                }
            }
            guard valid else {
                let error = DescriptorParseError(document: .networkStatusVote, line: line, keyword: "m",
                                                 failure: .malformedArguments("expected methods and algorithm=digest: '\(ByteText.escaped(bytes, position..<end))'"))
                if strict { throw error }
                warnings.append(error)
                continue
            }
            lines.append(VoteMicrodescriptorLine(methods: methods, digests: digests))
        }
        return lines
    }
}
