/// A GET request, checked before any byte of it is sent: the path must be an origin-form
/// request-target (RFC 9112 §3.2.1) and header names and values may hold no CR, LF or NUL, so
/// nothing a caller passes can end the request line early or inject a header.
///
/// ```swift
/// let request = try HTTPRequest(path: "/tor/server/fp/A+B", host: "127.0.0.1", port: 7000,
///                               headers: [("Accept-Encoding", "deflate, identity")])
/// let wire: [UInt8] = request.serialized()   // "GET /tor/server/fp/A+B HTTP/1.0\r\nHost: 127.0.0.1:7000\r\n..."
/// ```
public struct HTTPRequest: Sendable, Hashable {
    /// The protocol version of the request line.
    public enum Version: Sendable, Hashable {
        /// What tor's DirPorts speak: the server closes after the body.
        case http10
        /// Sent with `Connection: close` (one request per connection); the answer may be chunked.
        case http11
    }

    public let path: String
    /// The `Host` header's value (an IPv6 literal in brackets, `:port` unless it is the default).
    public let hostHeader: String
    public let headers: [HTTPHeaderField]
    public let version: Version

    /// Validates everything; throws ``HTTPFailure/invalidRequest(_:)`` naming the first bad byte.
    /// `port` is left out of `Host` when it is `defaultPort` (443 for HTTPS, 80 for HTTP).
    public init(path: String, host: String, port: Int? = nil, defaultPort: Int? = nil, headers: [(String, String)] = [],
                version: Version = .http10) throws(HTTPFailure) {
        try Self.validate(path: path)
        try Self.validate(host: host)
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var fields: [HTTPHeaderField] = []
        for (name, value) in headers { fields.append(try HTTPHeaderField(name: name, value: value)) }
        self.path = path
        self.hostHeader = port.map { $0 == defaultPort ? bracketed : "\(bracketed):\($0)" } ?? bracketed
        self.headers = fields
        self.version = version
    }

    /// The request's bytes, ending with the blank line.
    public func serialized() -> [UInt8] {
        var text = "GET \(path) \(version == .http10 ? "HTTP/1.0" : "HTTP/1.1")\r\nHost: \(hostHeader)\r\n"
        if version == .http11 { text += "Connection: close\r\n" }
        for field in headers { text += "\(field.name): \(field.value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// Origin-form: `/` then pchar, `/` and `?` (RFC 3986), with `%` only before two hex digits.
    public static func validate(path: String) throws(HTTPFailure) {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { throw .invalidRequest("path must start with /: \(path.debugDescription)") }
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, isHexDigit(bytes[i + 1]), isHexDigit(bytes[i + 2]) else {
                    throw .invalidRequest("path has a bad percent escape at offset \(i)")
                }
                i += 3
                continue
            }
            guard isPathByte(byte) else {
                let kind = byte < 0x20 || byte == 0x7F ? "a control character" : byte == 0x20 ? "a space" : "byte 0x\(String(byte, radix: 16))"
                throw .invalidRequest("path has \(kind) at offset \(i)")
            }
            i += 1
        }
    }

    /// A host name, an IPv4 literal or an IPv6 literal (bracketed or not): letters, digits and
    /// `-._:[]%` only.
    static func validate(host: String) throws(HTTPFailure) {
        guard !host.isEmpty, host.utf8.allSatisfy({ isAlphanumeric($0) || Array("-._:[]%".utf8).contains($0) }) else {
            throw .invalidRequest("host \(host.debugDescription) is not a host name or address")
        }
    }

    static func isPathByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || Array("-._~!$&'()*+,;=:@/?".utf8).contains(byte)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}

/// One request header, checked: the name is an RFC 9110 token, the value has no CR, LF or NUL.
///
/// ```swift
/// let field = try HTTPHeaderField(name: "Range", value: "bytes=300000-")
/// ```
public struct HTTPHeaderField: Sendable, Hashable {
    public let name: String
    public let value: String

    public init(name: String, value: String) throws(HTTPFailure) {
        let tokenPunctuation = Array("!#$%&'*+-.^_`|~".utf8)
        guard !name.isEmpty, name.utf8.allSatisfy({ HTTPRequest.isAlphanumeric($0) || tokenPunctuation.contains($0) }) else {
            throw .invalidRequest("header name \(name.debugDescription) is not a token")
        }
        if let bad = value.utf8.firstIndex(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
            throw .invalidRequest("header \(name) has a control character at offset \(value.utf8.distance(from: value.utf8.startIndex, to: bad))")
        }
        self.name = name
        self.value = value
    }
}
