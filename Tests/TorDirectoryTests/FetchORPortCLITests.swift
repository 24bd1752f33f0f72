import Foundation
import Testing
import TorDescriptors

/// `tordesc fetch --via orport|dirport|auto --relay HOST:ORPORT=FINGERPRINT` end to end.
@Suite struct FetchORPortCLITests {
    static func relay(_ name: String) throws -> (port: Int, fingerprint: String) {
        let node = PrivateNet.directory!.appendingPathComponent(name)
        let fingerprint = try String(contentsOf: node.appendingPathComponent("fingerprint"), encoding: .utf8)
            .split(separator: " ").last!.trimmingCharacters(in: .whitespacesAndNewlines)
        let torrc = try String(contentsOf: node.appendingPathComponent("torrc"), encoding: .utf8)
        let line = try #require(torrc.split(separator: "\n").first { $0.hasPrefix("ORPort 127.0.0.1:") })
        return (try #require(Int(line.split(separator: ":").last!)), fingerprint)
    }

    @Test func relayOptionsAreChecked() async throws {
        let badRelay = try await FetchCLITests.run(["fetch", "consensus", "--relay", "127.0.0.1:9001", "--quiet"])
        #expect(badRelay.status != 0 && badRelay.stderr.contains("HOST:ORPORT=FINGERPRINT"), "\(badRelay.stderr)")
        let mixed = try await FetchCLITests.run(["fetch", "consensus", "--via", "dirport", "--relay",
                                           "127.0.0.1:9001=0123456789ABCDEF0123456789ABCDEF01234567", "--quiet"])
        #expect(mixed.status != 0 && mixed.stderr.contains("--via dirport"), "\(mixed.stderr)")
        let dirportOnly = try await FetchCLITests.run(["fetch", "consensus", "--via", "orport", "--authority", "127.0.0.1:1", "--quiet"])
        #expect(dirportOnly.status != 0 && dirportOnly.stderr.contains("--authority names DirPorts"), "\(dirportOnly.stderr)")
    }

    @Test("a verified consensus from a relay's ORPort; a wrong fingerprint refused naming both",
          .enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"))
    func consensusOverARelaysORPort() async throws {
        let authorities = PrivateNet.directory!.appendingPathComponent("authorities").path
        let relay = try Self.relay("relay2"), other = try Self.relay("auth0")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("orport-consensus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        // A relay fetches each consensus some seconds after the authorities publish it, so on a
        // network a few seconds old it answers 404 or serves one that lists fewer routers: ask
        // again (bounded) until it holds the full one, then check that answer.
        let arguments = ["fetch", "consensus", "--via", "orport", "--relay", "127.0.0.1:\(relay.port)=\(relay.fingerprint)",
                         "--authorities", authorities, "-o", output.path]
        var run = try await FetchCLITests.run(arguments)
        let readyBy = Date().addingTimeInterval(90)
        while Date() < readyBy {
            if run.status == 0, let data = try? Data(contentsOf: output),
               let whole = try? NetworkStatusConsensus(parsing: Array(data)), whole.entries.count == 6 { break }
            try await Task.sleep(for: .seconds(2))
            run = try await FetchCLITests.run(arguments)
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("127.0.0.1:\(relay.port) /tor/status-vote/current/consensus"), "\(run.stderr)")
        let consensus = try NetworkStatusConsensus(parsing: Array(try Data(contentsOf: output)))
        #expect(consensus.entries.count == 6)

        // relay0 also listens on [::1] (private-tor-network.sh: BASE+20).
        let relay0 = try Self.relay("relay0")
        let v6 = try await FetchCLITests.run(["fetch", "server-descriptors", "--relay", "[::1]:\(relay0.port + 10)=\(relay0.fingerprint)",
                                        "--authorities", authorities])
        #expect(v6.status == 0 && v6.stderr.contains("[::1]:\(relay0.port + 10) /tor/server/all"), "\(v6.stderr)")

        let wrong = try await FetchCLITests.run(["fetch", "consensus", "--relay", "127.0.0.1:\(relay.port)=\(other.fingerprint)",
                                           "--authorities", authorities, "--quiet"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains(relay.fingerprint) && wrong.stderr.contains(other.fingerprint), "\(wrong.stderr)")
    }

    @Test("every kind over the authorities' ORPorts (auto) and DirPorts",
          .enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"))
    func everyKindOverBothPorts() async throws {
        let authorities = PrivateNet.directory!.appendingPathComponent("authorities").path
        // detached-signatures exist only between voting and publication, so they are left out.
        for kind in ["consensus", "microdesc-consensus", "server-descriptors", "extra-infos", "microdescriptors", "key-certificates", "vote"] {
            for via in ["auto", "orport", "dirport"] {
                let run = try await FetchCLITests.run(["fetch", kind, "--via", via, "--authorities", authorities])
                #expect(run.status == 0, "\(kind) via \(via): \(run.stderr)")
                #expect(!run.stdout.isEmpty, "\(kind) via \(via)")
                // Progress lines name the port asked: 22000-22002 are ORPorts, 22100-22102 DirPorts.
                let orport = run.stderr.contains(":\(PrivateNetworkORPortTests.authorityPortPrefix)")
                #expect(orport == (via != "dirport"), "\(kind) via \(via): \(run.stderr)")
            }
        }
    }
}
