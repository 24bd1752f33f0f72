// TorNetwork: SwiftNIO drivers for TorWire's state machines (#16): TCP and TLS connections with
// deadlines and cancellation, the HTTP/1.x client (DirPort, CollecTor HTTPS) and ORPort channels.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import TorDescriptors

/// Why a connection, or the exchange on it, failed below the protocol spoken over it.
///
/// ```swift
/// catch NetworkFailure.deadlineExceeded { print("too slow") }
/// ```
public enum NetworkFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No address for the host.
    case resolveFailed(String)
    /// No address accepted a connection within the connect timeout.
    case connectTimeout
    case connectFailed(String)
    /// The TLS handshake or record layer failed (a bad certificate, an unclean close).
    case tlsFailed(String)
    /// The whole-exchange deadline passed.
    case deadlineExceeded
    /// No byte arrived for the idle timeout.
    case idleTimeout
    case ioFailed(String)
    case cancelled

    public var description: String {
        switch self {
        case .resolveFailed(let why): "cannot resolve: \(why)"
        case .connectTimeout: "connect timeout"
        case .connectFailed(let why): "connect failed: \(why)"
        case .tlsFailed(let why): "TLS failed: \(why)"
        case .deadlineExceeded: "request deadline exceeded"
        case .idleTimeout: "no data within the idle timeout"
        case .ioFailed(let why): "I/O error: \(why)"
        case .cancelled: "cancelled"
        }
    }
}

/// TLS for a client connection: a prepared NIOSSL context and the name to check and send (SNI).
///
/// ```swift
/// let tls = try TLSOptions(serverHostname: "collector.torproject.org")            // system trust roots
/// let test = try TLSOptions(serverHostname: "localhost", trustRoots: .file(caPath))  // a test CA
/// ```
public struct TLSOptions: Sendable {
    public let context: NIOSSLContext
    public let serverHostname: String?

    /// Any NIOSSL configuration (the ORPort driver turns certificate verification off and checks
    /// the link certificate against the CERTS cell itself).
    public init(configuration: TLSConfiguration, serverHostname: String?) throws(NetworkFailure) {
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .tlsFailed("cannot set up TLS: \(error)")
        }
        self.serverHostname = serverHostname
    }

    /// Verifies the server's certificate chain against `trustRoots` and its name against
    /// `serverHostname`.
    public init(serverHostname: String, trustRoots: NIOSSLTrustRoots = .default) throws(NetworkFailure) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = trustRoots
        try self.init(configuration: configuration, serverHostname: serverHostname)
    }
}

/// Time limits of one connection.
///
/// ```swift
/// let limits = ConnectionLimits(connectTimeout: .seconds(5), deadline: .now + .seconds(60))
/// ```
public struct ConnectionLimits: Sendable {
    /// For the TCP connect alone (all addresses of the host together).
    public var connectTimeout: Duration
    /// When everything must be over, connect included; nil for none.
    public var deadline: ContinuousClock.Instant?
    /// The longest wait for the next inbound bytes; nil for none.
    public var idleTimeout: Duration?

    public init(connectTimeout: Duration = .seconds(5), deadline: ContinuousClock.Instant? = nil, idleTimeout: Duration? = nil) {
        self.connectTimeout = connectTimeout
        self.deadline = deadline
        self.idleTimeout = idleTimeout
    }
}

/// One open connection as ``Connector/withConnection(host:port:limits:tls:_:)`` hands it to its
/// body: the byte streams, and the TLS peer's certificate for a driver that checks it itself
/// (the ORPort link certificate against the CERTS cell).
///
/// ```swift
/// try await connection.write(versionsCell)
/// for try await buffer in connection.inbound { ... }
/// let linkCertificate = connection.peerCertificateDER
/// ```
public struct Connection: Sendable {
    public let inbound: NIOAsyncChannelInboundStream<ByteBuffer>
    public let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    let closing: ClosingReason

    /// Why the connection was closed under the body (deadline, idle timeout, cancellation), if it
    /// was. A body that reads to the end of the stream checks this before it trusts that end:
    /// bytes the peer sent before the close are still delivered, but the end is then ours.
    public var closedUnderUs: NetworkFailure? { closing.current }

    /// Sends `bytes` (waits until NIO took them).
    public func write(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The DER bytes of the TLS peer's leaf certificate, recorded when the handshake completed:
    /// nil without TLS or before then (it has completed once the first inbound bytes arrived).
    public var peerCertificateDER: [UInt8]? { closing.peerCertificate }
}

/// Opens TCP (and TLS) connections, or Unix-domain socket ones, on one shared event loop group
/// and runs a body on them, with the connection closed when the body returns, when the deadline
/// or idle timeout passes, or when the task is cancelled.
///
/// Host names go through NIO's `ClientBootstrap.connect(host:port:)`, which resolves A and AAAA
/// records and races the addresses Happy Eyeballs style (RFC 8305: IPv6 first, the next address
/// 250 ms later, every address in turn), all within the connect timeout.
///
/// ```swift
/// let reply = try await Connector.withConnection(host: "127.0.0.1", port: 7000, limits: limits) { connection in
///     try await connection.write(request)
///     for try await buffer in connection.inbound { ... }
/// }
/// ```
public enum Connector {
    /// The one event loop group of the process (NIO's singleton: one thread per core).
    public static var group: any EventLoopGroup { MultiThreadedEventLoopGroup.singleton }

