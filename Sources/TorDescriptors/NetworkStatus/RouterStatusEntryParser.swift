/// Reads router status entries straight from the bytes, one at a time: entries are ~99% of a
/// consensus, so they skip the general tokenizer, read through unchecked pointers, and allocate
/// nothing a range can replace.
///
/// Typical well-formed lines take a fast path; anything unusual (unknown flags, duplicates,
/// objects, strict-mode validation of `pr` and `p`, odd `w` items) goes through ``apply``,
/// which owns all error and warning reporting.
///
/// The scanner stops at the first `directory-footer` or `directory-signature` line (or the end).
struct RouterStatusEntryScanner: Sendable {
    let bytes: ArraySlice<UInt8>
    let flavor: ConsensusFlavor
    let strict: Bool
    /// Set by the vote parser: `id`/`stats` are expected and `m` lines carry method sets.
    var isVote = false
    /// The document kind errors name.
    var kind: DocumentKind { isVote ? .networkStatusVote : ConsensusKind.document }
    /// Start of the next unread line.
    private(set) var position: Int
    /// Line number of `position`.
    private(set) var line: Int
    /// Entries whose `r` line could not be read (lenient mode leaves them out).
    private(set) var skipped: [DescriptorParseError] = []
    let limits: ParseLimits
    /// Entries (read or skipped) still allowed by ``ParseLimits/maxEntriesPerConsensus``.
    private var entryBudget: Int

    init(bytes: ArraySlice<UInt8>, flavor: ConsensusFlavor, mode: ValidationMode, position: Int, line: Int) {
        self.bytes = bytes
        self.flavor = flavor
        self.strict = mode.isStrict
        self.limits = mode.limits
        self.entryBudget = mode.limits.maxEntriesPerConsensus
        self.position = position
        self.line = line
    }

    /// Where a consensus or vote header ends: the first `r` line, or the footer when there are
    /// no entries (unless `stopAtFooter` is false: a bridge network status has no footer); with
    /// that line's number.
    static func headerEnd(_ bytes: ArraySlice<UInt8>, firstLine: Int, stopAtFooter: Bool = true) -> (position: Int, line: Int) {
        ByteCursor.with(bytes) { cursor in
            var position = cursor.start
            var line = firstLine
            while position < cursor.end {
                let (end, next) = cursor.lineBounds(position)
                let keyword = position..<cursor.keywordEnd(position, end)
                if cursor.equals(keyword, "r") || (stopAtFooter && !keyword.isEmpty && cursor.isFooterKeyword(keyword)) { break }
                position = next
                line += 1
            }
            return (position, line)
        }
    }

    private func error(_ failure: ParseFailure, line: Int, keyword: String?) -> DescriptorParseError {
        DescriptorParseError(document: kind, line: line, keyword: keyword, failure: failure)
    }

    /// The next entry, or `nil` at the footer. Strict mode throws on the first violation;
    /// lenient mode skips an entry whose `r` line is unusable (recording it in ``skipped``).
    mutating func next() throws(DescriptorParseError) -> RouterStatusEntry? {
        var one: [RouterStatusEntry] = []
        try read(into: &one, limit: 1)
        return one.popLast()
    }

    /// Reads every remaining entry into `entries` inside one pointer scope.
    mutating func collect(into entries: inout [RouterStatusEntry]) throws(DescriptorParseError) {
        try read(into: &entries, limit: Int.max)
    }

    private mutating func read(into entries: inout [RouterStatusEntry], limit: Int) throws(DescriptorParseError) {
        var position = self.position
        var line = self.line
        var skippedNow: [DescriptorParseError] = []
        try limits.checkDocumentSize(bytes.count, kind: kind, line: line)
        var budget = entryBudget
        let failure: DescriptorParseError? = ByteCursor.with(bytes) { raw in
            scan(raw, &position, &line, &skippedNow, into: &entries, limit: limit, budget: &budget)
        }
        entryBudget = budget
        self.position = position
        self.line = line
        if !skippedNow.isEmpty { skipped += skippedNow }
        if let failure { throw failure }
    }

