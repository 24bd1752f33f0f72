extension BandwidthFile {
    /// The kind errors name.
    static let kind: DocumentKind = .bandwidthFile

    /// Parses one bandwidth file.
    ///
    /// Both modes need a Unix-time first line (it is what identifies the format). Lenient mode
    /// keeps every line it can read and records the rest in ``warnings``; strict mode throws on
    /// header lines that are not `key=value`, a `version` that is not the second line, header
    /// values that do not have the spec's type, relay words that are not `key=value`, relay
    /// lines without `node_id` or `bw`, a relay listed twice, and non-ASCII bytes.
    ///
    /// ```swift
    /// let file = try BandwidthFile(parsing: bytes[...], mode: .strict)
    /// ```
    public init(parsing bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient, firstLine: Int = 1) throws(DescriptorParseError) {
        try LineScanner.checkSize(bytes, kind: Self.kind, limits: mode.limits, firstLine: firstLine)
        var parser = BandwidthFileParser(bytes: bytes, mode: mode, firstLine: firstLine)
        self = try parser.parse()
    }

    /// The whole buffer as one bandwidth file, as a one-element array for the callers that
    /// handle every type alike.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient) -> [Result<BandwidthFile, DescriptorParseError>] {
        do throws(DescriptorParseError) { return [.success(try BandwidthFile(parsing: bytes, mode: mode))] } catch { return [.failure(error)] }
    }
}

/// Reads a bandwidth file's lines on bytes: timestamp, header, terminator, relay lines.
struct BandwidthFileParser {
    let bytes: ArraySlice<UInt8>
    let mode: ValidationMode
    var scanner: LineScanner
    var file: BandwidthFile
    var seen: Set<Fingerprint> = []

    init(bytes: ArraySlice<UInt8>, mode: ValidationMode, firstLine: Int) {
        self.bytes = bytes
        self.mode = mode
        self.scanner = LineScanner(bytes, kind: BandwidthFile.kind, limits: mode.limits, firstLine: firstLine)
        self.file = BandwidthFile(rawBytes: bytes, contentStart: bytes.startIndex)
    }

    mutating func parse() throws(DescriptorParseError) -> BandwidthFile {
        file.annotations = try scanner.annotations()
        file.contentStart = scanner.position
        try readTimestamp()
        var inHeader = true
        while let (range, line) = try scanner.next() {
            if mode.isStrict, Tokenizer.containsNonASCII(bytes, range) {
                throw scanner.error(.nonASCII(line: ByteText.escaped(bytes, range)), line: line, keyword: nil)
            }
            let trimmed = trim(range)
            if trimmed.isEmpty { continue }
            do throws(DescriptorParseError) {
                if inHeader {
                    if ByteText.equals(bytes, trimmed, "=====") || ByteText.equals(bytes, trimmed, "====") {
                        file.terminator = trimmed.count == 5 ? .fiveEquals : .fourEquals
                        inHeader = false
                        continue
                    }
                    // 1.0.0 files have no header: the first relay line comes straight after the timestamp.
                    if file.header.isEmpty, contains(trimmed, "node_id=") {
                        inHeader = false
                    } else {
                        try readHeader(trimmed, line)
                        continue
                    }
                }
                try readRelay(trimmed, line)
            } catch {
                // Limits end the parse in either mode: going on is what they exist to prevent.
                if mode.isStrict || error.isLimit { throw error }
                file.warnings.append(error)
            }
        }
        return file
    }

