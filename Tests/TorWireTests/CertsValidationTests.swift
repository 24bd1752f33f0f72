import Foundation
import Testing
import TestSupport
import TorDescriptors
@testable import TorWire

/// CERTS validation on a real relay's certificates (captured from the private Tor network),
/// and on each way of spoiling them.
@Suite struct CertsValidationTests {
    static func encode(_ entries: [CertsCell.Entry]) -> [UInt8] {
        var payload: [UInt8] = [UInt8(entries.count)]
        for entry in entries {
            payload.append(entry.type)
            payload.appendBigEndian(UInt16(entry.body.count))
            payload += entry.body
        }
        return payload
    }

    static func validate(_ fixture: LinkFixture, entries: [CertsCell.Entry]? = nil, tls: [UInt8]? = nil,
                         expected: Fingerprint? = nil, at time: Date? = nil) throws(LinkError) -> RelayIdentity {
        let payload = entries.map(encode) ?? fixture.certsPayload
        return try CertsCell(payload: payload).validate(tlsCertificateDER: tls ?? fixture.tlsCertificateDER,
                                                        expected: expected ?? fixture.fingerprint, now: time ?? fixture.capturedAt)
    }

    /// The entries with the body of the first of `type` changed by `change`.
    static func altered(_ fixture: LinkFixture, type: UInt8, _ change: (inout [UInt8]) -> Void) throws -> [CertsCell.Entry] {
        try CertsCell(payload: fixture.certsPayload).entries.map { entry in
            guard entry.type == type else { return entry }
            var body = entry.body
            change(&body)
            return CertsCell.Entry(type: type, body: body)
        }
    }

    @Test func aRealRelaysCertificatesValidate() throws {
        let fixture = try LinkFixture.load()
        let cell = try CertsCell(payload: fixture.certsPayload)
        #expect(Set(cell.entries.map(\.type)).isSuperset(of: [1, 2, 4, 5, 7]))
        let identity = try Self.validate(fixture)
        #expect(identity.fingerprint == fixture.fingerprint)
        #expect(identity.rsaIdentity.bitCount == 1024)
        #expect(identity.ed25519Identity?.count == 32)
        // The type 1 link certificate is the TLS certificate itself.
        #expect(cell.entries.first { $0.type == 1 }?.body == fixture.tlsCertificateDER)
    }

    @Test func theRSAOnlyPathChecksTheType1LinkCertificate() throws {
        let fixture = try LinkFixture.load()
        let rsaOnly = try CertsCell(payload: fixture.certsPayload).entries.filter { [1, 2].contains($0.type) }
        #expect(try Self.validate(fixture, entries: rsaOnly).ed25519Identity == nil)
        let identityDER = try #require(rsaOnly.first { $0.type == 2 }?.body)
        #expect(throws: LinkError.certificates("TLS certificate key is not the one the link certificate (type 1) certifies")) {
            try Self.validate(fixture, entries: rsaOnly, tls: identityDER)
        }
    }

    @Test func anotherIdentityIsNamed() throws {
        let fixture = try LinkFixture.load()
        let wanted = Fingerprint(hex: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")!
        #expect(throws: LinkError.identityMismatch(expected: wanted, actual: fixture.fingerprint)) {
            try Self.validate(fixture, expected: wanted)
        }
    }

    @Test func aTLSCertificateTheCertsCellDoesNotCertifyIsRefused() throws {
        let fixture = try LinkFixture.load()
        var other = fixture.tlsCertificateDER
        other[other.count - 1] ^= 1
        #expect(throws: LinkError.certificates("TLS certificate is not the one the signing->link certificate (type 5) certifies")) {
            try Self.validate(fixture, tls: other)
        }
    }

    /// A flipped bit in each certificate's signature.
    @Test(arguments: [UInt8(2), 4, 5, 7])
    func aBadSignatureIsRefused(type: UInt8) throws {
        let fixture = try LinkFixture.load()
        let entries = try Self.altered(fixture, type: type) { $0[$0.count - 1] ^= 0x01 }
        do {
            _ = try Self.validate(fixture, entries: entries)
            Issue.record("a bad signature on type \(type) was accepted")
        } catch {
            guard case .certificates = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test func missingDuplicatedAndIncompleteCertificatesAreRefused() throws {
        let fixture = try LinkFixture.load()
        let entries = try CertsCell(payload: fixture.certsPayload).entries
        #expect(throws: LinkError.certificates("no RSA identity certificate (type 2)")) {
            try Self.validate(fixture, entries: entries.filter { $0.type != 2 })
        }
        #expect(throws: LinkError.certificates("2 certificates of type 2")) {
            try Self.validate(fixture, entries: entries + entries.filter { $0.type == 2 })
        }
        #expect(throws: LinkError.certificates("Ed25519 certificates incomplete: types 4, 5 and 7 are all needed")) {
            try Self.validate(fixture, entries: entries.filter { $0.type != 5 })
        }
        #expect(throws: LinkError.certificates("no link certificate (type 1 or 5)")) {
            try Self.validate(fixture, entries: entries.filter { $0.type == 2 })
        }
    }

    @Test func expiredCertificatesAreRefused() throws {
        let fixture = try LinkFixture.load()
        // Long after: the Ed25519 certificates (days) and the X.509 ones (about a year) have expired.
        #expect(throws: LinkError.self) { try Self.validate(fixture, at: fixture.capturedAt.addingTimeInterval(3 * 365 * 86_400)) }
        #expect(throws: LinkError.self) { try Self.validate(fixture, at: fixture.capturedAt.addingTimeInterval(30 * 86_400)) }
    }

    @Test func truncatedAndGarbledCellsAreTypedErrors() throws {
        let fixture = try LinkFixture.load()
        for length in stride(from: 0, to: fixture.certsPayload.count, by: 17) {
            #expect(throws: LinkError.self) { try Self.validateRaw(Array(fixture.certsPayload.prefix(length)), fixture) }
        }
        var generator = SeededGenerator(seed: 16)
        for _ in 0..<500 {
            var payload = fixture.certsPayload
            for _ in 0..<3 { payload[Int.random(in: 0..<payload.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            _ = try? Self.validateRaw(payload, fixture)
        }
    }

    static func validateRaw(_ payload: [UInt8], _ fixture: LinkFixture) throws(LinkError) {
        _ = try CertsCell(payload: payload).validate(tlsCertificateDER: fixture.tlsCertificateDER, expected: nil, now: fixture.capturedAt)
    }

    @Test func x509TimesAndLengthsAreReadExactly() throws {
        let fixture = try LinkFixture.load()
        let tls = try X509Certificate(der: fixture.tlsCertificateDER)
        #expect(tls.notBefore < Int64(fixture.capturedAt.timeIntervalSince1970) + 86_400)
        #expect(tls.notAfter > Int64(fixture.capturedAt.timeIntervalSince1970))
        #expect(throws: LinkError.self) { try X509Certificate(der: fixture.tlsCertificateDER + [0]) }
        #expect(throws: LinkError.self) { try X509Certificate(der: Array(fixture.tlsCertificateDER.dropLast())) }
    }
}
