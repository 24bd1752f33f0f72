import Foundation
import Testing
@testable import TorDescriptors

/// ``ConsensusHealth``'s findings on real votes and consensuses: the 2018-10-15 00:00 period
/// (four of nine votes, the consensus) and the Shadow testnet's four votes. Expected findings are
/// computed from the documents themselves; where a check needs a fault the real data lacks, the
/// real bytes are changed in one named place (a removed signature or commit line, a changed
/// value) or a synthetic HTTP `Date` observation is made, and the test says so.
@Suite struct ConsensusHealthTests {
    static func votes(_ paths: [String]) throws -> [NetworkStatusVote] {
        try paths.flatMap { path in try NetworkStatusVote.parseAll(try bytes(path)[...]).map { try $0.get() } }
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static let consensus2018 = ProjectFiles.root.path + "/Resources/corpus/consensus/cropped--metrics-web--2018-10-15-00-00-00-consensus.part"

    static func period2018() throws -> (votes: [NetworkStatusVote], consensus: NetworkStatusConsensus) {
        (try votes(ConsensusHealthStemTests.period2018), try NetworkStatusConsensus(parsing: try bytes(consensus2018)))
    }

    /// `text` with exactly one occurrence of `old` replaced (the test fails if there is not exactly one).
    static func replacingOnce(_ old: String, with new: String, in bytes: [UInt8]) throws -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: old)
        try #require(parts.count == 2, "expected one '\(old.prefix(60))'")
        return Array(parts.joined(separator: new).utf8)
    }

    @Test("2018-10-15 00:00: every dir-source without a vote is a missing vote, and four of nine is no quorum")
    func missingVotes() throws {
        let (votes, consensus) = try Self.period2018()
        let report = ConsensusHealth(votes: votes, consensus: consensus).run(at: try #require(consensus.header.validAfter))
        let voters = Set(votes.compactMap { ConsensusHealth.author(of: $0)?.identity })
        let expected = Set(consensus.header.authorities.filter { !$0.isLegacy && !voters.contains($0.identity) }.map(\.identity))
        #expect(expected.count == 5)
        let missing = report.findings.filter { $0.check == .missingVote }
        #expect(Set(missing.flatMap(\.authorities).map(\.identity)) == expected)
        #expect(missing.allSatisfy { $0.severity == .warning && $0.authorities.count == 1 })
        let quorum = report.findings.filter { $0.check == .voteQuorum }
        #expect(quorum.count == (voters.count * 2 <= consensus.header.authorities.count ? 1 : 0))
        #expect(report.worstSeverity == .error)
        #expect(report.findings.first?.severity == .error, "errors come first")
        // Every dir-source signed this consensus, and it is fresh at its own valid-after.
        #expect(!report.findings.contains { [.missingSignature, .signatureQuorum, .consensusFreshness].contains($0.check) })
    }

    @Test("the known-flags disagreement names the authorities outside the largest group")
    func knownFlags() throws {
        let (votes, consensus) = try Self.period2018()
        let report = ConsensusHealth(votes: votes, consensus: consensus).run(at: try #require(consensus.header.validAfter))
        // Groups in order of first appearance; the largest (the first on a tie) is the reference.
        var groups: [(flags: [String], members: [String])] = []
        for vote in votes {
            let name = ConsensusHealth.author(of: vote)!.nickname
            if let index = groups.firstIndex(where: { $0.flags == vote.header.knownFlags }) { groups[index].members.append(name) } else { groups.append((vote.header.knownFlags, [name])) }
        }
        let findings = report.findings.filter { $0.check == .knownFlags }
        #expect(findings.count == (groups.count > 1 ? 1 : 0))
        #expect(groups.count == 2, "this period's votes do disagree on BadExit")
        let largest = groups.reduce(groups[0]) { $1.members.count > $0.members.count ? $1 : $0 }.members
        #expect(Set(findings.first?.authorities.map(\.nickname) ?? []) == Set(votes.map { ConsensusHealth.author(of: $0)!.nickname }).subtracting(largest))
    }

    @Test("freshness: nothing at valid-after, a warning after fresh-until, errors before valid-after and after valid-until")
    func freshness() throws {
        let (votes, consensus) = try Self.period2018()
        let header = consensus.header
        let health = ConsensusHealth(votes: votes, consensus: consensus)
        func severity(_ time: TorTimestamp) -> HealthSeverity? {
            health.run(at: time).findings.first { $0.check == .consensusFreshness }?.severity
        }
        let validAfter = try #require(header.validAfter), freshUntil = try #require(header.freshUntil), validUntil = try #require(header.validUntil)
        #expect(severity(validAfter) == nil)
        #expect(severity(freshUntil) == nil)
        #expect(severity(TorTimestamp(secondsSince1970: freshUntil.secondsSince1970 + 1)) == .warning)
        #expect(severity(TorTimestamp(secondsSince1970: validUntil.secondsSince1970 + 1)) == .error)
        #expect(severity(TorTimestamp(secondsSince1970: validAfter.secondsSince1970 - 1)) == .error)
    }

    @Test("a consensus with one signature removed (real bytes, one block cut) names that authority")
    func missingSignature() throws {
        let (votes, original) = try Self.period2018()
        let last = try #require(original.footer.signatures.last)
        var text = String(decoding: try Self.bytes(Self.consensus2018), as: UTF8.self)
        let start = try #require(text.range(of: "directory-signature \(last.identity.hex)"))
        let end = try #require(text.range(of: "-----END SIGNATURE-----\n", range: start.upperBound..<text.endIndex))
        text.removeSubrange(start.lowerBound..<end.upperBound)
        let consensus = try NetworkStatusConsensus(parsing: Array(text.utf8))
        #expect(consensus.footer.signatures.count == original.footer.signatures.count - 1)
        let report = ConsensusHealth(votes: votes, consensus: consensus).run(at: try #require(consensus.header.validAfter))
        let missing = report.findings.filter { $0.check == .missingSignature }
        #expect(missing.map { $0.authorities.map(\.identity) } == [[last.identity]])
        #expect(!report.findings.contains { $0.check == .signatureQuorum })
    }

    @Test("certificate expiry: a warning inside the window, an error once expired, from the votes' own certificates")
    func certificateExpiry() throws {
        let (votes, consensus) = try Self.period2018()
        let soonest = try #require(votes.compactMap { vote in vote.keyCertificate?.expires.map { (vote, $0) } }.min { $0.1 < $1.1 })
        let author = try #require(ConsensusHealth.author(of: soonest.0))
        let health = ConsensusHealth(votes: votes, consensus: consensus)
        let before = health.run(at: TorTimestamp(secondsSince1970: soonest.1.secondsSince1970 - 2 * 86_400))
        let warned = before.findings.filter { $0.check == .certificateExpiry }
        #expect(warned.map(\.authorities) == [[author]])
        #expect(warned.first?.severity == .warning)
        let after = health.run(at: TorTimestamp(secondsSince1970: soonest.1.secondsSince1970 + 1))
        #expect(after.findings.contains { $0.check == .certificateExpiry && $0.severity == .error && $0.authorities == [author] })
        #expect(!health.run(at: try #require(consensus.header.validAfter)).findings.contains { $0.check == .certificateExpiry })
    }

    /// Synthetic: the HTTP `Date` values are made up (a skewed authority cannot be started on
    /// the private network); the vote is real.
    @Test("clock skew (synthetic HTTP Date observations): beyond the tolerance only, with its sign")
    func clockSkew() throws {
        let (votes, consensus) = try Self.period2018()
        let author = try #require(ConsensusHealth.author(of: votes[0]))
        let local = try #require(consensus.header.validAfter)
        func observation(_ offset: Int64) -> ConsensusHealth.ClockObservation {
            .init(authority: author, httpDate: TorTimestamp(secondsSince1970: local.secondsSince1970 + offset), localTime: local)
        }
        let health = ConsensusHealth(votes: votes, consensus: consensus, clockObservations: [observation(120), observation(-90), observation(30)])
        let skews = health.run(at: local).findings.filter { $0.check == .clockSkew }
        #expect(skews.count == 2)
        #expect(skews.contains { $0.message.contains("120 s ahead") && $0.evidence.contains(KeyValueText(key: "skew-seconds", value: "120")) })
        #expect(skews.contains { $0.message.contains("90 s behind") })
    }

    @Test("a vote published five minutes after the others (real vote, published line changed) is flagged")
    func votePublished() throws {
        var paths = ConsensusHealthStemTests.period2018
        var votes = try Self.votes(paths)
        let changed = try Self.replacingOnce("published 2018-10-14 23:50:00", with: "published 2018-10-14 23:55:00", in: try Self.bytes(paths.removeLast()))
        votes[3] = try NetworkStatusVote(parsing: changed)
        let findings = ConsensusHealth(votes: votes).run(at: try #require(votes[0].header.validAfter)).findings.filter { $0.check == .votePublished }
        #expect(findings.map(\.authorities) == [[try #require(ConsensusHealth.author(of: votes[3]))]])
        #expect(ConsensusHealth(votes: try Self.votes(ConsensusHealthStemTests.period2018)).run(at: try #require(votes[0].header.validAfter))
            .findings.allSatisfy { $0.check != .votePublished })
    }

    @Test("shared randomness: a participant without its own commit, and an SRV that differs (real votes, one line changed)")
    func sharedRandom() throws {
        let testnet = try Self.bytes(ConsensusHealthStemTests.testnet[0])
        let healthy = ConsensusHealth(votes: try NetworkStatusVote.parseAll(testnet[...]).map { try $0.get() }).run(at: TorTimestamp(secondsSince1970: 0))
        #expect(!healthy.findings.contains { $0.check.rawValue.hasPrefix("shared-random") })
        // test000a's vote (the second in the file) without its own commit line.
        let own = "shared-rand-commit 1 sha3-256 D190BF3B00E311A9AEB6D62B51980E9B2109BAD1 AAAAADhtQ5QF9rALY0/QWf3YnNzLnqt8q4Eae5OWzNbTi6n+bgWuCQ==\n"
        let text = String(decoding: testnet, as: UTF8.self)
        let second = try #require(text.range(of: "dir-source test000a"))
        let line = try #require(text.range(of: own, range: second.upperBound..<text.endIndex))
        let cut = Array(text.replacingCharacters(in: line, with: "").utf8)
        let report = ConsensusHealth(votes: try NetworkStatusVote.parseAll(cut[...]).map { try $0.get() }).run(at: TorTimestamp(secondsSince1970: 0))
        #expect(report.findings.filter { $0.check == .sharedRandomCommit }.map { $0.authorities.map(\.nickname) } == [["test000a"]])

        var (votes, consensus) = try Self.period2018()
        let srv = "shared-rand-current-value 9 oiXRUZGkT26O9aQmu/A52utoBF3gp27h0TvJ4gkDHkw="
        votes[1] = try NetworkStatusVote(parsing: try Self.replacingOnce(srv, with: "shared-rand-current-value 9 AAXRUZGkT26O9aQmu/A52utoBF3gp27h0TvJ4gkDHkw=",
                                                                              in: try Self.bytes(ConsensusHealthStemTests.period2018[1])))
        let srvFindings = ConsensusHealth(votes: votes, consensus: consensus).run(at: try #require(consensus.header.validAfter))
            .findings.filter { $0.check == .sharedRandomValue }
        #expect(srvFindings.map { $0.authorities.map(\.nickname) } == [["bastet"]])
    }

    @Test("bandwidth authorities below the measured share are named; authorities measuring nothing are not bandwidth authorities")
    func bandwidthMeasurements() throws {
        let (votes, consensus) = try Self.period2018()
        var options = ConsensusHealth.Options()
        options.measuredShareThreshold = 0.97
        let report = ConsensusHealth(votes: votes, consensus: consensus, options: options).run(at: try #require(consensus.header.validAfter))
        let expected = report.comparison.authorities.filter { $0.measuredCount > 0 && Double($0.measuredCount) / Double($0.relayCount) < 0.97 }.map(\.authority)
        #expect(!expected.isEmpty, "gabelmoo measured 19 of 20 relays in this period")
        #expect(report.findings.filter { $0.check == .bandwidthMeasurements }.map(\.authorities) == expected.map { [$0] })
        #expect(report.comparison.authorities.contains { $0.measuredCount == 0 })
    }

    @Test("votes for another period than the consensus are flagged (testnet votes against its older cached consensus)")
    func otherPeriod() throws {
        let testnet = try Self.votes(ConsensusHealthStemTests.testnet)
        let (_, consensus) = try Self.period2018()
        let report = ConsensusHealth(votes: testnet, consensus: consensus).run(at: try #require(consensus.header.validAfter))
        #expect(report.findings.filter { $0.check == .voteForOtherPeriod }.count == testnet.count)
    }

    @Test("every finding serializes to one JSON object with the check's stable name")
    func json() throws {
        let (votes, consensus) = try Self.period2018()
        for finding in ConsensusHealth(votes: votes, consensus: consensus).run(at: try #require(consensus.header.validAfter)).findings {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(finding.json.serialized().utf8)) as? [String: Any])
            #expect(object["check"] as? String == finding.check.rawValue)
            #expect(object["severity"] as? String == finding.severity.rawValue)
            #expect((object["authorities"] as? [Any])?.count == finding.authorities.count)
        }
    }

    /// Synthetic: the request times and failure are made up (the private-network test in
    /// TorDirectoryTests measures real ones); the authorities are the 2018 voters.
    @Test("live timings (synthetic): a failed request is unreachable, one far above the median is slow, two answers give no median")
    func fetches() throws {
        let (votes, _) = try Self.period2018()
        let authors = votes.compactMap(ConsensusHealth.author(of:))
        let path = "/tor/status-vote/current/authority"
        func fetch(_ index: Int, _ seconds: Double, _ failure: String? = nil) -> ConsensusHealth.AuthorityFetch {
            .init(authority: authors[index], request: path, seconds: seconds, failure: failure)
        }
        let report = ConsensusHealth(votes: votes, fetches: [fetch(0, 0.4), fetch(1, 0.5), fetch(2, 6.0), fetch(3, 3.0, "request deadline exceeded")])
            .run(at: try #require(votes[0].header.validAfter))
        #expect(report.findings.filter { $0.check == .slowAuthority }.map(\.authorities) == [[authors[2]]])
        #expect(report.findings.filter { $0.check == .unreachableAuthority }.map(\.authorities) == [[authors[3]]])
        let two = ConsensusHealth(votes: votes, fetches: [fetch(0, 0.1), fetch(1, 9.0)]).run(at: try #require(votes[0].header.validAfter))
        #expect(!two.findings.contains { $0.check == .slowAuthority })
    }

    /// Made-up extremes a caller could pass, and a real vote changed to repeat a known flag and
    /// a relay entry: the checks must neither trap nor count the repeated relay twice.
    @Test("repeated known-flags and relay entries, extreme times and non-finite timings: no trap, one opinion per relay")
    func hostileValues() throws {
        let path = ConsensusHealthStemTests.period2018[0]
        let original = try NetworkStatusVote(parsing: try Self.bytes(path))
        var text = String(decoding: try Self.bytes(path), as: UTF8.self)
        let flagsLine = "known-flags " + original.header.knownFlags.joined(separator: " ")
        text = String(decoding: try Self.replacingOnce(flagsLine + "\n", with: flagsLine + " Exit\n", in: Array(text.utf8)), as: UTF8.self)
        let starts = text.ranges(of: "\nr ").map(\.lowerBound)
        try #require(starts.count >= 2)
        let firstEntry = String(text[text.index(after: starts[0])..<text.index(after: starts[1])])
        text.insert(contentsOf: firstEntry, at: text.index(after: starts[1]))
        let vote = try NetworkStatusVote(parsing: Array(text.utf8))
        #expect(vote.entries.count == original.entries.count + 1)
        let author = try #require(ConsensusHealth.author(of: vote))
        var options = ConsensusHealth.Options()
        options.certificateWarningDays = Int.max
        let health = ConsensusHealth(votes: [vote], clockObservations: [
            // ±10^15 s (some 30 million years): TorTimestamp's description traps at Int64's
            // extremes (not this module's code), which the difference helper is tested with below.
            .init(authority: author, httpDate: TorTimestamp(secondsSince1970: 1_000_000_000_000_000), localTime: TorTimestamp(secondsSince1970: -1_000_000_000_000_000)),
        ], fetches: [
            .init(authority: author, request: "/x", seconds: .nan, failure: "synthetic"),
            .init(authority: author, request: "/x", seconds: .infinity, failure: nil),
            .init(authority: author, request: "/x", seconds: -1, failure: nil),
            .init(authority: author, request: "/x", seconds: 1e300, failure: nil),
        ], options: options)
        let report = health.run(at: TorTimestamp(secondsSince1970: -1_000_000_000_000_000))
        #expect(report.comparison.authorities.map(\.relayCount) == [original.entries.count])
        #expect(report.findings.contains { $0.check == .clockSkew })
        // The window is clamped to a million days (Int.max days would overflow), and the
        // certificate expires some 30 million years after the time checked.
        #expect(!report.findings.contains { $0.check == .certificateExpiry })
        #expect(ConsensusHealth.difference(TorTimestamp(secondsSince1970: .max), TorTimestamp(secondsSince1970: .min)) == Int64.max / 2)
        #expect(ConsensusHealth.difference(TorTimestamp(secondsSince1970: .min), TorTimestamp(secondsSince1970: .max)) == Int64.min / 2)
        #expect(ConsensusHealth.seconds(.nan) == "nan" && ConsensusHealth.seconds(-1.5) == "-1.500" && ConsensusHealth.seconds(0.042) == "0.042")
    }
}
