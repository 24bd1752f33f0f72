import TorNetwork
import TorWire

/// What one directory attempt may use: the time limits and the caps on what comes back.
///
/// ```swift
/// let limits = DirectoryExchangeLimits(connectTimeout: .seconds(5), deadline: .now + .seconds(60),
///                                      headerLimits: .default, maxEncodedBytes: 64 << 20)
/// ```
package struct DirectoryExchangeLimits: Sendable {
    package var connectTimeout: Duration
    /// Connect, request and the whole body must be over by then.
    package var deadline: ContinuousClock.Instant
    package var headerLimits: HTTPResponse.Limits
    /// Cap on the body as received (before content decoding).
    package var maxEncodedBytes: Int

    package init(connectTimeout: Duration, deadline: ContinuousClock.Instant, headerLimits: HTTPResponse.Limits, maxEncodedBytes: Int) {
        self.connectTimeout = connectTimeout
        self.deadline = deadline
        self.headerLimits = headerLimits
        self.maxEncodedBytes = maxEncodedBytes
    }
}

/// How a directory request reaches an endpoint: plain HTTP to its DirPort today
/// (``DirPortTransport``); an ORPort transport (BEGIN_DIR over a one-hop circuit) slots in here.
/// A transport sends the checked request and returns the response with its body still
/// content-encoded; ``DirectoryClient`` decodes and judges it.
///
/// ```swift
/// let response = try await DirPortTransport().exchange(request, with: endpoint, limits: limits)
/// ```
package protocol DirectoryTransport: Sendable {
    func exchange(_ request: HTTPRequest, with endpoint: DirectoryEndpoint, limits: DirectoryExchangeLimits) async throws(DirectoryAttempt.Failure) -> HTTPResponse
}

/// HTTP/1.0 to a DirPort over TCP, through TorNetwork's NIO client.
///
/// ```swift
/// var configuration = DirectoryClient.Configuration(endpoints: endpoints)
/// configuration.transport = DirPortTransport()   // the default
/// ```
package struct DirPortTransport: DirectoryTransport {
    package init() {}

    package func exchange(_ request: HTTPRequest, with endpoint: DirectoryEndpoint, limits: DirectoryExchangeLimits) async throws(DirectoryAttempt.Failure) -> HTTPResponse {
        do {
            return try await HTTPClient.get(request, host: endpoint.host, port: Int(endpoint.port),
                                            limits: ConnectionLimits(connectTimeout: limits.connectTimeout, deadline: limits.deadline),
                                            headerLimits: limits.headerLimits, maxBodyBytes: limits.maxEncodedBytes)
        } catch {
            throw DirectoryAttempt.Failure(error)
        }
    }
}

extension DirectoryAttempt.Failure {
    /// The NIO client's failures in the terms of a directory attempt.
    package init(_ error: HTTPClientError) {
        switch error {
        case .network(let failure):
            switch failure {
            case .resolveFailed(let why): self = .resolveFailed(why)
            case .connectTimeout: self = .connectTimeout
            case .connectFailed(let why): self = .connectFailed(why)
            case .deadlineExceeded, .idleTimeout: self = .deadlineExceeded
            case .tlsFailed, .ioFailed: self = .ioFailed("\(failure)")
            case .cancelled: self = .cancelled
            }
        case .http(let failure): self.init(failure)
        }
    }

    /// The sans-I/O layer's failures in the terms of a directory attempt.
    package init(_ failure: HTTPFailure) {
        switch failure {
        case .headersTooLarge(let limit): self = .headersTooLarge(limit: limit)
        case .tooManyHeaders(let limit): self = .tooManyHeaders(limit: limit)
        case .responseTooLarge(let limit): self = .responseTooLarge(limit: limit)
        case .decodedTooLarge(let limit): self = .decodedTooLarge(limit: limit)
        case .malformedResponse(let why): self = .malformedResponse(why)
        case .unsupportedEncoding(let coding): self = .unsupportedEncoding(coding)
        case .decodingFailed(let why): self = .decodingFailed(why)
        // DirectoryClient checks requests before the first attempt; a transport cannot see one.
        case .invalidRequest(let why): self = .ioFailed("invalid request: \(why)")
        }
    }
}
