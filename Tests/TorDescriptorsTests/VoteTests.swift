import Foundation
import Testing
@testable import TorDescriptors

enum VoteFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent("Resources/corpus/" + relative)))
    }
    static let metricsLib = "votes/cropped--metrics-lib--2017-07-17-17-00-00-vote-0232AF901C31A04EE9848595AF9BB7620D4C5B2E-6C2F5B0D52DFB3E4CA3DDEEAD690CC563CAF0601"
    static let tor26 = "votes/cropped--2026-07-27-10-00-00-vote-tor26-arti-live"
    static let metricsWeb = "votes/cropped--metrics-web--2018-10-15-00-00-00-vote-0232AF901C31A04EE9848595AF9BB7620D4C5B2E-55A38ED50848BE1F13C6A35C3CA637B0D962C2EF.part"
    static let stemVote = "votes/cropped--stem--metrics_vote"
}

// Expected values were read from the files and checked against Stem 1.8.2
// (`network-status-vote-3 1.0`, validate=False, document_handler=DOCUMENT).
@Suite struct VoteTests {
    @Test func metricsLibVoteHeader() throws {
        let vote = try NetworkStatusVote(parsing: VoteFixtures.bytes(VoteFixtures.metricsLib))
        #expect(vote.warnings.isEmpty, "\(vote.warnings)")
        #expect(vote.voteStatus == "vote")
        #expect(vote.consensusMethods == [13, 14, 15, 16, 17, 18, 19, 20, 22, 23, 24, 25, 26])
        #expect(vote.published?.description == "2017-07-17 16:50:01")
        #expect(vote.validAfter?.description == "2017-07-17 17:00:00")
        #expect(vote.freshUntil?.description == "2017-07-17 18:00:00")
        #expect(vote.validUntil?.description == "2017-07-17 20:00:00")
        #expect(vote.voteDelay == 300 && vote.distDelay == 300)
        #expect(vote.knownFlags == ["Authority", "Exit", "Fast", "Guard", "HSDir", "Running", "Stable", "V2Dir", "Valid"])
        #expect(vote.flagThresholds.count == 9)
        #expect(vote.flagThresholds.first == KeyValueText(key: "stable-uptime", value: "1313834"))
        #expect(vote.flagThresholds.first { $0.key == "guard-wfu" }?.value == "98.000%")
        #expect(vote.params.entries.count == 10)
        #expect(vote.params["CircuitPriorityHalflifeMsec"] == 30000)
        #expect(vote.authorities.count == 1)
        #expect(vote.authorities.first?.nickname == "dannenberg")
        #expect(vote.authorities.first?.identity.hex == "0232AF901C31A04EE9848595AF9BB7620D4C5B2E")
        #expect(vote.authorities.first?.contact == "Andreas Lehner")
        #expect(vote.sharedRandomParticipate)
        #expect(vote.sharedRandomCommits.count == 8)
        let commit = try #require(vote.sharedRandomCommits.first)
        #expect(commit.version == 1 && commit.algorithm == "sha3-256")
        #expect(commit.identity.hex == "0232AF901C31A04EE9848595AF9BB7620D4C5B2E")
        #expect(commit.commit == "AAAAAFlr/gChGbYkZ1h7b27S3uvY0Q6zh7uLuSfNTePEQctWmCOhLg==")
        #expect(commit.reveal == "AAAAAFlr/gAtxVkRrRwDU6FquobpTqjQoo9/SCNrxAOe1g7fI5IVGA==")
        #expect(vote.sharedRandomPrevious?.revealCount == 7)
        #expect(vote.sharedRandomPrevious?.base64 == "3mrGAK8IVzYs6VgBx1U2wZ0oIF5nYkvqQgoW53ej7Qc=")
        #expect(vote.sharedRandomCurrent?.revealCount == 8)
        #expect(vote.sharedRandomCurrent?.base64 == "dtkrG/tHYPJ0MkSajToD5++nX0nyfnPUTF2dBydL1j0=")
        let certificate = try #require(vote.keyCertificate)
        #expect(certificate.fingerprint?.hex == "0232AF901C31A04EE9848595AF9BB7620D4C5B2E")
        #expect(certificate.published?.description == "2017-04-23 12:40:27")
        #expect(certificate.expires?.description == "2017-10-23 12:40:27")
        #expect(vote.footer.signatures.count == 1)
        #expect(vote.footer.signatures.first?.identity.hex == "0232AF901C31A04EE9848595AF9BB7620D4C5B2E")
        #expect(vote.footer.signatures.first?.signingKeyDigest.hex == "70A6DDEB6B42FD0714B8F91F3F6B366CECF4E8B9")
        #expect(vote.signedRange != nil)
    }

