import Foundation
import Testing
@testable import TorDescriptors

/// Every consensus, vote, key certificate and detached-signature file of `../shared/corpus`
/// (when present) verified with every certificate the corpus holds (cached-certs files, the
/// testnet's cached-certs, and the certificates embedded in votes).
///
/// Authorities: each consensus is checked against its own dir-source lines
/// (``TrustedAuthorities/unpinnedDirSources(of:)``): the sweep is about signatures and
/// certificates across fourteen years of authority changes, not about today's trust anchors,
/// which the bundled-file tests cover.
@Suite("Authority verification sweep (../shared/corpus)", .enabled(if: ProjectFiles.hasSharedCorpus, "../shared/corpus is absent"))
struct VerifyAuthoritySweepTests {
    static func files(under folder: String) -> [String] {
        let url = ProjectFiles.sharedCorpus.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().map { folder + "/" + $0 }
    }

    static func certificatePool() throws -> [KeyCertificate] {
        var pool: [KeyCertificate] = []
        for path in files(under: "key-certs") + ["testnet/arti-shadow-chutney-000a/cached-certs"] {
            pool += KeyCertificate.parseAll(try ProjectFiles.shared(path)[...]).compactMap { try? $0.get() }
        }
        for path in files(under: "votes") + ["testnet/arti-shadow-chutney-000a/v3-status-votes"] {
            for case .success(let vote) in NetworkStatusVote.parseAll(try ProjectFiles.shared(path)[...]) {
                if let certificate = vote.keyCertificate { pool.append(certificate) }
            }
        }
        return pool
    }

    static let consensusFiles = files(under: "consensus") + files(under: "microdesc-consensus") + [
        "testnet/arti-shadow-chutney-000a/cached-consensus", "testnet/arti-shadow-chutney-000a/cached-microdesc-consensus",
        "testnet/sbws-chutney-2019-03-25-cached-consensus", "testnet/sbws-chutney-2019-05-cached-consensus",
        "malformed/stem--cached-microdesc-consensus_with_carriage_returns",
    ]

    @Test func consensuses() throws {
        let pool = try Self.certificatePool()
        var verifiedDocuments = 0, validSignatures = 0, badSignatures = 0, missingSignatures = 0, otherSignatures = 0
        for path in Self.consensusFiles {
            let bytes = try ProjectFiles.shared(path)
            guard let consensus = try? NetworkStatusConsensus(parsing: bytes), let validAfter = consensus.validAfter,
                  !consensus.footer.signatures.isEmpty else { continue }
            let report = consensus.verificationReport(certificates: pool, authorities: .unpinnedDirSources(of: consensus.header), at: validAfter)
            let checks = report.checks.filter { $0.name.hasPrefix("directory-signature") }
            let valid = checks.filter(\.passed).count
            let bad = checks.filter { $0.outcome.reason.hasPrefix("not counted: bad signature") }.count
            let missing = checks.filter { $0.outcome.reason.hasPrefix("not counted: missing certificate") }.count
            validSignatures += valid; badSignatures += bad; missingSignatures += missing
            otherSignatures += checks.count - valid - bad - missing
            if report.isValid { verifiedDocuments += 1 }
            let name = (path as NSString).lastPathComponent
            // Stem's cached-consensus is a whole 3-relay test-network consensus (2 authorities),
            // named cropped-- in the corpus, but its signatures verify: nothing was removed.
            let altered = (name.hasPrefix("cropped--") && path != "consensus/cropped--stem--cached-consensus") || path.hasPrefix("malformed/")
            print("verify \(path): \(valid) valid, \(bad) bad, \(missing) missing; \(report.isValid ? "VALID" : "not valid")")
            if altered {
                #expect(valid == 0, "\(path): an altered consensus must not verify")
                #expect(!report.isValid)
            } else {
                #expect(bad == 0, "\(path): \(report)")
                #expect(checks.count == valid + missing, "\(path): \(report)")
            }
        }
        print("consensus sweep: \(verifiedDocuments) documents valid; signatures \(validSignatures) valid, \(badSignatures) bad, \(missingSignatures) missing certificate, \(otherSignatures) other")
        // 14 valid: every consensus with certificates for more than half its dir-sources; the
        // 31 bad signatures are all in cropped or CR-altered files.
        #expect(verifiedDocuments == 14)
        #expect(validSignatures == 90)
        #expect(badSignatures == 31)
        #expect(missingSignatures == 112)
    }

