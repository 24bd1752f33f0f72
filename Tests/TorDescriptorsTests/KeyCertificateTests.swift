import Foundation
import Testing
@testable import TorDescriptors

/// Key certificates from bundled real files (copied byte-exact from the corpus); expected
/// values were read from the file text and checked against Stem 1.8.2.
@Suite("KeyCertificate")
struct KeyCertificateTests {
    static func certs(_ name: String) throws -> [KeyCertificate] {
        let bytes = try ProjectFiles.corpus("key-certs/" + name)
        return try KeyCertificate.parseAll(bytes[...]).map { try $0.get() }
    }

    @Test("Stem's 2008 metrics certificate: every field, no crosscert")
    func metricsCert() throws {
        let certs = try Self.certs("stem--metrics_cert")
        try #require(certs.count == 1)
        let cert = certs[0]
        #expect(cert.annotations.first?.name == "type" && cert.annotations.first?.value == "dir-key-certificate-3 1.0")
        #expect(cert.version == 3)
        #expect(cert.fingerprint?.hex == "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4")
        #expect(cert.published?.description == "2008-05-09 21:13:26")
        #expect(cert.expires?.description == "2009-05-09 21:13:26")
        #expect(cert.address == nil && cert.dirPort == nil)
        #expect(cert.crossCertificate == nil && cert.crossCertificatePEM == nil)
        #expect(cert.identityKey?.count == 398)           // 3072-bit RSA key in PKCS#1 DER
        #expect(cert.signingKey?.count == 140)            // 1024-bit
        #expect(cert.certification?.count == 384)
        #expect(cert.fingerprintMatchesIdentityKey)
        #expect(cert.signingKeyDigest?.hex == "D6D2325E1511B23A825DBE1CFD3DF9285AAE4DEB")
        #expect(cert.identityKeyPEM?.hasPrefix("-----BEGIN RSA PUBLIC KEY-----\nMIIBigKCAYEA7cZXvDRxfjDYtr9") == true)
        #expect(cert.certificationPEM?.hasSuffix("GM9hAsAMRX9Ogqhq5UjDNqEsvDKuyVeyh7unSZEOip9Zr6K/+7VsVPNb8vfBRBjo\n-----END SIGNATURE-----") == true)
        #expect(cert.warnings.isEmpty && cert.unrecognizedLines.isEmpty)
        // The signed part runs from the version line (after the @type annotation) through
        // "dir-key-certification\n".
        let signed = try #require(cert.signedRange)
        let text = String(decoding: cert.rawBytes[signed], as: UTF8.self)
        #expect(text.hasPrefix("dir-key-certificate-version 3\n") && text.hasSuffix("\ndir-key-certification\n"))
        #expect(cert.signedDigest?.bytes == Digest.sha1(cert.rawBytes[signed]))
        // Pre-0.2.0 certificates lack dir-key-crosscert: strict mode accepts that, as Stem does.
        #expect(throws: Never.self) { try KeyCertificate(parsing: cert.rawBytes, mode: .strict) }
    }

    @Test("Stem's cached-certs: two testing-network certificates with dir-address")
    func stemCachedCerts() throws {
        let certs = try Self.certs("stem--cached-certs")
        try #require(certs.count == 2)
        #expect(certs.map { $0.fingerprint?.hex } == ["BCB380A633592C218757BEE11E630511A485658A", "596CD48D61FDA4E868F4AA10FF559917BE3B1A35"])
        #expect(certs.map { $0.address?.description } == ["127.0.0.1", "127.0.0.1"])
        #expect(certs.map { $0.dirPort } == [7000, 7001])
        #expect(certs.map { $0.signingKeyDigest?.hex } == ["9CA027E05B0CE1500D90DA13FFDA8EDDCD40A734", "9FBF54D6A62364320308A615BF4CF6B27B254FAD"])
        #expect(certs.map { $0.published?.description } == ["2017-05-25 04:45:52", "2017-05-25 04:45:58"])
        #expect(certs.allSatisfy { $0.crossCertificateObjectType == "ID SIGNATURE" && $0.crossCertificate?.count == 256 })
        #expect(certs.allSatisfy { $0.signingKey?.count == 270 })   // 2048-bit signing keys in this test network
        #expect(certs[1].firstLine == 47)
    }

