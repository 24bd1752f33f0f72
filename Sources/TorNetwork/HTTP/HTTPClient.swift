import NIOCore
import NIOPosix
import NIOSSL
import TorWire

/// Why an HTTP exchange failed: below HTTP (``NetworkFailure``) or in what the server sent
/// (`HTTPFailure`).
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

/// One GET per connection over TCP or TLS, the request checked by `HTTPRequest` before
/// anything is sent and the response framed by `HTTPResponseReader` (HTTP/1.0 to the close,
/// `Content-Length`, chunked).
///
/// The whole exchange runs on the connection's event loop (connect, write, read, framing,
/// deadline, idle timeout); the calling task only awaits its outcome. A task that gets a thread
/// late (a cooperative pool busy with CPU-bound work) thus never turns a response that arrived
/// in time into a deadline failure, and NIO keeps reading while it waits.
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
    /// content-encoded) to `onBody`; either returning false stops the exchange. The callbacks run
    /// one at a time on an event loop thread, and everything they did is visible to the caller
    /// once this returns.
    public static func stream(
        _ request: HTTPRequest, host: String, port: Int, tls: TLSOptions? = nil, limits: ConnectionLimits,
        headerLimits: HTTPResponse.Limits = .default, maxBodyBytes: Int,
        onHead: @escaping (HTTPResponse) -> Bool, onBody: @escaping (ArraySlice<UInt8>) -> Bool
    ) async throws(HTTPClientError) -> Outcome {
        let loop = Connector.group.next()
        let exchange = HTTPExchange(loop: loop, reader: HTTPResponseReader(limits: headerLimits, maxBodyBytes: maxBodyBytes),
                                    onHead: onHead, onBody: onBody)
        var connectTimeout = limits.connectTimeout
        var deadlineFirst = false
        if let deadline = limits.deadline {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { throw .network(.deadlineExceeded) }
            if remaining < connectTimeout { connectTimeout = remaining; deadlineFirst = true }
            let timer = loop.scheduleTask(in: TimeAmount(remaining)) { exchange.fail(.network(.deadlineExceeded)) }
            exchange.promise.futureResult.whenComplete { _ in timer.cancel() }
        }
        let idle = limits.idleTimeout.map(TimeAmount.init)
        let wire = request.serialized()
        loop.execute {
            ClientBootstrap(group: loop)
                .connectTimeout(TimeAmount(connectTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Connector.addTLS(tls, to: channel)
                        if let idle { try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle)) }
                        try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler(exchange: exchange))
                    }
                }
                .connect(host: Connector.bareHost(host), port: port)
                .whenComplete { result in
                    switch result {
                    case .success(let channel):
                        guard exchange.attach(channel) else { return }
                        channel.writeAndFlush(ByteBuffer(bytes: wire)).whenFailure { error in
                            // A failed TLS handshake fails the write too; its own error, caught
                            // by the handler first, is the better one to report.
                            loop.execute { exchange.fail(.network(Connector.networkFailure(error))) }
                        }
                    case .failure(let error):
                        exchange.fail(.network(Connector.connectFailure(error, deadlineFirst: deadlineFirst)))
                    }
                }
        }
        do {
            return try await withTaskCancellationHandler {
                try await exchange.promise.futureResult.get()
            } onCancel: {
                loop.execute { exchange.fail(.network(.cancelled)) }
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw .network(.ioFailed("\(error)"))
        }
    }

    /// Sends `request` and returns the whole response, its body as received (content-encoded).
    public static func get(
        _ request: HTTPRequest, host: String, port: Int, tls: TLSOptions? = nil, limits: ConnectionLimits,
        headerLimits: HTTPResponse.Limits = .default, maxBodyBytes: Int
    ) async throws(HTTPClientError) -> HTTPResponse {
        let collected = CollectedResponse()
        _ = try await stream(request, host: host, port: port, tls: tls, limits: limits, headerLimits: headerLimits,
                             maxBodyBytes: maxBodyBytes,
                             onHead: { collected.head = $0; return true }, onBody: { collected.body.append(contentsOf: $0); return true })
        guard let head = collected.head else { throw .http(.malformedResponse("no response")) }
        return HTTPResponse(status: head.status, reason: head.reason, headers: head.headers, body: collected.body[...])
    }

    /// Written on the event loop, read after the exchange's future completed.
    private final class CollectedResponse: @unchecked Sendable {
        var head: HTTPResponse?
        var body: [UInt8] = []
    }
}

