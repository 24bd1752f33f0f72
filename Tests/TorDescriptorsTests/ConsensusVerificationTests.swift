import Foundation
import Testing
@testable import TorDescriptors

@Suite("Consensus signature verification")
struct ConsensusVerificationTests {
    typealias F = VerifyAuthorityFixtures

    static func consensus(_ path: String) throws -> NetworkStatusConsensus {
        try NetworkStatusConsensus(parsing: try ProjectFiles.corpus(path))
    }

    /// The quorum check of a `flavor` consensus, found by its id (its name carries the counts).
    static func quorum(_ report: VerificationReport, _ flavor: ConsensusFlavor = .ns) -> VerificationCheck? {
        report.check(.quorum(flavor))
    }

    static func signatureChecks(_ report: VerificationReport) -> [VerificationCheck] {
        report.checks.filter { if case .signature(authority: _?) = $0.id { true } else { false } }
    }

    /// The 2012-06-18 21:00 ns consensus: 7 sha1 signatures, all made with keys in the 2012-06
    /// cached-certs; tor 0.2.2.37 pinned 8 authorities (dizum did not sign), so 5 are needed.
    @Test func consensus2012VerifiesWithItsHistoricAuthorities() throws {
        let consensus = try Self.consensus("consensus/2012-06-18-21-00-00-cached-consensus")
        let certificates = try F.certificates("2012-06-cached-certs")
        let report = consensus.verificationReport(certificates: certificates, authorities: F.tor_0_2_2_37, at: consensus.validAfter!)
        #expect(report.isValid, "\(report)")
        #expect(Self.signatureChecks(report).count == 7)
        #expect(Self.signatureChecks(report).allSatisfy { $0.passed })
        #expect(Self.quorum(report)?.name == "quorum: 5 of 8 needed, 7 valid")
        #expect(report[.validityWindow] == .passed)
        #expect(report[.signature(authority: Fingerprint(hex: "ED03BB616EB2F60BEC80151114BB25CEF515B226")!)] == .passed)
        #expect(consensus.missingCertificates(in: certificates, authorities: F.tor_0_2_2_37).isEmpty)
        #expect(try consensus.verify(certificates: certificates, authorities: F.tor_0_2_2_37, at: consensus.validAfter!).isValid)
    }

    /// Today's pinned set knows only maatuska and gabelmoo of the 2012 signers (moria1, tor26
    /// and dannenberg have new identities since): 2 of 9, so `.tor` rejects the 2012 consensus.
    /// Trusting the consensus's own dir-source lines accepts it, as an explicit weaker choice.
    @Test func consensus2012UnderTodaysSetAndUnderItsOwnDirSources() throws {
        let consensus = try Self.consensus("consensus/2012-06-18-21-00-00-cached-consensus")
        let certificates = try F.certificates("2012-06-cached-certs")
        let today = consensus.verificationReport(certificates: certificates, authorities: .tor, at: consensus.validAfter!)
        #expect(!today.isValid)
        #expect(Self.quorum(today)?.name == "quorum: 5 of 9 needed, 2 valid")
        #expect(today[.signature(authority: Fingerprint(hex: "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4")!)] == .notApplicable("not counted: unknown authority: identity not pinned"))
        #expect(today.failures.count == 1)

        let declared = TrustedAuthorities.unpinnedDirSources(of: consensus.header)
        #expect(declared.authorities.map(\.nickname) == ["tor26", "turtles", "maatuska", "dannenberg", "urras", "moria1", "gabelmoo"])
        let own = consensus.verificationReport(certificates: certificates, authorities: declared, at: consensus.validAfter!)
        #expect(own.isValid)
        #expect(Self.quorum(own)?.name == "quorum: 4 of 7 needed, 7 valid")
    }

    /// The 2015-11-10 05:00 microdesc consensus: 8 sha256 signatures over the signed part, all
    /// with keys in the 2015-11 cached-certs (copied from ../shared/corpus), 9 authorities pinned.
    @Test func microdescConsensus2015Verifies() throws {
        let consensus = try Self.consensus("microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus")
        #expect(consensus.footer.signatures.allSatisfy { $0.algorithm == .sha256 })
        let certificates = try F.certificates("2015-11-cached-certs")
        let report = consensus.verificationReport(certificates: certificates, authorities: F.tor_0_2_6_10, at: consensus.validAfter!)
        #expect(report.isValid, "\(report)")
        #expect(Self.quorum(report, .microdesc)?.name == "quorum: 5 of 9 needed, 8 valid")
        #expect(report[.quorum(.ns)] == nil, "a microdesc consensus's quorum is the microdesc one")
    }

