import Foundation
import Testing
import TestSupport
import TorDescriptors
import TorDirectory
import TorNetwork

/// The control connection over a Unix-domain socket (tor's ControlSocket), without a tor: a
/// fake one on a socket in a private directory, and the typed errors of a path that is not one.
@Suite struct ControlSocketTests {
    /// A fresh private directory for sockets (sun_path holds 107 bytes: kept short).
    static func directory() throws -> URL {
        let url = URL(fileURLWithPath: "/tmp").appendingPathComponent("tordesc-sock-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return url
    }

    @Test func endpointsParseAsTCPOrAsASocketPath() {
        #expect(ControlEndpoint("127.0.0.1:9051") == .tcp(host: "127.0.0.1", port: 9051))
        #expect(ControlEndpoint("[::1]:9051") == .tcp(host: "::1", port: 9051))
        #expect(ControlEndpoint("/run/tor/control") == .unixSocket(path: "/run/tor/control"))
        #expect(ControlEndpoint("./control.sock") == .unixSocket(path: "./control.sock"))
        #expect(ControlEndpoint("unix:/run/tor/control") == .unixSocket(path: "/run/tor/control"))
        for bad in ["control.sock", "localhost", "127.0.0.1:0", "127.0.0.1:70000", "::1:9051", ":9051", "unix:"] {
            #expect(ControlEndpoint(bad) == nil, "\(bad)")
        }
        #expect(ControlEndpoint("[::1]:9051")?.description == "[::1]:9051")
    }

    /// Limits that only a broken client reaches: the fake sends every reply at once, and in a
    /// full-suite run on two cores this test's task was once held off the cooperative pool for
    /// over two minutes after the replies arrived (every test around it took 369 s), which the
    /// 120 s idle timeout of `FakeControlPortTests.limits` took for a silent tor.
    static let patient = ConnectionLimits(connectTimeout: .seconds(60), idleTimeout: .seconds(900))

    /// PROTOCOLINFO, AUTHENTICATE and a GETINFO over the socket, as over TCP.
    @Test func aSessionOverAUnixSocketAuthenticatesAndAsks() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("control.sock").path
        let fake = try FakeControlPort(unixSocketPath: path, script: Array((FakeControlPortTests.greeting + "250-version=0.4.9.11\r\n250 OK\r\n").utf8))
        defer { fake.stop() }
        let (methods, version) = try await ControlSession.withSession(endpoint: .unixSocket(path: path), limits: Self.patient) { session in
            (session.protocolInfo?.methods, try await session.getInfo("version"))
        }
        #expect(methods == ["NULL"])
        #expect(String(decoding: version, as: UTF8.self) == "0.4.9.11")
    }

    /// A missing file, a file that is not a socket, and a socket nobody listens on: each a
    /// typed error naming the path, before any byte is sent.
    @Test func aPathThatIsNoListeningSocketIsATypedError() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.sock").path
        let file = directory.appendingPathComponent("file").path
        try Data("not a socket".utf8).write(to: URL(fileURLWithPath: file))
        let stale = directory.appendingPathComponent("stale.sock").path
        _ = try FakeControlPort(unixSocketPath: stale, script: [], listening: false)
        for (path, expected) in [(missing, "no such file"), (file, "not a Unix-domain socket"), (stale, "cannot connect")] {
            do {
                _ = try await ControlSession.withSession(endpoint: .unixSocket(path: path), limits: FakeControlPortTests.limits) { session in
                    try await session.getInfo("version")
                }
                Issue.record("\(path) connected")
            } catch let error as ControlSessionError {
                guard case .socket(let named, _) = error else { Issue.record("got \(error)"); continue }
                #expect(named == path)
                #expect("\(error)".contains(path) && "\(error)".contains(expected), "\(error)")
            }
        }
    }
}

