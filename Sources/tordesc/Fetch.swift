import ArgumentParser
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import Decompression
import TorDescriptors
import TorDirectory
import TorNetwork

/// `tordesc fetch KIND`: download directory documents from ORPorts (BEGIN_DIR) or DirPorts, or
/// read them from a running tor (`--control`).
struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download directory documents from directory authorities' or relays' ORPorts or DirPorts.",
        discussion: """
            Documents are parsed (and the consensus verified against the authorities) before
            they are written, byte-exact as served after content decoding. Progress goes to
            standard error. Without --authority/--authorities the public Tor network's
            authorities are asked. Over an ORPort (as tor asks: TLS, a one-hop circuit and a
            BEGIN_DIR stream) the relay must prove the fingerprint it is listed with.
            --via auto (the default) uses ORPorts wherever the fingerprint is known and
            DirPorts for --authority HOST:PORT. Without --relay it asks as tor bootstraps:
            the fallback directories' ORPorts first, then the authorities'. Once you hold a
            consensus, its V2Dir relays are directory mirrors too: pass them with --relay
            HOST:ORPORT=FINGERPRINT (their `r` lines), or use
            DirectoryClient.Configuration.usingMirrors(of:) from Swift.

            With --control HOST:PORT or --control PATH the documents are those a running tor \
            holds, read over its ControlPort or ControlSocket (GETINFO): consensus (a client tor \
            keeps the ns flavor only with FetchUselessDescriptors 1), microdesc-consensus, \
            server-descriptors, extra-infos (DownloadExtraInfo 1) and microdescriptors. They are \
            parsed before they are written; tor verified the consensus before it used it.

            Examples:
              tordesc fetch consensus -o consensus
              tordesc fetch consensus --via orport --relay 127.0.0.1:22010=3EDF243FE32CAE3512B7047556BCC52CAF65B0AE --authorities net/authorities
              tordesc fetch microdescriptors --authorities net/authorities --compression x-zstd,deflate
              tordesc fetch server-descriptors --fingerprint 9695DFC35FFEB861329B9F1AB04C46397020CE31
              tordesc fetch microdesc-consensus --control /run/tor/control -o cached-microdesc-consensus
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case consensus, microdescConsensus = "microdesc-consensus", serverDescriptors = "server-descriptors"
        case extraInfos = "extra-infos", microdescriptors, keyCertificates = "key-certificates", vote
        case detachedSignatures = "detached-signatures", bandwidthFile = "bandwidth-file"
    }

    @Argument(help: "What to fetch: \(Kind.commaSeparatedRawValues).") var kind: Kind
    enum Via: String, ExpressibleByArgument, CaseIterable { case orport, dirport, auto }

    @Option(name: .customLong("authority"), help: "A DirPort HOST:PORT to ask (repeatable; [IPv6]:PORT).") var endpoints: [String] = []
    @Option(name: .customLong("relay"), help: "A relay's HOST:ORPORT=FINGERPRINT to ask over its ORPort, its identity checked (repeatable).")
    var relays: [String] = []
    @Option(help: "Transport: orport, dirport or auto (ORPort where the fingerprint is known).") var via: Via = .auto
    @Option(name: .customLong("authorities"), help: "A file of torrc DirAuthority lines (e.g. a private network's).") var authoritiesFile: String?
    @Option(help: "Content codings to ask for, comma-separated (default: all this build decodes).") var compression: String?
    @Option(name: .customLong("fingerprint"), help: "Relay or authority fingerprint (server-descriptors, extra-infos, key-certificates; repeatable).")
    var fingerprints: [String] = []
    @Flag(help: "Do not verify the consensus signatures (explicit opt-out).") var noVerify = false
    @Option(help: "Whole-request deadline in seconds.") var timeout: Double = 60
    @Option(help: "Connect timeout in seconds.") var connectTimeout: Double = 3
    @Option(help: "Endpoints to try per request before giving up (bounds the time without network).") var attempts: Int = 4
    @Option(name: .shortAndLong, help: "Where to write the documents (default: standard output).") var output: String?
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false
    @OptionGroup var control: ControlPortOptions

    func validate() throws { try validateControl() }

    func run() async throws {
        let bytes: [UInt8]
        do {
            bytes = control.isSet ? try await downloadFromControl()
                : try await Self.download(kind, fingerprints: fingerprints, configuration: try makeConfiguration())
        } catch let exit as ExitCode {
            throw exit
        } catch let invalid as ValidationError {
            throw invalid
        } catch {
            StandardStream.error("error: \(error)\n")
            throw ExitCode.failure
        }
        if let output { try Data(bytes).write(to: URL(fileURLWithPath: output)) } else { StandardStream.output(bytes) }
    }

    private func makeConfiguration() throws -> DirectoryClient.Configuration {
        var list = DirectoryList.tor
        if let authoritiesFile {
            guard let data = FileManager.default.contents(atPath: authoritiesFile) else { throw ValidationError("cannot read \(authoritiesFile)") }
            do { list = try DirectoryList(parsing: String(decoding: data, as: UTF8.self)) } catch { throw ValidationError("\(authoritiesFile): \(error)") }
        }
        var configuration = DirectoryClient.Configuration(list: list)
        if !endpoints.isEmpty {
            configuration.endpoints = try endpoints.map { text in
                guard let endpoint = DirectoryEndpoint(text) else { throw ValidationError("--authority \(text): expected HOST:PORT") }
                return endpoint
            }
        }
        let routes = try relays.map { text in
            guard let route = DirectoryRoute(text) else { throw ValidationError("--relay \(text): expected HOST:ORPORT=FINGERPRINT") }
            return route
        }
        switch (via, routes.isEmpty, endpoints.isEmpty) {
        case (.dirport, false, _): throw ValidationError("--relay names ORPorts; it cannot be used with --via dirport")
        case (_, false, _): configuration.use(orports: routes)
        case (.orport, true, false): throw ValidationError("--authority names DirPorts; with --via orport use --relay HOST:ORPORT=FINGERPRINT")
        case (.orport, true, true), (.auto, true, true): configuration.use(orports: list.bootstrapRoutes)
        case (.dirport, true, _), (.auto, true, false): break
        }
        configuration.maxAttempts = max(1, attempts)
        if let compression {
            configuration.acceptEncodings = try compression.split(separator: ",").map { token in
                guard let format = CompressionFormat(contentEncoding: String(token)), format != .bzip2 else {
                    throw ValidationError("--compression \(token): expected identity, deflate, gzip, x-tor-lzma or x-zstd")
                }
                return format
            }
        }
        if noVerify { configuration.verification = .none }
        configuration.requestTimeout = .milliseconds(Int(timeout * 1000))
        configuration.connectTimeout = .milliseconds(Int(connectTimeout * 1000))
        if !quiet {
            configuration.progress = { event in
                let line: String
                switch event {
                case .finished(let r):
                    let ms = r.downloadTime.components.seconds * 1000 + r.downloadTime.components.attoseconds / 1_000_000_000_000_000
                    line = "\(r.endpoint) \(r.path.count > 80 ? String(r.path.prefix(77)) + "..." : r.path): "
                        + "\(r.encodedSize) bytes \(r.contentEncoding) -> \(r.body.count) bytes in \(ms) ms"
                case .failed(let attempt):
                    line = "\(attempt)"
                }
                StandardStream.error((line + "\n"))
            }
        }
        return configuration
    }

    private static func download(_ kind: Kind, fingerprints: [String], configuration: DirectoryClient.Configuration) async throws -> [UInt8] {
        let client = DirectoryClient(configuration: configuration)
        let ids = try fingerprints.map { text in
            guard let fingerprint = Fingerprint(hex: text) else { throw ValidationError("bad fingerprint \(text)") }
            return fingerprint
        }
        func join<D>(_ documents: [D], _ bytes: (D) -> ArraySlice<UInt8>) -> [UInt8] { documents.flatMap(bytes) }
        switch kind {
        case .consensus: return Array(try await client.consensus(flavor: .ns).rawBytes)
        case .microdescConsensus: return Array(try await client.consensus(flavor: .microdesc).rawBytes)
        case .serverDescriptors:
            return join(ids.isEmpty ? try await client.serverDescriptors() : try await client.serverDescriptors(fingerprints: ids), \.rawBytes)
        case .extraInfos:
            return join(ids.isEmpty ? try await client.extraInfo() : try await client.extraInfo(fingerprints: ids), \.rawBytes)
        case .microdescriptors:
            let consensus = try await client.consensus(flavor: .microdesc)
            return join(try await client.microdescriptors(for: consensus), \.rawBytes)
        case .keyCertificates:
            return join(ids.isEmpty ? try await client.keyCertificates() : try await client.keyCertificates(identities: ids), \.rawBytes)
        case .vote:
            var failures: [DirectoryAttempt] = []
            for endpoint in configuration.endpoints {
                do { return Array(try await client.vote(from: endpoint).rawBytes) } catch { failures += error.attempts }
            }
            throw DirectoryClientError.allEndpointsFailed(path: "/tor/status-vote/current/authority", attempts: failures)
        case .detachedSignatures: return Array(try await client.detachedSignatures().rawBytes)
        case .bandwidthFile: return try await client.bandwidthFile()
        }
    }
}
