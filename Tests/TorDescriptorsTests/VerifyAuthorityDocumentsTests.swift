import Foundation
import Testing
@testable import TorDescriptors

@Suite("Authority verification: pinned set, votes, detached signatures")
struct VerifyAuthorityDocumentsTests {
    typealias F = VerifyAuthorityFixtures

    /// The compiled-in set equals `Resources/directory/v3-identities.txt`, entry for entry.
    @Test func compiledSetEqualsResourceFile() throws {
        let text = try String(contentsOf: ProjectFiles.root.appendingPathComponent("Resources/directory/v3-identities.txt"), encoding: .utf8)
        let file = try #require(TrustedAuthorities(listing: text))
        #expect(file == .tor)
        #expect(file.authorities == TrustedAuthorities.tor.authorities)
        #expect(TrustedAuthorities.tor.count == 9)
        #expect(TrustedAuthorities.tor.quorum == 5)
        #expect(TrustedAuthorities.tor.authority(for: Fingerprint(hex: "F533C81CEF0BC0267857C99B2F471ADF249FA232")!)?.nickname == "moria1")
    }

    /// The pinned set is exactly the nine non-legacy dir-source lines of the real 2026-07-27 consensus.
    @Test func compiledSetEqualsThe2026DirSources() throws {
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"))
        let declared = TrustedAuthorities.unpinnedDirSources(of: consensus.header)
        #expect(Set(declared.authorities.map(\.identity)) == Set(TrustedAuthorities.tor.authorities.map(\.identity)))
        #expect(Set(declared.authorities.map { $0.nickname.lowercased() }) == Set(TrustedAuthorities.tor.authorities.map(\.nickname)))
    }

    @Test func listingRejectsMalformedLines() {
        #expect(TrustedAuthorities(listing: "moria1 F533C81CEF0BC0267857C99B2F471ADF249FA23") == nil)
        #expect(TrustedAuthorities(listing: "a b c") == nil)
        #expect(TrustedAuthorities(listing: "# only a comment\n\n")?.count == 0)
        #expect(TrustedAuthorities(listing: "F533C81CEF0BC0267857C99B2F471ADF249FA232  # moria1")?.authorities.first?.nickname == "")
    }

    // MARK: - Votes

    /// Every bundled vote is `cropped--` (entries removed after signing): the embedded key
    /// certificate verifies, the vote's own signature MUST fail.
    @Test(arguments: [
        ("votes/cropped--2026-07-27-10-00-00-vote-tor26-arti-live", "2F3DF9CA0E5D36F2685A2DA67184EB8DCB8CBA8C", true),
        ("votes/cropped--metrics-lib--2017-07-17-17-00-00-vote-0232AF901C31A04EE9848595AF9BB7620D4C5B2E-6C2F5B0D52DFB3E4CA3DDEEAD690CC563CAF0601",
         "0232AF901C31A04EE9848595AF9BB7620D4C5B2E", true),
        ("votes/cropped--metrics-web--2018-10-15-00-00-00-vote-0232AF901C31A04EE9848595AF9BB7620D4C5B2E-55A38ED50848BE1F13C6A35C3CA637B0D962C2EF.part",
         "0232AF901C31A04EE9848595AF9BB7620D4C5B2E", true),
        ("votes/cropped--stem--metrics_vote", "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4", false),
    ])
    func croppedVotesFailTheirSignature(path: String, identity: String, pinnedToday: Bool) throws {
        let vote = try NetworkStatusVote(parsing: try ProjectFiles.corpus(path))
        let report = vote.verificationReport(authorities: .tor, at: vote.validAfter!)
        let certificateChecks = report.checks.filter { $0.name.hasPrefix("key certificate: ") }
        #expect(certificateChecks.count == 7)
        #expect(certificateChecks.allSatisfy { $0.passed }, "\(report)")
        #expect(report[.authorityPinned] == (pinnedToday ? VerificationCheck.Outcome.passed : .failed("identity \(identity) is not among the 9 pinned authorities")))
        #expect(report[.signature(authority: Fingerprint(hex: identity)!)] == .failed(SignatureError.digestMismatch.description), "a cropped vote must not verify")
        #expect(!report.isValid)
    }

