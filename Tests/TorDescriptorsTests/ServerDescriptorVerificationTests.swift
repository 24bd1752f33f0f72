import Foundation
import Testing
@testable import TorDescriptors

/// Server descriptor verification on the bundled real descriptors, and tampered copies of them.
struct ServerDescriptorVerificationTests {
    static func descriptors(_ relative: String) throws -> [ServerDescriptor] {
        try ServerDescriptor.parseAll(try ProjectFiles.corpus(relative)[...]).map { try $0.get() }
    }

    /// Verifies at each descriptor's own `published` time (their certificates have expired since).
    static func report(_ descriptor: ServerDescriptor) -> VerificationReport {
        descriptor.verificationReport(at: descriptor.published!.date)
    }

    static func count(_ reports: [VerificationReport], _ name: VerificationCheckID, _ wanted: (VerificationCheck.Outcome) -> Bool) -> Int {
        reports.filter { $0[name].map(wanted) ?? false }.count
    }

    static func passed(_ outcome: VerificationCheck.Outcome) -> Bool { outcome == .passed }
    static func notApplicable(_ outcome: VerificationCheck.Outcome) -> Bool {
        if case .notApplicable = outcome { true } else { false }
    }

    // Counts of descriptors and of descriptors with identity-ed25519, checked with
    // `grep -c '^router '` and `grep -c '^identity-ed25519'` on each file.
    @Test("every bundled relay descriptor verifies; Ed25519-era ones pass every Ed25519 check", arguments: [
        ("2020-02-29-10-05-00-server-descriptors", 587, 576),
        ("2026-07-arti-live--Akka", 1, 1),
        ("2026-07-arti-live--d2d4", 1, 1),
        ("collector-2014-11-88827c73d5fd35e9638f820c44187ccdf8403b0f", 1, 0),
        ("metrics-lib--2017-07-17-17-20-00-server-descriptors", 4, 2),
        ("metrics-web--01003df74972ce952ebfa390f468ef63c50efa25", 1, 1),
        ("relay-2016-10-02-16-05-00-server-descriptors", 10, 5),
        ("stem--example_descriptor", 1, 0),
        ("stem--metrics_server_desc_multiple", 2, 0),
        ("stem--old_descriptor", 1, 0),
        ("stem--server_descriptor_with_ed25519", 1, 1),
    ])
    func bundledRelayDescriptors(file: String, total: Int, withEd25519: Int) throws {
        let reports = try Self.descriptors("server-descriptors/" + file).map(Self.report)
        #expect(reports.count == total)
        #expect(reports.filter(\.isValid).count == total, "\(reports.filter { !$0.isValid })" as Comment)
        #expect(Self.count(reports, .routerSignature, Self.passed) == total)
        #expect(Self.count(reports, .fingerprint, Self.passed) == total)
        for name: VerificationCheckID in [.identityEd25519, .identityEd25519Expiry, .masterKeyEd25519, .routerSigEd25519,
                     .onionKeyCrosscert, .ntorCrosscert, .ntorCrosscertExpiry] {
            #expect(Self.count(reports, name, Self.passed) == withEd25519, "\(name)" as Comment)
            #expect(Self.count(reports, name, Self.notApplicable) == total - withEd25519, "\(name)" as Comment)
        }
    }

    @Test("Akka's family-cert verifies and names the family id its microdescriptor lists")
    func familyCertificate() throws {
        let descriptor = try #require(try Self.descriptors("server-descriptors/2026-07-arti-live--Akka").first)
        // microdescs/2026-07-arti-live--Akka: "family-ids ed25519:xiRC4fYUyj3pROyHeAm5dQerbUMHrLkeOJpG21vff44"
        let id = "ed25519:xiRC4fYUyj3pROyHeAm5dQerbUMHrLkeOJpG21vff44"
        #expect(descriptor.familyIDs == [id])
        let report = Self.report(descriptor)
        #expect(report[.familyCert(id: id)] == .passed)
        #expect(report[.familyCertExpiry(id: id)] == .passed)
        // fingerprint, router-signature, identity + expiry, master key, router-sig-ed25519, TAP crosscert,
        // ntor crosscert + expiry, family-cert + expiry, published.
        #expect(report.checks.count == 12)
        #expect(Bool(report.checks.allSatisfy(\.passed)))
        let micro = try #require(try Microdescriptor.parseAll(try ProjectFiles.corpus("microdescs/2026-07-arti-live--Akka")[...]).first?.get())
        #expect(micro.rawBytes.split(separator: 0x0A).contains { $0.elementsEqual(("family-ids " + id).utf8) })
    }

    @Test("sanitized bridge descriptors: every signature check is not applicable, with the reason", arguments: [
        ("bridge/bridge-2016-10-02-16-09-00-server-descriptors", 8),
        ("bridge/metrics-lib--2017-07-17-17-09-00-server-descriptors", 13),
        ("bridge/stem--bridge_descriptor", 1),
        ("bridge/stem--bridge_descriptor_with_ed25519", 1),
    ])
    func sanitizedBridges(file: String, total: Int) throws {
        let reports = try Self.descriptors(file).map(Self.report)
        #expect(reports.count == total)
        for report in reports {
            #expect(report.isValid)
            #expect(report[.routerSignature] == .notApplicable(RelayCheck.sanitizedBridge))
            #expect(report[.identityEd25519] == .notApplicable(RelayCheck.sanitizedBridge))
            #expect(report[.published] == .passed)
        }
    }

