import Foundation
import Testing
@testable import TorDescriptors

/// Stem's detached-signature sample (2018-11-22 20:00 consensus), copied byte-exact; values
/// read from the file text and checked against Stem 1.8.2's `DetachedSignature`.
@Suite("DetachedSignatures")
struct DetachedSignatureTests {
    static func sample() throws -> [UInt8] { try ProjectFiles.corpus("detached-signatures/stem--detached_signatures") }

    @Test("every field of the real sample, lenient and strict")
    func realSample() throws {
        let bytes = try Self.sample()
        for mode in [ValidationMode.lenient, .strict] {
            let all = DetachedSignatures.parseAll(bytes[...], mode: mode)
            try #require(all.count == 1)
            let document = try all[0].get()
            #expect(document.consensusDigest?.hex == "244E0760BB0B1E5418A4A014822F804AFE0CC3D6")
            #expect(document.validAfter?.description == "2018-11-22 20:00:00")
            #expect(document.freshUntil?.description == "2018-11-22 21:00:00")
            #expect(document.validUntil?.description == "2018-11-22 23:00:00")
            #expect(document.additionalDigests.count == 1)
            #expect(document.additionalDigests.first?.flavor == "microdesc")
            #expect(document.additionalDigests.first?.algorithm == "sha256")
            #expect(document.additionalDigests.first?.digest?.hex == "EC7F220E415F62394565259F9E44133800F749BFEFB358A3D7F622B8A1728A47")
            #expect(document.additionalSignatures.count == 9)
            #expect(document.signatures.count == 9)
            #expect(document.additionalSignatures.allSatisfy { $0.flavor == "microdesc" && $0.signature.algorithm == .sha256 })
            #expect(document.signatures.allSatisfy { $0.algorithm == .sha1 && !$0.algorithmWasExplicit })
            let first = try #require(document.additionalSignatures.first)
            #expect(first.signature.identity.hex == "0232AF901C31A04EE9848595AF9BB7620D4C5B2E")
            #expect(first.signature.signingKeyDigest.hex == "CD1FD971855430880D3C31E0331C5C55800C2F79")
            #expect(first.signature.signature.count == 256)
            #expect(Base64.encode(first.signature.signature).hasPrefix("dVUvw+7/I16XCXuj5aFtrk1akRXx"))
            let last = try #require(document.signatures.last)
            #expect(last.identity.hex == "EFCBE720AB3A82B99F9E953CD5BF50F7EEFC7B97")
            #expect(last.signingKeyDigest.hex == "517095062288D1B5C7BD6517A677C586D996818B")
            // Each authority signs both flavors with the same signing key.
            #expect(document.signatures.map(\.signingKeyDigest) == document.additionalSignatures.map(\.signature.signingKeyDigest))
            #expect(document.warnings.isEmpty && document.unrecognizedLines.isEmpty)
            #expect(document.rawBytes.count == bytes.count)
        }
    }

    @Test("the stemJSON signature blocks reproduce the file's PEM text")
    func pemText() throws {
        let bytes = try Self.sample()
        let document = try DetachedSignatures(parsing: bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        for signature in document.signatures + document.additionalSignatures.map(\.signature) {
            #expect(text.contains(DetachedSignatures.pem(signature.signature) + "\n"))
        }
    }
}
