import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// The hand-written PKCS#1 v1.5 verifier, checked against signatures made by `openssl` and
/// against real relay signatures.
struct RSAPublicKeyTests {
    static let syntheticRSA = ProjectFiles.root.appendingPathComponent("Resources/synthetic/rsa")

    static func synthetic(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: syntheticRSA.appendingPathComponent(name)))
    }

    @Test("openssl-made signatures (synthetic keys, scripts/make-rsa-fixtures.sh) verify", arguments: [1024, 2048, 3072])
    func syntheticOpensslSignatures(bits: Int) throws {
        let key = try RSAPublicKey(der: try Self.synthetic("key-\(bits).der"))
        #expect(key.bitCount == bits)
        for length in [20, 32, 52] {
            let message = try Self.synthetic("message-\(bits)-\(length).bin")
            let signature = try Self.synthetic("signature-\(bits)-\(length).bin")
            #expect(try key.recoverMessage(from: signature) == message)
            #expect(key.isValidSignature(signature, for: message))
            var otherMessage = message
            otherMessage[length / 2] ^= 0x01
            #expect(!key.isValidSignature(signature, for: otherMessage))
            #expect(throws: SignatureError.digestMismatch) { try key.verify(signature, for: otherMessage) }
            #expect(throws: SignatureError.signedLengthMismatch(expected: length - 1, actual: length)) {
                try key.verify(signature, for: message.dropLast())
            }
            // Any flipped signature bit scrambles the whole block.
            for index in [0, signature.count / 2, signature.count - 1] {
                var tampered = signature
                tampered[index] ^= 0x10
                #expect(!key.isValidSignature(tampered, for: message))
            }
        }
    }

    @Test("a key from one pair does not verify another pair's signature")
    func wrongKey() throws {
        let key = try RSAPublicKey(der: try Self.synthetic("key-2048.der"))
        let other = try RSAPublicKey(der: try Self.synthetic("key-1024.der"))
        let message = try Self.synthetic("message-1024-20.bin")
        let signature = try Self.synthetic("signature-1024-20.bin")
        #expect(other.isValidSignature(signature, for: message))
        #expect(!key.isValidSignature(signature, for: message))
        #expect(key != other)
    }

    @Test("every router-signature in the bundled relay descriptors verifies with its signing key")
    func realRelaySignatures() throws {
        var checked = 0
        for file in ["2020-02-29-10-05-00-server-descriptors", "relay-2016-10-02-16-05-00-server-descriptors",
                     "metrics-lib--2017-07-17-17-20-00-server-descriptors", "stem--example_descriptor",
                     "stem--old_descriptor", "2026-07-arti-live--Akka"] {
            for result in ServerDescriptor.parseAll(try ProjectFiles.corpus("server-descriptors/" + file)[...]) {
                let descriptor = try result.get()
                let key = try RSAPublicKey(der: try #require(descriptor.signingKey))
                let digest = Digest.sha1(try #require(descriptor.signedContent))
                #expect(try key.recoverMessage(from: try #require(descriptor.signature)) == digest, "\(file) \(descriptor.nickname)" as Comment)
                #expect(key.fingerprint == descriptor.fingerprint, Comment(rawValue: file + " " + descriptor.nickname))
                checked += 1
            }
        }
        #expect(checked >= 600)   // 604 descriptors in these files
    }

    @Test("strict DER: non-minimal, negative, trailing and even-modulus keys are refused")
    func strictDER() throws {
        let good = try Self.synthetic("key-1024.der")
        _ = try RSAPublicKey(der: good)
        #expect(throws: SignatureError.self) { try RSAPublicKey(der: good + [0]) }            // trailing byte
        #expect(throws: SignatureError.self) { try RSAPublicKey(der: good.dropLast()) }       // truncated
        var even = good
        // The modulus ends just before the exponent INTEGER (02 03 01 00 01) at the end.
        even[even.count - 6] &= 0xFE
        #expect(throws: SignatureError.malformedKey("even modulus")) { try RSAPublicKey(der: even) }
        // SYNTHETIC: tiny hand-written keys.
        #expect(throws: SignatureError.self) { try RSAPublicKey(der: [0x30, 0x06, 0x02, 0x01, 0xFF, 0x02, 0x01, 0x03]) }  // negative
        #expect(throws: SignatureError.self) { try RSAPublicKey(der: [0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x03]) } // non-minimal
        #expect(throws: SignatureError.self) { try RSAPublicKey(der: [0x30, 0x81, 0x03, 0x02, 0x01, 0x03]) }  // non-minimal length
        #expect(throws: SignatureError.self) { try RSAPublicKey(der: []) }
    }

    @Test("signatures of the wrong size or not below the modulus are refused")
    func signatureRange() throws {
        let key = try RSAPublicKey(der: try Self.synthetic("key-1024.der"))
        #expect(throws: SignatureError.badSignatureLength(expected: 128, actual: 129)) {
            try key.recoverMessage(from: [UInt8](repeating: 1, count: 129))
        }
        #expect(throws: SignatureError.badSignatureLength(expected: 128, actual: 0)) { try key.recoverMessage(from: []) }
        #expect(throws: SignatureError.signatureNotBelowModulus) { try key.recoverMessage(from: key.modulus) }
        #expect(throws: SignatureError.signatureNotBelowModulus) { try key.recoverMessage(from: [UInt8](repeating: 0xFF, count: 128)) }
    }

    /// SYNTHETIC: raw (unpadded) openssl signatures of hand-built blocks: each block is one way PKCS#1
    /// v1.5 type-1 padding can be wrong, and each must be refused even though the RSA math is right.
    @Test("malformed padding made by openssl with rsa_padding_mode:none is refused",
          .enabled(if: ExternalTool.available("openssl"), "needs openssl to make the malformed-padding signatures"))
    func malformedPadding() throws {
        let openssl = try ExternalTool.require("openssl")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rsa-padding-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPEM = dir.appendingPathComponent("key.pem").path
        try run(openssl, ["genrsa", "-out", keyPEM, "1024"])
        try run(openssl, ["rsa", "-in", keyPEM, "-RSAPublicKey_out", "-outform", "DER", "-out", dir.appendingPathComponent("pub.der").path])
        let key = try RSAPublicKey(der: [UInt8](try Data(contentsOf: dir.appendingPathComponent("pub.der"))))
        let digest = [UInt8](repeating: 0xAB, count: 20)
        func block(type: UInt8, ffCount: Int, separator: UInt8) -> [UInt8] {
            var b: [UInt8] = [0x00, type] + [UInt8](repeating: 0xFF, count: ffCount) + [separator] + digest
            b += [UInt8](repeating: 0x11, count: 128 - b.count)   // pads the message so the block is full
            return b
        }
        func sign(_ block: [UInt8]) throws -> [UInt8] {
            let input = dir.appendingPathComponent("in.bin"), output = dir.appendingPathComponent("out.bin")
            try Data(block).write(to: input)
            // The raw private-key operation: pkeyutl's -sign refuses unpadded input, -decrypt does not.
            try run(openssl, ["pkeyutl", "-decrypt", "-inkey", keyPEM, "-pkeyopt", "rsa_padding_mode:none", "-in", input.path, "-out", output.path])
            return [UInt8](try Data(contentsOf: output))
        }
        // A correct block made by hand verifies: the raw path is sound.
        let correct: [UInt8] = [0x00, 0x01] + [UInt8](repeating: 0xFF, count: 128 - 3 - 20) + [0x00] + digest
        #expect(try key.recoverMessage(from: try sign(correct)) == digest)
        // Block type 2 (encryption padding) is not a signature.
        var type2 = correct; type2[1] = 0x02
        #expect(throws: SignatureError.badPadding("block type is not 01")) { try key.recoverMessage(from: try sign(type2)) }
        // Only seven FF bytes.
        let short: [UInt8] = [0x00, 0x01] + [UInt8](repeating: 0xFF, count: 7) + [0x00] + [UInt8](repeating: 0x22, count: 128 - 10)
        #expect(throws: SignatureError.badPadding("fewer than eight FF padding bytes")) { try key.recoverMessage(from: try sign(short)) }
        // No 00 separator after the FF run.
        #expect(throws: SignatureError.badPadding("no 00 separator after the FF run")) {
            try key.recoverMessage(from: try sign(block(type: 1, ffCount: 20, separator: 0x01)))
        }
        // All FF: no separator at all.
        let allFF: [UInt8] = [0x00, 0x01] + [UInt8](repeating: 0xFF, count: 126)
        #expect(throws: SignatureError.badPadding("no 00 separator after the FF run")) { try key.recoverMessage(from: try sign(allFF)) }
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments.joined(separator: " "))")
    }
}
