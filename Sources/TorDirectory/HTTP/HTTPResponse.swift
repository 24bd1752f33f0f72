/// A DirPort's HTTP/1.0 response: status line, headers and the (still encoded) body.
///
/// ```swift
/// let response = try HTTPResponse(parsing: bytes)
/// if response.status == 200 { print(response.header("Content-Encoding") ?? "identity") }
/// ```
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200, 404, 503.
    public let status: Int
    /// The reason phrase, e.g. `OK`, `Directory busy`.
    public let reason: String
    /// Header fields in order, names as sent.
    public let headers: [(name: String, value: String)]
    /// The body as received (before content decoding).
    public let body: ArraySlice<UInt8>

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Where the header block ends (index of the first body byte), or nil when incomplete.
    static func headerEnd(in bytes: [UInt8]) -> Int? {
        var i = 0
        // Tolerate bare LF line ends as well as CRLF.
        while i < bytes.count {
            if bytes[i] == 0x0A {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { return i + 2 }
                if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// Once the headers are complete: the total response length `Content-Length` promises, or
    /// `Int.max` (read to the close); nil while the headers are incomplete.
    static func expectedLength(of bytes: [UInt8]) -> Int? {
        guard let end = headerEnd(in: bytes) else { return nil }
        guard let response = try? HTTPResponse(parsing: bytes[...], headerEnd: end),
              let text = response.header("Content-Length"), let length = Int(text.trimmingSpaces), length >= 0 else { return Int.max }
        return end + length
    }

    /// Parses a complete response (the connection has closed or `Content-Length` is reached).
    init(parsing bytes: [UInt8]) throws(HTTPParseError) {
        guard let end = Self.headerEnd(in: bytes) else { throw HTTPParseError("no end of headers in \(bytes.count) bytes") }
        try self.init(parsing: bytes[...], headerEnd: end)
    }

    private init(parsing bytes: ArraySlice<UInt8>, headerEnd end: Int) throws(HTTPParseError) {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        for i in bytes.startIndex..<end where bytes[i] == 0x0A {
            var line = bytes[start..<i]
            if line.last == 0x0D { line = line.dropLast() }
            lines.append(line)
            start = i + 1
        }
        guard let statusLine = lines.first else { throw HTTPParseError("empty response") }
        // "HTTP/1.x SP 3DIGIT [SP reason]"
        guard statusLine.starts(with: Array("HTTP/".utf8)), let space = statusLine.firstIndex(of: 0x20) else {
            throw HTTPParseError("not an HTTP status line: \(Self.text(statusLine.prefix(40)))")
        }
        let codeStart = space + 1
        let codeEnd = statusLine[codeStart...].firstIndex(of: 0x20) ?? statusLine.endIndex
        let code = statusLine[codeStart..<codeEnd]
        guard code.count == 3, code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw HTTPParseError("bad status code in: \(Self.text(statusLine.prefix(40)))")
        }
        status = code.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        reason = codeEnd < statusLine.endIndex ? Self.text(statusLine[(codeEnd + 1)...]) : ""
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: 0x3A) else { throw HTTPParseError("header without colon: \(Self.text(line.prefix(40)))") }
            headers.append((Self.text(line[..<colon]), Self.text(line[(colon + 1)...]).trimmingSpaces))
        }
        self.headers = headers
        var body = bytes[end...]
        if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }), length < body.count {
            body = body.prefix(length)
        }
        self.body = body
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// A response that is not HTTP.
struct HTTPParseError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
