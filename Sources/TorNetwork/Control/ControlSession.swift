#if canImport(FoundationEssentials)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
#else
import FoundationEssentials
#endif
import NIOCore
import TorDescriptors
import TorWire

/// How a ``ControlSession`` authenticates (control-spec §3.5): `.automatic` asks tor with
/// `PROTOCOLINFO` and uses what it offers, as Stem does: no authentication, then SAFECOOKIE or
/// COOKIE with the cookie file tor names, then the password if one is given.
///
/// ```swift
/// try await ControlSession.withSession(host: "127.0.0.1", port: 9051, authentication: .automatic(password: nil)) { ... }
/// try await ControlSession.withSession(endpoint: .unixSocket(path: "/run/tor/control"), authentication: .automatic(password: nil)) { ... }
/// ```
public enum ControlAuthentication: Sendable {
    case automatic(password: String?)
    /// A cookie read elsewhere (a cookie file tor cannot name, e.g. in a container).
    case cookie([UInt8])
    /// HASHEDPASSWORD with this password, even when tor also offers a cookie.
    case password(String)
    /// tor's plain COOKIE method (the cookie itself sent), even when SAFECOOKIE is offered:
    /// for a tor configured that way and for checking the method; `.automatic` and `.cookie`
    /// prefer SAFECOOKIE, which proves the tor knows the cookie too.
    case plainCookie([UInt8])
}

/// Why a ControlPort session failed.
///
/// ```swift
/// catch ControlSessionError.authenticationFailed(let why) { print(why) }
/// ```
public enum ControlSessionError: Error, Sendable, CustomStringConvertible {
    case network(NetworkFailure)
    case protocolError(ControlProtocolError)
    case command(ControlCommandError)
    /// No offered method worked, or none could be used (the reason says which).
    case authenticationFailed(String)
    /// tor answered a command with an error status.
    case rejected(status: Int, message: String)
    /// The connection closed before the reply ended.
    case closed
    /// A document tor sent (the GETINFO key or event named) does not parse.
    case document(key: String, DescriptorParseError)
    /// An event tor sent does not have the fields control-spec gives it.
    case event(ControlProtocolError)
    /// `HSFETCH` ended without a descriptor: every HSDir asked failed (their reasons).
    case onionServiceDescriptorUnavailable(String)
    /// tor's ControlSocket at the path could not be opened (missing, not a socket, not ours).
    case socket(path: String, ControlSocketFailure)

    public var description: String {
        switch self {
        case .network(let failure): "control connection: \(failure)"
        case .protocolError(let error): "\(error)"
        case .command(let error): "\(error)"
        case .authenticationFailed(let why): "control authentication failed: \(why)"
        case .rejected(let status, let message): "tor refused the command: \(status) \(message)"
        case .closed: "the control connection closed before the reply ended"
        case .document(let key, let error): "\(key) from tor does not parse: \(error)"
        case .event(let error): "event from tor: \(error)"
        case .onionServiceDescriptorUnavailable(let why): "no onion-service descriptor: \(why)"
        case .socket(let path, let failure): "control socket \(path): \(failure)"
        }
    }
}

/// An authenticated connection to tor's ControlPort or ControlSocket: commands and their replies in order, with
/// asynchronous events (650) set aside for ``nextEvent()``.
///
/// ```swift
/// let consensus = try await ControlSession.withSession(host: "127.0.0.1", port: 9051) { session in
///     try await session.getInfo("dir/status-vote/current/consensus")
/// }
/// ```
public struct ControlSession: ~Copyable {
    private let connection: Connection
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var reader: ControlReplyReader
    private var events: [ControlReply] = []
    /// tor's answer to PROTOCOLINFO (methods, cookie file, version).
    public private(set) var protocolInfo: ControlProtocolInfo?

    init(connection: Connection, reader: ControlReplyReader) {
        self.connection = connection
        self.inbound = connection.inbound.makeAsyncIterator()
        self.reader = reader
    }

    /// Connects to the ControlPort at `host:port`, authenticates, runs `body`, sends QUIT and
    /// closes.
    public static func withSession<T: Sendable>(
        host: String, port: Int, authentication: ControlAuthentication = .automatic(password: nil),
        limits: ConnectionLimits = ConnectionLimits(), reader: ControlReplyReader = ControlReplyReader(),
        _ body: (inout ControlSession) async throws -> T
    ) async throws -> T {
        try await withSession(endpoint: .tcp(host: host, port: port), authentication: authentication, limits: limits, reader: reader, body)
    }

    /// Connects to the ControlPort or ControlSocket, authenticates, runs `body`, sends QUIT and
    /// closes. A ControlSocket that cannot be opened throws ``ControlSessionError/socket(path:_:)``.
    ///
    /// ```swift
    /// let version = try await ControlSession.withSession(endpoint: .unixSocket(path: "/run/tor/control")) { session in
    ///     try await session.getInfo("version")
    /// }
    /// ```
    public static func withSession<T: Sendable>(
        endpoint: ControlEndpoint, authentication: ControlAuthentication = .automatic(password: nil),
        limits: ConnectionLimits = ConnectionLimits(), reader: ControlReplyReader = ControlReplyReader(),
        _ body: (inout ControlSession) async throws -> T
    ) async throws -> T {
        let run: (Connection) async throws -> T = { connection in
            var session = ControlSession(connection: connection, reader: reader)
            try await session.authenticate(authentication)
            let value = try await body(&session)
            try? await connection.write(ControlCommand.quit.bytes)
            return value
        }
        do {
            switch endpoint {
            case .tcp(let host, let port):
                return try await Connector.withConnection(host: host, port: port, limits: limits, run)
            case .unixSocket(let path):
                if let failure = ControlSocketFailure.check(path) { throw ControlSessionError.socket(path: path, failure) }
                do {
                    return try await Connector.withConnection(unixDomainSocketPath: path, limits: limits, run)
                } catch NetworkFailure.connectFailed(let why) {
                    throw ControlSessionError.socket(path: path, .connectFailed(why))
                }
            }
        } catch let failure as NetworkFailure {
            throw ControlSessionError.network(failure)
        }
    }

