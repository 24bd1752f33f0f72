extension WebServerAccessLog {
    /// The kind errors name.
    static let kind: DocumentKind = .webServerAccessLog

    /// Parses a decompressed log; `fileName` (a path or a name) gives the hosts and the day.
    ///
    /// Lenient mode keeps the lines that match the access-log form and counts the others in
    /// ``invalidLineCount`` (metrics-lib drops them silently); strict mode throws on the first
    /// line that does not match, on a request dated on another day than the file name's, on a
    /// file name that does not follow CollecTor's form, and on non-ASCII text.
    ///
    /// ```swift
    /// let log = try WebServerAccessLog(parsing: bytes[...], fileName: url.lastPathComponent, mode: .strict)
    /// ```
    public init(parsing bytes: ArraySlice<UInt8>, fileName: String? = nil, mode: ValidationMode = .lenient, firstLine: Int = 1) throws(DescriptorParseError) {
        try LineScanner.checkSize(bytes, kind: Self.kind, limits: mode.limits, firstLine: firstLine)
        var scan = CollecTorLines(bytes, kind: Self.kind, mode: mode, firstLine: firstLine)
        self.init(rawBytes: bytes)
        if let fileName {
            name = FileName(parsing: fileName)
            if name == nil, mode.isStrict {
                throw scan.error(.malformedArguments("file name '\(fileName)' is not VHOST_HOST_access.log_YYYYMMDD[.EXT]"), line: firstLine, keyword: nil)
            }
        }
        while let (range, line) = try scan.next() {
            guard let parsed = Self.line(bytes, range, line) else {
                invalidLineCount += 1
                let error = scan.error(.malformedLine("not an access-log line: \(ByteText.escaped(bytes, range.lowerBound..<min(range.upperBound, range.lowerBound + 120)))"), line: line, keyword: nil)
                if mode.isStrict { throw error }
                if scan.warnings.count < 100 { try scan.recover(error) }
                continue
            }
            if mode.isStrict, let day = name?.date, parsed.date != day {
                throw scan.error(.malformedArguments("request dated \(parsed.date) in the log of \(day)"), line: line, keyword: nil)
            }
            if lines.count >= mode.limits.maxEntriesPerConsensus {
                throw scan.error(.limitExceeded(.entriesPerConsensus, limit: mode.limits.maxEntriesPerConsensus), line: line, keyword: nil)
            }
            lines.append(parsed)
        }
        warnings = scan.warnings
    }

    /// The whole buffer as one log, as a one-element array for the callers that handle every
    /// type alike; `fileName` as in ``init(parsing:fileName:mode:firstLine:)``.
    public static func parseAll(_ bytes: ArraySlice<UInt8>, mode: ValidationMode = .lenient, fileName: String? = nil) -> [Result<WebServerAccessLog, DescriptorParseError>] {
        do throws(DescriptorParseError) { return [.success(try WebServerAccessLog(parsing: bytes, fileName: fileName, mode: mode))] } catch { return [.failure(error)] }
    }

    /// `IP IDENT USER [DD/Mon/YYYY:HH:MM:SS +ZZZZ] "METHOD REQUEST PROTOCOL" STATUS SIZE...`,
    /// read as metrics-lib's pattern reads it; `nil` when the line does not match.
    static func line(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, _ number: Int) -> Line? {
        var cursor = ArgumentCursor(bytes: bytes, range: range)
        guard let ip = cursor.next(), isDottedQuad(bytes, ip), cursor.next() != nil, cursor.next() != nil else { return nil }
        // The bracketed time: "[30/May/2017:06:32:39" and "+0000]".
        guard let time = cursor.next(), let zone = cursor.next(), time.count == 21, bytes[time.lowerBound] == UInt8(ascii: "["),
              zone.count == 6, bytes[zone.upperBound - 1] == UInt8(ascii: "]"),
              let date = day(bytes, (time.lowerBound + 1)..<time.upperBound, (zone.lowerBound)..<(zone.upperBound - 1)) else { return nil }
        // The quoted request: the method, then the request up to the last space, then the protocol.
        let rest = cursor.rest()
        guard rest.count > 2, bytes[rest.lowerBound] == UInt8(ascii: "\""),
              let close = closingQuote(bytes, (rest.lowerBound + 1)..<rest.upperBound) else { return nil }
        let quoted = (rest.lowerBound + 1)..<close
        guard let firstSpace = bytes[quoted].firstIndex(of: ByteText.space),
              let lastSpace = bytes[quoted].lastIndex(of: ByteText.space), lastSpace > firstSpace + 1 else { return nil }
        let method = quoted.lowerBound..<firstSpace, request = (firstSpace + 1)..<lastSpace, proto = (lastSpace + 1)..<quoted.upperBound
        guard !method.isEmpty, bytes[method].allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }), isProtocol(bytes, proto) else { return nil }
        var tail = ArgumentCursor(bytes: bytes, range: (close + 1)..<rest.upperBound)
        guard close + 1 < rest.upperBound, bytes[close + 1] == ByteText.space,
              let status = tail.next(), status.count == 3, let response = ByteText.unsigned(bytes, status),
              let sizeWord = tail.next() else { return nil }
        var size: Int?
        if !ByteText.equals(bytes, sizeWord, "-") {
            guard let value = ByteText.unsigned(bytes, sizeWord) else { return nil }
            size = value
        }
        return Line(ip: ByteText.string(bytes, ip), date: date, method: ByteText.string(bytes, method), request: ByteText.string(bytes, request),
                    protocolVersion: ByteText.string(bytes, proto), response: response, size: size, line: number)
    }

    /// The first `"` not escaped as `\"` (Apache writes a quote inside the request that way;
    /// CollecTor's sanitized logs keep such lines, which metrics-lib's pattern skips).
    private static func closingQuote(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
            if bytes[index] == UInt8(ascii: "\"") { return index }
            index += 1
        }
        return nil
    }

    private static func isDottedQuad(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        var groups = 0, digits = 0
        for byte in bytes[range] {
            if ByteText.isDigit(byte) { digits += 1; if digits > 3 { return false } }
            else if byte == UInt8(ascii: "."), digits > 0 { groups += 1; digits = 0 }
            else { return false }
        }
        return groups == 3 && digits > 0
    }

    /// `[A-Z]+/D.D`, e.g. `HTTP/1.1`.
    private static func isProtocol(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count >= 5, let slash = bytes[range].firstIndex(of: UInt8(ascii: "/")), slash > range.lowerBound,
              range.upperBound - slash == 4 else { return false }
        return bytes[range.lowerBound..<slash].allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            && ByteText.isDigit(bytes[slash + 1]) && bytes[slash + 2] == UInt8(ascii: ".") && ByteText.isDigit(bytes[slash + 3])
    }

    static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `DD/Mon/YYYY:HH:MM:SS` with a `+HHMM`/`-HHMM` offset, as the UTC day (midnight).
    private static func day(_ bytes: ArraySlice<UInt8>, _ time: Range<Int>, _ zone: Range<Int>) -> TorTimestamp? {
        let t = time.lowerBound
        guard bytes[t + 2] == UInt8(ascii: "/"), bytes[t + 6] == UInt8(ascii: "/"), bytes[t + 11] == UInt8(ascii: ":"),
              let month = months.firstIndex(where: { ByteText.equals(bytes, (t + 3)..<(t + 6), $0) }) else { return nil }
        // Rewritten as YYYY-MM-DD HH:MM:SS so the one calendar check in TorTimestamp applies.
        var text = Array(bytes[(t + 7)..<(t + 11)]) + Array("-".utf8)
        text += Array((month < 9 ? "0\(month + 1)" : "\(month + 1)").utf8) + Array("-".utf8) + Array(bytes[t..<(t + 2)])
        text += Array(" ".utf8) + Array(bytes[(t + 12)..<(t + 20)])
        guard text.count == 19, let local = TorTimestamp.parse(text[...], 0..<10, 11..<19) else { return nil }
        let z = zone.lowerBound
        guard zone.count == 5, bytes[z] == UInt8(ascii: "+") || bytes[z] == UInt8(ascii: "-"),
              let hours = ByteText.unsigned(bytes, (z + 1)..<(z + 3)), let minutes = ByteText.unsigned(bytes, (z + 3)..<(z + 5)),
              hours < 24, minutes < 60 else { return nil }
        let offset = Int64(hours * 3600 + minutes * 60) * (bytes[z] == UInt8(ascii: "-") ? -1 : 1)
        let utc = local.secondsSince1970 - offset
        return TorTimestamp(secondsSince1970: utc - ((utc % 86_400) + 86_400) % 86_400)
    }
}

