extension TorperfResult {
    /// The kind errors name.
    static let kind: DocumentKind = .torperf

    /// Parses one measurement: annotation lines, then exactly one `KEY=VALUE ...` line.
    ///
    /// Both modes need every word to be `KEY=VALUE`-shaped enough to name its key. Lenient mode
    /// skips values it cannot type and records them in ``warnings``; strict mode throws on them,
    /// on a key given twice, on a missing key metrics-lib requires (`SOURCE`, `FILESIZE`,
    /// `START`, ... `READBYTES`), on a second measurement line, and on non-ASCII text.
    ///
    /// ```swift
    /// let result = try TorperfResult(parsing: line[...], mode: .strict)
    /// ```
    public init(parsing bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient, firstLine: Int = 1) throws(DescriptorParseError) {
        try LineScanner.checkSize(bytes, kind: Self.kind, limits: mode.limits, firstLine: firstLine)
        var lines = CollecTorLines(bytes, kind: Self.kind, mode: mode, firstLine: firstLine)
        self.init(rawBytes: bytes, line: firstLine)
        annotations = try lines.annotations()
        guard let (range, line) = try lines.next() else { throw lines.error(.empty, line: lines.lastLine, keyword: nil) }
        self.line = line
        try read(range, line, &lines)
        if let (_, extra) = try lines.next() {
            try lines.recover(lines.error(.malformedLine("one measurement per result; split files with parseAll"), line: extra, keyword: nil))
        }
        warnings = lines.warnings
    }

