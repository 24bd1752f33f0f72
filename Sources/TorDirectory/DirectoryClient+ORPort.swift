import TorDescriptors
import TorNetwork
import TorWire

/// A relay to ask over its ORPort: where it listens and the identity it must prove.
///
/// ```swift
/// let route = DirectoryRoute("127.0.0.1:22010=3EDF243FE32CAE3512B7047556BCC52CAF65B0AE")!
/// var configuration = DirectoryClient.Configuration(list: list)
/// configuration.use(orports: [route])
/// ```
public struct DirectoryRoute: Sendable, Hashable, CustomStringConvertible {
    /// The ORPort's host and port.
    public var endpoint: DirectoryEndpoint
    public var fingerprint: Fingerprint

    public init(endpoint: DirectoryEndpoint, fingerprint: Fingerprint) {
        self.endpoint = endpoint
        self.fingerprint = fingerprint
    }

    /// Parses `HOST:ORPORT=FINGERPRINT` (`[IPv6]:ORPORT=...`; the fingerprint in hex, spaces
    /// and a leading `$` allowed); nil when malformed.
    public init?(_ text: String) {
        guard let equals = text.lastIndex(of: "="), let endpoint = DirectoryEndpoint(String(text[..<equals])) else { return nil }
        var hex = text[text.index(after: equals)...].filter { $0 != " " }
        if hex.hasPrefix("$") { hex.removeFirst() }
        guard let fingerprint = Fingerprint(hex: hex) else { return nil }
        self.init(endpoint: endpoint, fingerprint: fingerprint)
    }

    public var description: String { "\(endpoint)=\(fingerprint.hex)" }
}

extension DirectoryList {
    /// Every authority's ORPort with its RSA identity (IPv4 address).
    public var orportRoutes: [DirectoryRoute] {
        authorities.map {
            DirectoryRoute(endpoint: DirectoryEndpoint(host: $0.address, port: $0.orPort, nickname: $0.nickname), fingerprint: $0.fingerprint)
        }
    }
}

extension DirectoryClient.Configuration {
    /// Asks `routes` over their ORPorts instead of the configured endpoints.
    public mutating func use(orports routes: [DirectoryRoute]) {
        endpoints = routes.map(\.endpoint)
        orportIdentities = Dictionary(routes.map { ($0.endpoint, $0.fingerprint) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A directory request over a BEGIN_DIR stream at an ORPort: TLS, the link handshake with the
/// relay's identity checked against `fingerprint`, a CREATE_FAST circuit, then the same HTTP/1.0
/// request and response as at a DirPort.
///
/// ```swift
/// let transport = ORPortTransport(fingerprint: relayFingerprint)
/// let response = try await transport.exchange(request, with: endpoint, limits: limits)
/// ```
package struct ORPortTransport: DirectoryTransport {
    /// The RSA identity the relay must prove in its CERTS cell.
    package var fingerprint: Fingerprint
    /// The relay to extend the circuit to and ask, the endpoint's relay being the first hop.
    package var extendingTo: CircuitExtension?

    package init(fingerprint: Fingerprint, extendingTo: CircuitExtension? = nil) {
        self.fingerprint = fingerprint
        self.extendingTo = extendingTo
    }

    package func exchange(_ request: HTTPRequest, with endpoint: DirectoryEndpoint, limits: DirectoryExchangeLimits) async throws(DirectoryAttempt.Failure) -> HTTPResponse {
        let raw: [UInt8]
        do {
            raw = try await ORPortDirectoryConnection.exchange(host: endpoint.host, port: Int(endpoint.port), fingerprint: fingerprint,
                                                               extendingTo: extendingTo, request: request.serialized(), deadline: limits.deadline,
                                                               connectTimeout: limits.connectTimeout, maxResponseBytes: limits.maxEncodedBytes).response
        } catch {
            switch error {
            case .connectTimeout: throw .connectTimeout
            case .connectFailed(let why): throw .connectFailed(why)
            case .deadlineExceeded: throw .deadlineExceeded
            case .cancelled: throw .cancelled
            case .link(.responseTooLarge(let limit)): throw .responseTooLarge(limit: limit)
            case .connectionClosed(let why): throw .ioFailed(why)
            case .invalidRequest(let why): throw .malformedResponse("request not sent: \(why)")
            case .tls, .link: throw .linkFailed(error.description)
            }
        }
        // The stream ends with RELAY_END, so the response is whole here: no framing to read.
        do throws(HTTPFailure) {
            return try HTTPResponse(parsing: raw, limits: limits.headerLimits)
        } catch {
            throw DirectoryAttempt.Failure(error)
        }
    }
}