    /// Connects, runs `body` with the connection, closes. The deadline counts network time: it
    /// closes a channel still open when it passes, and a body that then fails on the channel
    /// gets the ``NetworkFailure`` saying why (as for the idle timeout and cancellation); the
    /// body's own errors pass through, even after such a close (its verdict on bytes it had
    /// read stands), and NIO's and NIOSSL's become ``NetworkFailure``s.
    ///
    /// The body runs in the calling task, and NIOAsyncChannel reads only as fast as it consumes:
    /// a task kept off the cooperative pool (CPU-bound work elsewhere) stops the reads, and a
    /// deadline or idle timeout can then pass with the peer's bytes still unread. A driver with
    /// tight time limits does its protocol work in a `ChannelHandler` on the event loop instead,
    /// as ``HTTPClient`` does.
    public static func withConnection<T: Sendable>(
        host: String, port: Int, limits: ConnectionLimits, tls: TLSOptions? = nil,
        _ body: (Connection) async throws -> T
    ) async throws -> T {
        let bare = bareHost(host)
        return try await withChannel(limits: limits, tls: tls, connect: { bootstrap, initializer in
            try await bootstrap.connect(host: bare, port: port, channelInitializer: initializer)
        }, body)
    }

    /// Connects to the Unix-domain stream socket at `path` (tor's `ControlSocket`), with the
    /// same limits, cancellation and body as over TCP. A connect that fails says why with the
    /// path: `.connectFailed("PATH: ...")` (no such file, permission denied, refused: nobody
    /// listens, a stale socket); a path longer than `sockaddr_un` holds is refused before.
    ///
    /// ```swift
    /// try await Connector.withConnection(unixDomainSocketPath: "/run/tor/control", limits: limits) { connection in ... }
    /// ```
    public static func withConnection<T: Sendable>(
        unixDomainSocketPath path: String, limits: ConnectionLimits,
        _ body: (Connection) async throws -> T
    ) async throws -> T {
        try await withChannel(limits: limits, tls: nil, connect: { bootstrap, initializer in
            do {
                return try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            } catch let error as IOError {
                throw NetworkFailure.connectFailed("\(path): \(String(cString: strerror(error.errnoCode)))")
            } catch let error as SocketAddressError {
                throw NetworkFailure.connectFailed("\(path): \(error)")
            }
        }, body)
    }

    private typealias AsyncByteChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// The part common to TCP and Unix sockets: `connect` opens the channel through the
    /// bootstrap (with the initializer that adds TLS, the idle closer and the async wrapper),
    /// then the body runs under the deadline and cancellation.
    private static func withChannel<T: Sendable>(
        limits: ConnectionLimits, tls: TLSOptions?,
        connect: (ClientBootstrap, @escaping @Sendable (any Channel) -> EventLoopFuture<AsyncByteChannel>) async throws -> AsyncByteChannel,
        _ body: (Connection) async throws -> T
    ) async throws -> T {
        let guardState = ClosingReason()
        var connectTimeout = limits.connectTimeout
        var deadlineFirst = false
        if let deadline = limits.deadline {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { throw NetworkFailure.deadlineExceeded }
            if remaining < connectTimeout { connectTimeout = remaining; deadlineFirst = true }
        }
        let idle = limits.idleTimeout.map(TimeAmount.init)
        let channel: AsyncByteChannel
        do {
            let bootstrap = ClientBootstrap(group: group).connectTimeout(TimeAmount(connectTimeout))
            channel = try await connect(bootstrap) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try addTLS(tls, to: channel, recordingInto: guardState)
                    if let idle {
                        try channel.pipeline.syncOperations.addHandlers(IdleStateHandler(readTimeout: idle), IdleCloser(reason: guardState))
                    }
                    return try AsyncByteChannel(wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            throw connectFailure(error, deadlineFirst: deadlineFirst)
        }
        if Task.isCancelled {
            try? await channel.channel.close()
            throw NetworkFailure.cancelled
        }
        let scheduled = limits.deadline.map { deadline in
            channel.channel.eventLoop.scheduleTask(in: TimeAmount(ContinuousClock.now.duration(to: deadline))) {
                // A peer that already sent everything and closed met the deadline, however late
                // the task gets to read what it sent (a busy cooperative pool).
                if channel.channel.isActive, guardState.close(because: .deadlineExceeded) { channel.channel.close(promise: nil) }
            }
        }
        defer { scheduled?.cancel() }
        let result: Result<T, any Error>
        do {
            let value = try await withTaskCancellationHandler {
                try await channel.executeThenClose { inbound, outbound in
                    try await body(Connection(inbound: inbound, outbound: outbound, channel: channel.channel, closing: guardState))
                }
            } onCancel: {
                if guardState.close(because: .cancelled) { channel.channel.close(promise: nil) }
            }
            result = .success(value)
        } catch {
            result = .failure(error)
        }
        // A body that finished had what it needed before any close (it checks closedUnderUs
        // before trusting an end of stream). A body that failed on the channel itself (I/O on a
        // closed channel, cancellation) after a close under it failed because of that close. Its
        // own verdict on bytes it had read (a malformed reply) stands: the deadline or idle timeout
        // can pass while the task waits for a pool thread with those bytes already in hand, and
        // naming the timeout would hide what was wrong.
        let reason = guardState.finish()
        switch result {
        case .success(let value): return value
        case .failure(let error):
            let failure = ioFailure(error)
            if let reason, failure is NetworkFailure { throw reason }
            throw failure
        }
    }

    /// `host` without the brackets of an IPv6 literal.
    static func bareHost(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Puts NIOSSL's client handler first in a new channel's pipeline (nothing without `tls`),
    /// and the recorder of the peer's certificate after it.
    static func addTLS(_ tls: TLSOptions?, to channel: any Channel, recordingInto state: ClosingReason? = nil) throws {
        guard let tls else { return }
        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname))
        if let state { try channel.pipeline.syncOperations.addHandler(PeerCertificateRecorder(state: state)) }
    }