    /// dir-spec names the digest a consensus's `vote-digest` holds; the bundled 2018 dannenberg
    /// vote is cropped, so its digest (file name: 55A38ED5…, the vote as CollecTor stored it
    /// before cropping) no longer matches.
    @Test func croppedVoteDigestDiffersFromItsOriginal() throws {
        let vote = try NetworkStatusVote(parsing: try ProjectFiles.corpus(
            "votes/cropped--metrics-web--2018-10-15-00-00-00-vote-0232AF901C31A04EE9848595AF9BB7620D4C5B2E-55A38ED50848BE1F13C6A35C3CA637B0D962C2EF.part"))
        let digest = try #require(vote.voteDigest)
        #expect(digest.bytes.count == 20)
        #expect(digest.hex != "55A38ED50848BE1F13C6A35C3CA637B0D962C2EF")
    }

    // MARK: - Detached signatures

    /// Stem's detached signatures for the 2018-11-22 20:00 consensus. dannenberg's certificate
    /// (signing key CD1FD971…) is embedded in the bundled 2018-10-15 vote; with it, dannenberg's
    /// `directory-signature` verifies over consensus-digest (SHA-1) and its microdesc
    /// `additional-signature` over the sha256 additional-digest. One of nine is no quorum: the
    /// other eight certificates are reported missing.
    @Test func detachedSignaturesVerifyWithDannenbergsCertificate() throws {
        let detached = try DetachedSignatures(parsing: try ProjectFiles.corpus("detached-signatures/stem--detached_signatures"))
        let vote = try NetworkStatusVote(parsing: try ProjectFiles.corpus(
            "votes/cropped--metrics-web--2018-10-15-00-00-00-vote-0232AF901C31A04EE9848595AF9BB7620D4C5B2E-55A38ED50848BE1F13C6A35C3CA637B0D962C2EF.part"))
        let certificate = try #require(vote.keyCertificate)
        #expect(certificate.signingKeyDigest?.hex == "CD1FD971855430880D3C31E0331C5C55800C2F79")
        let report = detached.verificationReport(certificates: [certificate], authorities: F.tor_0_3_4_9, at: detached.validAfter!)
        #expect(report[.signature(authority: Fingerprint(hex: "0232AF901C31A04EE9848595AF9BB7620D4C5B2E")!)] == .passed)
        #expect(report[.additionalSignature(flavor: "microdesc", authority: Fingerprint(hex: "0232AF901C31A04EE9848595AF9BB7620D4C5B2E")!)] == .passed)
        #expect(report.check(.quorum(.ns))?.name == "quorum: 5 of 9 needed, 1 valid")
        #expect(report.check(.quorum(.microdesc))?.name == "quorum (microdesc): 5 of 9 needed, 1 valid")
        #expect(report[.consensusDigest] == .notApplicable("no consensus given"))
        #expect(report[.validityWindow] == .passed)
        #expect(!report.isValid)
        #expect(detached.missingCertificates(in: [certificate], authorities: F.tor_0_3_4_9).count == 8)

        // One byte of consensus-digest changed: dannenberg's sha1 signature no longer matches it.
        let tampered = try DetachedSignatures(parsing: F.tampered(try ProjectFiles.corpus("detached-signatures/stem--detached_signatures"),
                                                                  after: "consensus-digest 244E0760", offset: 0))
        let bad = tampered.verificationReport(certificates: [certificate], authorities: F.tor_0_3_4_9, at: detached.validAfter!)
        #expect(bad[.signature(authority: Fingerprint(hex: "0232AF901C31A04EE9848595AF9BB7620D4C5B2E")!)]?.reason.hasPrefix("not counted: bad signature") == true)
    }
}
