import Foundation
import Testing

/// `tordesc exits`, `relay` and `summary` run as a user would, on bundled corpus files. Expected
/// numbers were checked with Stem 1.8.2 on the same files (and against the file text where noted).
@Suite struct TordescExitsCLITests {
    static let consensus2012 = "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"
    static let descriptors2020 = "Resources/corpus/server-descriptors/2020-02-29-10-05-00-server-descriptors"

    static func run(_ arguments: [String]) throws -> TordescCLITests.Run { try TordescCLITests.run(arguments) }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    // MARK: exits

    @Test("exits lists the 875 Exit-flagged relays of the 2012 consensus that are not BadExit (887 with it), highest weight first")
    func exitsText() throws {
        let run = try Self.run(["exits", "--consensus", Self.consensus2012])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // Header, 875 rows, a blank line, the summary line (and the final newline).
        #expect(lines.first?.hasPrefix("NICKNAME") == true)
        #expect(lines.first?.contains("FINGERPRINT") == true && lines.first?.contains("BANDWIDTH") == true)
        #expect(lines.count == 1 + 875 + 2 + 1)
        // Stem: the Exit entry with the highest w Bandwidth is chaoscomputerclub20 (344000).
        #expect(lines[1].hasPrefix("chaoscomputerclub20  CFA48FC3E843DFF01AA026EC77010AB57E8C2FF0  31.172.30.3:443"))
        #expect(lines[1].contains("344,000"))
        #expect(lines[2].hasPrefix("chaoscomputerclub18"))
        #expect(run.stdout.contains("875 exit relays of 2,993 relays; policy source: Exit flag; 12 BadExit relays left out (--include-bad-exits lists them)"))
        let withBad = try Self.run(["exits", "--include-bad-exits", "--consensus", Self.consensus2012])
        #expect(withBad.stdout.contains("887 exit relays of 2,993 relays; policy source: Exit flag; 12 of them flagged BadExit"))
        // No colour codes when stdout is not a terminal.
        #expect(!run.stdout.contains("\u{1B}["))
    }