/// The state of one exchange. Touched only on `loop` (handler callbacks, timers, the connect
/// callback, cancellation hopping there), so it needs no lock; the promise publishes the result.
final class HTTPExchange: @unchecked Sendable {
    let loop: any EventLoop
    let promise: EventLoopPromise<HTTPClient.Outcome>
    var reader: HTTPResponseReader
    let onHead: (HTTPResponse) -> Bool
    let onBody: (ArraySlice<UInt8>) -> Bool
    private var channel: (any Channel)?
    private var finished = false

    init(loop: any EventLoop, reader: HTTPResponseReader, onHead: @escaping (HTTPResponse) -> Bool,
         onBody: @escaping (ArraySlice<UInt8>) -> Bool) {
        self.loop = loop
        self.promise = loop.makePromise()
        self.reader = reader
        self.onHead = onHead
        self.onBody = onBody
    }

    /// Keeps the connected channel; false (and closes it) when the exchange already ended (the
    /// deadline or a cancellation came during the connect).
    func attach(_ channel: any Channel) -> Bool {
        loop.preconditionInEventLoop()
        guard !finished else {
            channel.close(promise: nil)
            return false
        }
        self.channel = channel
        return true
    }

    /// Hands `events` to the callbacks; ends the exchange at the end or when one says stop.
    func take(_ events: [HTTPResponseReader.Event]) {
        for event in events where !finished {
            switch event {
            case .head(let head): if !onHead(head) { succeed(.stopped) }
            case .body(let piece): if !onBody(piece) { succeed(.stopped) }
            case .end: succeed(.completed)
            }
        }
    }

    func succeed(_ outcome: HTTPClient.Outcome) {
        guard end() else { return }
        promise.succeed(outcome)
    }

    func fail(_ error: HTTPClientError) {
        guard end() else { return }
        promise.fail(error)
    }

    var isFinished: Bool { finished }

    /// Whether `channel` is the one this exchange runs on: Happy Eyeballs may open others (one
    /// per address tried) and close the losers, whose handlers must not end the exchange.
    func owns(_ channel: any Channel) -> Bool {
        self.channel.map { $0 === channel } ?? false
    }

    private func end() -> Bool {
        loop.preconditionInEventLoop()
        guard !finished else { return false }
        finished = true
        channel?.close(promise: nil)
        return true
    }
}

/// Feeds a channel's bytes to its exchange's reader, and turns the peer's close, errors and the
/// idle timeout into the exchange's end.
final class HTTPExchangeHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let exchange: HTTPExchange

    init(exchange: HTTPExchange) { self.exchange = exchange }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard exchange.owns(context.channel), !exchange.isFinished else { return }
        let buffer = unwrapInboundIn(data)
        do throws(HTTPFailure) {
            exchange.take(try exchange.reader.feed(buffer.readableBytesView))
        } catch {
            exchange.fail(.http(error))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Only the peer's close gets here unfinished: our own closes come after the end.
        if exchange.owns(context.channel), !exchange.isFinished {
            do throws(HTTPFailure) {
                exchange.take(try exchange.reader.finish())
                exchange.succeed(.completed)
            } catch {
                exchange.fail(.http(error))
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS peer that closes without close_notify ends a body that needs no close to end it
        // just as well (the close that follows settles it); a close-delimited body stays an error.
        guard exchange.owns(context.channel) else { return }
        if let tls = error as? NIOSSLError, case .uncleanShutdown = tls, !exchange.reader.isCloseDelimited { return }
        exchange.fail(.network(Connector.networkFailure(error)))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, exchange.owns(context.channel) {
            exchange.fail(.network(.idleTimeout))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
