import Foundation
import Testing
import TestSupport
import TorDescriptors
import TorNetwork

/// `tordesc exits`, `relay` and `summary` with `--control HOST:PORT`: the private network's
/// onion tor as the source, compared with the same commands over files fetched from the
/// DirPorts. One `exits` run keeps the older spelling, `--control-port`, which scripts use.
@Suite(.enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"), .serialized)
struct ControlPortCLITests {
    static func port() throws -> String { "127.0.0.1:\(try PrivateNetworkControlPortTests.controlPort())" }

    @Test func exitsFromTheControlPortAgreeWithTheDirPortDocuments() async throws {
        let client = try PrivateNet.client()
        let descriptors = try await client.serverDescriptors()
        // Port 80: relay policies in the private network differ, so the answer is not everything.
        let allowing = Set(descriptors.filter { $0.exitPolicy?.canExit(port: 80) == true }.compactMap { $0.fingerprint?.hex })
        let run = try await FetchCLITests.run(["exits", "--control", try Self.port(), "--port", "80", "--format", "fingerprint"])
        #expect(run.status == 0, "\(run.stderr)")
        let listed = Set(run.stdout.split(separator: "\n").filter { $0.count == 40 }.map(String.init))
        #expect(listed == allowing)
        #expect(run.stdout.contains("policy source: server descriptor exit policy (exact)"))

        let addresses = try await FetchCLITests.run(["exits", "--control-port", try Self.port(), "--port", "80", "--ips"])
        #expect(addresses.status == 0, "\(addresses.stderr)")
        let expected = Set(descriptors.filter { allowing.contains($0.fingerprint?.hex ?? "") }
            .flatMap { [$0.address.description] + $0.orAddresses.map(\.address.description) })
        #expect(Set(addresses.stdout.split(separator: "\n").map(String.init)) == expected)
    }

    /// `tordesc watch` prints the next consensus the onion tor receives (the network votes
    /// every 10 s): its relays and exits as the event's entries count them, and the valid-after
    /// and signatures of the consensus the tor then holds, which the DirPorts serve too.
    @Test func watchPrintsTheNextConsensus() async throws {
        let run = try await FetchCLITests.run(["watch", "--control", try Self.port(), "--events", "consensus",
                                         "--count", "1", "--timeout", "120", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        #expect(object["event"] as? String == "consensus")
        let consensus = try await PrivateNet.client().consensus(flavor: .ns)
        #expect(object["relays"] as? Int == consensus.entries.count)
        let exits = consensus.entries.filter { $0.flags.contains(.exit) && !$0.flags.contains(.badExit) }.count
        #expect(object["exits"] as? Int == exits)
        #expect((object["signatures"] as? Int ?? 0) >= 2)
        let validAfter = try #require(object["valid_after"] as? String)
        #expect(TorTimestamp(parsing: validAfter) != nil, "\(validAfter)")

        let refused = try await FetchCLITests.run(["watch", "--events", "consensus"])
        #expect(refused.status == 2 && refused.stderr.contains("--control HOST:PORT or --control PATH"), "\(refused.stderr)")
    }

    @Test func relayAndSummaryFromTheControlPort() async throws {
        let consensus = try await PrivateNet.client().consensus(flavor: .ns)
        let relay = try #require(consensus.entries.first { $0.nickname.hasPrefix("relay") })
        let run = try await FetchCLITests.run(["relay", relay.nickname, "--control", try Self.port(), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["fingerprint"] as? String == relay.fingerprint.hex)
        // The onion tor downloads extra-info (DownloadExtraInfo): the relay's comes with its descriptor.
        #expect(object["server_descriptor"] is [String: Any] && object["extra_info"] is [String: Any], "\(run.stdout)")

        let summary = try await FetchCLITests.run(["summary", "--control", try Self.port(), "--json"])
        #expect(summary.status == 0, "\(summary.stderr)")
        let totals = try #require(try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any])
        #expect(totals["relays"] as? Int == consensus.entries.count, "\(summary.stdout.prefix(300))")
    }

    @Test func aClosedControlPortAndAWrongCookieAreClearErrors() async throws {
        let closed = try await FetchCLITests.run(["exits", "--control", "127.0.0.1:1"])
        #expect(closed.status == 1 && closed.stderr.contains("ControlPort 127.0.0.1:1"), "\(closed.stderr)")
        let cookie = FileManager.default.temporaryDirectory.appendingPathComponent("wrong-cookie-\(UUID().uuidString)")
        try Data(repeating: 7, count: 32).write(to: cookie)
        defer { try? FileManager.default.removeItem(at: cookie) }
        let wrong = try await FetchCLITests.run(["summary", "--control", try Self.port(), "--control-cookie", cookie.path])
        #expect(wrong.status == 1 && wrong.stderr.contains("authentication failed"), "\(wrong.stderr)")
    }
}
