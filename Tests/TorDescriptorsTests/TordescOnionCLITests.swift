import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// `tordesc onion` run as a user would; expected values come from the library (whose keys and
/// ring are checked against tor's vectors and Stem in the Onion*Tests suites).
@Suite struct TordescOnionCLITests {
    static let address = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"
    static let consensus = "../shared/corpus/microdesc-consensus/2021-08-29-19-00-00-cached-microdesc-consensus"
    static let micros = "../shared/corpus/microdescs/2021-08-cached-microdescs.new"

    static func run(_ arguments: [String]) throws -> TordescCLITests.Run { try TordescCLITests.run(arguments) }

    @Test func keysOnlyAtATime() throws {
        let run = try Self.run(["onion", Self.address.uppercased(), "--hsdirs-only", "--at", "2016-04-13 11:15:01"])
        #expect(run.status == 0, "\(run.stderr)")
        let period = OnionTimePeriod(containing: TorTimestamp(parsing: "2016-04-13 11:15:01")!)
        let blinded = Base64.encode(try OnionAddress(Self.address).blindedKey(for: period), padded: false)
        #expect(run.stdout.contains("time period      16903 (1440 minutes) from 2016-04-12 12:00:00 to 2016-04-13 12:00:00"))
        #expect(run.stdout.contains("descriptor path  /tor/hs/3/\(blinded)\n"))
        #expect(blinded.count == 43)
    }

    @Test func aBadAddressIsExitCode2AndAnUnreachableDirectoryExitCode1() throws {
        var flipped = Array(Self.address.utf8)
        flipped[3] = flipped[3] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        let bad = try Self.run(["onion", String(decoding: flipped, as: UTF8.self), "--hsdirs-only"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("checksum"))
        // Fetching needs the directory first; an authority nobody listens for (port 1 on the
        // loopback) refuses at once, so the run fails without leaving the machine.
        let authorities = FileManager.default.temporaryDirectory.appendingPathComponent("onion-authorities-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: authorities) }
        try Data(("DirAuthority nobody orport=1 no-v2 v3ident=B490B1725ED1D406DB3C0ED55E4B6FD1B7D143B0 "
                  + "127.0.0.1:1 9E6ECFC4F0CAA8C2504E8D6B2773E7E0662CD655\n").utf8).write(to: authorities)
        let fetch = try Self.run(["onion", Self.address, "--authorities", authorities.path, "--timeout", "5"])
        #expect(fetch.status == 1)
        #expect(fetch.stderr.contains("could not fetch a verified microdesc consensus"), "\(fetch.stderr)")
    }

    @Test(.enabled(if: ProjectFiles.hasSharedCorpus, "needs ../shared/corpus"))
    func hsdirsFromAConsensusAsJSON() throws {
        let run = try Self.run(["onion", Self.address, "--consensus", Self.consensus, "--microdescriptors", Self.micros, "--hsdirs-only", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let consensus = try NetworkStatusConsensus(parsing: ProjectFiles.shared("microdesc-consensus/2021-08-29-19-00-00-cached-microdesc-consensus"))
        let micros = Microdescriptor.parseAll(try ProjectFiles.shared("microdescs/2021-08-cached-microdescs.new")[...]).compactMap { try? $0.get() }
        let ring = OnionHashRing(consensus: consensus, ed25519Identities: OnionHashRing.ed25519Identities(consensus: consensus, microdescriptors: micros))
        let expected = ring.responsibleHSDirs(blindedKey: try OnionAddress(Self.address).blindedKey(for: ring.period))
        let hsdirs = try #require(object["hsdirs"] as? [[String: Any]])
        #expect(hsdirs.map { $0["fingerprint"] as? String } == expected.map { $0.fingerprint.hex })
        #expect(hsdirs.count == 6)
        #expect(object["ring_size"] as? Int == ring.members.count)
        #expect((object["shared_random"] as? [String: Any])?["source"] as? String == "current")
    }
}