    // MARK: Tampering (each copy made in memory from a real descriptor; the file is untouched)

    static func tampered(_ bytes: [UInt8], replacing old: String, with new: String) throws -> ServerDescriptor {
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: old))
        return try ServerDescriptor(parsing: Array(text.replacingCharacters(in: range, with: new).utf8))
    }

    static func failedChecks(_ descriptor: ServerDescriptor, at date: Date) -> [VerificationCheckID] {
        descriptor.verificationReport(at: date).failures.map(\.id)
    }

    @Test("tampering with Akka's signed text, each signature, each certificate and the time fails the right check")
    func tampering() throws {
        let bytes = try ProjectFiles.corpus("server-descriptors/2026-07-arti-live--Akka")
        let published = try #require(try ServerDescriptor(parsing: bytes).published).date
        // One byte of the signed region (uptime 13027595 → 13027596): both document signatures break.
        #expect(Self.failedChecks(try Self.tampered(bytes, replacing: "uptime 13027595", with: "uptime 13027596"), at: published)
                == [.routerSignature, .routerSigEd25519])
        // router-signature: first base64 character V → W.
        #expect(Self.failedChecks(try Self.tampered(bytes, replacing: "Vqt8oTyCT8zw", with: "Wqt8oTyCT8zw"), at: published)
                == [.routerSignature])
        // router-sig-ed25519: 0Sg+ → 1Sg+ (the RSA signature covers this line too).
        #expect(Self.failedChecks(try Self.tampered(bytes, replacing: "router-sig-ed25519 0Sg+", with: "router-sig-ed25519 1Sg+"), at: published)
                == [.routerSignature, .routerSigEd25519])
        // identity-ed25519 certificate: a byte of its signature (3rd line "otYQ" → "otYR").
        let identity = Self.failedChecks(try Self.tampered(bytes, replacing: "otYQBq4E3lc", with: "otYRBq4E3lc"), at: published)
        #expect(identity.contains(.identityEd25519) && identity.contains(.routerSignature))
        // onion-key-crosscert: 5mFG → 6mFG.
        let tap = Self.failedChecks(try Self.tampered(bytes, replacing: "5mFGnLAtD13a", with: "6mFGnLAtD13a"), at: published)
        #expect(tap == [.routerSignature, .routerSigEd25519, .onionKeyCrosscert])
        // ntor-onion-key-crosscert: the sign bit 1 → 0 gives the other Ed25519 key.
        let ntor = Self.failedChecks(try Self.tampered(bytes, replacing: "ntor-onion-key-crosscert 1", with: "ntor-onion-key-crosscert 0"), at: published)
        #expect(ntor == [.routerSignature, .routerSigEd25519, .ntorCrosscert])
        // family-cert: a byte in its signature.
        let family = Self.failedChecks(try Self.tampered(bytes, replacing: "XW6cJ+Vr8hGs", with: "XW6cJ+Vr8hGt"), at: published)
        #expect(family.contains(.familyCert(id: "ed25519:xiRC4fYUyj3pROyHeAm5dQerbUMHrLkeOJpG21vff44")))
        // master-key-ed25519 differing from the certificate's signer.
        let master = Self.failedChecks(try Self.tampered(bytes, replacing: "master-key-ed25519 CVTj", with: "master-key-ed25519 CVTk"), at: published)
        #expect(master.contains(.masterKeyEd25519))
        // fingerprint line not matching the signing key.
        let fingerprint = Self.failedChecks(try Self.tampered(bytes, replacing: "fingerprint 5692", with: "fingerprint 5693"), at: published)
        #expect(fingerprint.contains(.fingerprint))
    }

    @Test("certificate expiry and publication time follow the injected clock")
    func clock() throws {
        let descriptor = try #require(try Self.descriptors("server-descriptors/2026-07-arti-live--Akka").first)
        let identity = try #require(descriptor.identityCertificate)
        // At the expiration instant the certificate is still valid; one second later it has expired.
        #expect(descriptor.verificationReport(at: identity.expiration.date).failures.map(\.id)
                .allSatisfy { $0 != .identityEd25519Expiry })
        let late = descriptor.verificationReport(at: identity.expiration.date.addingTimeInterval(1))
        #expect(late.failures.map(\.id).contains(.identityEd25519Expiry))
        #expect(throws: VerificationError.self) { try descriptor.verify(at: identity.expiration.date.addingTimeInterval(1)) }
        // published 2026-07-27 08:14:35: checked 13 hours earlier it is in the future beyond the 12-hour tolerance.
        let early = descriptor.verificationReport(at: descriptor.published!.date.addingTimeInterval(-13 * 3600))
        #expect(early.failures.map(\.id) == [.published])
        #expect(descriptor.verificationReport(at: descriptor.published!.date.addingTimeInterval(-11 * 3600)).isValid)
        #expect(try descriptor.verify(at: descriptor.published!.date).isValid)
    }
}
