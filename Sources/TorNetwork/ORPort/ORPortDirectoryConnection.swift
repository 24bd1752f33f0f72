#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import TorDescriptors
import TorWire

/// Directory requests over a relay's ORPort, the way tor makes them: TLS, the link handshake
/// with the relay's identity checked, a one-hop CREATE_FAST circuit and a BEGIN_DIR stream.
///
/// ```swift
/// let raw = try await ORPortDirectoryConnection.fetch(host: "127.0.0.1", port: 22010, fingerprint: fingerprint,
///                                                     path: "/tor/status-vote/current/consensus",
///                                                     deadline: .now + .seconds(30))
/// // raw: the HTTP response ("HTTP/1.0 200 OK\r\n...") as the relay sent it
/// ```
public enum ORPortDirectoryConnection {
    /// What one exchange brought, with its cell counts and timing.
    public struct Result: Sendable {
        /// The HTTP response bytes the BEGIN_DIR stream carried.
        public var response: [UInt8]
        /// The identity the relay proved.
        public var identity: RelayIdentity
        /// The relay's CERTS cell payload and TLS leaf certificate, as checked.
        public var certsPayload: [UInt8]
        public var tlsCertificateDER: [UInt8]
        public var cellsReceived: Int
        public var cellsSent: Int
        /// From the TCP connect to the stream's END.
        public var elapsed: Duration
        /// When each phase of the exchange began, from the start (connected, TLS done and
        /// VERSIONS answered, handshake done, circuit made, stream open, finished).
        public var phaseTimes: [(phase: String, at: Duration)]
    }

    /// Fetches `path` with an HTTP/1.0 GET and returns the raw HTTP response bytes.
    /// `fingerprint` is the relay identity we mean to reach; `nil` accepts any relay (its
    /// certificates are still checked for consistency).
    public static func fetch(host: String, port: Int, fingerprint: Fingerprint?, path: String,
                             headers: [(String, String)] = [], deadline: ContinuousClock.Instant,
                             connectTimeout: Duration = .seconds(5), maxResponseBytes: Int = 64 << 20) async throws(ORPortError) -> [UInt8] {
        try await exchange(host: host, port: port, fingerprint: fingerprint, request: try request(path: path, headers: headers),
                           deadline: deadline, connectTimeout: connectTimeout, maxResponseBytes: maxResponseBytes).response
    }

    /// An HTTP/1.0 GET for `path`; the path must be an absolute path of visible ASCII (no
    /// spaces, CR or LF), and header fields may not hold CR or LF either.
    public static func request(path: String, headers: [(String, String)] = []) throws(ORPortError) -> [UInt8] {
        guard path.hasPrefix("/"), path.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .invalidRequest("path \(path.debugDescription)") }
        var text = "GET \(path) HTTP/1.0\r\n"
        for (name, value) in headers {
            guard !(name + value).utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { throw .invalidRequest("header \(name.debugDescription)") }
            text += "\(name): \(value)\r\n"
        }
        return Array((text + "\r\n").utf8)
    }

    /// Sends `request` over a BEGIN_DIR stream and collects the answer until the relay ends
    /// the stream. The deadline and task cancellation close the connection.
    ///
    /// With `extendingTo`, the relay at `host:port` is only the first hop: the circuit is
    /// extended (EXTEND2, ntor) to that relay and the stream opened there (a two-hop circuit,
    /// which HSDirs require for onion-service descriptors).
    public static func exchange(host: String, port: Int, fingerprint: Fingerprint?, extendingTo: CircuitExtension? = nil,
                                request: [UInt8], deadline: ContinuousClock.Instant,
                                connectTimeout: Duration = .seconds(5), maxResponseBytes: Int = 64 << 20,
                                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(ORPortError) -> Result {
        let started = ContinuousClock.now
        guard started < deadline else { throw .deadlineExceeded }
        let leaf = NIOLockedValueBox<[UInt8]?>(nil)
        let context: NIOSSLContext
        do {
            var tls = TLSConfiguration.makeClientConfiguration()
            // Relays present self-signed certificates; the CERTS cell, not a CA, vouches for them.
            tls.certificateVerification = .noHostnameVerification
            // No CA is consulted, so the system's trust store need not be loaded.
            tls.trustRoots = .certificates([])
            context = try NIOSSLContext(configuration: tls)
        } catch { throw .tls("\(error)") }
        let promise = group.next().makePromise(of: Result.self)
        let remaining = deadline - started
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(min(connectTimeout, remaining).nanoseconds)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Accept whatever the relay presents, but keep the leaf for the CERTS check.
                    let tlsHandler = try NIOSSLClientHandler(context: context, serverHostname: nil) { certificates, verification in
                        leaf.withLockedValue { $0 = try? certificates.first?.toDERBytes() }
                        verification.succeed(.certificateVerified)
                    }
                    let handler = ORPortExchangeHandler(request: request, expected: fingerprint, extendingTo: extendingTo,
                                                        maxResponseBytes: maxResponseBytes,
                                                        leaf: leaf, promise: promise, started: started)
                    try channel.pipeline.syncOperations.addHandlers(tlsHandler, handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            // NIO insists that every promise is completed, even one nobody waits for.
            promise.fail(error)
            if Task.isCancelled { throw .cancelled }
            if let error = error as? ChannelError, case .connectTimeout = error { throw .connectTimeout }
            throw .connectFailed("\(host):\(port): \(error)")
        }
        if Task.isCancelled {
            promise.fail(ORPortError.cancelled)
            channel.close(promise: nil)
            throw .cancelled
        }
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(max(.zero, deadline - .now).nanoseconds))) {
            promise.fail(ORPortError.deadlineExceeded)
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                promise.fail(ORPortError.cancelled)
                channel.close(promise: nil)
            }
        } catch let error as ORPortError {
            throw error
        } catch {
            throw .connectionClosed("\(error)")
        }
    }
}

