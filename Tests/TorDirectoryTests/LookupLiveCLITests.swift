import Foundation
import Testing
import TorDescriptors

/// `tordesc lookup ADDRESS` with no --at and no files: the moment and the answer come from the
/// private network's live consensus (fetched and verified over the authorities' ORPorts).
@Suite struct LookupLiveCLITests {
    @Test("lookup without --at answers from the live consensus: every router of the private network is on 127.0.0.1",
          .enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"))
    func lookupDefaultsToTheLiveConsensus() async throws {
        let authorities = PrivateNet.directory!.appendingPathComponent("authorities").path
        let found = try await FetchCLITests.run(["lookup", "127.0.0.1", "--authorities", authorities, "--json"])
        #expect(found.status == 0, "\(found.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any], "\(found.stdout)")
        #expect(answer["consensuses_in_window"] as? Int == 1 && answer["relay"] as? Bool == true)
        let relays = try #require(answer["relays"] as? [[String: Any]])
        #expect(relays.count == 6, "the 3 authorities and 3 relays: \(relays.map { $0["nicknames"] ?? "" })")
        // The moment is the consensus's valid-after: every listing is at exactly that time.
        let at = try #require(answer["at"] as? String)
        #expect((answer["consensus_matches"] as? [[String: Any]])?.allSatisfy { $0["valid_after"] as? String == at } == true)
        let nobody = try await FetchCLITests.run(["lookup", "192.0.2.1", "--authorities", authorities])
        #expect(nobody.status == 1 && nobody.stdout.contains("not a Tor relay in any of 1 consensuses"), "\(nobody.stdout)")
    }
}
