/// An HTTP/1.x response: status line, headers and the (still encoded) body.
///
/// This is the sans-I/O half of a request: ``expectedLength(of:maxHeaderBytes:)`` tells a
/// reader when the bytes received so far make a whole response, ``init(parsing:limits:)``
/// reads them, and ``decodedBody(maxBytes:)`` undoes the `Content-Encoding`.
///
/// ```swift
/// let response = try HTTPResponse(parsing: bytes)
/// if response.status == 200 { print(response.header("Content-Encoding") ?? "identity") }
/// let text = try response.decodedBody(maxBytes: 64 << 20)
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

    /// Caps on the part of a response before its body.
    ///
    /// | Limit | Default | Error |
    /// |---|---|---|
    /// | ``maxHeaderBytes`` | 64 KiB | ``HTTPFailure/headersTooLarge(limit:)`` |
    /// | ``maxHeaderCount`` | 100 | ``HTTPFailure/tooManyHeaders(limit:)`` |
    ///
    /// ```swift
    /// let response = try HTTPResponse(parsing: bytes, limits: .init(maxHeaderBytes: 8192))
    /// ```
    public struct Limits: Sendable, Hashable {
        /// Bytes from the status line through the blank line that ends the headers. A tor
        /// DirPort sends about 200.
        public var maxHeaderBytes: Int
        /// Header fields (the status line not counted). A tor DirPort sends 4 to 6.
        public var maxHeaderCount: Int

        public init(maxHeaderBytes: Int = 64 << 10, maxHeaderCount: Int = 100) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
        }

        /// 64 KiB of headers, 100 fields.
        public static let `default` = Limits()
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Where the header block ends (index of the first body byte), or nil when it does not end
    /// within the first `limit` bytes (the blank line's own bytes may go past `limit`).
    static func headerEnd(in bytes: [UInt8], limit: Int) -> Int? {
        var i = 0
        let scanEnd = min(bytes.count, limit)
        // Tolerate bare LF line ends as well as CRLF.
        while i < scanEnd {
            if bytes[i] == 0x0A {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { return i + 2 }
                if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// For a reader that receives a response in pieces: the total length at which `bytes`
    /// (everything received so far) is a complete response. nil while the headers are
    /// incomplete; `Int.max` when there is no usable `Content-Length` (read until the server
    /// closes); `bytes.count` (stop now, ``init(parsing:limits:)`` will report it) once the
    /// headers passed `maxHeaderBytes` without ending.
    ///
    /// ```swift
    /// var received: [UInt8] = []
    /// while HTTPResponse.expectedLength(of: received).map({ received.count < $0 }) ?? true { received += try read() }
    /// ```
    public static func expectedLength(of bytes: [UInt8], maxHeaderBytes: Int = Limits.default.maxHeaderBytes) -> Int? {
        guard let end = headerEnd(in: bytes, limit: maxHeaderBytes) else {
            return bytes.count > maxHeaderBytes ? bytes.count : nil
        }
        guard let response = try? HTTPResponse(parsing: bytes[...], headerEnd: end, limits: .init(maxHeaderBytes: .max, maxHeaderCount: .max)),
              let length = Self.contentLength(response.headers) else { return Int.max }
        return length > Int.max - end ? Int.max : end + length
    }

    /// A response put together by a reader that framed the body itself (``HTTPResponseReader``).
    public init(status: Int, reason: String, headers: [(name: String, value: String)], body: ArraySlice<UInt8>) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// Parses a complete response (the connection has closed or `Content-Length` is reached).
    ///
    /// Throws ``HTTPFailure/malformedResponse(_:)`` for bytes that are not an
    /// HTTP response, and the header limits' errors.
    public init(parsing bytes: [UInt8], limits: Limits = .default) throws(HTTPFailure) {
        guard let end = Self.headerEnd(in: bytes, limit: limits.maxHeaderBytes) else {
            if bytes.count > limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
            throw .malformedResponse("no end of headers in \(bytes.count) bytes")
        }
        try self.init(parsing: bytes[...], headerEnd: end, limits: limits)
    }

    private init(parsing bytes: ArraySlice<UInt8>, headerEnd end: Int, limits: Limits) throws(HTTPFailure) {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        for i in bytes.startIndex..<end where bytes[i] == 0x0A {
            var line = bytes[start..<i]
            if line.last == 0x0D { line = line.dropLast() }
            if !line.isEmpty || lines.isEmpty { lines.append(line) }
            if lines.count - 1 > limits.maxHeaderCount { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
            start = i + 1
        }
        guard let statusLine = lines.first else { throw .malformedResponse("empty response") }
        // "HTTP/1.x SP 3DIGIT [SP reason]"
        guard statusLine.starts(with: Array("HTTP/".utf8)), let space = statusLine.firstIndex(of: 0x20) else {
            throw .malformedResponse("not an HTTP status line: \(Self.text(statusLine.prefix(40)))")
        }
        let codeStart = space + 1
        let codeEnd = statusLine[codeStart...].firstIndex(of: 0x20) ?? statusLine.endIndex
        let code = statusLine[codeStart..<codeEnd]
        guard code.count == 3, code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .malformedResponse("bad status code in: \(Self.text(statusLine.prefix(40)))")
        }
        status = code.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        reason = codeEnd < statusLine.endIndex ? Self.text(statusLine[(codeEnd + 1)...]) : ""
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: 0x3A) else { throw .malformedResponse("header without colon: \(Self.text(line.prefix(40)))") }
            headers.append((Self.text(line[..<colon]), Self.text(line[(colon + 1)...]).trimmingSpaces))
        }
        self.headers = headers
        var body = bytes[end...]
        if let length = Self.contentLength(headers), length < body.count {
            body = body.prefix(length)
        }
        self.body = body
    }

    /// `Content-Length` when it is a non-negative decimal number.
    static func contentLength(_ headers: [(name: String, value: String)]) -> Int? {
        guard let text = headers.first(where: { $0.name.lowercased() == "content-length" })?.value.trimmingSpaces,
              let length = Int(text), length >= 0 else { return nil }
        return length
    }

    /// The body with its `Content-Encoding` undone (`identity` when absent), at most `maxBytes`
    /// long: ``HTTPFailure/decodedTooLarge(limit:)`` beyond,
    /// ``HTTPFailure/unsupportedEncoding(_:)`` or
    /// ``HTTPFailure/decodingFailed(_:)`` for a body that cannot be decoded.
    public func decodedBody(maxBytes: Int) throws(HTTPFailure) -> [UInt8] {
        try ContentDecoding.decode(body, contentEncoding: header("Content-Encoding"), maxBytes: maxBytes)
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
