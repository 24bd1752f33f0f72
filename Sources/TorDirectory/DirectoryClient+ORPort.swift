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

extension DirectoryClient {
    /// One request over a BEGIN_DIR stream at an ORPort: the raw HTTP response bytes.
    static func orportExchange(endpoint: DirectoryEndpoint, fingerprint: Fingerprint, request: [UInt8], deadline: ContinuousClock.Instant,
                               configuration: Configuration) async throws(DirectoryAttempt.Failure) -> [UInt8] {
        do {
            return try await ORPortDirectoryConnection.exchange(host: endpoint.host, port: Int(endpoint.port), fingerprint: fingerprint,
                                                                request: request, deadline: deadline, connectTimeout: configuration.connectTimeout,
                                                                maxResponseBytes: configuration.maxEncodedBytes).response
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
    }
}