/// `--control PATH` on the private network's onion tor, whose ControlSocket the network script
/// opens (DIR/control-socket names it): the same answers as over its ControlPort and the
/// DirPorts. One tordesc run per question, to stay cheap.
@Suite(.enabled(if: PrivateNet.isAvailable && PrivateNet.controlSocket != nil,
                "needs TORDESC_PRIVATE_NET with the onion tor's ControlSocket (scripts/test-private-network.sh)"), .serialized)
struct PrivateNetworkControlSocketTests {
    static func socket() throws -> String { try #require(PrivateNet.controlSocket) }

    @Test func exitsOverTheSocketAreExitsOverThePort() async throws {
        let arguments = ["exits", "--port", "80", "--format", "fingerprint"]
        // The network votes every 10 s: the two runs can read consensuses a round apart, so they
        // are asked again until both read the same one (or the time runs out and they differ).
        let (overSocket, overPort) = try await PrivateNetworkOnionTests.eventually(40) {
            let overSocket = try await FetchCLITests.run(arguments + ["--control", try Self.socket()])
            let overPort = try await FetchCLITests.run(arguments + ["--control", try ControlPortCLITests.port()])
            guard overSocket.stdout == overPort.stdout else { throw DirectoryClientError.invalidRequest("different rounds") }
            return (overSocket, overPort)
        }
        #expect(overSocket.status == 0 && overPort.status == 0, "\(overSocket.stderr) \(overPort.stderr)")
        #expect(overSocket.stdout.split(separator: "\n").contains { $0.count == 40 }, "\(overSocket.stdout)")
        #expect(overSocket.stdout == overPort.stdout)
    }

    /// The consensus tor holds, written by `fetch consensus --control PATH`, is the one the
    /// DirPorts serve: the same signed digest for the same voting round. The network votes every
    /// 10 s and the client tor fetches each new consensus some seconds after the authorities
    /// serve it, so both are asked every 2 s and compared on the first round seen from both.
    @Test func fetchConsensusOverTheSocketIsTheDirPortsConsensus() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("control-consensus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var fromTor: [TorTimestamp: [UInt8]] = [:], fromDirPorts: [TorTimestamp: [UInt8]] = [:]
        for _ in 0..<15 {
            let run = try await FetchCLITests.run(["fetch", "consensus", "--control", try Self.socket(), "-q", "-o", output.path])
            #expect(run.status == 0, "\(run.stderr)")
            let fetched = try NetworkStatusConsensus(parsing: Array(try Data(contentsOf: output))[...], mode: .strict)
            #expect(fetched.header.flavor == .ns && fetched.entries.count == 6)
            let served = try await PrivateNet.client().consensus(flavor: .ns)
            if let time = fetched.header.validAfter { fromTor[time] = fetched.sha3DigestAsSigned }
            if let time = served.header.validAfter { fromDirPorts[time] = served.sha3DigestAsSigned }
            if let round = fromTor.keys.first(where: { fromDirPorts[$0] != nil }) {
                #expect(fromTor[round] == fromDirPorts[round], "round \(round)")
                return
            }
            try await Task.sleep(for: .seconds(2))
        }
        Issue.record("no round seen both from the tor and from the DirPorts: \(fromTor.keys.sorted()) vs \(fromDirPorts.keys.sorted())")
    }

    /// `onion ADDRESS --control PATH`: tor fetches the descriptor (HSFETCH), tordesc verifies
    /// and decrypts it; its introduction points are the service's own (GETINFO hs/service/desc/id
    /// on the same tor), compared when both are of the same period and the same revision (or
    /// list the same points). Otherwise asked again, as `PrivateNetworkOnionTests` does: near a
    /// period boundary tor's client and service sides use different periods for a while.
    @Test func onionOverTheSocketDecryptsToTheServicesIntroductionPoints() async throws {
        let address = try #require(PrivateNet.onionAddress)
        let onion = try OnionAddress(address)
        var seen: [String] = []
        for _ in 0..<40 {
            let run = try await PrivateNetworkOnionTests.eventually(60) {
                let run = try await FetchCLITests.run(["onion", address, "--control", try Self.socket(), "--testing-network", "--json"])
                guard run.status == 0 else { throw ControlSocketTestFailure(run.stderr) }
                return run
            }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
            let descriptor = try #require(object["descriptor"] as? [String: Any])
            let points = try #require(descriptor["introduction_points"] as? [[String: Any]])
            let ownBytes = try await PrivateNetworkControlDocumentsTests.session { session in
                try await session.getInfo("hs/service/desc/id/\(onion.encoded)")
            }
            let own = try OnionServiceDescriptor(parsing: ownBytes[...], mode: .strict)
            let fetchedKeys = Set(points.compactMap { $0["auth_key"] as? String })
            let ownKeys = Set(try own.decrypt(address: onion).inner.introductionPoints.map { Base64.encode($0.authKey, padded: false) })
            let sameRevision = String(own.revisionCounter) == descriptor["revision_counter"] as? String
            let samePeriod = Base64.encode(own.blindedKey ?? [], padded: false) == object["blinded_key"] as? String
            // The same descriptor must list the same points; an older revision (an HSDir the
            // upload has not reached) or the other period's descriptor may list others.
            if samePeriod, sameRevision || fetchedKeys == ownKeys {
                #expect(ownKeys.count == 3)
                #expect(fetchedKeys == ownKeys)
                return
            }
            seen.append("own rev \(own.revisionCounter), fetched rev \(descriptor["revision_counter"] ?? "?"), same period \(samePeriod)")
            try await Task.sleep(for: .seconds(3))
        }
        Issue.record("the fetched descriptor and the service's own were never the same revision: \(seen)")
    }

    @Test func aMissingSocketIsAClearError() async throws {
        let missing = (try Self.socket() as NSString).deletingLastPathComponent + "/no-such.sock"
        let run = try await FetchCLITests.run(["summary", "--control", missing])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("control socket \(missing): no such file"), "\(run.stderr)")
    }
}

