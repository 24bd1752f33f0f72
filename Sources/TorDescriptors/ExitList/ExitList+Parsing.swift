extension ExitList {
    /// The kind errors name.
    static let kind: DocumentKind = .exitList

    /// Parses one exit-list file.
    ///
    /// Lenient mode keeps every block it can identify (by its `ExitNode` fingerprint) and
    /// records what it stepped over in ``warnings``; strict mode also requires each keyword's
    /// count and argument count (`ExitListKeyword.rule`), IPv4 exit addresses (as the spec
    /// and Stem's validation do) and ASCII text, and throws on the first violation.
    ///
    /// ```swift
    /// let list = try ExitList(parsing: bytes[...], mode: .strict)
    /// ```
    public init(parsing bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient, firstLine: Int = 1) throws(DescriptorParseError) {
        try LineScanner.checkSize(bytes, kind: Self.kind, limits: mode.limits, firstLine: firstLine)
        var parser = ExitListParser(bytes: bytes, mode: mode, firstLine: firstLine)
        self = try parser.parse()
    }

    /// The whole buffer as one exit list (a file is one document), as a one-element array for
    /// the callers that handle every type alike.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient) -> [Result<ExitList, DescriptorParseError>] {
        do throws(DescriptorParseError) { return [.success(try ExitList(parsing: bytes, mode: mode))] } catch { return [.failure(error)] }
    }
}

/// Reads an exit list's lines on bytes; the state is the block being read.
struct ExitListParser {
    let bytes: ArraySlice<UInt8>
    let mode: ValidationMode
    var scanner: LineScanner
    var list: ExitList
    /// The block being read, with how often each keyword appeared in it.
    var entry: ExitList.Entry?
    var counts: [ExitListKeyword: Int] = [:]
    var fileCounts: [ExitListKeyword: Int] = [:]
    /// Lines belong to a block whose `ExitNode` was unusable (lenient): skipped.
    var skippingBlock = false

    init(bytes: ArraySlice<UInt8>, mode: ValidationMode, firstLine: Int) {
        self.bytes = bytes
        self.mode = mode
        self.scanner = LineScanner(bytes, kind: ExitList.kind, limits: mode.limits, firstLine: firstLine)
        self.list = ExitList(rawBytes: bytes)
    }

    mutating func parse() throws(DescriptorParseError) -> ExitList {
        list.annotations = try scanner.annotations()
        var lastLine = scanner.line
        while let (range, line) = try scanner.next() {
            lastLine = line
            if range.isEmpty { continue }
            do throws(DescriptorParseError) {
                try read(range, line)
            } catch {
                // Limits end the parse in either mode: going on is what they exist to prevent.
                if mode.isStrict || error.isLimit { throw error }
                list.warnings.append(error)
            }
        }
        try finishEntry(at: bytes.endIndex)
        if (fileCounts[.downloaded] ?? 0) == 0 {
            try problem(scanner.error(.missingKeyword, line: lastLine, keyword: ExitListKeyword.downloaded.rawValue))
        }
        if list.entries.count > mode.limits.maxEntriesPerConsensus {
            throw scanner.error(.limitExceeded(.entriesPerConsensus, limit: mode.limits.maxEntriesPerConsensus), line: lastLine, keyword: nil)
        }
        return list
    }

    /// A rule violation: thrown in strict mode, recorded in lenient mode.
    private mutating func problem(_ error: DescriptorParseError) throws(DescriptorParseError) {
        if mode.isStrict { throw error }
        list.warnings.append(error)
    }

