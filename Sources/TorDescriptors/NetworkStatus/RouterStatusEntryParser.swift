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
    /// Set by ``NetworkStatusConsensus/parseAll(_:mode:)``: watch the entries' lines for one
    /// that opens another document, which the whole-buffer scan would otherwise look for.
    var watchesForDocumentStarts = false
    /// Whether a line read so far opens another document (only when watching).
    private(set) var sawDocumentStart = false

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
        var caches = EntryLineCaches(enabled: limit > 1, watchesForDocumentStarts: watchesForDocumentStarts)
        let failure: DescriptorParseError? = ByteCursor.with(bytes) { raw in
            scan(raw, &position, &line, &skippedNow, into: &entries, limit: limit, budget: &budget, caches: &caches)
        }
        entryBudget = budget
        if caches.sawDocumentStart { sawDocumentStart = true }
        self.position = position
        self.line = line
        if !skippedNow.isEmpty { skipped += skippedNow }
        if let failure { throw failure }
    }

    /// Appends up to `limit` entries; returns the strict-mode error that stopped it, if any.
    private func scan(_ raw: ByteCursor, _ position: inout Int, _ line: inout Int, _ skipped: inout [DescriptorParseError],
                      into entries: inout [RouterStatusEntry], limit: Int, budget: inout Int,
                      caches: inout EntryLineCaches) -> DescriptorParseError? {
        var added = 0
        let firstEntryStart = position
        // The line that ended the previous entry, as `readLines` found it: not looked for twice.
        var ending = LineBounds(start: -1, end: 0, next: 0, keywordEnd: 0)
        while position < raw.end, added < limit {
            if ending.start != position {
                let (lineEnd, next) = raw.lineBounds(position)
                ending = LineBounds(start: position, end: lineEnd, next: next, keywordEnd: raw.keywordEnd(position, lineEnd))
            }
            let (lineEnd, next, keywordEnd) = (ending.end, ending.next, ending.keywordEnd)
            if keywordEnd > position, raw.isFooterKeyword(position..<keywordEnd) { return nil }
            // Skipped entries count too: each costs an error value, more memory than its bytes.
            if budget <= 0 { return limits.exceeded(.entriesPerConsensus, kind: kind, line: line) }
            budget -= 1
            let entryStart = position
            let entryLine = line
            let isR = keywordEnd - position == 1 && raw[position] == UInt8(ascii: "r")
            position = next
            line += 1
            let rLine: RLineFields
            if isR, let parsed = plainRLine(raw, entryStart, lineEnd, caches: &caches) {
                rLine = parsed
            } else if isR {
                switch parseRLine(raw, entryStart, lineEnd, line: entryLine) {
                case .success(let parsed): rLine = parsed
                case .failure(let failure):
                    if strict { return failure }
                    skipped.append(failure)
                    skipLines(raw, &position, &line, caches: &caches)
                    continue
                }
            } else {
                caches.watch(raw, entryStart)
                // Only reachable when the scanner is started on a stray line.
                let failure = error(.misplacedKeyword(expected: "router status entries start with 'r'"), line: entryLine,
                                    keyword: ByteText.string(bytes, entryStart..<keywordEnd))
                if strict { return failure }
                skipped.append(failure)
                continue
            }
            if added == Self.sampleEntries, limit == Int.max {
                reserveForRest(&entries, sampled: entryStart - firstEntryStart, end: raw.end, position: entryStart)
            }
            // The entry is built in its place in the array and read into there: built locally and
            // appended at the end, it was copied five times (the r line's fields went through two
            // optionals) and retained and destroyed once more, ~500 instructions an entry.
            entries.append(RouterStatusEntry(rawBytes: bytes[entryStart..<entryStart], line: entryLine, r: rLine))
            let index = entries.count - 1
            let plain: Bool
            do throws(DescriptorParseError) {
                plain = try readLines(raw, &position, &line, into: &entries[index], caches: &caches, ending: &ending)
            } catch {
                entries.removeLast()
                return error
            }
            // The scan above already held a plain entry to every rule (see `readLines`); only an
            // unusual one is tokenized once more and checked against the table.
            if strict, !plain || lineEnd - entryStart > limits.maxLineBytes || isVote,
               let failure = checkRules(entryStart..<position, line: entryLine) {
                entries.removeLast()
                return failure
            }
            entries[index].rawBytes = bytes[entryStart..<position]
            added += 1
        }
        return nil
    }

    /// A line's bounds: where it starts, ends (before CR LF or LF), where the next one starts,
    /// and where its keyword ends.
    struct LineBounds {
        var start: Int
        var end: Int
        var next: Int
        var keywordEnd: Int
    }

    /// An `r` line's fields: small, so the readers return them cheaply, and the entry is built
    /// from them once, in its place in the array.
    struct RLineFields {
        var nickname: Range<Int>
        var fingerprint: Fingerprint
        var descriptorDigest: SHA1DigestValue?
        var published: TorTimestamp
        var address: UInt32
        var orPort: UInt16
        var dirPort: UInt16?
    }

    /// Entries read before the rest of the document is sized from their average length.
    static let sampleEntries = 32

    /// Makes room for the entries that the rest of the document (`position..<end`) holds if they
    /// are as long as the first ones (`sampled` bytes for ``sampleEntries``), with a tenth to
    /// spare: entry lengths differ between years and flavors (190 to 380 bytes on average), so
    /// a fixed guess either grows the array (copying every entry) or wastes memory.
    private func reserveForRest(_ entries: inout [RouterStatusEntry], sampled: Int, end: Int, position: Int) {
        let average = max(sampled / Self.sampleEntries, 1)
        let wanted = entries.count + 1 + (end - position) / average * 11 / 10
        if entries.capacity < wanted { entries.reserveCapacity(wanted) }
    }

    /// Whether the line at `position` opens the next entry or the footer.
    @inline(__always)
    private func endsEntry(_ raw: ByteCursor, _ position: Int, _ keywordEnd: Int) -> Bool {
        let count = keywordEnd - position
        if count == 1 { return raw[position] == UInt8(ascii: "r") }
        return count > 0 && raw.isFooterKeyword(position..<keywordEnd)
    }

    private func skipLines(_ raw: ByteCursor, _ position: inout Int, _ line: inout Int, caches: inout EntryLineCaches) {
        while position < raw.end {
            let (lineEnd, next) = raw.lineBounds(position)
            if endsEntry(raw, position, raw.keywordEnd(position, lineEnd)) { return }
            caches.watch(raw, position)
            position = next
            line += 1
        }
    }

    /// An `r` line as tor writes it (single spaces, an alphanumeric nickname of 1-19 bytes,
    /// unpadded base64, no trailing whitespace), read field by field in one pass; `nil` for
    /// anything else, which ``parseRLine(_:_:_:line:)`` then reads (and reports). On the lines
    /// this accepts both give the same entry: the words are the same fields, checked by the same
    /// decoders.
    @inline(__always)
    private func plainRLine(_ raw: ByteCursor, _ start: Int, _ lineEnd: Int, caches: inout EntryLineCaches) -> RLineFields? {
        let space = UInt8(ascii: " ")
        var index = start + 1
        guard index < lineEnd, raw[index] == space else { return nil }
        index += 1
        let nicknameStart = index
        while index < lineEnd, ByteText.isAlphanumeric(raw[index]) { index += 1 }
        let nickname = nicknameStart..<index
        guard (1...19).contains(nickname.count), lineEnd - index > 28, raw[index] == space, raw[index + 28] == space,
              let fingerprint = raw.fingerprint((index + 1)..<(index + 28)) else { return nil }
        index += 29
        // A date has a '-' where a base64 digest cannot.
        var digest: SHA1DigestValue? = nil
        guard lineEnd - index > 28 else { return nil }
        if raw[index + 4] != UInt8(ascii: "-") {
            guard raw[index + 27] == space, let value = raw.sha1Digest(index..<(index + 27)) else { return nil }
            digest = value
            index += 28
        }
        if strict, (digest != nil) != (flavor != .microdesc) { return nil }
        guard lineEnd - index > 20, raw[index + 10] == space, raw[index + 19] == space,
              let published = caches.dates.timestamp(raw, date: index, time: index + 11) else { return nil }
        index += 20
        let ipStart = index
        while index < lineEnd, raw[index] != space { index += 1 }
        guard index < lineEnd, let ip = raw.ipv4(ipStart..<index) else { return nil }
        index += 1
        let orStart = index
        while index < lineEnd, raw[index] != space { index += 1 }
        guard index < lineEnd, let orPort = raw.unsigned(orStart..<index), orPort <= 65_535, orPort > 0,
              let dirPort = raw.unsigned((index + 1)..<lineEnd), dirPort <= 65_535 else { return nil }
        return RLineFields(nickname: nickname, fingerprint: fingerprint, descriptorDigest: digest, published: published,
                           address: ip, orPort: UInt16(orPort), dirPort: dirPort == 0 ? nil : UInt16(dirPort))
    }

    /// `r nickname identity [digest] YYYY-MM-DD HH:MM:SS IP ORPort DirPort`.
    private func parseRLine(_ raw: ByteCursor, _ start: Int, _ lineEnd: Int, line: Int) -> Result<RLineFields, DescriptorParseError> {
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
        func fail(_ why: String) -> Result<RLineFields, DescriptorParseError> {
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
        return .success(RLineFields(nickname: words.0, fingerprint: fingerprint, descriptorDigest: digest, published: published,
                                    address: ip, orPort: UInt16(orPort), dirPort: dirPort == 0 ? nil : UInt16(dirPort)))
    }

    /// Reads the lines after `r` up to the next entry or the footer.
    ///
    /// Returns whether the entry is plain: every line a known keyword without an object, within
    /// the tokenizer's line and item limits, and no `s` or `w` line long enough to hold more than
    /// tor's 512 arguments. Strict mode checks a plain entry's rules here, in the same pass: the
    /// counts (at most once, `s` required) and the argument counts of ``RouterStatusEntry/consensusRules``
    /// are what this scan enforces already, and the tokenizer's own strict checks (keyword bytes,
    /// non-ASCII bytes, whitespace and blank lines) are made below. Anything else (unknown
    /// keywords, `opt` and `#` lines, objects, votes) goes through ``checkRules(_:line:)``.
    private func readLines(_ raw: ByteCursor, _ position: inout Int, _ line: inout Int,
                           into entry: inout RouterStatusEntry, caches: inout EntryLineCaches,
                           ending: inout LineBounds) throws(DescriptorParseError) -> Bool {
        var seen: UInt16 = 0   // one bit per at-most-once keyword
        var plain = true
        var items = 1          // the `r` line
        while position < raw.end {
            let lineStart = position
            let (lineEnd, next) = raw.lineBounds(lineStart)
            let keywordEnd = raw.keywordEnd(lineStart, lineEnd)
            if endsEntry(raw, lineStart, keywordEnd) {
                ending = LineBounds(start: lineStart, end: lineEnd, next: next, keywordEnd: keywordEnd)
                break
            }
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
                items += 1
                if lineEnd - lineStart > limits.maxLineBytes || items > limits.maxItemsPerDocument { plain = false }
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
                    caches.watch(raw, position)
                    line += 1
                    let closes = raw.hasPrefix(position..<objectEnd, "-----END ")
                    position = objectNext
                    if closes { break }
                }
                object = objectStart..<position
            }
            let key = keywordEnd > lineStart ? EntryKey.lookup(raw, lineStart..<keywordEnd) : nil
            // A line of a known key cannot open a document; any other might.
            if key == nil { caches.watch(raw, lineStart) }
            if strict, key == nil || object != nil || ((key == .s || key == .w) && args.count >= 2 * TorTokenLimits.maxArguments) {
                plain = false
            }
            if let key, object == nil, seen & key.bit == 0, fastPath(key, raw, args, into: &entry, caches: &caches) {
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
        return plain
    }

    /// Reads a typical well-formed line; returns `false` (changing nothing) for anything that
    /// needs the careful path.
    @inline(__always)
    private func fastPath(_ key: EntryKey, _ raw: ByteCursor, _ args: Range<Int>, into entry: inout RouterStatusEntry,
                          caches: inout EntryLineCaches) -> Bool {
        switch key {
        case .s:
            if let flags = caches.flags.value(raw, args) {
                entry.flags = flags
                entry.markFlagsLine()
                return true
            }
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
            entry.markFlagsLine()
            caches.flags.remember(args, flags, in: raw)
            return true
        case .v:
            entry.versionRange = args
            return true
        case .pr:
            // Strict mode checks the list in the same pass, without building it.
            if strict, caches.protocols.value(raw, args) == nil {
                guard raw.isProtocolList(args) else { return false }
                caches.protocols.remember(args, true, in: raw)
            }
            entry.protocolsRange = args
            return true
        case .p:
            if strict, caches.policies.value(raw, args) == nil {
                guard raw.isPolicySummary(args) else { return false }
                caches.policies.remember(args, true, in: raw)
            } else if !strict {
                guard raw.hasPrefix(args, "accept ") || raw.hasPrefix(args, "reject ") else { return false }
            }
            entry.exitPolicyRange = args
            return true
        case .a:
            guard let orAddress = raw.orAddress(args) else { return false }
            entry.orAddresses.append(orAddress)
            return true
        case .w:
            var cursor = args.lowerBound
            var bandwidth: UInt32? = nil, measured: UInt32? = nil, unmeasured = false
            while let word = raw.word(&cursor, args.upperBound) {
                if raw.hasPrefix(word, "Bandwidth="), bandwidth == nil,
                   let value = raw.unsigned((word.lowerBound + 10)..<word.upperBound), let narrow = UInt32(exactly: value) {
                    bandwidth = narrow
                } else if raw.equals(word, "Unmeasured=1") {
                    unmeasured = true
                } else if raw.hasPrefix(word, "Measured="), measured == nil,
                          let value = raw.unsigned((word.lowerBound + 9)..<word.upperBound), let narrow = UInt32(exactly: value) {
                    measured = narrow
                } else {
                    return false
                }
            }
            guard let bandwidth, raw.hasPrefix(args, "Bandwidth=") else { return false }
            entry.setWeights(bandwidth: bandwidth, measured: measured, unmeasured: unmeasured)
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