    /// NIO's and NIOSSL's errors after the connect.
    static func networkFailure(_ error: any Error) -> NetworkFailure {
        (ioFailure(error) as? NetworkFailure) ?? .ioFailed("\(error)")
    }

    static func connectFailure(_ error: any Error, deadlineFirst: Bool) -> NetworkFailure {
        if let failure = error as? NetworkFailure { return failure }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return deadlineFirst ? .deadlineExceeded : .connectTimeout
        }
        if let connection = error as? NIOConnectionError {
            if connection.connectionErrors.isEmpty {
                return .resolveFailed("\(connection.host): \(connection.dnsAError.map { "\($0)" } ?? connection.dnsAAAAError.map { "\($0)" } ?? "no address")")
            }
            return .connectFailed(connection.connectionErrors.map { "\($0.target): \($0.error)" }.joined(separator: "; "))
        }
        if error is CancellationError { return .cancelled }
        return .connectFailed("\(error)")
    }

    /// NIO and NIOSSL errors as ``NetworkFailure``; the body's own errors unchanged.
    public static func ioFailure(_ error: any Error) -> any Error {
        if error is NetworkFailure { return error }
        if error is CancellationError { return NetworkFailure.cancelled }
        if error is NIOSSLError || error is BoringSSLError { return NetworkFailure.tlsFailed("\(error)") }
        if error is ChannelError || error is IOError { return NetworkFailure.ioFailed("\(error)") }
        return error
    }
}

/// Why a connection was closed under its user: the first of deadline, idle timeout or
/// cancellation, set from event loop and cancellation handlers, read once the body is over.
/// Also holds the TLS peer's certificate, recorded on the event loop at the handshake.
final class ClosingReason: @unchecked Sendable {
    private let lock = Lock()
    private var reason: NetworkFailure?
    private var finished = false
    private var certificate: [UInt8]?

    var peerCertificate: [UInt8]? {
        get { lock.lock(); defer { lock.unlock() }; return certificate }
        set { lock.lock(); certificate = newValue; lock.unlock() }
    }

    /// Records `failure` unless the exchange is over or another reason came first; true when the
    /// caller should close the channel.
    func close(because failure: NetworkFailure) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !finished, reason == nil else { return false }
        reason = failure
        return true
    }

    var current: NetworkFailure? {
        lock.lock()
        defer { lock.unlock() }
        return reason
    }

    /// Ends the exchange: later timers do nothing. Returns the reason it was closed, if any.
    func finish() -> NetworkFailure? {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        return reason
    }
}

/// Closes the channel when `IdleStateHandler` reports that no read happened in time.
final class IdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let reason: ClosingReason

    init(reason: ClosingReason) { self.reason = reason }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if reason.close(because: .idleTimeout) { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// Records the peer's leaf certificate when NIOSSL reports the handshake done, before a close
/// can take the TLS handler out of the pipeline.
final class PeerCertificateRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let state: ClosingReason

    init(state: ClosingReason) { self.state = state }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls,
           let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self) {
            state.peerCertificate = try? handler.peerCertificate?.toDERBytes()
        }
        context.fireUserInboundEventTriggered(event)
    }
}
