import Foundation
import Testing
@testable import TorDescriptors

/// Authority-side verification fixtures: bundled certificates and the historic authority sets of
/// tor's source at the time of the bundled consensuses (read from torproject/tor tags).
enum VerifyAuthorityFixtures {
    static func certificates(_ file: String) throws -> [KeyCertificate] {
        KeyCertificate.parseAll(try ProjectFiles.corpus("key-certs/" + file)[...]).compactMap { try? $0.get() }
    }

    /// The authority sets tor's source pinned at the time of the bundled consensuses, as shipped
    /// in Resources/directory/historic/ (read from torproject/tor tags: tor-0.2.2.37 2012-06-07,
    /// tor-0.2.6.10 2015-07-12, tor-0.3.4.9 2018-11-02).
    static func historic(_ version: String) -> TrustedAuthorities {
        let url = ProjectFiles.root.appendingPathComponent("Resources/directory/historic/tor-\(version).txt")
        return TrustedAuthorities(listing: (try? String(contentsOf: url, encoding: .utf8)) ?? "")!
    }
    static let tor_0_2_2_37 = historic("0.2.2.37")
    static let tor_0_2_6_10 = historic("0.2.6.10")
    static let tor_0_3_4_9 = historic("0.3.4.9")

    /// Replaces one byte of `bytes` at the first occurrence of `marker` plus `offset`, swapping
    /// between two base64 letters so objects stay decodable.
    static func tampered(_ bytes: [UInt8], after marker: String, offset: Int) -> [UInt8] {
        let needle = Array(marker.utf8)
        var copy = bytes
        guard let start = (0...(bytes.count - needle.count)).first(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }) else {
            Issue.record("marker '\(marker)' not found")
            return copy
        }
        let index = start + needle.count + offset
        copy[index] = copy[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return copy
    }

    static func time(_ text: String) -> TorTimestamp { TorTimestamp(parsing: text)! }
}

@Suite("Key certificate verification")
struct KeyCertificateVerificationTests {
    /// Every bundled certificate with a cross-certificate verifies on its own, checked at its
    /// own `dir-key-published` time: 8 + 9 + 17 + 2 = 36 certificates.
    @Test(arguments: [("2012-06-cached-certs", 8), ("2015-11-cached-certs", 9), ("arti-authcert-all-2026", 17), ("stem--cached-certs", 2)])
    func bundledCertificatesVerify(file: String, count: Int) throws {
        let certificates = try VerifyAuthorityFixtures.certificates(file)
        #expect(certificates.count == count)
        for certificate in certificates {
            let report = certificate.verificationReport(at: certificate.published!)
            #expect(report.isValid, "\(file) \(certificate.fingerprint?.hex ?? "-"): \(report)")
            #expect(report[.certificate(.certification)] == .passed)
            #expect(report[.certificate(.crosscert)] == .passed)
            #expect(report[.certificate(.fingerprint)] == .passed)
            #expect(try RSAPublicKey(der: certificate.identityKey!).bitCount >= 1024)
        }
    }

    /// The real authority identity keys are 3072-bit; the 2012 signing keys 1024-bit.
    @Test func keySizes() throws {
        let certificates = try VerifyAuthorityFixtures.certificates("2012-06-cached-certs")
        #expect(try certificates.allSatisfy { try RSAPublicKey(der: $0.identityKey!).bitCount == 3072 })
        #expect(try certificates.allSatisfy { try RSAPublicKey(der: $0.signingKey!).bitCount == 1024 })
    }