    private mutating func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
        if mode.isStrict { throw error }
        file.warnings.append(error)
    }

    private func trim(_ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound, end = range.upperBound
        while start < end, ByteText.isSpace(bytes[start]) { start += 1 }
        while end > start, ByteText.isSpace(bytes[end - 1]) { end -= 1 }
        return start..<end
    }

    private func contains(_ range: Range<Int>, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard range.count >= count else { return false }
        for start in range.lowerBound...(range.upperBound - count) where ByteText.hasPrefix(bytes, start..<range.upperBound, needle) {
            return true
        }
        return false
    }

    private mutating func readTimestamp() throws(DescriptorParseError) {
        guard let (range, line) = try scanner.next() else {
            throw scanner.error(.empty, line: scanner.line, keyword: nil)
        }
        let trimmed = trim(range)
        guard !trimmed.isEmpty, trimmed.count <= 18, let seconds = ByteText.unsigned(bytes, trimmed) else {
            throw scanner.error(.malformedLine("the first line must be a Unix timestamp, got '\(ByteText.escaped(bytes, range))'"),
                                line: line, keyword: "timestamp")
        }
        file.timestamp = TorTimestamp(secondsSince1970: Int64(seconds))
    }

    private mutating func readHeader(_ range: Range<Int>, _ line: Int) throws(DescriptorParseError) {
        guard let equals = bytes[range].firstIndex(of: UInt8(ascii: "=")), equals > range.lowerBound else {
            throw scanner.error(.malformedLine("header lines are key=value, got '\(ByteText.escaped(bytes, range))'"), line: line, keyword: nil)
        }
        let key = range.lowerBound..<equals, value = (equals + 1)..<range.upperBound
        let name = ByteText.string(bytes, key)
        file.header.append(KeyValueText(key: name, value: ByteText.string(bytes, value)))
        guard let known = BandwidthHeaderKey.lookup(bytes, key) else { return }
        if known == .version, file.header.count != 1 {
            try problem(scanner.error(.misplacedKeyword(expected: "version must be the second line"), line: line, keyword: name))
        }
        guard mode.isStrict else { return }
        let valid: Bool
        switch known.valueType {
        case .text: valid = true
        case .integer: valid = ByteText.unsigned(bytes, value) != nil
        case .dateTime: valid = TorTimestamp.parseISO(bytes, value) != nil
        case .countryCode: valid = isCountryCode(value)
        case .countryCodes:
            var start = value.lowerBound
            var ok = true
            for index in value where bytes[index] == UInt8(ascii: ",") {
                ok = ok && isCountryCode(start..<index)
                start = index + 1
            }
            valid = ok && isCountryCode(start..<value.upperBound)
        }
        if !valid { throw scanner.error(.malformedArguments("'\(ByteText.escaped(bytes, value))' is not a valid \(known.valueType)"), line: line, keyword: name) }
    }

    /// Two upper-case letters (ISO 3166-1 alpha-2), or `ZZ` for unknown.
    private func isCountryCode(_ range: Range<Int>) -> Bool {
        range.count == 2 && bytes[range].allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    private mutating func readRelay(_ range: Range<Int>, _ line: Int) throws(DescriptorParseError) {
        if file.relays.count >= mode.limits.maxEntriesPerConsensus {
            throw scanner.error(.limitExceeded(.entriesPerConsensus, limit: mode.limits.maxEntriesPerConsensus), line: line, keyword: nil)
        }
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        var pairs: [(key: Range<Int>, value: Range<Int>)] = []
        pairs.reserveCapacity(24)
        var relay = BandwidthFile.RelayLine(line: line, rawBytes: bytes[range], pairs: [])
        while let word = cursor.next() {
            guard let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")), equals > word.lowerBound else {
                try problem(scanner.error(.malformedArguments("expected key=value, got '\(ByteText.escaped(bytes, word))'"), line: line, keyword: nil))
                continue
            }
            let key = word.lowerBound..<equals, value = (equals + 1)..<word.upperBound
            pairs.append((key, value))
            guard let known = BandwidthRelayKey.lookup(bytes, key) else { continue }
            switch known {
            case .nodeID:
                let hex = value.first.map { bytes[$0] == UInt8(ascii: "$") } == true ? (value.lowerBound + 1)..<value.upperBound : value
                guard hex.count == 40, let fingerprint = Fingerprint.parse(bytes, hex) else {
                    try problem(scanner.error(.malformedArguments("node_id must be $ and 40 hex digits"), line: line, keyword: known.rawValue))
                    continue
                }
                relay.nodeID = fingerprint
            case .masterKeyEd25519: relay.masterKeyEd25519 = ByteText.string(bytes, value)
            case .nickname: relay.nickname = ByteText.string(bytes, value)
            case .bandwidth:
                guard let number = ByteText.unsigned(bytes, value) else {
                    try problem(scanner.error(.malformedArguments("bw must be a non-negative integer"), line: line, keyword: known.rawValue))
                    continue
                }
                relay.bandwidth = number
            case .unmeasured: relay.unmeasured = try flag(value, line, known)
            case .vote: relay.vote = try flag(value, line, known)
            case .underMinReport: relay.underMinReport = try flag(value, line, known)
            }
        }
        relay.pairs = pairs
        guard let nodeID = relay.nodeID else {
            throw scanner.error(.missingKeyword, line: line, keyword: BandwidthRelayKey.nodeID.rawValue)
        }
        if mode.isStrict, relay.bandwidth == nil {
            throw scanner.error(.missingKeyword, line: line, keyword: BandwidthRelayKey.bandwidth.rawValue)
        }
        if !seen.insert(nodeID).inserted {
            try problem(scanner.error(.duplicateKeyword, line: line, keyword: BandwidthRelayKey.nodeID.rawValue))
        }
        file.relays.append(relay)
    }

    private mutating func flag(_ value: Range<Int>, _ line: Int, _ key: BandwidthRelayKey) throws(DescriptorParseError) -> Bool? {
        if ByteText.equals(bytes, value, "1") { return true }
        if ByteText.equals(bytes, value, "0") { return false }
        try problem(scanner.error(.malformedArguments("expected 0 or 1"), line: line, keyword: key.rawValue))
        return nil
    }
}