    /// Appends up to `limit` entries; returns the strict-mode error that stopped it, if any.
    private func scan(_ raw: ByteCursor, _ position: inout Int, _ line: inout Int, _ skipped: inout [DescriptorParseError],
                      into entries: inout [RouterStatusEntry], limit: Int, budget: inout Int) -> DescriptorParseError? {
        var added = 0
        while position < raw.end, added < limit {
            let (lineEnd, next) = raw.lineBounds(position)
            let keywordEnd = raw.keywordEnd(position, lineEnd)
            if keywordEnd > position, raw.isFooterKeyword(position..<keywordEnd) { return nil }
            // Skipped entries count too: each costs an error value, more memory than its bytes.
            if budget <= 0 { return limits.exceeded(.entriesPerConsensus, kind: kind, line: line) }
            budget -= 1
            let entryStart = position
            let entryLine = line
            let isR = keywordEnd - position == 1 && raw[position] == UInt8(ascii: "r")
            position = next
            line += 1
            var entry: RouterStatusEntry
            if isR {
                switch parseRLine(raw, entryStart, lineEnd, line: entryLine) {
                case .success(let parsed): entry = parsed
                case .failure(let failure):
                    if strict { return failure }
                    skipped.append(failure)
                    skipLines(raw, &position, &line)
                    continue
                }
            } else {
                // Only reachable when the scanner is started on a stray line.
                let failure = error(.misplacedKeyword(expected: "router status entries start with 'r'"), line: entryLine,
                                    keyword: ByteText.string(bytes, entryStart..<keywordEnd))
                if strict { return failure }
                skipped.append(failure)
                continue
            }
            do throws(DescriptorParseError) {
                try readLines(raw, &position, &line, into: &entry)
            } catch {
                return error
            }
            if strict, let failure = checkRules(entryStart..<position, line: entryLine) { return failure }
            entry.rawBytes = bytes[entryStart..<position]
            entries.append(entry)
            added += 1
        }
        return nil
    }

    /// Whether the line at `position` opens the next entry or the footer.
    @inline(__always)
    private func endsEntry(_ raw: ByteCursor, _ position: Int, _ keywordEnd: Int) -> Bool {
        let count = keywordEnd - position
        if count == 1 { return raw[position] == UInt8(ascii: "r") }
        return count > 0 && raw.isFooterKeyword(position..<keywordEnd)
    }

    private func skipLines(_ raw: ByteCursor, _ position: inout Int, _ line: inout Int) {
        while position < raw.end {
            let (lineEnd, next) = raw.lineBounds(position)
            if endsEntry(raw, position, raw.keywordEnd(position, lineEnd)) { return }
            position = next
            line += 1
        }
    }

    /// `r nickname identity [digest] YYYY-MM-DD HH:MM:SS IP ORPort DirPort`.
    private func parseRLine(_ raw: ByteCursor, _ start: Int, _ lineEnd: Int, line: Int) -> Result<RouterStatusEntry, DescriptorParseError> {
        var cursor = start + 1
        var words: (Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>) =
            (0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0)
        var count = 0
        while let word = raw.word(&cursor, lineEnd) {
            switch count {
            case 0: words.0 = word
            case 1: words.1 = word
            case 2: words.2 = word
            case 3: words.3 = word
            case 4: words.4 = word
            case 5: words.5 = word
            case 6: words.6 = word
            case 7: words.7 = word
            default: break
            }
            count += 1
        }
        func fail(_ why: String) -> Result<RouterStatusEntry, DescriptorParseError> {
            .failure(self.fail("\(why): '\(ByteText.escaped(bytes, start..<lineEnd))'", line, "r"))
        }
        let expected = flavor == .microdesc ? 7 : 8
        guard count == 7 || count == 8, !strict || count == expected else { return fail("expected \(expected) arguments") }
        let hasDigest = count == 8
        // Without the digest, the later fields shift one place left.
        let (dateWord, timeWord, ipWord, orWord, dirWord) = hasDigest
            ? (words.3, words.4, words.5, words.6, words.7)
            : (words.2, words.3, words.4, words.5, words.6)
        if strict, !Self.isValidNickname(bytes, words.0) { return fail("invalid nickname") }
        guard let fingerprint = raw.fingerprint(words.1) else { return fail("identity is not 20 bytes of base64") }
        var digest: SHA1DigestValue? = nil
        if hasDigest {
            guard let value = raw.sha1Digest(words.2) else { return fail("digest is not 20 bytes of base64") }
            digest = value
        }
        guard let published = raw.timestamp(dateWord, timeWord) else { return fail("publication time is not YYYY-MM-DD HH:MM:SS") }
        guard let ip = raw.ipv4(ipWord) else { return fail("address is not IPv4") }
        guard let orPort = raw.unsigned(orWord), orPort <= 65_535, !strict || orPort > 0 else { return fail("invalid ORPort") }
        guard let dirPort = raw.unsigned(dirWord), dirPort <= 65_535 else { return fail("invalid DirPort") }
        let nickname = raw.string(words.0)
        return .success(RouterStatusEntry(
            rawBytes: bytes[start..<start], line: line, nickname: nickname, fingerprint: fingerprint,
            descriptorDigest: digest, published: published, address: .v4(ip), orPort: UInt16(orPort),
            dirPort: dirPort == 0 ? nil : UInt16(dirPort)))
    }