    @Test func metricsLibVoteEntries() throws {
        let vote = try NetworkStatusVote(parsing: VoteFixtures.bytes(VoteFixtures.metricsLib))
        #expect(vote.entries.count == 3)
        let first = try #require(vote.entries.first)
        #expect(first.nickname == "seele")
        #expect(first.fingerprint.hex == "000A10D43011EA4928A35F610405F92B4433B4DC")
        #expect(first.descriptorDigest?.hex == "F3DFC484310D7375B92CC1255A1730A281667931")
        #expect(first.published.description == "2017-07-17 09:12:29")
        #expect(first.bandwidth == 102 && first.measured == nil)
        #expect(first.identifierType == "ed25519")
        #expect(first.identifier == "ZtzhbIWHJpGQG+5N7hbRTtenyzq2RNJrx0QegtoY+bY")
        #expect(first.flagNames.sorted() == ["Fast", "HSDir", "Running", "Stable", "V2Dir", "Valid"])
        #expect(first.microdescriptorLines.map(\.methods) == [[13, 14, 15], [16, 17], [18, 19, 20], [22, 23, 24, 25, 26]])
        #expect(first.microdescriptorLines.first?.digests == [.init(algorithm: "sha256", value: "w7JSR0fjghM7HwiVPECY3pDpiQVxPnfmbl451iEjQYQ")])
        let last = try #require(vote.entries.last)
        #expect(last.nickname == "ddetor2" && last.dirPort == 9030 && last.bandwidth == 2097)
        #expect(last.microdescriptorLines.last?.digests.first?.value == "qyBO43PwQA2abtOfZwMJc7l/bYKyY06fBa/Ht1tXk3k")
        #expect(last.microdescriptorLines.last?.sha256Digest == SHA256DigestValue(base64: "qyBO43PwQA2abtOfZwMJc7l/bYKyY06fBa/Ht1tXk3k"))
        #expect(last.microdescriptorLines.last?.sha256Digest != nil)
    }

    @Test func tor26VoteWithMeasuredAndCommitsWithoutReveal() throws {
        let vote = try NetworkStatusVote(parsing: VoteFixtures.bytes(VoteFixtures.tor26))
        #expect(vote.warnings.isEmpty, "\(vote.warnings)")
        #expect(vote.consensusMethods == [32, 33, 34, 35])
        #expect(vote.published?.description == "2026-07-27 09:50:00")
        #expect(vote.knownFlags.count == 13)
        #expect(vote.authorities.first?.nickname == "tor26")
        #expect(vote.sharedRandomCommits.count == 9)
        #expect(vote.sharedRandomCommits.allSatisfy { $0.reveal == nil })
        #expect(vote.sharedRandomPrevious?.revealCount == 9)
        #expect(vote.sharedRandomCurrent?.base64 == "zwbAmnMGie00x5rmWGk+lP2rTXK2n0OmkF/1Ih4LcAI=")
        #expect(vote.keyCertificate?.fingerprint?.hex == "2F3DF9CA0E5D36F2685A2DA67184EB8DCB8CBA8C")
        #expect(vote.entries.count == 5)
        let first = try #require(vote.entries.first)
        #expect(first.nickname == "lisdex" && first.bandwidth == 10000 && first.measured == 53000)
        #expect(first.microdescriptorLines.map(\.methods) == [[32, 33, 34], [35]])
        #expect(vote.entries.last?.nickname == "Akka")
        #expect(vote.entries.last?.measured == 100000)
        #expect(vote.footer.signatures.first?.signingKeyDigest.hex == "4635B2B4660973359E3D322B6795E5978409CF60")
    }

    @Test func metricsWebAndStemVotes() throws {
        let web = try NetworkStatusVote(parsing: VoteFixtures.bytes(VoteFixtures.metricsWeb))
        #expect(web.warnings.isEmpty, "\(web.warnings)")
        #expect(web.entries.count == 20)
        #expect(web.sharedRandomCommits.count == 1)
        #expect(web.entries.last?.nickname == "IsThisAGoodIdea")
        #expect(web.keyCertificate?.published?.description == "2018-06-05 08:39:04")

        let old = try NetworkStatusVote(parsing: VoteFixtures.bytes(VoteFixtures.stemVote))
        #expect(old.warnings.isEmpty, "\(old.warnings)")
        #expect(old.consensusMethods == Array(1...12))
        #expect(old.flagThresholds.isEmpty)
        #expect(!old.sharedRandomParticipate)
        #expect(old.sharedRandomCommits.isEmpty)
        #expect(old.entries.count == 4)
        #expect(old.entries.first?.nickname == "sumkledi")
        #expect(old.entries.first?.microdescriptorLines == [VoteMicrodescriptorLine(methods: [8, 9, 10, 11, 12],
            digests: [.init(algorithm: "sha256", value: "g1vx9si329muxV3tquWIXXySNOIwRGMeAESKs/v4DWs")])])
        #expect(old.keyCertificate?.fingerprint?.hex == "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4")
    }

    @Test func strictModeAcceptsRealVotes() throws {
        for name in [VoteFixtures.metricsLib, VoteFixtures.tor26, VoteFixtures.metricsWeb, VoteFixtures.stemVote] {
            let bytes = try VoteFixtures.bytes(name)
            let results = NetworkStatusVote.parseAll(bytes[...], mode: .strict)
            #expect(results.count == 1)
            _ = try results[0].get()
        }
    }
}