    @Test("exits --port 443 --json: 907 relays (Stem: 919 p lines allow 443, 12 of them BadExit), each with its p line and the policy source")
    func exitsJSON() throws {
        let run = try Self.run(["exits", "--port", "443", "--consensus", Self.consensus2012, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let objects = try Self.jsonLines(run.stdout)
        #expect(objects.count == 907)
        let first = try #require(objects.first)
        #expect(first["nickname"] as? String == "chaoscomputerclub20")
        #expect(first["bandwidth"] as? Int == 344000)
        #expect(first["policy_source"] as? String == "consensus-p-line")
        #expect((first["exit_policy"] as? String)?.hasPrefix("accept 22,43,53,79-81,88,443,") == true)
        #expect((first["flags"] as? [String])?.contains("Exit") == true)
        // Relays whose p line allows 443 without the Exit flag are listed (a client would use them).
        #expect(objects.contains { ($0["flags"] as? [String])?.contains("Exit") == false })
        #expect(!objects.contains { ($0["flags"] as? [String])?.contains("BadExit") == true })
        // Sorted by bandwidth, descending.
        let weights = objects.compactMap { $0["bandwidth"] as? Int }
        #expect(weights == weights.sorted(by: >))
    }

    @Test("exits --port 22, --flag guard (Stem: 763 p lines allow 22, 10 of them BadExit; 214 Exit relays are guards, 3 of them BadExit)")
    func exitsFlagAndPort() throws {
        let port22 = try Self.run(["exits", "--port", "22", "--consensus", Self.consensus2012, "--json"])
        #expect(try Self.jsonLines(port22.stdout).count == 753)
        let guards = try Self.run(["exits", "--flag", "guard", "--consensus", Self.consensus2012, "--json"])
        let objects = try Self.jsonLines(guards.stdout)
        #expect(objects.count == 211)
        #expect(objects.allSatisfy { ($0["flags"] as? [String])?.contains("Guard") == true })
    }

    @Test("exits --format picks columns; an unknown column is a usage error")
    func exitsFormat() throws {
        let run = try Self.run(["exits", "--format", "nickname,bandwidth", "--consensus", Self.consensus2012])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true) == ["NICKNAME", "BANDWIDTH"])
        #expect(lines[1].split(separator: " ", omittingEmptySubsequences: true) == ["chaoscomputerclub20", "344,000"])
        let bad = try Self.run(["exits", "--format", "nickname,colour", "--consensus", Self.consensus2012])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("unknown column 'colour'"))
    }

    @Test("exits from server descriptors uses the exact policy (Stem: 88 exits, 75 allow 1.2.3.4:443, 76 some address on 443)")
    func exitsDescriptors() throws {
        let all = try Self.run(["exits", "--descriptors", Self.descriptors2020, "--json"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(try Self.jsonLines(all.stdout).count == 88)
        let toAddress = try Self.run(["exits", "--port", "443", "--address", "1.2.3.4", "--descriptors", Self.descriptors2020, "--json"])
        let objects = try Self.jsonLines(toAddress.stdout)
        #expect(objects.count == 75)
        #expect(objects.allSatisfy { $0["policy_source"] as? String == "server-descriptor" && $0["bandwidth_unit"] as? String == "bytes/s" })
        let anyAddress = try Self.run(["exits", "--port", "443", "--descriptors", Self.descriptors2020])
        #expect(anyAddress.stdout.contains("76 exit relays allowing port 443 of 576 relays; policy source: server descriptor exit policy (exact)"))
        // IPv6: the full policy must allow [2001:db8::1]:443 and the ipv6-policy port 443
        // (Stem: exit_policy.can_exit_to('2001:db8::1', 443) and exit_policy_v6.can_exit_to(port=443): 14).
        let v6 = try Self.run(["exits", "--port", "443", "--address", "2001:db8::1", "--descriptors", Self.descriptors2020, "--json"])
        #expect(try Self.jsonLines(v6.stdout).count == 14)
    }

    static let microConsensus2026 = "Resources/corpus/microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live"
    static let micros2026 = ["Akka", "Ukko", "d2d4", "lisdex", "moria1"].map { "Resources/corpus/microdescs/2026-07-arti-live--" + $0 }

    @Test("exits joins a microdesc consensus with its microdescriptors by m digest (d2d4 is the only exit; its p allows 443, not 25)")
    func exitsMicrodescriptors() throws {
        let run = try Self.run(["exits", "--port", "443", "--consensus", Self.microConsensus2026, "--microdescriptors"] + Self.micros2026 + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let objects = try Self.jsonLines(run.stdout)
        #expect(objects.count == 1)
        #expect(objects.first?["nickname"] as? String == "d2d4")
        #expect(objects.first?["policy_source"] as? String == "microdescriptor")
        #expect(objects.first?["microdescriptor_digest"] as? String == "mSR+4lUpkjOhKMUQWHdxwJQOQYPb0J1dmWsyw48+Bt0")
        let port25 = try Self.run(["exits", "--port", "25", "--consensus", Self.microConsensus2026, "--microdescriptors"] + Self.micros2026)
        #expect(port25.status == 0)
        #expect(port25.stdout.contains("0 exit relays allowing port 25 of 5 relays; policy source: microdescriptor p/p6 summaries"))
    }

    @Test("exits errors: no input, wrong file type, missing file, microdesc consensus without microdescriptors, bad port")
    func exitsErrors() throws {
        // No file: the live consensus is fetched, here from a dead loopback port (tests never
        // reach the public authorities), and the failure says what to do instead.
        let authorities = FileManager.default.temporaryDirectory.appendingPathComponent("dead-authority-\(UUID().uuidString)")
        // SYNTHETIC: one torrc DirAuthority line pointing at a port nothing listens on.
        try Data("DirAuthority dead orport=1 no-v2 v3ident=0123456789ABCDEF0123456789ABCDEF01234567 127.0.0.1:1 0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567\n".utf8).write(to: authorities)
        defer { try? FileManager.default.removeItem(at: authorities) }
        let none = try Self.run(["exits", "--authorities", authorities.path])
        #expect(none.status == 2)
        #expect(none.stderr.contains("127.0.0.1:1"), "\(none.stderr)")
        #expect(none.stderr.contains("name a file instead"), "\(none.stderr)")
        let wrongType = try Self.run(["exits", "--consensus", "Resources/corpus/server-descriptors/stem--example_descriptor"])
        #expect(wrongType.status == 2)
        #expect(wrongType.stderr.contains("stem--example_descriptor is a server descriptor file; --consensus wants a consensus"))
        let missing = try Self.run(["exits", "--consensus", "Resources/corpus/consensus/no-such-file"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file: Resources/corpus/consensus/no-such-file"))
        let micro = try Self.run(["exits", "--port", "443", "--consensus", "Resources/corpus/microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus"])
        #expect(micro.status == 2)
        #expect(micro.stderr.contains("add --microdescriptors FILE"))
        let port = try Self.run(["exits", "--port", "70000", "--consensus", Self.consensus2012])
        #expect(port.status == 2)
        #expect(port.stderr.contains("ports are 1 to 65535"))
        let flag = try Self.run(["exits", "--flag", "Gaurd", "--consensus", Self.consensus2012])
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("--flag Gaurd: this consensus has no such flag"))
    }

    @Test("exits --help shows examples")
    func exitsHelp() throws {
        let run = try Self.run(["exits", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Examples:"))
        #expect(run.stdout.contains("tordesc exits --port 443 --consensus"))
        // The help is wrapped to the terminal's width: compare with the line breaks as spaces.
        let help = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("every relay whose exit policy allows it is listed, with or without the Exit flag"))
        #expect(help.contains("Relays flagged BadExit are left out"))
        #expect(help.contains("--include-bad-exits"))
    }

    // MARK: relay

    @Test("relay moria1 (any case) and by spaced $fingerprint: the consensus entry's values from the file text")
    func relayByNicknameAndFingerprint() throws {
        let byName = try Self.run(["relay", "MORIA1", "--consensus", Self.consensus2012])
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(byName.stdout.hasPrefix("relay moria1 9695DFC35FFEB861329B9F1AB04C46397020CE31"))
        // r moria1 lpXfw1/+uGEym58asExGOXAgzjE ... 128.31.0.34 9101 9131; v Tor 0.2.3.17-beta; w Bandwidth=512
        #expect(byName.stdout.contains("128.31.0.34"))
        #expect(byName.stdout.contains("Tor 0.2.3.17-beta"))
        #expect(byName.stdout.contains("Authority, Fast, Guard, HSDir, Named, Running, Stable, V2Dir, Valid"))
        #expect(byName.stdout.contains("server descriptor: not in the given files"))

        let byPrint = try Self.run(["relay", "$9695 DFC3 5FFE B861 329B 9F1A B04C 4639 7020 CE31", "--consensus", Self.consensus2012, "--json"])
        #expect(byPrint.status == 0)
        let object = try #require(try Self.jsonLines(byPrint.stdout).first)
        let entry = try #require(object["consensus"] as? [String: Any])
        #expect(entry["nickname"] as? String == "moria1")
        #expect(entry["or_port"] as? Int == 9101)
        #expect(entry["dir_port"] as? Int == 9131)
        #expect(entry["bandwidth"] as? Int == 512)
        #expect(entry["exit_policy"] as? String == "reject 1-65535")
        #expect(object["server_descriptor"] is NSNull)
    }

    @Test("relay from a server descriptor: Stem's values for caerSidi")
    func relayDescriptor() throws {
        let run = try Self.run(["relay", "caersidi", "--descriptors", "Resources/corpus/server-descriptors/stem--example_descriptor", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try Self.jsonLines(run.stdout).first)
        #expect(object["fingerprint"] as? String == "A7569A83B5706AB1B1A9CB52EFF7D2D32E4553EB")
        let descriptor = try #require(object["server_descriptor"] as? [String: Any])
        #expect(descriptor["published"] as? String == "2012-03-01 17:15:27")
        #expect(descriptor["exit_policy"] as? String == "reject *:*")
    }

    @Test("relay d2d4 from a microdesc consensus, its microdescriptor and its server descriptor")
    func relayAllSources() throws {
        let run = try Self.run(["relay", "d2d4", "--consensus", Self.microConsensus2026, "--microdescriptors"] + Self.micros2026
                               + ["--descriptors", "Resources/corpus/server-descriptors/2026-07-arti-live--d2d4", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try Self.jsonLines(run.stdout).first)
        let entry = try #require(object["consensus"] as? [String: Any])
        let micro = try #require(object["microdescriptor"] as? [String: Any])
        let descriptor = try #require(object["server_descriptor"] as? [String: Any])
        #expect(entry["microdescriptor_digest"] as? String == "mSR+4lUpkjOhKMUQWHdxwJQOQYPb0J1dmWsyw48+Bt0")
        #expect(micro["digest"] as? String == "mSR+4lUpkjOhKMUQWHdxwJQOQYPb0J1dmWsyw48+Bt0")
        #expect(descriptor["nickname"] as? String == "d2d4")
        #expect(descriptor["fingerprint"] as? String == object["fingerprint"] as? String)
    }

    @Test("relay shows BadExit on its own line and in JSON (HumaniTOR is BadExit in 2012; moria1 is not)")
    func relayBadExit() throws {
        let bad = try Self.run(["relay", "HumaniTOR", "--consensus", Self.consensus2012])
        #expect(bad.status == 0, "\(bad.stderr)")
        #expect(bad.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("BadExit: ") == true)
        let badJSON = try #require(try Self.jsonLines(Self.run(["relay", "HumaniTOR", "--consensus", Self.consensus2012, "--json"]).stdout).first)
        #expect(badJSON["bad_exit"] as? Bool == true)
        let good = try Self.run(["relay", "moria1", "--consensus", Self.consensus2012])
        #expect(!good.stdout.contains("BadExit"))
        let goodJSON = try #require(try Self.jsonLines(Self.run(["relay", "moria1", "--consensus", Self.consensus2012, "--json"]).stdout).first)
        #expect(goodJSON["bad_exit"] as? Bool == false)
    }

    @Test("relay with no match exits 1 and says so")
    func relayMissing() throws {
        let run = try Self.run(["relay", "nosuchrelayname", "--consensus", Self.consensus2012])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no relay matches 'nosuchrelayname'"))
    }

    // MARK: summary

    @Test("summary of the 2012 consensus: totals checked with Stem")
    func summaryJSON() throws {
        let run = try Self.run(["summary", "--json", Self.consensus2012])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try Self.jsonLines(run.stdout).first)
        #expect(object["relays"] as? Int == 2993)
        #expect(object["exits"] as? Int == 887)
        #expect(object["guards"] as? Int == 837)
        #expect(object["fast"] as? Int == 2633)
        #expect(object["stable"] as? Int == 1756)
        #expect(object["hsdir"] as? Int == 1136)
        #expect(object["bandwidth"] as? Int == 8424352)
        let flags = try #require(object["flags"] as? [String: [String: Int]])
        #expect(flags["Exit"]?["bandwidth"] == 3834195)
        #expect(flags["Guard"]?["bandwidth"] == 5431875)
        #expect(flags["BadExit"]?["relays"] == 30)
        #expect(object["bad_exits"] as? Int == 30)
        let versions = try #require(object["versions"] as? [String: Int])
        #expect(versions["Tor 0.2.2.35"] == 1644)
        #expect(object["valid_after"] as? String == "2012-06-18 21:00:00")
        #expect(object["consensus_method"] as? Int == 12)
        #expect((object["params"] as? [String: Int]) == ["CircuitPriorityHalflifeMsec": 30000, "bwauthpid": 1])
    }

    @Test("summary text: flag table, versions, and the 2026 consensus's shared-random values and protocols")
    func summaryText() throws {
        let run = try Self.run(["summary", Self.consensus2012])
        #expect(run.status == 0)
        #expect(run.stdout.contains("relays       2,993, total weight 8,424,352"))
        #expect(run.stdout.contains("bad exits    30 relays flagged BadExit (clients never exit through them)"))
        #expect(run.stdout.contains("Tor 0.2.2.35"))
        let live = try Self.run(["summary", "Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"])
        #expect(live.status == 0)
        // shared-rand-current-value 9 zwbAmnMGie00x5rmWGk+lP2rTXK2n0OmkF/1Ih4LcAI= in the file.
        #expect(live.stdout.contains("zwbAmnMGie00x5rmWGk+lP2rTXK2n0OmkF/1Ih4LcAI= (9 reveals)"))
        #expect(live.stdout.contains("protocol support"))
        let wrong = try Self.run(["summary", "Resources/corpus/microdescs/stem--cached-microdescs"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("is a microdescriptor file; summary wants a consensus"))
    }
}
