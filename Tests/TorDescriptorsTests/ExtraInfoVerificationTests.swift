import Foundation
import Testing
@testable import TorDescriptors

/// Extra-info verification and cross-document digests on bundled real documents.
struct ExtraInfoVerificationTests {
    static func extraInfos(_ relative: String) throws -> [ExtraInfoDescriptor] {
        try ExtraInfoDescriptor.parseAll(try ProjectFiles.corpus(relative)[...]).map { try $0.get() }
    }

    static func passedCount(_ reports: [VerificationReport], _ name: VerificationCheckID) -> Int {
        reports.filter { $0[name] == .passed }.count
    }

    // Totals and Ed25519 counts from `grep -c '^extra-info '` / `grep -c '^identity-ed25519'`.
    @Test("every bundled extra-info verifies its Ed25519 signature; the RSA one needs the relay's key", arguments: [
        ("extra-info/metrics-lib--2017-07-17-17-20-00-extra-infos", 6, 3),
        ("extra-info/relay-2016-10-02-08-05-00-extra-infos", 9, 4),
        ("extra-info/stem--extrainfo_descriptor_with_ed25519", 1, 1),
        ("extra-info/stem--extrainfo_relay_descriptor", 1, 0),
    ])
    func relayExtraInfos(file: String, total: Int, withEd25519: Int) throws {
        let documents = try Self.extraInfos(file)
        let reports = documents.map { $0.verificationReport(signingKey: nil, at: $0.published!.date) }
        #expect(reports.count == total)
        #expect(Bool(reports.allSatisfy(\.isValid)))
        #expect(Self.passedCount(reports, .identityEd25519) == withEd25519)
        #expect(Self.passedCount(reports, .identityEd25519Expiry) == withEd25519)
        #expect(Self.passedCount(reports, .routerSigEd25519) == withEd25519)
        #expect(Bool(reports.allSatisfy { $0[.routerSignature] == .notApplicable("needs the relay's server descriptor (its signing-key)") }))
    }

    @Test("sanitized bridge extra-infos: signature checks not applicable", arguments: [
        ("bridge/bridge-2016-10-02-08-09-00-extra-infos", 10),
        ("bridge/metrics-lib--2017-07-17-17-09-00-extra-infos", 6),
        ("bridge/stem--bridge_extrainfo_descriptor_with_ed25519", 1),
    ])
    func bridges(file: String, total: Int) throws {
        let reports = try Self.extraInfos(file).map { $0.verificationReport(signingKey: nil, at: $0.published!.date) }
        #expect(reports.count == total)
        #expect(Bool(reports.allSatisfy { $0.isValid && $0[.routerSignature] == .notApplicable(RelayCheck.sanitizedBridge) }))
    }

    /// Three relays (23DE2F1A…, B7052E82…, DDDE3889…) appear in both bundled 2016-10-02 files:
    /// the server descriptors' signing keys verify the extra-infos' RSA signatures.
    @Test("RSA router-signature of extra-infos with the signing key of the same relay's server descriptor")
    func withServerDescriptor() throws {
        let extraInfos = try Self.extraInfos("extra-info/relay-2016-10-02-08-05-00-extra-infos")
        let descriptors = try ServerDescriptorVerificationTests.descriptors("server-descriptors/relay-2016-10-02-16-05-00-server-descriptors")
        var pairs = 0
        for extraInfo in extraInfos {
            guard let descriptor = descriptors.first(where: { $0.fingerprint == extraInfo.fingerprint }) else { continue }
            pairs += 1
            let report = extraInfo.verificationReport(serverDescriptor: descriptor, at: extraInfo.published!.date)
            #expect(report.isValid, "\(report)" as Comment)
            #expect(report[.routerSignature] == .passed)
            #expect(report[.fingerprint] == .passed)
            // A one-byte change in the signed region breaks the RSA signature.
            var bytes = Array(extraInfo.rawBytes)
            let at = try #require(String(decoding: bytes, as: UTF8.self).range(of: "published 2016")).upperBound.utf16Offset(in: String(decoding: bytes, as: UTF8.self))
            bytes[at + 2] = bytes[at + 2] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            let tampered = try ExtraInfoDescriptor(parsing: bytes)
            let failed = tampered.verificationReport(serverDescriptor: descriptor, at: extraInfo.published!.date).failures.map(\.id)
            #expect(failed.first == .routerSignature)
        }
        #expect(pairs == 3)
        // Another relay's key: the fingerprint check and the signature fail.
        let stranger = try #require(descriptors.first { $0.fingerprint != extraInfos[0].fingerprint })
        let wrong = extraInfos[0].verificationReport(serverDescriptor: stranger, at: extraInfos[0].published!.date)
        #expect(wrong.failures.map(\.id).starts(with: [.fingerprint, .routerSignature]))
    }

