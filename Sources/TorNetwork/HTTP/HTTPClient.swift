import NIOCore
import NIOSSL
import TorWire

/// Why an HTTP exchange failed: below HTTP (``NetworkFailure``) or in what the server sent
/// (``HTTPFailure``).
///
/// ```swift
/// catch HTTPClientError.network(.deadlineExceeded) { ... }
/// ```
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case network(NetworkFailure)
    case http(HTTPFailure)

    public var description: String {
        switch self {
        case .network(let failure): "\(failure)"
        case .http(let failure): "\(failure)"
        }
    }
}

/// One GET per connection over TCP or TLS, the request checked by ``HTTPRequest`` before
/// anything is sent and the response framed by ``HTTPResponseReader`` (HTTP/1.0 to the close,
/// `Content-Length`, chunked).
///
/// Why TorWire's reader and not NIOHTTP1: the ORPort driver gets its HTTP over BEGIN_DIR
/// streams, not over a NIO channel, so it needs a sans-I/O parser anyway; one fuzzed parser for
/// both paths keeps a second one (and llhttp's C code) out of the build.
///
/// ```swift
/// let request = try HTTPRequest(path: "/tor/keys/all", host: "127.0.0.1", port: 7000)
/// let response = try await HTTPClient.get(request, host: "127.0.0.1", port: 7000,
///                                         limits: ConnectionLimits(deadline: .now + .seconds(60)), maxBodyBytes: 64 << 20)
/// print(response.status, response.body.count)
/// ```
public enum HTTPClient {
    /// What a streaming exchange's callbacks decided.
    public enum Outcome: Sendable, Equatable {
        /// The whole body arrived and was taken.
        case completed
        /// A callback returned false; the connection was closed there.
        case stopped
    }

    /// Sends `request` and hands the head to `onHead`, then each body piece (de-chunked, still
    /// content-encoded) to `onBody`; either returning false stops the exchange.
    public static func stream(
        _ request: HTTPRequest, host: String, port: Int, tls: TLSOptions? = nil, limits: ConnectionLimits,
        headerLimits: HTTPResponse.Limits = .default, maxBodyBytes: Int,
        onHead: (HTTPResponse) -> Bool, onBody: (ArraySlice<UInt8>) -> Bool
    ) async throws(HTTPClientError) -> Outcome {
        let wire = request.serialized()
        do {
            return try await Connector.withConnection(host: host, port: port, limits: limits, tls: tls) { connection in
                do {
                    try await connection.write(wire)
                } catch {
                    // A failed TLS handshake closes the channel under the write; why it failed
                    // waits on the inbound side.
                    for try await _ in connection.inbound {}
                    throw error
                }
                var reader = HTTPResponseReader(limits: headerLimits, maxBodyBytes: maxBodyBytes)
                func take(_ events: [HTTPResponseReader.Event]) -> Outcome? {
                    for event in events {
                        switch event {
                        case .head(let head): if !onHead(head) { return .stopped }
                        case .body(let piece): if !onBody(piece) { return .stopped }
                        case .end: return .completed
                        }
                    }
                    return nil
                }
                do {
                    for try await buffer in connection.inbound {
                        if let outcome = take(try reader.feed(buffer.readableBytesView)) { return outcome }
                    }
                } catch let error as HTTPFailure {
                    throw error
                } catch {
                    // A TLS peer that closes without close_notify ends a body that needs no
                    // close to end it just as well; a close-delimited body stays an error.
                    guard let tls = error as? NIOSSLError, case .uncleanShutdown = tls, !reader.isCloseDelimited else { throw error }
                }
                // An end of stream we caused (deadline, cancellation) does not end a body.
                if let reason = connection.closedUnderUs { throw reason }
                return take(try reader.finish()) ?? .completed
            }
        } catch let error as HTTPFailure {
            throw .http(error)
        } catch let error as NetworkFailure {
            throw .network(error)
        } catch {
            throw .network(.ioFailed("\(error)"))
        }
    }

    /// Sends `request` and returns the whole response, its body as received (content-encoded).
    public static func get(
        _ request: HTTPRequest, host: String, port: Int, tls: TLSOptions? = nil, limits: ConnectionLimits,
        headerLimits: HTTPResponse.Limits = .default, maxBodyBytes: Int
    ) async throws(HTTPClientError) -> HTTPResponse {
        var head: HTTPResponse?
        var body: [UInt8] = []
        _ = try await stream(request, host: host, port: port, tls: tls, limits: limits, headerLimits: headerLimits,
                             maxBodyBytes: maxBodyBytes,
                             onHead: { head = $0; return true }, onBody: { body.append(contentsOf: $0); return true })
        guard let head else { throw .http(.malformedResponse("no response")) }
        return HTTPResponse(status: head.status, reason: head.reason, headers: head.headers, body: body[...])
    }

}