    /// tor26 signed the 2021-08-29 19:00 consensus with a certificate whose `dir-key-published`
    /// is 2021-09-01: a published time in the future does not make a certificate unusable.
    @Test func certificatePublishedAfterTheConsensusStillCounts() throws {
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.shared("consensus/2021-08-29-19-00-00-cached-consensus"))
        let certificates = KeyCertificate.parseAll(try ProjectFiles.shared("key-certs/2021-08-cached-certs")[...]).compactMap { try? $0.get() }
        let tor26 = try #require(certificates.first { $0.signingKeyDigest?.hex == "449F5E47D56BE38E931B90B2B8FB7E92B848D8E1" })
        #expect(tor26.published?.description == "2021-09-01 00:00:00")
        #expect(tor26.published! > consensus.validAfter!)
        let report = consensus.verificationReport(certificates: certificates, authorities: .unpinnedDirSources(of: consensus.header),
                                                  at: consensus.validAfter!)
        #expect(report[.signature(authority: Fingerprint(hex: "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4")!)] == .passed)
        #expect(report.isValid)
    }

    @Test func votesAndVoteDigests() throws {
        var verified = 0, failed = 0
        for path in Self.files(under: "votes") + ["testnet/arti-shadow-chutney-000a/v3-status-votes"] {
            for case .success(let vote) in NetworkStatusVote.parseAll(try ProjectFiles.shared(path)[...]) {
                guard let identity = vote.keyCertificate?.fingerprint, let validAfter = vote.validAfter else { continue }
                let report = vote.verificationReport(authorities: TrustedAuthorities(identities: [identity]), at: validAfter)
                let cropped = (path as NSString).lastPathComponent.hasPrefix("cropped--")
                #expect(report.checks.filter { $0.name.hasPrefix("key certificate: ") }.allSatisfy { $0.passed }, "\(path): \(report)")
                #expect(report.isValid != cropped, "\(path): \(report)")
                if report.isValid { verified += 1 } else { failed += 1 }
            }
        }
        print("vote sweep: \(verified) votes verify, \(failed) cropped votes fail")
        #expect(verified == 6)
        #expect(failed == 8)

        // maatuska's vote for 2016-09-20 13:00 is the one that consensus's vote-digest names.
        let vote = try NetworkStatusVote(parsing: try ProjectFiles.shared(
            "votes/2016-09-20-13-00-00-vote-49015F787433103580E3B66A1707A00E60F2D15B-60ADC6BEC262AE921A1037D54C8A3976367DBE87"))
        #expect(vote.voteDigest?.hex == "60ADC6BEC262AE921A1037D54C8A3976367DBE87")
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.shared("consensus/2016-09-20-13-00-00-consensus"))
        let maatuska = try #require(Fingerprint(hex: "49015F787433103580E3B66A1707A00E60F2D15B"))
        #expect(vote.voteDigestCheck(in: consensus) == VerificationCheck(.voteDigest(authority: maatuska), .passed, name: "vote-digest maatuska"))
        let other = try NetworkStatusConsensus(parsing: try ProjectFiles.shared("consensus/2017-04-15-00-00-00-consensus"))
        #expect(vote.voteDigestCheck(in: other).failed)
    }

    @Test func certificates() throws {
        var verified = 0
        for path in Self.files(under: "key-certs") + ["testnet/arti-shadow-chutney-000a/cached-certs"] {
            for case .success(let certificate) in KeyCertificate.parseAll(try ProjectFiles.shared(path)[...]) {
                let report = certificate.verificationReport(at: certificate.published!)
                if path.hasSuffix("stem--metrics_cert") {
                    #expect(report.failures.map(\.id) == [.certificate(.crosscert)])
                } else {
                    #expect(report.isValid, "\(path): \(report)")
                    verified += 1
                }
            }
        }
        print("certificate sweep: \(verified) certificates verify")
        #expect(verified == 67)   // 64 in key-certs/ less metrics_cert, plus the testnet's 4
    }

    /// The four 2018-10-15 votes embed dannenberg's, bastet's, gabelmoo's and Faravahar's
    /// certificates, the same signing keys as the 2018-11-22 detached signatures: four valid.
    @Test func detachedSignatures() throws {
        let detached = try DetachedSignatures(parsing: try ProjectFiles.shared("detached-signatures/stem--detached_signatures"))
        let report = detached.verificationReport(certificates: try Self.certificatePool(), authorities: VerifyAuthorityFixtures.tor_0_3_4_9,
                                                 at: detached.validAfter!)
        print("detached sweep: \(report.checks.filter(\.passed).map(\.name))")
        #expect(report.check(.quorum(.ns))?.name == "quorum: 5 of 9 needed, 4 valid")
        #expect(report.check(.quorum(.microdesc))?.name == "quorum (microdesc): 5 of 9 needed, 4 valid")
    }
}