    /// Stem's `metrics_cert` is tor26's certificate of 2008-05-09, made before tor wrote
    /// `dir-key-crosscert`: the identity signature verifies, the missing cross-certificate fails.
    @Test func certificateWithoutCrossCertificateFails() throws {
        let certificate = try #require(try VerifyAuthorityFixtures.certificates("stem--metrics_cert").first)
        #expect(certificate.fingerprint?.hex == "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4")
        let report = certificate.verificationReport(at: VerifyAuthorityFixtures.time("2008-05-10 00:00:00"))
        #expect(report[.certificate(.certification)] == .passed)
        #expect(report[.certificate(.fingerprint)] == .passed)
        #expect(report[.certificate(.crosscert)] == .failed("missing"))
        #expect(report.failures.count == 1)
        #expect(throws: VerificationError.self) { try certificate.verify(at: VerifyAuthorityFixtures.time("2008-05-10 00:00:00")) }
    }

    /// Expiry is the only time condition: tor26's 2012 certificate (`dir-key-expires
    /// 2013-05-29 21:21:25`) fails one second after, and passes a year before its own
    /// `dir-key-published` (pre-generated certificates sign real consensuses).
    @Test func expiryIsTheOnlyTimeCondition() throws {
        let certificates = try VerifyAuthorityFixtures.certificates("2012-06-cached-certs")
        let tor26 = try #require(certificates.first { $0.fingerprint?.hex == "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4" })
        #expect(tor26.expires?.description == "2013-05-29 21:21:25")
        let late = tor26.verificationReport(at: VerifyAuthorityFixtures.time("2013-05-29 21:21:26"))
        #expect(late.failures.map(\.id) == [.certificate(.expires)])
        #expect(tor26.verificationReport(at: VerifyAuthorityFixtures.time("2013-05-29 21:21:25")).isValid)
        let early = TorTimestamp(secondsSince1970: tor26.published!.secondsSince1970 - 365 * 86_400)
        #expect(tor26.verificationReport(at: early).isValid)
    }

    /// One byte changed in the signed part, the certification, the cross-certificate, the
    /// fingerprint: each fails the check it belongs to.
    @Test func tampering() throws {
        let original = try ProjectFiles.corpus("key-certs/2012-06-cached-certs")
        let first = try #require(KeyCertificate.parseAll(original[...]).first.flatMap { try? $0.get() })
        let at = first.published!
        #expect(first.verificationReport(at: at).isValid)
        func report(_ bytes: [UInt8]) throws -> VerificationReport {
            try #require(KeyCertificate.parseAll(bytes[...]).first.flatMap { try? $0.get() }).verificationReport(at: at)
        }
        // The signed part: a letter of the signing key's base64 (the key still parses).
        let signedPart = try report(VerifyAuthorityFixtures.tampered(original, after: "dir-signing-key\n-----BEGIN RSA PUBLIC KEY-----\n", offset: 40))
        #expect(signedPart[.certificate(.certification)] == .failed(SignatureError.digestMismatch.description))
        let certification = try report(VerifyAuthorityFixtures.tampered(original, after: "dir-key-certification\n-----BEGIN SIGNATURE-----\n", offset: 20))
        #expect(certification[.certificate(.certification)]?.isFailure == true)
        #expect(certification.failures.map(\.id) == [.certificate(.certification)])
        // The cross-certificate lies inside the certified part, so the certification fails with it.
        let cross = try report(VerifyAuthorityFixtures.tampered(original, after: "dir-key-crosscert\n-----BEGIN ID SIGNATURE-----\n", offset: 20))
        #expect(cross.failures.map(\.id) == [.certificate(.certification), .certificate(.crosscert)])
        // fingerprint ED03BB61… → the 'B' of "BB" becomes 'A': both the fingerprint and the certification fail.
        let fingerprint = try report(VerifyAuthorityFixtures.tampered(original, after: "fingerprint ED03", offset: 0))
        #expect(fingerprint.failures.map(\.id) == [.certificate(.fingerprint), .certificate(.certification)])
    }
}

extension VerificationCheck.Outcome {
    var isFailure: Bool { if case .failed = self { true } else { false } }
    var isNotCounted: Bool { if case .notApplicable(let why) = self { why.hasPrefix("not counted") } else { false } }
    var reason: String {
        switch self {
        case .passed: ""
        case .failed(let why), .notApplicable(let why): why
        }
    }
}