    /// Reads the lines after `r` up to the next entry or the footer.
    private func readLines(_ raw: ByteCursor, _ position: inout Int, _ line: inout Int,
                           into entry: inout RouterStatusEntry) throws(DescriptorParseError) {
        var seen: UInt16 = 0   // one bit per at-most-once keyword
        while position < raw.end {
            let lineStart = position
            let (lineEnd, next) = raw.lineBounds(lineStart)
            let keywordEnd = raw.keywordEnd(lineStart, lineEnd)
            if endsEntry(raw, lineStart, keywordEnd) { break }
            let thisLine = line
            position = next
            line += 1
            if lineEnd == lineStart {
                if strict { throw error(.malformedLine("empty line"), line: thisLine, keyword: nil) }
                continue
            }
            let argsStart = raw.skipSpaces(keywordEnd, lineEnd)
            let args = argsStart..<raw.trimTrailingSpaces(argsStart, lineEnd)
            if strict {
                if keywordEnd == lineStart { throw error(.malformedLine("line starts with whitespace"), line: thisLine, keyword: nil) }
                if raw.containsNonASCII(lineStart..<lineEnd) {
                    throw error(.nonASCII(line: ByteText.escaped(bytes, lineStart..<lineEnd)), line: thisLine,
                                keyword: ByteText.escaped(bytes, lineStart..<keywordEnd))
                }
            }
            // An object after an entry line (only unknown items may carry one).
            var object: Range<Int>? = nil
            if position < raw.end, raw[position] == UInt8(ascii: "-"), raw.hasPrefix(position..<raw.end, "-----BEGIN ") {
                let objectStart = position
                while position < raw.end {
                    let (objectEnd, objectNext) = raw.lineBounds(position)
                    line += 1
                    let closes = raw.hasPrefix(position..<objectEnd, "-----END ")
                    position = objectNext
                    if closes { break }
                }
                object = objectStart..<position
            }
            let key = keywordEnd > lineStart ? EntryKey.lookup(raw, lineStart..<keywordEnd) : nil
            if let key, object == nil, seen & key.bit == 0, fastPath(key, raw, args, into: &entry) {
                seen |= key.bit
                continue
            }
            try apply(EntryLine(line: thisLine, start: lineStart, keyword: lineStart..<keywordEnd, arguments: args, object: object),
                      seen: &seen, entry: &entry)
        }
        if strict {
            if seen & EntryKey.s.bit == 0 { throw error(.missingKeyword, line: entry.line, keyword: "s") }
            if flavor == .microdesc, seen & EntryKey.m.bit == 0 { throw error(.missingKeyword, line: entry.line, keyword: "m") }
        }
    }

    /// Reads a typical well-formed line; returns `false` (changing nothing) for anything that
    /// needs the careful path.
    @inline(__always)
    private func fastPath(_ key: EntryKey, _ raw: ByteCursor, _ args: Range<Int>, into entry: inout RouterStatusEntry) -> Bool {
        switch key {
        case .s:
            var cursor = args.lowerBound
            var flags: RelayFlags = []
            var previous: Range<Int>? = nil
            while let word = raw.word(&cursor, args.upperBound) {
                guard let flag = RelayFlags.lookup(raw.pointer(word.lowerBound, count: word.count)!, word.count),
                      !flags.contains(flag) else { return false }
                if strict, let previous, !raw.buffer(previous).lexicographicallyPrecedes(raw.buffer(word)) {
                    return false
                }
                previous = word
                flags.insert(flag)
            }
            entry.flags = flags
            entry.hasFlagsLine = true
            return true
        case .v:
            entry.versionLine = raw.string(args)
            return true
        case .pr:
            // Strict mode checks the list in the same pass, without building it.
            guard !strict || ProtocolVersions.isValid(bytes, args) else { return false }
            entry.protocolsRange = args
            return true
        case .p:
            guard strict ? Self.isValidPolicySummary(bytes, args) : raw.hasPrefix(args, "accept ") || raw.hasPrefix(args, "reject ")
            else { return false }
            entry.exitPolicyRange = args
            return true
        case .a:
            guard let orAddress = Self.orAddress(bytes, args) else { return false }
            entry.orAddresses.append(orAddress)
            return true
        case .w:
            var cursor = args.lowerBound
            var bandwidth: Int? = nil, measured: Int? = nil, unmeasured = false
            while let word = raw.word(&cursor, args.upperBound) {
                if raw.hasPrefix(word, "Bandwidth="), bandwidth == nil,
                   let value = raw.unsigned((word.lowerBound + 10)..<word.upperBound), value <= Int(UInt32.max) {
                    bandwidth = value
                } else if raw.equals(word, "Unmeasured=1") {
                    unmeasured = true
                } else if raw.hasPrefix(word, "Measured="), measured == nil,
                          let value = raw.unsigned((word.lowerBound + 9)..<word.upperBound), value <= Int(UInt32.max) {
                    measured = value
                } else {
                    return false
                }
            }
            guard bandwidth != nil, raw.hasPrefix(args, "Bandwidth=") else { return false }
            entry.bandwidth = bandwidth
            entry.measured = measured
            entry.isUnmeasured = unmeasured
            return true
        case .m:
            guard flavor == .microdesc, let digest = raw.sha256Digest(args) else { return false }
            entry.microdescriptorDigest = digest
            return true
        case .id, .stats:
            return false
        }
    }
}