    /// The 2026-07-27 consensuses are `cropped--`: entries were removed after signing, so they
    /// MUST fail. Of the 9 signatures only longclaw's and gabelmoo's keys are in the 2026 arti
    /// certificate file, and both signatures are bad (cropped signed part); the other 7
    /// certificates are reported missing.
    @Test(arguments: ["consensus/cropped--2026-07-27-10-00-00-consensus-arti-live",
                      "microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live"])
    func croppedConsensusesFail(path: String) throws {
        let consensus = try Self.consensus(path)
        let certificates = try F.certificates("arti-authcert-all-2026")
        let report = consensus.verificationReport(certificates: certificates, authorities: .tor, at: consensus.validAfter!)
        #expect(!report.isValid, "a cropped consensus must not verify")
        #expect(Self.quorum(report, consensus.header.flavor)?.name == "quorum: 5 of 9 needed, 0 valid")
        let checks = Self.signatureChecks(report)
        #expect(checks.count == 9)
        let bad = checks.filter { $0.outcome.reason.hasPrefix("not counted: bad signature") }.map(\.name)
        #expect(bad == ["directory-signature longclaw 23D15D965BC35114467363C165C4F724B64B4F66",
                        "directory-signature gabelmoo ED03BB616EB2F60BEC80151114BB25CEF515B226"])
        #expect(checks.filter { $0.outcome.reason.hasPrefix("not counted: missing certificate") }.count == 7)
        let missing = consensus.missingCertificates(in: certificates)
        #expect(missing.count == 7)
        #expect(missing.first?.downloadPath == "/tor/keys/fp-sk/0232AF901C31A04EE9848595AF9BB7620D4C5B2E-79ABAEE942F8F0F6E5FEB989D2539B05AB86DD8B")
    }

    // MARK: - Tampering (2012-06-18 consensus, 8 historic authorities)

    static func tamperedReport(_ bytes: [UInt8], certificates: [KeyCertificate]? = nil,
                               authorities: TrustedAuthorities = F.tor_0_2_2_37, at: String = "2012-06-18 22:00:00") throws -> VerificationReport {
        let consensus = try NetworkStatusConsensus(parsing: bytes)
        return consensus.verificationReport(certificates: try certificates ?? F.certificates("2012-06-cached-certs"),
                                            authorities: authorities, at: F.time(at))
    }

    @Test func tamperedSignedPartFailsEverySignature() throws {
        let original = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        // A letter of the first entry's identity (base64 on the r line): 'A' <-> 'B'.
        let report = try Self.tamperedReport(F.tampered(original, after: "\nr ", offset: 12))
        #expect(!report.isValid)
        #expect(Self.quorum(report)?.name == "quorum: 5 of 8 needed, 0 valid")
        #expect(Self.signatureChecks(report).allSatisfy { $0.outcome.reason == "not counted: bad signature: " + SignatureError.digestMismatch.description })
    }

    @Test func tamperedSignaturesAreNotCounted() throws {
        var bytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        let marker = "directory-signature 14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4 BF112F1C6D5543CFD0A32215ACABD4197B5279AD\n-----BEGIN SIGNATURE-----\n"
        bytes = F.tampered(bytes, after: marker, offset: 30)
        let one = try Self.tamperedReport(bytes)
        // Tor accepts a consensus with a bad signature when enough good ones remain.
        #expect(one.isValid)
        #expect(Self.quorum(one)?.name == "quorum: 5 of 8 needed, 6 valid")
        #expect(one[.signature(authority: Fingerprint(hex: "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4")!)]?.reason.hasPrefix("not counted: bad signature") == true)
        for identity in ["27B6B5996C426270A5C95488AA5BCEB6BCC86956", "49015F787433103580E3B66A1707A00E60F2D15B", "585769C78764D58426B8B52B6651A5A71137189A"] {
            bytes = F.tampered(bytes, after: "directory-signature \(identity) ", offset: 40 + 1 + 26 + 30)
        }
        let four = try Self.tamperedReport(bytes)
        #expect(!four.isValid)
        #expect(Self.quorum(four)?.name == "quorum: 5 of 8 needed, 3 valid")
        #expect(four.failures.count == 1)
        #expect(four.failures[0].outcome.reason.contains("tor26 (bad signature"))
    }

    @Test func tamperedCertificateIsNotUsed() throws {
        let certBytes = try ProjectFiles.corpus("key-certs/2012-06-cached-certs")
        // gabelmoo's certificate comes first; change its dir-key-expires year 2012 -> 2013.
        var tampered = certBytes
        let marker = Array("dir-key-expires 2012".utf8)
        let at = (0...(certBytes.count - marker.count)).first { certBytes[$0..<($0 + marker.count)].elementsEqual(marker) }!
        tampered[at + marker.count - 1] = UInt8(ascii: "3")
        let certificates = KeyCertificate.parseAll(tampered[...]).compactMap { try? $0.get() }
        let report = try Self.tamperedReport(try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus"), certificates: certificates)
        #expect(report.isValid)
        #expect(Self.quorum(report)?.name == "quorum: 5 of 8 needed, 6 valid")
        let gabelmoo = report[.signature(authority: Fingerprint(hex: "ED03BB616EB2F60BEC80151114BB25CEF515B226")!)]
        #expect(gabelmoo?.reason.hasPrefix("not counted: certificate does not verify: dir-key-certification: FAILED") == true)
    }

    @Test func wrongAuthoritySetFails() throws {
        // The four v3 identities of the arti Shadow testnet: none signed the real consensus.
        let testnet = TrustedAuthorities(identities: ["0B8997614EC647C1C6B6A044E2B5408F0B823FB0", "5B591AD684C1AB8E0AB76C839E93FD097526A4BC",
                                                      "8A1777F0BF97344A7ABB97530EEEE38A5BDE8A4D", "D190BF3B00E311A9AEB6D62B51980E9B2109BAD1"].map { Fingerprint(hex: $0)! })
        let report = try Self.tamperedReport(try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus"), authorities: testnet)
        #expect(!report.isValid)
        #expect(Self.quorum(report)?.name == "quorum: 3 of 4 needed, 0 valid")
        #expect(Self.signatureChecks(report).allSatisfy { $0.outcome == .notApplicable("not counted: unknown authority: identity not pinned") })
    }

    /// valid-until is 2012-06-19 00:00:00: one second later the window fails; a tolerance widens it.
    /// Months later the certificates have expired too (tor26's on 2013-05-29, urras's on 2012-10-12).
    @Test func expiredTimeFails() throws {
        let bytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        #expect(try Self.tamperedReport(bytes, at: "2012-06-19 00:00:00").isValid)
        let late = try Self.tamperedReport(bytes, at: "2012-06-19 00:00:01")
        #expect(late.failures.map(\.id) == [.validityWindow])
        #expect(late[.validityWindow] == .failed("expired at 2012-06-19 00:00:01: valid-until 2012-06-19 00:00:00"))
        let consensus = try NetworkStatusConsensus(parsing: bytes)
        #expect(consensus.verificationReport(certificates: try F.certificates("2012-06-cached-certs"), authorities: F.tor_0_2_2_37,
                                             at: F.time("2012-06-19 00:00:01"), tolerance: 3600).isValid)
        let early = try Self.tamperedReport(bytes, at: "2012-06-18 20:59:59")
        #expect(early[.validityWindow]?.reason.hasPrefix("not yet valid") == true)
        let muchLater = try Self.tamperedReport(bytes, at: "2012-10-13 00:00:00")
        #expect(muchLater[.signature(authority: Fingerprint(hex: "80550987E1D626E3EBA5E5E75A458DE0626D088C")!)]
                == .notApplicable("not counted: certificate expired 2012-10-12 16:04:08 (checked at 2012-10-13 00:00:00)"))
    }

    @Test func missingCertificateIsReported() throws {
        let consensus = try Self.consensus("consensus/2012-06-18-21-00-00-cached-consensus")
        let certificates = try F.certificates("2012-06-cached-certs").filter { $0.fingerprint?.hex != "D586D18309DED4CD6D57C18FDB97EFA96D330566" }
        let missing = consensus.missingCertificates(in: certificates, authorities: F.tor_0_2_2_37)
        #expect(missing == [MissingCertificate(identity: Fingerprint(hex: "D586D18309DED4CD6D57C18FDB97EFA96D330566")!,
                                               signingKeyDigest: Fingerprint(hex: "8F0DEA35D1732D867FB94F5130364927DBCCBB8E")!)])
        let report = consensus.verificationReport(certificates: certificates, authorities: F.tor_0_2_2_37, at: consensus.validAfter!)
        #expect(report[.signature(authority: Fingerprint(hex: "D586D18309DED4CD6D57C18FDB97EFA96D330566")!)]
                == .notApplicable("not counted: missing certificate 8F0DEA35D1732D867FB94F5130364927DBCCBB8E"))
        #expect(Self.quorum(report)?.name == "quorum: 5 of 8 needed, 6 valid")
    }

    /// The streaming path gives the same checks as the whole-document one.
    @Test func readerVerifiesLikeTheDocument() throws {
        let bytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        let certificates = try F.certificates("2012-06-cached-certs")
        var reader = try ConsensusReader(bytes[...])
        var entries = 0
        while try reader.nextEntry() != nil { entries += 1 }
        #expect(entries == 2993)
        let (footer, report) = try reader.verifiedFooter(of: bytes[...], certificates: certificates, authorities: F.tor_0_2_2_37,
                                                         at: F.time("2012-06-18 22:00:00"))
        #expect(footer.signatures.count == 7)
        let whole = try NetworkStatusConsensus(parsing: bytes).verificationReport(certificates: certificates, authorities: F.tor_0_2_2_37,
                                                                                    at: F.time("2012-06-18 22:00:00"))
        #expect(report.checks == whole.checks)
        #expect(report.isValid)
    }
}
