import Foundation
import Testing
@testable import TorDescriptors

/// Synthetic documents (hand-written for edge cases, never edited real documents): typed errors
/// with line numbers in strict mode, warnings in lenient mode. The keys are synthetic real keys
/// (``SyntheticRSAKeys``); the signatures are placeholders (valid base64, not signatures).
@Suite("KeyCertificate and DetachedSignatures synthetic edge cases")
struct KeyCertificateSyntheticTests {
    /// A synthetic certificate; `fingerprint` is the SHA-1 of the placeholder identity key body.
    static func syntheticCert(address: String = "dir-address 192.0.2.1:80\n", published: String = "2026-01-01 00:00:00",
                              crosscertType: String = "ID SIGNATURE", extra: String = "", trailer: String = "") -> [UInt8] {
        let identity = SyntheticRSAKeys.der(SyntheticRSAKeys.identity3072)
        let fingerprint = Hex.encode(Digest.sha1(identity))
        let text = "dir-key-certificate-version 3\n" + address + "fingerprint \(fingerprint)\n" +
            "dir-key-published \(published)\ndir-key-expires 2027-01-01 00:00:00\n" +
            "dir-identity-key\n-----BEGIN RSA PUBLIC KEY-----\n\(Base64.encode(identity))\n-----END RSA PUBLIC KEY-----\n" +
            "dir-signing-key\n-----BEGIN RSA PUBLIC KEY-----\n\(SyntheticRSAKeys.signing1024)\n-----END RSA PUBLIC KEY-----\n" + extra +
            "dir-key-crosscert\n-----BEGIN \(crosscertType)-----\nY3Jvc3M=\n-----END \(crosscertType)-----\n" +
            "dir-key-certification\n-----BEGIN SIGNATURE-----\nY2VydGlmaWNhdGlvbg==\n-----END SIGNATURE-----\n" + trailer
        return Array(text.utf8)
    }

    @Test("synthetic: a well-formed certificate parses strictly with computed digests")
    func syntheticValid() throws {
        let cert = try KeyCertificate(parsing: Self.syntheticCert(), mode: .strict)
        #expect(cert.address?.description == "192.0.2.1" && cert.dirPort == 80)
        #expect(cert.fingerprintMatchesIdentityKey)
        #expect(cert.signingKeyDigest == Fingerprint(bytes: Digest.sha1(SyntheticRSAKeys.der(SyntheticRSAKeys.signing1024))))
        #expect(cert.crossCertificate == Array("cross".utf8))
        #expect(cert.certification == Array("certification".utf8))
        #expect(cert.isValid(at: TorTimestamp(parsing: "2026-06-01 00:00:00")!))
        #expect(!cert.isValid(at: TorTimestamp(parsing: "2027-01-01 00:00:01")!))
        #expect(cert.isExpired(at: TorTimestamp(parsing: "2027-01-01 00:00:01")!))
        #expect(cert.isValid(at: TorTimestamp(parsing: "2025-12-01 00:00:00")!))   // before published: still usable
    }

    @Test("synthetic: crosscert with a SIGNATURE object (the spec allows both names)")
    func syntheticPlainSignatureCrosscert() throws {
        let cert = try KeyCertificate(parsing: Self.syntheticCert(crosscertType: "SIGNATURE"), mode: .strict)
        #expect(cert.crossCertificateObjectType == "SIGNATURE")
    }

    @Test("synthetic: a bad dir-address is a warning in lenient mode and an error at its line in strict mode")
    func syntheticBadAddress() throws {
        let bytes = Self.syntheticCert(address: "dir-address [2001:db8::1]:80\n")
        let lenient = try KeyCertificate(parsing: bytes)
        #expect(lenient.address == nil && lenient.fingerprint != nil)
        #expect(lenient.warnings.map(\.line) == [2])
        #expect(throws: DescriptorParseError.self) { try KeyCertificate(parsing: bytes, mode: .strict) }
        do { _ = try KeyCertificate(parsing: bytes, mode: .strict) } catch {
            #expect(error.line == 2 && error.keyword == "dir-address")
        }
    }

