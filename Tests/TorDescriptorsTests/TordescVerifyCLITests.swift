import Foundation
import Testing

/// `tordesc verify` end to end on bundled real documents.
@Suite struct TordescVerifyCLITests {
    static let consensus2012 = "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"
    static let certs2012 = "Resources/corpus/key-certs/2012-06-cached-certs"

    @Test("every bundled relay server descriptor verifies at its own time")
    func serverDescriptors() throws {
        let run = try TordescCLITests.run(["verify", "--at", "document", "Resources/corpus/server-descriptors"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("verified: 610 ok, 0 failed, 0 not verifiable"), "\(run.stderr)")
        #expect(run.stdout.contains("server-descriptor caerSidi A7569A83B5706AB1B1A9CB52EFF7D2D32E4553EB: ok"))
    }

    @Test("the 2012 consensus verifies with the authorities tor 0.2.2.37 pinned, and not with today's")
    func historicConsensus() throws {
        let ok = try TordescCLITests.run(["verify", "--certs", Self.certs2012, "--authorities",
                                          "Resources/directory/historic/tor-0.2.2.37.txt", "--at", "document", Self.consensus2012])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.contains("network-status-consensus valid-after 2012-06-18 21:00:00: ok"))
        // Today's nine authorities share only a few identities with 2012's, so no quorum.
        let today = try TordescCLITests.run(["verify", "--certs", Self.certs2012, "--authorities", "Resources/directory/v3-identities.txt",
                                             "--at", "document", Self.consensus2012])
        #expect(today.status == 1)
        #expect(today.stdout.contains("quorum: 5 of 9 needed"), "\(today.stdout)")
        #expect(today.stdout.contains("; authorities from Resources/directory/v3-identities.txt: 9 identities"), "\(today.stdout)")
        // Without --authorities the history picks 2012's eight by the consensus's valid-after.
        let byDate = try TordescCLITests.run(["verify", "--certs", Self.certs2012, "--at", "document", Self.consensus2012])
        #expect(byDate.status == 0, "\(byDate.stdout)")
        #expect(byDate.stdout.contains("ok (") && byDate.stdout.contains(
            "; authorities as of 2012-06-18 21:00:00: 8 identities, source Resources/directory/authority-history.txt"), "\(byDate.stdout)")
        // Checked now, the consensus and its certificates have long expired.
        let now = try TordescCLITests.run(["verify", "--certs", Self.certs2012, "--authorities",
                                           "Resources/directory/historic/tor-0.2.2.37.txt", Self.consensus2012])
        #expect(now.status == 1)
        #expect(now.stdout.contains("certificate expired"), "\(now.stdout)")
    }

    @Test("cropped consensuses fail the signature check: entries were removed after signing")
    func croppedConsensusFails() throws {
        let run = try TordescCLITests.run(["verify", "--certs", "Resources/corpus/key-certs/arti-authcert-all-2026", "--at", "document",
                                           "Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAILED: quorum"), "\(run.stdout)")
    }

    @Test("--json lists every check; microdescriptors are checked against a consensus's m lines")
    func jsonAndMicrodescriptors() throws {
        let run = try TordescCLITests.run(["verify", "--json", "--consensus",
                                           "Resources/corpus/microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live",
                                           "Resources/corpus/microdescs/2026-07-arti-live--d2d4"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == true)
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(checks.contains { $0["check"] as? String == "listed by consensus m line" && $0["outcome"] as? String == "passed" })
        #expect(checks.contains { $0["check"] as? String == "signature" && $0["outcome"] as? String == "not_applicable" })
    }

    @Test("usage errors exit 2 with a sentence")
    func usageErrors() throws {
        let badTime = try TordescCLITests.run(["verify", "--at", "yesterday", Self.consensus2012])
        #expect(badTime.status == 2)
        #expect(badTime.stderr.contains("--at wants now, document, or a UTC time"))
        let missing = try TordescCLITests.run(["verify", "no-such-file"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no-such-file"))
        let notConsensus = try TordescCLITests.run(["verify", "--consensus", "Resources/corpus/microdescs/2026-07-arti-live--d2d4", Self.consensus2012])
        #expect(notConsensus.status == 2)
        #expect(notConsensus.stderr.contains("--consensus wants"))
    }
}
