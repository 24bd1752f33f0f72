import TorDescriptors

/// One try of one request at one endpoint, and why it did not give a usable answer.
///
/// ```swift
/// catch let error as DirectoryClientError {
///     for attempt in error.attempts { print(attempt) }   // "auth0 127.0.0.1:7000: connect timeout after 5 s"
/// }
/// ```
public struct DirectoryAttempt: Sendable, CustomStringConvertible {
    /// Why an attempt failed.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case resolveFailed(String)
        case connectTimeout
        case connectFailed(String)
        /// The whole-request deadline passed (connect, send and body together).
        case deadlineExceeded
        case ioFailed(String)
        /// The encoded response exceeded the cap.
        case responseTooLarge(limit: Int)
        /// The decoded body exceeded the cap (a decompression bomb, or a too-small cap).
        case decodedTooLarge(limit: Int)
        /// The status line and headers did not end within `HTTPResponse.Limits.maxHeaderBytes`.
        case headersTooLarge(limit: Int)
        /// More header fields than `HTTPResponse.Limits.maxHeaderCount`.
        case tooManyHeaders(limit: Int)
        /// HTTP status other than 200; 503 (`Directory busy`) is the usual one to move on from.
        case httpStatus(Int, String)
        case malformedResponse(String)
        case unsupportedEncoding(String)
        case decodingFailed(String)
        /// The body did not parse as the document asked for.
        case invalidDocument(String)
        /// The document parsed but failed verification (signatures, digests).
        case verificationFailed(String)
        /// Over an ORPort: the TLS or link handshake failed, the relay proved another identity
        /// than the one asked for, or it closed the circuit or stream (the reason named).
        case linkFailed(String)
        case cancelled

        public var description: String {
            switch self {
            case .resolveFailed(let why): "cannot resolve: \(why)"
            case .connectTimeout: "connect timeout"
            case .connectFailed(let why): "connect failed: \(why)"
            case .deadlineExceeded: "request deadline exceeded"
            case .ioFailed(let why): "I/O error: \(why)"
            case .responseTooLarge(let limit): "response larger than \(limit) bytes"
            case .decodedTooLarge(let limit): "decoded body larger than \(limit) bytes"
            case .headersTooLarge(let limit): "HTTP headers longer than \(limit) bytes"
            case .tooManyHeaders(let limit): "more than \(limit) HTTP header fields"
            case .httpStatus(let code, let reason): "HTTP \(code) \(reason)"
            case .malformedResponse(let why): "malformed HTTP response: \(why)"
            case .unsupportedEncoding(let coding): "unsupported Content-Encoding \(coding)"
            case .decodingFailed(let why): "content decoding failed: \(why)"
            case .invalidDocument(let why): "invalid document: \(why)"
            case .verificationFailed(let why): "verification failed: \(why)"
            case .linkFailed(let why): "ORPort link: \(why)"
            case .cancelled: "cancelled"
            }
        }
    }

    public var endpoint: DirectoryEndpoint
    public var path: String
    public var failure: Failure
    /// Time spent on this attempt.
    public var elapsed: Duration

    public var description: String {
        let millis = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return "\(endpoint) \(path): \(failure) (after \(millis) ms)"
    }
}

/// Why a ``DirectoryClient`` call failed.
///
/// ```swift
/// do { _ = try await client.consensus() }
/// catch { print(error) }   // lists every endpoint tried and why
/// ```
public enum DirectoryClientError: Error, Sendable, CustomStringConvertible {
    /// Every endpoint tried failed; the attempts in order.
    case allEndpointsFailed(path: String, attempts: [DirectoryAttempt])
    /// The configuration names no endpoint.
    case noEndpoints
    /// A consensus diff did not apply and no full document could be fetched either.
    case diffFailed(ConsensusDiffError)
    case cancelled
    /// The request is not valid (e.g. an empty digest).
    case invalidRequest(String)

    /// The attempts behind an ``allEndpointsFailed(path:attempts:)``; empty otherwise.
    public var attempts: [DirectoryAttempt] {
        if case .allEndpointsFailed(_, let attempts) = self { attempts } else { [] }
    }

    public var description: String {
        switch self {
        case .allEndpointsFailed(let path, let attempts):
            "could not fetch \(path) from \(attempts.count) endpoint(s):\n" + attempts.map { "  - \($0)" }.joined(separator: "\n")
        case .noEndpoints: "no directory endpoints configured"
        case .diffFailed(let error): "consensus diff failed: \(error)"
        case .cancelled: "cancelled"
        case .invalidRequest(let why): "invalid request: \(why)"
        }
    }
}