@Suite struct VoteJSONTests {
    // Values checked against Stem 1.8.2: flag_thresholds guard-wfu is 0.98, stable-uptime 1313834.
    @Test func stemJSONHasVoteAttributes() throws {
        let vote = try NetworkStatusVote(parsing: VoteFixtures.bytes(VoteFixtures.metricsLib))
        guard case .object(let fields) = vote.stemJSON else { Issue.record("not an object"); return }
        let json = Dictionary(fields, uniquingKeysWith: { first, _ in first })
        guard case .object(let thresholds)? = json["flag_thresholds"] else { Issue.record("no thresholds"); return }
        let byName = Dictionary(thresholds, uniquingKeysWith: { first, _ in first })
        if case .double(let wfu)? = byName["guard-wfu"] { #expect(abs(wfu - 0.98) < 1e-9) } else { Issue.record("guard-wfu") }
        if case .int(let uptime)? = byName["stable-uptime"] { #expect(uptime == 1313834) } else { Issue.record("stable-uptime") }
        if case .string(let published)? = json["published"] { #expect(published == "2017-07-17 16:50:01") } else { Issue.record("published") }
        if case .array(let commits)? = json["shared_randomness_commitments"] { #expect(commits.count == 8) } else { Issue.record("commits") }
        if case .bool(let isVote)? = json["is_vote"] { #expect(isVote) } else { Issue.record("is_vote") }
    }

    // synthetic: a hand-written vote whose m line has a non-numeric method; lenient mode keeps
    // the entry, drops that m line and records a warning. Strict mode rejects it earlier: a vote
    // must embed its authority key certificate, which this synthetic one lacks.
    @Test func syntheticBadMicrodescriptorLine() throws {
        let text = """
        network-status-version 3
        vote-status vote
        consensus-methods 28
        published 2020-01-01 00:00:00
        valid-after 2020-01-01 01:00:00
        fresh-until 2020-01-01 02:00:00
        valid-until 2020-01-01 04:00:00
        voting-delay 300 300
        known-flags Running Valid
        dir-source auth 0232AF901C31A04EE9848595AF9BB7620D4C5B2E example.org 192.0.2.1 80 443
        contact someone
        r relay AAoQ1DAR6kkoo19hBAX5K0QztNw 89/EhDENc3W5LMElWhcwooFmeTE 2020-01-01 00:00:00 192.0.2.2 9001 0
        s Running Valid
        m 28,x sha256=abc
        m 29 sha256=def

        """
        let vote = try NetworkStatusVote(parsing: Array(text.utf8))
        #expect(vote.entries.count == 1)
        #expect(vote.entries.first?.microdescriptorLines == [VoteMicrodescriptorLine(methods: [29], digests: [.init(algorithm: "sha256", value: "def")])])
        #expect(vote.warnings.contains { $0.keyword == "m" && $0.line == 14 })
        #expect(vote.warnings.allSatisfy { $0.document == .networkStatusVote })
        do {
            _ = try NetworkStatusVote(parsing: DocumentSlice(bytes: Array(text.utf8)[...], firstLine: 1), mode: .strict)
            Issue.record("strict mode accepted a vote without a key certificate")
        } catch {
            #expect(error.keyword == "dir-key-certificate-version")
            #expect(error.document == .networkStatusVote)
            #expect(error.description.hasPrefix("network-status-vote, line 1"), "\(error)")
        }
    }
}

@Suite struct VoteStrictTests {
    // synthetic: a hand-written vote preamble with `published` twice; strict mode names it,
    // lenient mode keeps going.
    @Test func syntheticDuplicatePublished() throws {
        let text = """
        network-status-version 3
        vote-status vote
        consensus-methods 28
        published 2020-01-01 00:00:00
        published 2020-01-01 00:00:01
        valid-after 2020-01-01 01:00:00
        fresh-until 2020-01-01 02:00:00
        valid-until 2020-01-01 04:00:00
        voting-delay 300 300
        known-flags Running Valid
        dir-source auth 0232AF901C31A04EE9848595AF9BB7620D4C5B2E example.org 192.0.2.1 80 443
        contact someone

        """
        let lenient = try NetworkStatusVote(parsing: Array(text.utf8))
        #expect(lenient.consensusMethods == [28])
        #expect(lenient.entries.isEmpty)
        do {
            _ = try NetworkStatusVote(parsing: DocumentSlice(bytes: Array(text.utf8)[...], firstLine: 1), mode: .strict)
            Issue.record("strict mode accepted two published lines")
        } catch {
            #expect(error.keyword == "published")
            #expect(error.document == .networkStatusVote)
        }
    }
}
