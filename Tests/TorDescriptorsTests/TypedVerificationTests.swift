import Foundation
import Testing
@testable import TorDescriptors

/// Checks are found by their ``VerificationCheckID``, whatever their printed name says, and an
/// ``AuthorityVerifier`` owns the certificate cache that used to be a process-wide singleton.
@Suite("Typed verification checks and the authority verifier")
struct TypedVerificationTests {
    typealias F = VerifyAuthorityFixtures

    static func consensus2012() throws -> NetworkStatusConsensus {
        try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus"))
    }

    /// The quorum check's printed name carries its counts, so looking it up by a name never
    /// worked; by its id it is found, with the counts still in its name.
    @Test func quorumIsFoundByItsID() throws {
        let consensus = try Self.consensus2012()
        let report = consensus.verificationReport(certificates: try F.certificates("2012-06-cached-certs"),
                                                  authorities: F.tor_0_2_2_37, at: consensus.validAfter!)
        #expect(report[.quorum(.ns)] == .passed)
        #expect(report.check(.quorum(.ns))?.name == "quorum: 5 of 8 needed, 7 valid")
        #expect(report.check(.quorum(.ns))?.description == "quorum: 5 of 8 needed, 7 valid: ok")
        #expect(report[.quorum(.microdesc)] == nil)
        // A signature's printed name keeps the nickname; its id is the identity alone.
        let gabelmoo = try #require(Fingerprint(hex: "ED03BB616EB2F60BEC80151114BB25CEF515B226"))
        #expect(report.check(.signature(authority: gabelmoo))?.name == "directory-signature gabelmoo ED03BB616EB2F60BEC80151114BB25CEF515B226")
        #expect(report.checks.filter { $0.id == .quorum(.ns) }.count == 1)
    }

    /// `family-cert` used to name both the summary check (no family-cert lines) and the prefix
    /// of each certificate's check, so one could be mistaken for the other.
    @Test func familyCertificateChecksAreDistinct() throws {
        #expect(VerificationCheckID.familyCerts != .familyCert(id: ""))
        let akka = try ServerDescriptor(parsing: try ProjectFiles.corpus("server-descriptors/2026-07-arti-live--Akka"))
        let report = akka.verificationReport(at: akka.published!.date)
        let familyChecks = report.checks.filter { if case .familyCert = $0.id { true } else { false } }
        #expect(familyChecks.map(\.name) == ["family-cert ed25519:xiRC4fYUyj3pROyHeAm5dQerbUMHrLkeOJpG21vff44"])
        #expect(report[.familyCerts] == nil, "Akka has a family-cert: the no-lines summary check is not made")

        let old = try ServerDescriptor(parsing: try ProjectFiles.corpus("server-descriptors/stem--old_descriptor"))
        let oldReport = old.verificationReport(at: old.published!.date)
        #expect(oldReport[.familyCerts] == .notApplicable("no family-cert lines"))
        #expect(!oldReport.checks.contains { if case .familyCert = $0.id { true } else { false } })
    }

    /// Every id prints the name reports printed before ids existed (the text output and the
    /// `check` field of `tordesc verify --json` are unchanged).
    @Test func idsPrintTheHistoricNames() throws {
        let identity = try #require(Fingerprint(hex: "0232AF901C31A04EE9848595AF9BB7620D4C5B2E"))
        let names: [(VerificationCheckID, String)] = [
            (.routerSignature, "router-signature"), (.fingerprint, "fingerprint = SHA-1(signing-key)"),
            (.ntorCrosscert, "ntor-onion-key-crosscert"), (.published, "published not in the future"),
            (.certificate(.crosscert), "dir-key-crosscert"), (.embeddedCertificate(.expires), "key certificate: dir-key-expires"),
            (.embeddedCertificate(nil), "key certificate"), (.quorum(.microdesc), "quorum (microdesc)"),
            (.additionalSignature(flavor: "microdesc", authority: identity), "additional-signature microdesc \(identity.hex)"),
            (.validityWindow, "valid-after ≤ time ≤ valid-until"), (.digest(.serverDescriptor), "r descriptor digest = SHA-1(server descriptor)"),
            (.listedByConsensus(.microdescriptor), "listed by consensus m line"),
        ]
        for (id, name) in names { #expect(id.description == name) }
    }

    @Test func verifierReturnsAVerifiedConsensusAndRemembersCertificates() throws {
        let consensus = try Self.consensus2012()
        let certificates = try F.certificates("2012-06-cached-certs")
        let verifier = AuthorityVerifier(authorities: F.tor_0_2_2_37)
        #expect(verifier.cache.count == 0)
        let verified = try verifier.verify(consensus, certificates: certificates, at: consensus.validAfter!)
        #expect(verified.report[.quorum(.ns)] == .passed)
        #expect(verified.entries.count == consensus.entries.count)
        // The 7 signers' certificates were checked once and are remembered.
        #expect(verifier.cache.count == 7)
        // A verifier for another set shares the cache; today's set rejects the 2012 consensus.
        let today = verifier.with(authorities: .tor)
        #expect(throws: VerificationError.self) { try today.verify(consensus, certificates: certificates, at: consensus.validAfter!) }
        #expect(today.cache === verifier.cache)
        // Same outcome with and without the cache.
        #expect(verifier.report(for: consensus, certificates: certificates, at: consensus.validAfter!)
                == consensus.verificationReport(certificates: certificates, authorities: F.tor_0_2_2_37, at: consensus.validAfter!))
        // Expiry is checked at each call, not remembered.
        let certificate = try #require(certificates.first { $0.expires != nil })
        let late = TorTimestamp(secondsSince1970: certificate.expires!.secondsSince1970 + 1)
        #expect(verifier.report(for: certificate, at: late)[.certificate(.expires)]?.reason.hasPrefix("expired") == true)
        #expect(verifier.report(for: certificate, at: certificate.published!)[.certificate(.expires)] == .passed)
    }
}
