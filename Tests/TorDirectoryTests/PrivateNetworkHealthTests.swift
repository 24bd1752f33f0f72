import Foundation
import Testing
import TestSupport
import TorDescriptors

/// `tordesc health` live against the private network (scripts/test-private-network.sh): a
/// healthy network reports no errors; with auth0 stopped by its PID (SIGSTOP: the kernel accepts
/// the connection, nothing answers) the report names auth0 as unreachable and without a vote.
/// In PrivateNetworkTests (serialized) so that no test there stops auth0 while the healthy
/// report runs.
extension PrivateNetworkTests {
    static func healthRun(_ extra: [String]) async throws -> (status: Int32, findings: [[String: Any]]) {
        let authorities = PrivateNet.directory!.appendingPathComponent("authorities").path
        let run = try await FetchCLITests.run(["health", "--authorities", authorities, "--timeout", "3", "--json"] + extra)
        let findings = try run.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        return (run.status, findings)
    }

    static func nicknames(_ finding: [String: Any]) -> [String] {
        (finding["authorities"] as? [[String: Any]] ?? []).compactMap { $0["nickname"] as? String }
    }

    @Test("a healthy private network: no errors, every authority's vote present, exit 0")
    func healthReportIsClean() async throws {
        let (status, findings) = try await Self.healthRun([])
        #expect(status == 0)
        #expect(!findings.contains { $0["severity"] as? String == "error" }, "\(findings)")
        #expect(!findings.contains { ["missing-vote", "unreachable-authority"].contains($0["check"] as? String) }, "\(findings)")
    }

    @Test("auth0 stopped: missing-vote and unreachable-authority name it, and only it; --fail-on warning exits 1")
    func healthNamesStoppedAuthority() async throws {
        let pid = try #require(try PrivateNet.pids()["auth0"])
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGCONT) }
        let (status, findings) = try await Self.healthRun(["--fail-on", "warning"])
        #expect(status == 1)
        for check in ["missing-vote", "unreachable-authority"] {
            let named = findings.filter { $0["check"] as? String == check }.map(Self.nicknames)
            #expect(named == [["auth0"]], "\(check): \(named)")
        }
    }
}