    /// Every measurement of a `.tpf` file, each with the annotations just before its line
    /// (CollecTor repeats `@type torperf 1.1` before every line); a bad line becomes a
    /// `.failure` and never hides the others.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient) -> [Result<TorperfResult, DescriptorParseError>] {
        var results: [Result<TorperfResult, DescriptorParseError>] = []
        var start = bytes.startIndex, startLine = 1, line = 1, position = bytes.startIndex
        while position < bytes.endIndex {
            let (end, next) = Tokenizer.lineBounds(bytes, from: position)
            let isAnnotation = end > position && bytes[position] == UInt8(ascii: "@")
            let isBlank = bytes[position..<end].allSatisfy { ByteText.isSpace($0) || $0 == ByteText.carriageReturn }
            if isBlank, start == position { start = next; startLine = line + 1 }
            if !isAnnotation, !isBlank {
                if results.count >= mode.limits.maxDocumentsPerBuffer {
                    results.append(.failure(mode.limits.exceeded(.documentsPerBuffer, kind: kind, line: line)))
                    return results
                }
                do throws(DescriptorParseError) {
                    results.append(.success(try TorperfResult(parsing: bytes[start..<next], mode: mode, firstLine: startLine)))
                } catch {
                    results.append(.failure(error))
                }
                start = next
                startLine = line + 1
            }
            position = next
            line += 1
        }
        if start < bytes.endIndex || results.isEmpty {
            // Annotations with no measurement after them (or nothing at all): report, never drop.
            do throws(DescriptorParseError) { results.append(.success(try TorperfResult(parsing: bytes[start...], mode: mode, firstLine: startLine))) } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    private mutating func read(_ range: Range<Int>, _ line: Int, _ lines: inout CollecTorLines) throws(DescriptorParseError) {
        let bytes = lines.bytes
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        var seen = Set<String>()
        while let word = cursor.next() {
            guard let equals = bytes[word].firstIndex(of: UInt8(ascii: "=")), equals > word.lowerBound else {
                try lines.recover(lines.error(.malformedArguments("expected KEY=VALUE, got '\(ByteText.escaped(bytes, word))'"), line: line, keyword: nil))
                continue
            }
            let keyRange = word.lowerBound..<equals, value = (equals + 1)..<word.upperBound
            let name = ByteText.string(bytes, keyRange)
            if !seen.insert(name).inserted {
                try lines.recover(lines.error(.duplicateKeyword, line: line, keyword: name))
                continue
            }
            do throws(DescriptorParseError) {
                if let key = TorperfKey.lookup(bytes, keyRange) {
                    values.append((name, try Self.value(key.type, value, line: line, key: name, lines: lines)))
                } else if ByteText.hasPrefix(bytes, keyRange, "DATAPERC"),
                          let percent = ByteText.unsigned(bytes, (keyRange.lowerBound + 8)..<keyRange.upperBound), percent <= 100 {
                    guard let ms = Self.milliseconds(bytes, value) else { throw Self.badValue(name, "seconds.fraction", line, lines) }
                    dataPercentiles.append((percent, ms))
                } else {
                    unrecognizedKeys.append(KeyValueText(key: name, value: ByteText.string(bytes, value)))
                }
            } catch {
                try lines.recover(error)
            }
        }
        for key in TorperfKey.allCases where key.isRequired && !seen.contains(key.rawValue) {
            try lines.recover(lines.error(.missingKeyword, line: line, keyword: key.rawValue))
        }
    }

    private static func badValue(_ key: String, _ expected: String, _ line: Int, _ lines: CollecTorLines) -> DescriptorParseError {
        lines.error(.malformedArguments("expected \(expected)"), line: line, keyword: key)
    }

    private static func value(_ type: TorperfKey.ValueType, _ value: Range<Int>, line: Int, key: String, lines: CollecTorLines) throws(DescriptorParseError) -> Value {
        let bytes = lines.bytes
        switch type {
        case .text: return .text(ByteText.string(bytes, value))
        case .integer:
            guard let number = ByteText.signed(bytes, value) else { throw badValue(key, "an integer", line, lines) }
            return .integer(number)
        case .milliseconds:
            guard let ms = milliseconds(bytes, value) else { throw badValue(key, "seconds.fraction", line, lines) }
            return .milliseconds(ms)
        case .millisecondsList:
            var list: [Int] = []
            for part in commaSeparated(bytes, value) {
                guard let ms = milliseconds(bytes, part) else { throw badValue(key, "comma-separated seconds.fraction", line, lines) }
                list.append(ms)
            }
            return .millisecondsList(list)
        case .flag:
            if ByteText.equals(bytes, value, "1") { return .flag(true) }
            if ByteText.equals(bytes, value, "0") { return .flag(false) }
            throw badValue(key, "0 or 1", line, lines)
        case .number:
            guard !value.isEmpty, value.count <= 32, let number = Double(ByteText.string(bytes, value)), number.isFinite else {
                throw badValue(key, "a number", line, lines)
            }
            return .number(number)
        case .path:
            var relays: [Fingerprint] = []
            for part in commaSeparated(bytes, value) {
                guard part.count == 41, bytes[part.lowerBound] == UInt8(ascii: "$"),
                      let fingerprint = Fingerprint.parse(bytes, (part.lowerBound + 1)..<part.upperBound) else {
                    throw badValue(key, "comma-separated $ and 40 hex digits", line, lines)
                }
                relays.append(fingerprint)
            }
            return .path(relays)
        }
    }

    private static func commaSeparated(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        while start <= range.upperBound {
            let stop = bytes[start..<range.upperBound].firstIndex(of: UInt8(ascii: ",")) ?? range.upperBound
            parts.append(start..<stop)
            start = stop + 1
        }
        return parts
    }

    /// `SECONDS.FRACTION` as milliseconds, as metrics-lib reads it: the fraction padded or cut
    /// to three digits; a dot is required.
    static func milliseconds(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        guard let dot = bytes[range].firstIndex(of: UInt8(ascii: ".")),
              let seconds = ByteText.unsigned(bytes, range.lowerBound..<dot), seconds < Int.max / 1000 else { return nil }
        let fraction = (dot + 1)..<range.upperBound
        guard !fraction.isEmpty, bytes[fraction].allSatisfy(ByteText.isDigit) else { return nil }
        var millis = 0
        for offset in 0..<3 {
            let index = fraction.lowerBound + offset
            millis = millis * 10 + (index < fraction.upperBound ? Int(bytes[index] - 0x30) : 0)
        }
        return seconds * 1000 + millis
    }
}