    @Test("synthetic: a bad time is a warning in lenient mode and an error at its line in strict mode")
    func syntheticBadTime() throws {
        let bytes = Self.syntheticCert(published: "2026-13-01 00:00:00")
        let lenient = try KeyCertificate(parsing: bytes)
        #expect(lenient.published == nil && lenient.expires != nil)
        #expect(lenient.warnings.first?.line == 4 && lenient.warnings.first?.keyword == "dir-key-published")
        do { _ = try KeyCertificate(parsing: bytes, mode: .strict); Issue.record("strict accepted a bad time") } catch {
            #expect(error.line == 4)
        }
    }

    @Test("synthetic: an item after dir-key-certification is kept in lenient mode and misplaced in strict mode")
    func syntheticTrailingItem() throws {
        let bytes = Self.syntheticCert(trailer: "synthetic-extra 1\n")
        let lenient = try KeyCertificate(parsing: bytes)
        #expect(lenient.unrecognizedLines.map(\.keyword) == ["synthetic-extra"])
        do { _ = try KeyCertificate(parsing: bytes, mode: .strict); Issue.record("strict accepted a trailing item") } catch {
            #expect(error.keyword == "dir-key-certification")
            #expect(error.failure == .misplacedKeyword(expected: "must be the last item"))
        }
    }

    @Test("synthetic: a duplicated dir-signing-key is a strict error at the second one")
    func syntheticDuplicate() throws {
        let bytes = Self.syntheticCert(extra: "dir-signing-key\n-----BEGIN RSA PUBLIC KEY-----\n\(SyntheticRSAKeys.other1024)\n-----END RSA PUBLIC KEY-----\n")
        let lenient = try KeyCertificate(parsing: bytes)
        #expect(lenient.signingKey == SyntheticRSAKeys.der(SyntheticRSAKeys.signing1024))   // the first one wins
        do { _ = try KeyCertificate(parsing: bytes, mode: .strict); Issue.record("strict accepted a duplicate") } catch {
            #expect(error.failure == .duplicateKeyword && error.line == 14)
        }
    }

