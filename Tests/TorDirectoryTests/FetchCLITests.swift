import Foundation
import Testing
import TestSupport

/// `tordesc fetch`, `verify` and `exits` end to end: against a dead loopback port always, and
/// against the private Tor network when scripts/test-private-network.sh runs the suite.
@Suite struct FetchCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    typealias Run = TordescProcess.Run
    static let executable = TordescProcess.executable(projectRoot: root)

    /// Runs tordesc off the cooperative pool (see ``TordescProcess/running(_:_:in:)``).
    static func run(_ arguments: [String]) async throws -> Run {
        guard let binary = executable else {
            Issue.record("tordesc is not built: run swift build first")
            return Run(status: -1, stdout: "", stderr: "")
        }
        return try await TordescProcess.running(binary, arguments, in: root)
    }

    @Test("an unreachable authority: exit 1 and a sentence listing the endpoint tried")
    func unreachableAuthority() async throws {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let run = try await Self.run(["fetch", "consensus", "--authority", "127.0.0.1:1", "--attempts", "1", "--quiet"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("127.0.0.1:1"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test("fetch both consensus flavors and the key certificates from the private network, verify them and list its exits",
          .enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"))
    func privateNetworkEndToEnd() async throws {
        let authorities = PrivateNet.directory!.appendingPathComponent("authorities").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let consensus = dir.appendingPathComponent("cached-consensus").path
        let micro = dir.appendingPathComponent("cached-microdesc-consensus").path
        let certs = dir.appendingPathComponent("cached-certs").path
        for (kind, path) in [("consensus", consensus), ("microdesc-consensus", micro), ("key-certificates", certs)] {
            let run = try await Self.run(["fetch", kind, "--authorities", authorities, "--quiet", "-o", path])
            #expect(run.status == 0, "\(kind): \(run.stderr)")
        }
        #expect(try String(contentsOfFile: micro, encoding: .utf8).hasPrefix("network-status-version 3 microdesc"))
        // Both flavors verify with that network's three authorities, and not with the public ones.
        // Checked at each consensus's own valid-after: this network's consensuses are valid for
        // 20 s only, and on a loaded machine the fetches above can outlast the first one (a CI
        // run saw the ns consensus expire 3 s before this line ran).
        let verified = try await Self.run(["verify", "--authorities", authorities, "--certs", certs, "--at", "document", consensus, micro])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stderr.contains("verified: 2 ok, 0 failed"), "\(verified.stderr)")
        let publicSet = try await Self.run(["verify", "--certs", certs, "--at", "document", consensus])
        #expect(publicSet.status == 1)
        #expect(publicSet.stdout.contains("unknown authority"), "\(publicSet.stdout)")
        // Its exits (its relays allow only port 80 and [::1], too little for the Exit flag, so
        // the list may be empty) and its totals: the 3 authorities and 3 relays the start script
        // waits for.
        let exits = try await Self.run(["exits", "--consensus", consensus, "--json"])
        #expect(exits.status == 0, "\(exits.stderr)")
        for line in exits.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((object["address"] as? String)?.hasPrefix("127.0.0.1") == true, "\(object)")
        }
        let summary = try await Self.run(["summary", "--json", consensus])
        #expect(summary.status == 0, "\(summary.stderr)")
        let totals = try #require(try JSONSerialization.jsonObject(with: Data((summary.stdout.split(separator: "\n").first ?? "").utf8)) as? [String: Any])
        #expect(totals["relays"] as? Int == 6, "\(totals)")
    }
}
