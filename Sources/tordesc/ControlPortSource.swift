import ArgumentParser
import FoundationEssentials
import TorDescriptors
import TorNetwork

/// `--control HOST:PORT` or `--control PATH`: a running tor as the source of `exits`, `relay`,
/// `summary`, `watch`, `fetch` and `onion`, over its ControlPort (TCP) or its ControlSocket (a
/// Unix-domain socket). Its consensus and descriptors are read with `GETINFO`, after the
/// authentication tor offers (`PROTOCOLINFO`: none, SAFECOOKIE or COOKIE with the cookie file
/// tor names, or a password). `--control-port` is the older spelling, kept hidden for scripts.
struct ControlPortOptions: ParsableArguments {
    @Option(name: .customLong("control"), help: ArgumentHelp("Read from a running tor instead of files: its ControlPort (HOST:PORT) or its ControlSocket (a path).", valueName: "host:port|path"))
    var control: String?

    @Option(name: .customLong("control-port"), help: ArgumentHelp("The older spelling of --control.", visibility: .hidden))
    var controlPort: String?

    @Option(name: .customLong("control-cookie"), help: ArgumentHelp("With --control: the cookie file, when tor's own path to it is not readable here (a container).", valueName: "file"))
    var controlCookie: String?

    @Option(name: .customLong("control-password-file"), help: ArgumentHelp("With --control: a file whose first line is the password (tor's HashedControlPassword).", valueName: "file"))
    var controlPasswordFile: String?

    var isSet: Bool { (control ?? controlPort) != nil }

    /// Where tor listens, from --control (or --control-port); nil without either.
    var endpoint: ControlEndpoint? { (control ?? controlPort).flatMap(ControlEndpoint.init) }

    /// How messages name the source: "ControlPort HOST:PORT" or "ControlSocket PATH".
    var label: String {
        guard let endpoint else { return "tor's control connection" }
        switch endpoint {
        case .tcp: return "ControlPort \(endpoint)"
        case .unixSocket(let path): return "ControlSocket \(path)"
        }
    }

    func validate() throws {
        if control != nil, controlPort != nil { throw ValidationError("give --control once (--control-port is its older spelling)") }
        if !isSet, controlCookie != nil || controlPasswordFile != nil {
            throw ValidationError("--control-cookie and --control-password-file go with --control HOST:PORT or --control PATH")
        }
        if let text = control ?? controlPort, ControlEndpoint(text) == nil {
            throw ValidationError("--control \(text) is neither HOST:PORT (e.g. 127.0.0.1:9051 or [::1]:9051) nor a socket path (e.g. /run/tor/control or ./control.sock)")
        }
    }

    /// A failure of the control connection or of tor, named by the source it came from.
    struct Failure: Error, CustomStringConvertible {
        let label: String
        let error: ControlSessionError
        /// A socket failure names its path already.
        var description: String {
            if case .socket = error { return "\(error)" }
            return "\(label): \(error)"
        }
    }

    /// Connects and authenticates, runs `body`, closes; tor's and the connection's failures
    /// are thrown as ``Failure``.
    func session<T: Sendable>(limits: ConnectionLimits = ConnectionLimits(connectTimeout: .seconds(10), idleTimeout: .seconds(120)),
                              _ body: (inout ControlSession) async throws -> T) async throws -> T {
        guard let endpoint else { throw reportError("no --control given") }
        let authentication = try authentication()
        do {
            return try await ControlSession.withSession(endpoint: endpoint, authentication: authentication, limits: limits, body)
        } catch let error as ControlSessionError {
            throw Failure(label: label, error: error)
        }
    }

    /// ``session(limits:_:)`` for commands that stop at the failure: one clear line naming
    /// the source, exit status 1.
    func withSession<T: Sendable>(limits: ConnectionLimits = ConnectionLimits(connectTimeout: .seconds(10), idleTimeout: .seconds(120)),
                                  _ body: (inout ControlSession) async throws -> T) async throws -> T {
        do {
            return try await session(limits: limits, body)
        } catch let failure as Failure {
            throw reportError("\(failure)", code: 1)
        }
    }

    func authentication() throws -> ControlAuthentication {
        if let controlCookie {
            guard let data = FileManager.default.contents(atPath: controlCookie) else { throw reportError("cannot read the cookie file \(controlCookie)") }
            return .cookie(Array(data))
        }
        guard let controlPasswordFile else { return .automatic(password: nil) }
        guard let data = FileManager.default.contents(atPath: controlPasswordFile) else { throw reportError("cannot read the password file \(controlPasswordFile)") }
        let password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return .automatic(password: password)
    }

    /// What to read: the consensus alone (`summary`), or the relays' documents too; for
    /// `relay`, the extra-info descriptors of the server descriptors `extraInfoFor` picks; for
    /// `onion`, the microdesc consensus and its microdescriptors (the HSDirs' ed25519
    /// identities), as tor builds its own HSDir ring.
    enum Documents {
        case consensus
        case relays(extraInfoFor: @Sendable (ServerDescriptor) -> Bool)
        case hsDirRing
    }

    /// The documents of the running tor as ``RelaySources``: its ns consensus when it holds one
    /// (a client needs FetchUselessDescriptors for that), else its microdesc consensus with
    /// every microdescriptor; with `.relays`, the server descriptors it holds.
    func load(_ documents: Documents) async throws -> RelaySources {
        guard isSet else { return RelaySources() }
        let label = label
        let loaded = try await withSession { session in
            var sources = RelaySources()
            sources.consensusPath = label
            if case .hsDirRing = documents {
                sources.consensus = try await session.consensus(flavor: .microdesc)
                sources.microdescriptors = try await session.microdescriptors()
                return sources
            }
            do {
                sources.consensus = try await session.consensus(flavor: .ns)
            } catch ControlSessionError.rejected {
                // A client tor without FetchUselessDescriptors keeps only the microdesc flavor.
                sources.consensus = try await session.consensus(flavor: .microdesc)
                if case .relays = documents { sources.microdescriptors = try await session.microdescriptors() }
            }
            if case .relays(let extraInfoFor) = documents {
                sources.descriptors = try await session.serverDescriptors()
                sources.extraInfos = try await session.extraInfos(of: sources.descriptors.filter(extraInfoFor))
            }
            return sources
        }
        for warning in loaded.consensus?.warnings.prefix(5) ?? [] { warn("\(label):\(warning.line): \(warning)") }
        return loaded
    }
}