    @Test("tampering with an extra-info's router-sig-ed25519 or identity certificate fails those checks")
    func ed25519Tampering() throws {
        let bytes = try ProjectFiles.corpus("extra-info/stem--extrainfo_descriptor_with_ed25519")
        let text = String(decoding: bytes, as: UTF8.self)
        let document = try ExtraInfoDescriptor(parsing: bytes)
        let date = document.published!.date
        let badSignature = try ExtraInfoDescriptor(parsing: Array(text.replacingOccurrences(of: "router-sig-ed25519 g6Zg", with: "router-sig-ed25519 g6Zh").utf8))
        #expect(badSignature.verificationReport(signingKey: nil, at: date).failures.map(\.id) == [.routerSigEd25519])
        let badCertificate = try ExtraInfoDescriptor(parsing: Array(text.replacingOccurrences(of: "YuVlzi50WXzG", with: "YuVlzi50WXzH").utf8))
        // The certificate is inside the Ed25519-signed region, so the document signature fails too.
        #expect(badCertificate.verificationReport(signingKey: nil, at: date).failures.map(\.id) == [.identityEd25519, .routerSigEd25519])
        let badContent = try ExtraInfoDescriptor(parsing: Array(text.replacingOccurrences(of: "14409728,", with: "14409729,").utf8))
        #expect(badContent.verificationReport(signingKey: nil, at: date).failures.map(\.id) == [.routerSigEd25519])
        let expired = document.verificationReport(signingKey: nil, at: date.addingTimeInterval(400 * 86400))
        #expect(expired.failures.map(\.id) == [.identityEd25519Expiry])
    }

    // MARK: Cross-document digests

    @Test("2026-07-27 consensus r digests match the bundled Akka and d2d4 server descriptors; three are missing")
    func consensusServerDescriptors() throws {
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"))
        let descriptors = try ["Akka", "d2d4"].flatMap { try ServerDescriptorVerificationTests.descriptors("server-descriptors/2026-07-arti-live--" + $0) }
        let result = DigestCrossCheck.serverDescriptors(consensus.entries, descriptors)
        // r lines: Akka h1RqVyoNEQUY5SciwQbJZH8OldY, d2d4 xxT7DJv/98wTdQzlcLcrDR45Izo (= SHA-1 computed with Python hashlib)
        #expect(Set(result.matched) == [Hex.encode(Base64.decode("h1RqVyoNEQUY5SciwQbJZH8OldY".utf8)!),
                                        Hex.encode(Base64.decode("xxT7DJv/98wTdQzlcLcrDR45Izo".utf8)!)])
        #expect(result.missing.count == 3 && result.mismatched.isEmpty && result.unreferenced == 0)
        let akka = try #require(consensus.entries.first { $0.nickname == "Akka" })
        #expect(akka.descriptorDigestCheck(descriptors[0]).passed)
        #expect(akka.descriptorDigestCheck(descriptors[1]).failed)   // d2d4's descriptor for Akka's entry
        // A different version of Akka's descriptor (one byte changed) is a mismatch, not a missing one.
        let text = String(decoding: try ProjectFiles.corpus("server-descriptors/2026-07-arti-live--Akka"), as: UTF8.self)
        let other = try ServerDescriptor(parsing: Array(text.replacingOccurrences(of: "uptime 13027595", with: "uptime 13027596").utf8))
        let changed = DigestCrossCheck.serverDescriptors(consensus.entries, [other, descriptors[1]])
        #expect(changed.matched.count == 1 && changed.mismatched.map(\.nickname) == ["Akka"])
        let report = changed.report(document: .networkStatusConsensus, reference: .serverDescriptor)
        #expect(report.failures.count == 1 && report.checks.count == 5)
    }

    @Test("2026-07-27 microdesc consensus m digests match all five bundled microdescriptors")
    func consensusMicrodescriptors() throws {
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live"))
        let micros = try ["Akka", "Ukko", "d2d4", "lisdex", "moria1"].map {
            try #require(try Microdescriptor.parseAll(try ProjectFiles.corpus("microdescs/2026-07-arti-live--" + $0)[...]).first?.get())
        }
        let result = DigestCrossCheck.microdescriptors(consensus.entries, micros)
        #expect(result.matched.count == 5 && result.missing.isEmpty && result.unreferenced == 0)
        // Akka's m line (file text) and its microdescriptor.
        #expect(result.matched.contains("DT8j0UcSuHr0xhwGrfng1922N+n4h6/3rhvmPcWqulo"))
        let akka = try #require(consensus.entries.first { $0.nickname == "Akka" })
        #expect(akka.microdescriptorDigestCheck(micros[0]).passed)
        #expect(akka.microdescriptorDigestCheck(micros[1]).failed)
        #expect(DigestCrossCheck.microdescriptors(consensus.entries, Array(micros.dropFirst())).missing == ["DT8j0UcSuHr0xhwGrfng1922N+n4h6/3rhvmPcWqulo"])
    }

    @Test("sanitized bridge extra-info-digest lines match the bundled bridge extra-infos (metrics-lib 2017-07-17)")
    func extraInfoDigests() throws {
        let descriptors = try ServerDescriptorVerificationTests.descriptors("bridge/metrics-lib--2017-07-17-17-09-00-server-descriptors")
        let extraInfos = try Self.extraInfos("bridge/metrics-lib--2017-07-17-17-09-00-extra-infos")
        let result = DigestCrossCheck.extraInfos(descriptors, extraInfos)
        // 13 descriptors with extra-info-digest lines; 2 relays (2AA50DFC…, 3D4782C0…) are in both files.
        #expect(Set(result.matched) == ["99EE538101C1FAD637283271044C619E69F33927", "7E7474F0350F5490ABD5A8189FFFE2D3698ED78A"])
        #expect(result.mismatched.isEmpty && result.missing.count == 11 && result.unreferenced == 4)
        let pair = try #require(descriptors.first { $0.extraInfoDigest?.hex == "99EE538101C1FAD637283271044C619E69F33927" })
        let extraInfo = try #require(extraInfos.first { $0.digest?.hex == "99EE538101C1FAD637283271044C619E69F33927" })
        #expect(Bool(pair.extraInfoDigestChecks(extraInfo).allSatisfy { !$0.failed }))
    }
}
