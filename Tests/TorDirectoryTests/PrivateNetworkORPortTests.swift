import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory
import TorNetwork
import TorWire

/// Directory requests over the private network's ORPorts (#16): BEGIN_DIR to an authority and
/// to a plain relay, identities checked, bodies over many cells.
@Suite(.enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"), .serialized)
struct PrivateNetworkORPortTests {
    /// A router's ORPort (from its torrc) and fingerprint (from its data directory).
    struct Router {
        let name: String
        let port: Int
        let fingerprint: Fingerprint

        init(_ name: String) throws {
            let node = PrivateNet.directory!.appendingPathComponent(name)
            let line = try String(contentsOf: node.appendingPathComponent("fingerprint"), encoding: .utf8)
            fingerprint = try #require(Fingerprint(hex: line.split(separator: " ").last!.trimmingCharacters(in: .whitespacesAndNewlines)))
            let torrc = try String(contentsOf: node.appendingPathComponent("torrc"), encoding: .utf8)
            let orport = try #require(torrc.split(separator: "\n").first { $0.hasPrefix("ORPort 127.0.0.1:") })
            port = try #require(Int(orport.split(separator: ":").last!))
            self.name = name
        }
    }

    /// The ORPorts of the authorities as the progress output shows them ("127.0.0.1:2200N"
    /// with TORNET_BASE_PORT=22000): the first four digits of authority 0's ORPort.
    static var authorityPortPrefix: String { (try? Router("auth0")).map { String(String($0.port).prefix(4)) } ?? "-" }

    /// The body of a raw HTTP/1.0 200 answer (no content coding asked, so none used).
    static func body(of raw: [UInt8]) throws -> [UInt8] {
        #expect(raw.starts(with: Array("HTTP/1.0 200".utf8)), "status line: \(String(decoding: raw.prefix(40), as: UTF8.self))")
        let separator = Array("\r\n\r\n".utf8)
        let end = try #require((0..<(raw.count - 3)).first { raw[$0..<($0 + 4)].elementsEqual(separator) })
        return Array(raw[(end + 4)...])
    }

    static func exchange(_ router: Router, path: String, fingerprint: Fingerprint? = nil) async throws -> ORPortDirectoryConnection.Result {
        try await ORPortDirectoryConnection.exchange(host: "127.0.0.1", port: router.port, fingerprint: fingerprint ?? router.fingerprint,
                                                     request: try ORPortDirectoryConnection.request(path: path), deadline: .now + .seconds(30))
    }

    @Test(arguments: ["auth0", "relay1"])
    func consensusOverTheORPortParses(name: String) async throws {
        let router = try Router(name)
        let result = try await Self.exchange(router, path: "/tor/status-vote/current/consensus")
        #expect(result.identity.fingerprint == router.fingerprint)
        #expect(result.identity.ed25519Identity != nil)
        let consensus = try NetworkStatusConsensus(parsing: try Self.body(of: result.response))
        #expect(consensus.entries.count == 6)
        #expect(consensus.entries.contains { $0.fingerprint == router.fingerprint })
    }

    @Test func theRawFetchAPIReturnsTheHTTPResponse() async throws {
        let router = try Router("relay0")
        let raw = try await ORPortDirectoryConnection.fetch(host: "127.0.0.1", port: router.port, fingerprint: router.fingerprint,
                                                            path: "/tor/server/authority", deadline: .now + .seconds(30))
        let descriptors = try ServerDescriptor.parseAll(try Self.body(of: raw)[...], isBridge: false).map { try $0.get() }
        #expect(descriptors.map(\.fingerprint) == [router.fingerprint])
    }

    @Test func aWrongFingerprintIsRefusedNamingBoth() async throws {
        let router = try Router("relay2"), other = try Router("auth1")
        do {
            _ = try await Self.exchange(router, path: "/tor/status-vote/current/consensus", fingerprint: other.fingerprint)
            Issue.record("relay2 was accepted as auth1")
        } catch ORPortError.link(.identityMismatch(let expected, let actual)) {
            #expect(expected == other.fingerprint && actual == router.fingerprint)
            let text = "\(ORPortError.link(.identityMismatch(expected: expected, actual: actual)))"
            #expect(text.contains(other.fingerprint.hex) && text.contains(router.fingerprint.hex))
        }
    }

    /// Every server descriptor in one answer. With TORNET_LARGE_DESCRIPTORS=1 (descriptors of
    /// ~15 KB) it spans a few hundred cells, so SENDMEs go out on both levels; with
    /// TORNET_CONSENSUS_PARAMS="circwindow=100 sendme_accept_min_version=1" the relay waits
    /// for each authenticated circuit SENDME and refuses a wrong one.
    @Test(arguments: ["auth2", "relay0"])
    func allServerDescriptorsArriveWhole(name: String) async throws {
        let router = try Router(name)
        let result = try await Self.exchange(router, path: "/tor/server/all")
        let descriptors = try ServerDescriptor.parseAll(try Self.body(of: result.response)[...], isBridge: false).map { try $0.get() }
        #expect(Set(descriptors.compactMap(\.fingerprint)).count == 6)
        let seconds = Double(result.elapsed.components.seconds) + Double(result.elapsed.components.attoseconds) / 1e18
        print("ORPort \(name) /tor/server/all: \(result.response.count) bytes, \(result.cellsReceived) cells in, "
              + "\(result.cellsSent) out, \(String(format: "%.1f", seconds * 1000)) ms; phases: "
              + result.phaseTimes.map { "\($0.phase) \(String(format: "%.1f", Double($0.at.components.attoseconds) / 1e15 + Double($0.at.components.seconds) * 1000))" }
                .joined(separator: ", "))
    }

    /// Writes the CERTS cell and TLS certificate of relay1 as TorWireTests' fixture (run once
    /// with TORDESC_WRITE_LINK_FIXTURE=1; the files are committed).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TORDESC_WRITE_LINK_FIXTURE"] != nil, "writes the TorWireTests fixture on request"))
    func writeTheLinkFixture() async throws {
        let router = try Router("relay1")
        let result = try await Self.exchange(router, path: "/tor/keys/all")
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TorWireTests/Fixtures")
        try Data(result.certsPayload).write(to: fixtures.appendingPathComponent("relay-certs-cell.bin"))
        try Data(result.tlsCertificateDER).write(to: fixtures.appendingPathComponent("relay-tls-cert.der"))
        try Data("\(router.fingerprint.hex)\n\(Int(Date().timeIntervalSince1970))\n".utf8).write(to: fixtures.appendingPathComponent("relay-link.txt"))
    }

    /// A relay stopped by its PID (SIGSTOP: the kernel accepts the connection, TLS never
    /// answers) costs one deadline; the client then asks the next relay's ORPort.
    @Test func aHungRelayIsSkippedWithinTheDeadline() async throws {
        let hung = try Router("relay0"), good = try Router("relay1")
        let pid = try #require(try PrivateNet.pids()["relay0"])
        let client = try PrivateNet.client {
            $0.randomizeStart = false
            $0.requestTimeout = .seconds(2)
            $0.use(orports: [hung, good].map {
                DirectoryRoute(endpoint: DirectoryEndpoint(host: "127.0.0.1", port: UInt16($0.port), nickname: $0.name), fingerprint: $0.fingerprint)
            })
        }
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGCONT) }
        let started = ContinuousClock.now
        let download = try await client.consensusDownload()
        #expect(download.response.endpoint.nickname == "relay1")
        #expect(download.consensus.entries.count == 6)
        #expect(ContinuousClock.now - started < .seconds(8))
    }

    /// As tor does once it holds a consensus: the consensus from the authorities' ORPorts,
    /// then server descriptors from its V2Dir relays over their ORPorts (a plain relay
    /// answers, since mirrors come before authorities).
    @Test func descriptorsFromTheV2DirRelaysOfTheConsensus() async throws {
        let list = try PrivateNet.list()
        let client = try PrivateNet.client {
            $0.randomizeStart = false
            $0.use(orports: list.bootstrapRoutes)
        }
        let download = try await client.consensusDownload()
        #expect(list.authorities.contains { $0.address == download.response.endpoint.host && $0.orPort == download.response.endpoint.port })
        let routes = DirectoryClient.mirrorRoutes(in: download.consensus, authorities: list.authorities)
        let relays = try ["relay0", "relay1", "relay2"].map(Router.init)
        // Every relay of the private network caches the directory, so each is a mirror, ahead of the authorities.
        #expect(Set(routes.prefix(3).map(\.fingerprint)) == Set(relays.map(\.fingerprint)))
        for route in routes {
            let router = try Router(try #require(route.endpoint.nickname))
            #expect(route.fingerprint == router.fingerprint && Int(route.endpoint.port) == router.port)
        }
        let mirrors = DirectoryClient(configuration: client.configuration.usingMirrors(of: download.consensus))
        let answer = try await mirrors.query(path: "/tor/server/all")
        #expect(answer.endpoint == routes[0].endpoint)
        #expect(mirrors.configuration.orportIdentities[answer.endpoint] == routes[0].fingerprint)
        let descriptors = try ServerDescriptor.parseAll(answer.body[...], isBridge: false).map { try $0.get() }
        #expect(Set(descriptors.compactMap(\.fingerprint)) == Set(download.consensus.entries.map(\.fingerprint)))
        // A young network's relays republish often, so only some descriptors may still match
        // the consensus digests; those that do came through the mirrors too.
        let matching = try await mirrors.serverDescriptors(matching: download.consensus)
        #expect(!matching.isEmpty)
        #expect(Set(matching.compactMap(\.fingerprint)).isSubset(of: Set(download.consensus.entries.map(\.fingerprint))))
    }

    /// A relay stopped (SIGSTOP by PID) after part of a body has come back: the attempt ends
    /// at its deadline and the next route answers whole. A proxy in front of relay0 passes the
    /// answer up to the middle of the body, then the relay is stopped and nothing more passes
    /// (see ``StoppingProxy``); a first, unheld fetch through it measures where the body lies.
    @Test func aRelayStoppedMidTransferFailsOverWithinTheDeadline() async throws {
        let hung = try Router("relay0"), good = try Router("relay1")
        let pid = try #require(try PrivateNet.pids()["relay0"])
        final class Plan: @unchecked Sendable {
            let lock = NSLock()
            var limit = Int.max, stopped = false
        }
        let plan = Plan()
        let proxy = try StoppingProxy(targetPort: UInt16(hung.port), limit: { plan.lock.withLock { plan.limit } }) {
            kill(pid, SIGSTOP)
            plan.lock.withLock { plan.stopped = true }
        }
        defer { kill(pid, SIGCONT); proxy.stop() }

        let measured = try await ORPortDirectoryConnection.exchange(host: "127.0.0.1", port: Int(proxy.port), fingerprint: hung.fingerprint,
                                                                    request: try ORPortDirectoryConnection.request(path: "/tor/server/all"),
                                                                    deadline: .now + .seconds(30))
        try await Task.sleep(for: .milliseconds(200))
        let wholeAnswer = proxy.lastAnswerSize
        // Enough cells that the last half of them is body, well past the link handshake.
        #expect(measured.cellsReceived >= 24, "only \(measured.cellsReceived) cells")
        #expect(wholeAnswer > measured.response.count)
        plan.lock.withLock { plan.limit = wholeAnswer - (measured.cellsReceived / 2) * 514 }

        let proxied = DirectoryEndpoint(host: "127.0.0.1", port: proxy.port, nickname: "relay0-via-proxy")
        let client = try PrivateNet.client {
            $0.randomizeStart = false
            $0.requestTimeout = .seconds(3)
            $0.use(orports: [DirectoryRoute(endpoint: proxied, fingerprint: hung.fingerprint),
                             DirectoryRoute(endpoint: DirectoryEndpoint(host: "127.0.0.1", port: UInt16(good.port), nickname: "relay1"), fingerprint: good.fingerprint)])
        }
        let started = ContinuousClock.now
        let answer = try await client.query(path: "/tor/server/all")
        let elapsed = ContinuousClock.now - started
        #expect(plan.lock.withLock { plan.stopped }, "relay0 was never stopped (\(wholeAnswer) bytes in the whole answer)")
        #expect(answer.endpoint.nickname == "relay1")
        let descriptors = try ServerDescriptor.parseAll(answer.body[...], isBridge: false).map { try $0.get() }
        #expect(Set(descriptors.compactMap(\.fingerprint)).count == 6)
        #expect(elapsed >= .seconds(3) && elapsed < .seconds(8), "failover took \(elapsed)")
    }

    @Test func aClosedPortIsAConnectError() async throws {
        do {
            _ = try await ORPortDirectoryConnection.fetch(host: "127.0.0.1", port: 1, fingerprint: nil, path: "/tor/keys/all",
                                                          deadline: .now + .seconds(5))
            Issue.record("port 1 answered")
        } catch ORPortError.connectFailed {}
    }
}