extension WebServerAccessLog.FileName {
    /// Reads `VIRTUALHOST_PHYSICALHOST_access.log_YYYYMMDD[.EXT]` (directories before the name are
    /// ignored); `nil` when the name does not have that form.
    public init?(parsing path: String) {
        let name = Array(path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).last ?? [])
        let marker = Array("_access.log_".utf8)
        guard name.count > marker.count,
              let at = (0...(name.count - marker.count)).first(where: { name[$0..<($0 + marker.count)].elementsEqual(marker) }),
              let separator = name[..<at].lastIndex(of: UInt8(ascii: "_")), separator > 0, separator + 1 < at else { return nil }
        let dateStart = at + marker.count
        guard name.count >= dateStart + 8, name[dateStart..<(dateStart + 8)].allSatisfy(ByteText.isDigit) else { return nil }
        var extensionBytes = name[(dateStart + 8)...]
        if extensionBytes.first == UInt8(ascii: ".") { extensionBytes = extensionBytes.dropFirst() }
        guard extensionBytes.allSatisfy({ ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }) else { return nil }
        let d = name[dateStart..<(dateStart + 8)]
        let text = Array(d.prefix(4)) + Array("-".utf8) + Array(d.dropFirst(4).prefix(2)) + Array("-".utf8) + Array(d.suffix(2)) + Array(" 00:00:00".utf8)
        guard let date = TorTimestamp.parse(text[...], 0..<10, 11..<19) else { return nil }
        self.init(virtualHost: String(decoding: name[..<separator], as: UTF8.self),
                  physicalHost: String(decoding: name[(separator + 1)..<at], as: UTF8.self),
                  date: date, compression: String(decoding: extensionBytes, as: UTF8.self))
    }
}