    /// Sends `command` and returns its reply, whatever its status; events that arrive first are
    /// kept for ``nextEvent()``.
    public mutating func send(_ command: ControlCommand) async throws -> ControlReply {
        try await connection.write(command.bytes)
        while true {
            let reply = try await nextReply()
            if reply.isEvent { events.append(reply); continue }
            return reply
        }
    }

    /// Sends `command`; throws ``ControlSessionError/rejected(status:message:)`` unless tor
    /// answers 2xx.
    public mutating func expectSuccess(_ command: ControlCommand) async throws -> ControlReply {
        let reply = try await send(command)
        guard reply.isSuccess else { throw ControlSessionError.rejected(status: reply.status, message: reply.message) }
        return reply
    }

    /// `GETINFO key`: the value's bytes (a data block for documents such as `ns/all`).
    public mutating func getInfo(_ key: String) async throws -> [UInt8] {
        let command: ControlCommand
        do { command = try .getInfo([key]) } catch { throw ControlSessionError.command(error) }
        let reply = try await expectSuccess(command)
        guard let pair = reply.keyValues().first(where: { $0.key == key }) else {
            throw ControlSessionError.protocolError(.malformedLine(line: 1, "GETINFO reply without \(key)"))
        }
        return pair.value
    }

    /// The next asynchronous event (after `SETEVENTS`), waiting for one if none is queued.
    public mutating func nextEvent() async throws -> ControlReply {
        if !events.isEmpty { return events.removeFirst() }
        while true {
            let reply = try await nextReply()
            if reply.isEvent { return reply }
            // A reply with no command outstanding: tor does not send one; ignore it.
        }
    }

    private mutating func nextReply() async throws -> ControlReply {
        while true {
            do {
                if let reply = try reader.next() { return reply }
            } catch { throw ControlSessionError.protocolError(error) }
            guard let buffer = try await inbound.next() else {
                if let failure = connection.closedUnderUs { throw ControlSessionError.network(failure) }
                throw ControlSessionError.closed
            }
            reader.append(buffer.readableBytesView)
        }
    }

    private mutating func authenticate(_ authentication: ControlAuthentication) async throws {
        let info: ControlProtocolInfo
        do { info = try ControlProtocolInfo(try await send(.protocolInfo)) } catch let error as ControlProtocolError {
            throw ControlSessionError.protocolError(error)
        }
        protocolInfo = info
        let methods = Set(info.methods)
        var secret: ControlSecret?
        var tried: [String] = []
        switch authentication {
        case .cookie(let cookie):
            secret = methods.contains("SAFECOOKIE") ? try await safeCookie(cookie) : .bytes(cookie)
        case .password(let password):
            if methods.contains("HASHEDPASSWORD") { secret = .password(password) } else { tried.append("tor does not offer HASHEDPASSWORD") }
        case .plainCookie(let cookie):
            if methods.contains("COOKIE") { secret = .bytes(cookie) } else { tried.append("tor does not offer COOKIE") }
        case .automatic(let password):
            if methods.contains("NULL") {
                secret = ControlSecret.none
            } else if methods.contains("SAFECOOKIE") || methods.contains("COOKIE"), let path = info.cookieFile {
                if let cookie = FileManager.default.contents(atPath: path).map(Array.init), cookie.count == 32 {
                    secret = methods.contains("SAFECOOKIE") ? try await safeCookie(cookie) : .bytes(cookie)
                } else {
                    tried.append("cannot read a 32-byte cookie from \(path)")
                }
            }
            if secret == nil, methods.contains("HASHEDPASSWORD") {
                if let password { secret = .password(password) } else { tried.append("tor wants a password (HASHEDPASSWORD) and none was given") }
            }
        }
        guard let secret else {
            throw ControlSessionError.authenticationFailed((tried + ["tor offers \(info.methods.joined(separator: ", "))"]).joined(separator: "; "))
        }
        let command: ControlCommand
        do { command = try .authenticate(secret) } catch { throw ControlSessionError.command(error) }
        let reply = try await send(command)
        guard reply.isSuccess else { throw ControlSessionError.authenticationFailed("\(reply.status) \(reply.message)") }
    }

    private mutating func safeCookie(_ cookie: [UInt8]) async throws -> ControlSecret {
        var nonce = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in nonce.indices { nonce[index] = generator.next() }
        let exchange = SafeCookieExchange(cookie: cookie, clientNonce: nonce)
        let challenge: ControlCommand
        do { challenge = try .authChallenge(clientNonce: nonce) } catch { throw ControlSessionError.command(error) }
        do { return .bytes(try exchange.clientHash(answering: try await send(challenge))) } catch let error as ControlProtocolError {
            throw ControlSessionError.authenticationFailed("\(error)")
        }
    }
}