    private mutating func read(_ range: Range<Int>, _ line: Int) throws(DescriptorParseError) {
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        guard let word = cursor.next() else { return }
        if ByteText.isSpace(bytes[range.lowerBound]) {
            try problem(scanner.error(.malformedLine("leading whitespace"), line: line, keyword: nil))
        }
        if mode.isStrict, Tokenizer.containsNonASCII(bytes, range) {
            throw scanner.error(.nonASCII(line: ByteText.escaped(bytes, range)), line: line, keyword: nil)
        }
        guard let key = ExitListKeyword.lookup(bytes, word) else {
            let unknown = UnrecognizedItem(keyword: ByteText.string(bytes, word), arguments: ByteText.string(bytes, cursor.rest()),
                                           object: nil, line: line)
            if entry != nil { entry!.unrecognizedLines.append(unknown) } else if !skippingBlock { list.unrecognizedLines.append(unknown) }
            return
        }
        let arguments = cursor.all()
        let rule = key.rule
        if arguments.count < rule.arguments || mode.isStrict && arguments.count > rule.arguments {
            throw scanner.error(.malformedArguments("expected \(rule.arguments) arguments, got \(arguments.count)"), line: line, keyword: key.rawValue)
        }
        if key == .exitNode {
            try finishEntry(at: range.lowerBound)
            skippingBlock = true
            guard arguments[0].count == 40, let fingerprint = Fingerprint.parse(bytes, arguments[0]) else {
                throw scanner.error(.malformedArguments("expected 40 hex digits"), line: line, keyword: key.rawValue)
            }
            skippingBlock = false
            entry = ExitList.Entry(fingerprint: fingerprint, line: line, rawBytes: bytes[range.lowerBound..<range.lowerBound])
            entry!.rawBytes = bytes[range.lowerBound..<bytes.endIndex]
            counts = [.exitNode: 1]
            return
        }
        if rule.scope == .file {
            if entry != nil || skippingBlock || !list.entries.isEmpty {
                try problem(scanner.error(.misplacedKeyword(expected: "before the first ExitNode"), line: line, keyword: key.rawValue))
            }
            fileCounts[key, default: 0] += 1
            if let max = rule.maxCount, fileCounts[key]! > max {
                throw scanner.error(.duplicateKeyword, line: line, keyword: key.rawValue)
            }
        } else {
            if skippingBlock { return }
            guard entry != nil else {
                throw scanner.error(.misplacedKeyword(expected: "after an ExitNode line"), line: line, keyword: key.rawValue)
            }
            counts[key, default: 0] += 1
            if let max = rule.maxCount, counts[key]! > max {
                throw scanner.error(.duplicateKeyword, line: line, keyword: key.rawValue)
            }
        }
        func time() throws(DescriptorParseError) -> TorTimestamp {
            try timestamp(arguments[arguments.count - 2], arguments[arguments.count - 1], line, key)
        }
        switch key {
        case .downloaded: list.downloaded = try time()
        case .published: entry!.published = try time()
        case .lastStatus: entry!.lastStatus = try time()
        case .exitAddress:
            guard let address = IPAddress.parse(bytes, arguments[0]) else {
                throw scanner.error(.malformedArguments("expected an IP address"), line: line, keyword: key.rawValue)
            }
            if mode.isStrict, address.isIPv6 {
                throw scanner.error(.malformedArguments("exit addresses are IPv4"), line: line, keyword: key.rawValue)
            }
            entry!.exitAddresses.append(ExitList.ExitAddress(address: address, seen: try time()))
        case .exitNode: break
        }
    }

    private func timestamp(_ date: Range<Int>, _ time: Range<Int>, _ line: Int, _ key: ExitListKeyword) throws(DescriptorParseError) -> TorTimestamp {
        guard let value = TorTimestamp.parse(bytes, date, time) else {
            throw scanner.error(.malformedArguments("expected YYYY-MM-DD HH:MM:SS"), line: line, keyword: key.rawValue)
        }
        return value
    }

    /// Closes the block being read at `end`: checks its required keywords and keeps it.
    private mutating func finishEntry(at end: Int) throws(DescriptorParseError) {
        guard var finished = entry else { return }
        entry = nil
        finished.rawBytes = bytes[finished.rawBytes.startIndex..<end]
        for key in ExitListKeyword.allCases where key.rule.scope == .entry && (counts[key] ?? 0) < key.rule.minCount {
            try problem(scanner.error(.missingKeyword, line: finished.line, keyword: key.rawValue))
        }
        list.entries.append(finished)
    }
}
