#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import NIOSSL
import TorArchives
import TorNetwork
import TorWire

/// GETs from one CollecTor server over HTTPS (or plain HTTP for a local test server) through
/// TorNetwork's NIO client: HTTP/1.1 with `Connection: close`, the body streamed to callbacks.
///
/// The timeout is an idle timeout (no byte for that long fails the transfer), not a deadline for
/// the whole transfer: an archive of several hundred MB may take longer than any fixed deadline.
struct CollecTorTransport: Sendable {
    let host: String
    let port: Int
    let tls: TLSOptions?
    let limits: ConnectionLimits

    init(baseURL: URL, timeout: TimeInterval, caCertificatesFile: String?) throws(CollecTorError) {
        let scheme = baseURL.scheme?.lowercased()
        guard scheme == "https" || scheme == "http", let host = baseURL.host, !host.isEmpty else {
            throw CollecTorError(.transport("not an http(s) URL"), location: baseURL.absoluteString)
        }
        self.host = host
        port = baseURL.port ?? (scheme == "https" ? 443 : 80)
        if scheme == "https" {
            do throws(NetworkFailure) {
                let roots: NIOSSLTrustRoots = caCertificatesFile.map { .file($0) } ?? .default
                // NIOSSL sends no SNI for an address (and then checks only the chain).
                let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.trustRoots = roots
                tls = try TLSOptions(configuration: configuration, serverHostname: isAddress ? nil : host)
            } catch {
                throw CollecTorError(.transport("\(error)"), location: baseURL.absoluteString)
            }
        } else {
            tls = nil
        }
        let seconds = Duration.milliseconds(Int64(max(0.001, timeout) * 1000))
        limits = ConnectionLimits(connectTimeout: seconds, deadline: nil, idleTimeout: seconds)
    }

    /// The checked request for `url` (its path percent-encoded as the URL holds it).
    func request(_ url: URL, headers: [(String, String)] = []) throws(CollecTorError) -> HTTPRequest {
        do throws(HTTPFailure) {
            return try HTTPRequest(path: url.path(percentEncoded: true), host: host, port: port, defaultPort: tls == nil ? 80 : 443,
                                   headers: headers, version: .http11)
        } catch {
            throw CollecTorError(.transport("\(error)"), location: url.absoluteString)
        }
    }

    /// Runs a GET of `url`; `onHead` and `onBody` return false to stop it (their reason is the
    /// caller's to record). Throws for transport failures and malformed answers.
    func stream(_ url: URL, headers: [(String, String)] = [], maxBodyBytes: Int,
                onHead: @escaping (HTTPResponse) -> Bool, onBody: @escaping (ArraySlice<UInt8>) -> Bool) async throws(CollecTorError) {
        let request = try request(url, headers: headers)
        do {
            _ = try await HTTPClient.stream(request, host: host, port: port, tls: tls, limits: limits,
                                            maxBodyBytes: maxBodyBytes, onHead: onHead, onBody: onBody)
        } catch {
            throw Self.collecTorError(error, url: url)
        }
    }

    /// GETs `url` into memory; throws for a transport failure or a status other than 200.
    func fetch(_ url: URL, maxBytes: Int) async throws(CollecTorError) -> [UInt8] {
        let fetched = Fetched()
        try await stream(url, maxBodyBytes: maxBytes, onHead: { head in
            fetched.status = head.status
            return head.status == 200
        }, onBody: { piece in
            fetched.bytes.append(contentsOf: piece)
            return true
        })
        guard let status = fetched.status else { throw CollecTorError(.transport("no response"), location: url.absoluteString) }
        guard status == 200 else { throw CollecTorError(.httpStatus(status), location: url.absoluteString) }
        return fetched.bytes
    }

    /// Written by the transfer's callbacks (on an event loop), read after it completed.
    private final class Fetched: @unchecked Sendable {
        var status: Int?
        var bytes: [UInt8] = []
    }

    static func collecTorError(_ error: HTTPClientError, url: URL) -> CollecTorError {
        if case .network(.cancelled) = error { return CollecTorError(.cancelled, location: url.absoluteString) }
        return CollecTorError(.transport("\(error)"), location: url.absoluteString)
    }
}
