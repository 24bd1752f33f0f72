/// Why bytes from an HTTP peer, or a request about to be sent, are not acceptable.
///
/// Thrown by the sans-I/O pieces (``HTTPResponse``, ``HTTPResponseReader``, ``HTTPRequest``);
/// callers map it to their own errors (TorDirectory's `DirectoryAttempt.Failure`).
///
/// ```swift
/// do { _ = try HTTPRequest(path: "/tor/keys/all\r\nX: y", host: "127.0.0.1") }
/// catch { print(error) }   // invalid request: path has a control character at offset 13
/// ```
public enum HTTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The status line and headers did not end within ``HTTPResponse/Limits/maxHeaderBytes``.
    case headersTooLarge(limit: Int)
    /// More header fields than ``HTTPResponse/Limits/maxHeaderCount``.
    case tooManyHeaders(limit: Int)
    /// The body (after de-chunking, before content decoding) passed its cap.
    case responseTooLarge(limit: Int)
    /// The decoded body passed its cap (a decompression bomb, or a too-small cap).
    case decodedTooLarge(limit: Int)
    case malformedResponse(String)
    case unsupportedEncoding(String)
    case decodingFailed(String)
    /// A request path or header that must not be sent (control characters, not a request-target).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .headersTooLarge(let limit): "HTTP headers longer than \(limit) bytes"
        case .tooManyHeaders(let limit): "more than \(limit) HTTP header fields"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .decodedTooLarge(let limit): "decoded body larger than \(limit) bytes"
        case .malformedResponse(let why): "malformed HTTP response: \(why)"
        case .unsupportedEncoding(let coding): "unsupported Content-Encoding \(coding)"
        case .decodingFailed(let why): "content decoding failed: \(why)"
        case .invalidRequest(let why): "invalid request: \(why)"
        }
    }
}