/// The onion tor's ControlSocket is private to root (tor keeps it so), and tordesc run as
/// nobody says so, naming the path.
@Suite(.enabled(if: PrivateNet.isAvailable && PrivateNet.controlSocket != nil, "needs TORDESC_PRIVATE_NET with the onion tor's ControlSocket"),
       .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: AsNobody.setpriv),
                "needs root and setpriv, to run tordesc as nobody"),
       .enabled(if: AsNobody.othersMayRun(FetchCLITests.executable), "needs a tordesc binary that nobody may run"))
struct ControlSocketAsNobodyTests {
    @Test func aSocketNotOpenToThisUserIsPermissionDenied() async throws {
        let socket = try #require(PrivateNet.controlSocket), binary = try #require(FetchCLITests.executable)
        let run = try await TordescProcess.running(URL(fileURLWithPath: AsNobody.setpriv),
                                                   ["--reuid=nobody", "--regid=nogroup", "--clear-groups", binary.path, "summary", "--control", socket],
                                                   in: URL(fileURLWithPath: "/"))
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("control socket \(socket): permission denied"), "\(run.stderr)")
    }
}

/// Running tordesc as nobody (setpriv drops root's user and groups).
enum AsNobody {
    static let setpriv = "/usr/bin/setpriv"

    /// The binary and every directory above it open to others (o+x).
    static func othersMayRun(_ binary: URL?) -> Bool {
        guard var url = binary else { return false }
        while url.path != "/" {
            guard let mode = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? Int, mode & 0o001 != 0 else { return false }
            url.deleteLastPathComponent()
        }
        return true
    }
}

struct ControlSocketTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension PrivateNet {
    /// The onion tor's ControlSocket (DIR/control-socket, written by the network script).
    static var controlSocket: String? {
        guard let directory,
              let text = try? String(contentsOf: directory.appendingPathComponent("control-socket"), encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
