import Testing
@testable import TorDescriptors

@Suite struct Ed25519CertificateTests {
    /// The `identity-ed25519` object of stem's server_descriptor_with_ed25519 (a real descriptor).
    static func identityObject() throws -> [UInt8] {
        let d = try ServerFixtures.one("server-descriptors/stem--server_descriptor_with_ed25519")
        return try #require(d.identityCertificate).rawBytes
    }

    @Test func decodesRealIdentityCertificate() throws {
        // Field values checked against Stem 1.8.2's Ed25519CertificateV1.
        let cert = try Ed25519Certificate(bytes: Self.identityObject())
        #expect(cert.version == 1 && cert.certType == Ed25519Certificate.CertType.signingKey)
        #expect(cert.expirationHours == 400_217)
        #expect(cert.expiration.description == "2015-08-28 17:00:00")
        #expect(cert.extensions.count == 1)
        #expect(cert.extensions[0].type == 4 && cert.extensions[0].flags == 0 && !cert.extensions[0].affectsValidation)
        #expect(Hex.encode(cert.signingKey ?? [], uppercase: false) == "67a6b551a6d22be376d63e8d9f233a37b8ecb07e832baf2a6ba5b9b81e10a464")
        #expect(Hex.encode(cert.signature.prefix(8), uppercase: false) == "c68ed3ae0b3fed4a")
        #expect(cert.signedBytes.count == cert.rawBytes.count - 64)
        #expect(cert.rawBytes.count == 140)
    }

    @Test func base64InitMatchesBytesInit() throws {
        let raw = try Self.identityObject()
        let text = Array(Base64.encode(raw).utf8)
        #expect(try Ed25519Certificate(base64: text) == Ed25519Certificate(bytes: raw))
    }

    @Test func rejectsMalformedCertificates() throws {
        let raw = try Self.identityObject()
        #expect(throws: Ed25519CertificateError.tooShort(50)) { _ = try Ed25519Certificate(bytes: Array(raw.prefix(50))) }
        var version2 = raw
        version2[0] = 2
        #expect(throws: Ed25519CertificateError.unsupportedVersion(2)) { _ = try Ed25519Certificate(bytes: version2) }
        var twoExtensions = raw
        twoExtensions[39] = 2     // claims a second extension that would overlap the signature
        #expect(throws: Ed25519CertificateError.truncatedExtension(index: 1)) { _ = try Ed25519Certificate(bytes: twoExtensions) }
        var noExtensions = raw
        noExtensions[39] = 0      // leaves the 36 extension bytes unaccounted for
        #expect(throws: Ed25519CertificateError.unusedBytes(36)) { _ = try Ed25519Certificate(bytes: noExtensions) }
        #expect(throws: Ed25519CertificateError.invalidBase64) { _ = try Ed25519Certificate(base64: Array("!!!!".utf8)) }
    }
}
