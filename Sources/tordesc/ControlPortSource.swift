import ArgumentParser
import FoundationEssentials
import TorDescriptors
import TorNetwork

/// `--control-port HOST:PORT`: a running tor as the source of `exits`, `relay` and `summary`.
/// Its consensus and descriptors are read over the ControlPort (`GETINFO`), after the
/// authentication tor offers (`PROTOCOLINFO`: none, SAFECOOKIE or COOKIE with the cookie file
/// tor names, or a password).
struct ControlPortOptions: ParsableArguments {
    @Option(name: .customLong("control-port"), help: ArgumentHelp("Read the consensus and descriptors from a running tor's ControlPort instead of files.", valueName: "host:port"))
    var controlPort: String?

    @Option(name: .customLong("control-cookie"), help: ArgumentHelp("With --control-port: the cookie file, when tor's own path to it is not readable here (a container).", valueName: "file"))
    var controlCookie: String?

    @Option(name: .customLong("control-password-file"), help: ArgumentHelp("With --control-port: a file whose first line is the password (tor's HashedControlPassword).", valueName: "file"))
    var controlPasswordFile: String?

    var isSet: Bool { controlPort != nil }

    func validate() throws {
        if controlPort == nil, controlCookie != nil || controlPasswordFile != nil {
            throw ValidationError("--control-cookie and --control-password-file go with --control-port HOST:PORT")
        }
        if let controlPort, Self.endpoint(controlPort) == nil {
            throw ValidationError("--control-port \(controlPort) is not HOST:PORT (e.g. 127.0.0.1:9051 or [::1]:9051)")
        }
    }

    /// `host:port`, `[v6]:port`.
    static func endpoint(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
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
    /// `relay`, the extra-info descriptors of the server descriptors `extraInfoFor` picks.
    enum Documents {
        case consensus
        case relays(extraInfoFor: @Sendable (ServerDescriptor) -> Bool)
    }

    /// The documents of the running tor as ``RelaySources``: its ns consensus when it holds one
    /// (a client needs FetchUselessDescriptors for that), else its microdesc consensus with
    /// every microdescriptor; with `.relays`, the server descriptors it holds.
    func load(_ documents: Documents) async throws -> RelaySources {
        guard let controlPort, let (host, port) = Self.endpoint(controlPort) else { return RelaySources() }
        let authentication = try authentication()
        let label = "ControlPort \(controlPort)"
        do {
            let loaded = try await ControlSession.withSession(host: host, port: port, authentication: authentication,
                                                              limits: ConnectionLimits(connectTimeout: .seconds(10), idleTimeout: .seconds(120))) { session in
                var sources = RelaySources()
                sources.consensusPath = label
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
        } catch let error as ControlSessionError {
            throw reportError("\(label): \(error)", code: 1)
        }
    }
}