    @Test("synthetic: a fingerprint that is not the identity key's digest fails strict mode only")
    func syntheticFingerprintMismatch() throws {
        var text = String(decoding: Self.syntheticCert(), as: UTF8.self)
        let fingerprintLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("fingerprint ") })
        text = text.replacingOccurrences(of: String(fingerprintLine), with: "fingerprint " + String(repeating: "A", count: 40))
        let lenient = try KeyCertificate(parsing: Array(text.utf8))
        #expect(!lenient.fingerprintMatchesIdentityKey)
        do { _ = try KeyCertificate(parsing: Array(text.utf8), mode: .strict); Issue.record("strict accepted a wrong fingerprint") } catch {
            #expect(error.line == 3 && error.keyword == "fingerprint")
        }
    }

    @Test("synthetic: a document not opening with dir-key-certificate-version throws in both modes")
    func syntheticNotACertificate() {
        let bytes = Array("fingerprint 0000000000000000000000000000000000000000\n".utf8)
        for mode in [ValidationMode.lenient, .strict] {
            do { _ = try KeyCertificate(parsing: bytes, mode: mode); Issue.record("accepted") } catch {
                #expect(error.failure == .missingKeyword && error.keyword == "dir-key-certificate-version")
            }
        }
    }

    @Test("synthetic: an unsupported version is a lenient warning and a strict error")
    func syntheticVersion() throws {
        var bytes = Self.syntheticCert()
        bytes[28] = UInt8(ascii: "4")   // "dir-key-certificate-version 4"
        let lenient = try KeyCertificate(parsing: bytes)
        #expect(lenient.version == 4 && lenient.warnings.count == 1)
        #expect(throws: DescriptorParseError.self) { try KeyCertificate(parsing: bytes, mode: .strict) }
    }

    static let syntheticDetached = """
        consensus-digest 0102030405060708090A0B0C0D0E0F1011121314
        valid-after 2026-01-01 00:00:00
        fresh-until 2026-01-01 01:00:00
        valid-until 2026-01-01 03:00:00
        additional-digest microdesc sha256 00FF
        directory-signature sha256 0000000000000000000000000000000000000001 0000000000000000000000000000000000000002
        -----BEGIN SIGNATURE-----
        c2ln
        -----END SIGNATURE-----

        """

    @Test("synthetic: detached signatures with an explicit algorithm and a short additional digest")
    func syntheticDetachedValid() throws {
        let document = try DetachedSignatures(parsing: Array(Self.syntheticDetached.utf8), mode: .strict)
        #expect(document.signatures.first?.algorithm == .sha256 && document.signatures.first?.algorithmWasExplicit == true)
        #expect(document.signatures.first?.signature == Array("sig".utf8))
        #expect(document.additionalDigests.first?.bytes == [0x00, 0xFF])
    }

    @Test("synthetic: a malformed consensus-digest and a signature without object")
    func syntheticDetachedErrors() throws {
        let badDigest = Self.syntheticDetached.replacingOccurrences(of: "0102030405060708090A0B0C0D0E0F1011121314", with: "XYZ")
        let lenient = try DetachedSignatures(parsing: Array(badDigest.utf8))
        #expect(lenient.consensusDigest == nil && lenient.validAfter != nil && lenient.signatures.count == 1)
        #expect(lenient.warnings.map(\.line) == [1])
        do { _ = try DetachedSignatures(parsing: Array(badDigest.utf8), mode: .strict); Issue.record("accepted") } catch {
            #expect(error.line == 1 && error.keyword == "consensus-digest")
        }
        let noObject = Self.syntheticDetached.replacingOccurrences(of: "-----BEGIN SIGNATURE-----\nc2ln\n-----END SIGNATURE-----\n", with: "")
        let lenientNoObject = try DetachedSignatures(parsing: Array(noObject.utf8))
        #expect(lenientNoObject.signatures.isEmpty && lenientNoObject.warnings.first?.line == 6)
        do { _ = try DetachedSignatures(parsing: Array(noObject.utf8), mode: .strict); Issue.record("accepted") } catch {
            #expect(error.line == 6 && error.keyword == "directory-signature")
        }
        let missingTime = Self.syntheticDetached.replacingOccurrences(of: "fresh-until 2026-01-01 01:00:00\n", with: "")
        #expect(try DetachedSignatures(parsing: Array(missingTime.utf8)).freshUntil == nil)
        do { _ = try DetachedSignatures(parsing: Array(missingTime.utf8), mode: .strict); Issue.record("accepted") } catch {
            #expect(error.failure == .missingKeyword && error.keyword == "fresh-until")
        }
    }

    @Test("every truncation of the real samples parses or throws a typed error, never crashes")
    func truncations() throws {
        let cert = try ProjectFiles.corpus("key-certs/stem--cached-certs")
        let detached = try ProjectFiles.corpus("detached-signatures/stem--detached_signatures")
        var parsed = 0
        for end in stride(from: 0, through: cert.count, by: 7) {
            for mode in [ValidationMode.lenient, .strict] {
                parsed += KeyCertificate.parseAll(cert[..<end], mode: mode).filter { (try? $0.get()) != nil }.count
            }
        }
        for end in stride(from: 0, through: detached.count, by: 11) {
            for mode in [ValidationMode.lenient, .strict] {
                parsed += DetachedSignatures.parseAll(detached[..<end], mode: mode).filter { (try? $0.get()) != nil }.count
            }
        }
        #expect(parsed > 0)
    }
}