    @Test("every bundled certificate: strict parse, SHA-1 of the identity key is the fingerprint", arguments: [
        ("2012-06-cached-certs", 8), ("arti-authcert-all-2026", 17), ("stem--cached-certs", 2), ("stem--metrics_cert", 1),
    ])
    func bundled(_ name: String, _ count: Int) throws {
        let bytes = try ProjectFiles.corpus("key-certs/" + name)
        let strict = try KeyCertificate.parseAll(bytes[...], mode: .strict).map { try $0.get() }
        #expect(strict.count == count)
        for cert in strict {
            #expect(cert.fingerprintMatchesIdentityKey)
            #expect(cert.identityKeyDigest == cert.fingerprint)
            #expect(cert.warnings.isEmpty)
            #expect(cert.signedRange != nil)
        }
        // No byte lost between certificates.
        #expect(strict.map(\.rawBytes.count).reduce(0, +) == bytes.count)
    }

    @Test("2012-06 certs hold the signing keys of all 7 signatures of the 2012-06-18 consensus")
    func signingKeysMatchConsensus2012() throws {
        let certs = try Self.certs("2012-06-cached-certs")
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus"))
        let validAfter = try #require(consensus.header.validAfter)
        #expect(consensus.footer.signatures.count == 7)
        for signature in consensus.footer.signatures {
            let cert = certs.first { $0.fingerprint == signature.identity && $0.signingKeyDigest == signature.signingKeyDigest }
            #expect(cert != nil, "no certificate for \(signature.identity)")
            #expect(cert?.isValid(at: validAfter) == true)
        }
    }

    @Test("arti's 2026 certs: the two current ones match their signatures in the cropped 2026-07-27 consensus")
    func signingKeysMatchConsensus2026() throws {
        let certs = try Self.certs("arti-authcert-all-2026")
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"))
        let validAfter = try #require(consensus.header.validAfter)
        let matched = consensus.footer.signatures.compactMap { signature in
            certs.first { $0.fingerprint == signature.identity && $0.signingKeyDigest == signature.signingKeyDigest }
        }
        // Checked with Stem and the file text: 9 signatures, and the file holds the signing keys
        // of longclaw (23D15D96...) and gabelmoo (ED03BB61...) only (names from the dir-source lines).
        #expect(consensus.footer.signatures.count == 9)
        #expect(matched.map { $0.fingerprint?.hex } == ["23D15D965BC35114467363C165C4F724B64B4F66", "ED03BB616EB2F60BEC80151114BB25CEF515B226"])
        #expect(matched.map { $0.signingKeyDigest?.hex } == ["E3FF1BECB2667D1220838562CBAE41BC07C97720", "78144C53B9C9CD541D11CC5F0FAF4313018DD9E1"])
        #expect(matched.allSatisfy { $0.isValid(at: validAfter) })
    }

    @Test("the certificate embedded in a real vote parses, and signs that vote")
    func embeddedInVote() throws {
        let vote = try ProjectFiles.shared("votes/cropped--2026-07-27-10-00-00-vote-tor26-arti-live")
        let cut = try #require(Self.embeddedCertificate(vote))
        let cert = try KeyCertificate(parsing: cut, mode: .strict)
        #expect(cert.fingerprint?.hex == "2F3DF9CA0E5D36F2685A2DA67184EB8DCB8CBA8C")
        #expect(cert.fingerprintMatchesIdentityKey)
        let text = String(decoding: vote, as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("directory-signature ") })
        #expect(line.hasSuffix(" 2F3DF9CA0E5D36F2685A2DA67184EB8DCB8CBA8C " + (cert.signingKeyDigest?.hex ?? "?")))
    }

    /// From the `dir-key-certificate-version` line through the object after `dir-key-certification`.
    static func embeddedCertificate(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let start = text.range(of: "\ndir-key-certificate-version "),
              let certification = text.range(of: "\ndir-key-certification\n", range: start.upperBound..<text.endIndex),
              let end = text.range(of: "-----END SIGNATURE-----\n", range: certification.upperBound..<text.endIndex) else { return nil }
        let lower = text.utf8.distance(from: text.startIndex, to: start.lowerBound) + 1
        let upper = text.utf8.distance(from: text.startIndex, to: end.upperBound)
        return bytes[lower..<upper]
    }
}