/// Why an ORPort directory request failed.
///
/// ```swift
/// catch ORPortError.link(.identityMismatch(let expected, let actual)) { ... }
/// ```
public enum ORPortError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidRequest(String)
    case connectFailed(String)
    case connectTimeout
    case tls(String)
    /// The relay broke the link protocol, proved another identity, or refused the request.
    case link(LinkError)
    /// The connection closed before the stream ended.
    case connectionClosed(String)
    case deadlineExceeded
    case cancelled

    public var description: String {
        switch self {
        case .invalidRequest(let what): "invalid request: \(what)"
        case .connectFailed(let why): "connect failed: \(why)"
        case .connectTimeout: "connect timed out"
        case .tls(let why): "TLS: \(why)"
        case .link(let error): "\(error)"
        case .connectionClosed(let why): "connection closed before the stream ended: \(why)"
        case .deadlineExceeded: "deadline exceeded"
        case .cancelled: "cancelled"
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Moves bytes between the TLS channel and an ``ORPortDirectoryExchange``.
final class ORPortExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var exchange: ORPortDirectoryExchange?
    private let request: [UInt8]
    private let expected: Fingerprint?
    private let extendingTo: CircuitExtension?
    private let maxResponseBytes: Int
    private let leaf: NIOLockedValueBox<[UInt8]?>
    private let promise: EventLoopPromise<ORPortDirectoryConnection.Result>
    private let started: ContinuousClock.Instant
    private var certificateSet = false
    private var done = false
    private var phaseTimes: [(phase: String, at: Duration)] = []

    init(request: [UInt8], expected: Fingerprint?, extendingTo: CircuitExtension?, maxResponseBytes: Int, leaf: NIOLockedValueBox<[UInt8]?>,
         promise: EventLoopPromise<ORPortDirectoryConnection.Result>, started: ContinuousClock.Instant) {
        self.request = request
        self.expected = expected
        self.extendingTo = extendingTo
        self.maxResponseBytes = maxResponseBytes
        self.leaf = leaf
        self.promise = promise
        self.started = started
    }

    func channelActive(context: ChannelHandlerContext) {
        let address: [UInt8]
        switch context.channel.remoteAddress {
        case .v4(let a): address = withUnsafeBytes(of: a.address.sin_addr) { Array($0) }
        case .v6(let a): address = withUnsafeBytes(of: a.address.sin6_addr) { Array($0) }
        default: address = [0, 0, 0, 0]
        }
        var exchange = ORPortDirectoryExchange(request: request, expected: expected, tlsCertificateDER: nil, peerAddress: address,
                                               extendingTo: extendingTo, maxResponseBytes: maxResponseBytes)
        // NIOSSL holds this until the TLS handshake is done.
        write(context, exchange.start())
        self.exchange = exchange
        phaseTimes.append(("connected", ContinuousClock.now - started))
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done, var exchange else { return }
        // Taken out while it changes, so that its buffers are not shared (and copied).
        self.exchange = nil
        defer { self.exchange = exchange }
        if !certificateSet, let der = leaf.withLockedValue({ $0 }) {
            exchange.setTLSCertificate(der)
            certificateSet = true
        }
        let buffer = unwrapInboundIn(data)
        do {
            let before = exchange.phase
            let reply = try exchange.receive(buffer.readableBytesView)
            if exchange.phase != before { phaseTimes.append(("\(exchange.phase)", ContinuousClock.now - started)) }
            if !reply.isEmpty { write(context, reply) }
            if exchange.isFinished, let identity = exchange.handshake.identity {
                done = true
                promise.succeed(.init(response: exchange.response, identity: identity, certsPayload: exchange.handshake.certsPayload ?? [],
                                      tlsCertificateDER: exchange.handshake.tlsCertificateDER ?? [], cellsReceived: exchange.cellsReceived,
                                      cellsSent: exchange.cellsSent, elapsed: ContinuousClock.now - started, phaseTimes: phaseTimes))
                context.close(promise: nil)
            }
        } catch {
            fail(context, .link(error))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            fail(context, .connectionClosed("after \(exchange?.response.count ?? 0) response bytes, phase \(exchange.map { "\($0.phase)" } ?? "connecting")"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let phase = exchange.map { "\($0.phase)" } ?? "connecting"
        switch error {
        case NIOSSLError.uncleanShutdown: fail(context, .connectionClosed("closed without TLS close_notify during \(phase)"))
        case is NIOSSLError: fail(context, .tls("\(error)"))
        default: fail(context, .connectionClosed("\(error) during \(phase)"))
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ error: ORPortError) {
        guard !done else { return }
        done = true
        promise.fail(error)
        context.close(promise: nil)
    }

    private func write(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }
}
