import Crypto
import Foundation
import Testing
@testable import TorDescriptors

/// Client authorization (rend-spec-v3 §2.5.1.2): Stem 1.8.2 cannot make such descriptors, so
/// this test re-encrypts one of Stem's with our own cipher (checked against Stem by
/// `OnionServiceDescriptorTests`): a descriptor cookie encrypted to one client, the inner
/// layer keyed with it.
@Suite(.enabled(if: StemOracle.available, "Stem is not installed (python3 -m pip install stem==1.8.2)"))
struct OnionServiceClientAuthTests {
    @Test("an authorized client decrypts; another client and no client do not")
    func clientAuthorization() throws {
        let made = try OnionServiceDescriptorTests.make(count: 1)[0]
        let original = try OnionServiceDescriptor(parsing: made.bytes[...])
        let subcredential = made.subcredential
        let inner = try original.decrypt(subcredential: subcredential).inner
        let blinded = try #require(original.blindedKey)
        let revision = original.revisionCounter

        let client = Curve25519.KeyAgreement.PrivateKey()
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let cookie = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        let seed = try ephemeral.sharedSecretFromKeyAgreement(with: client.publicKey).withUnsafeBytes { Array($0) }
        let (id, cookieKey) = OnionServiceLayerCipher.clientKeys(secretSeed: seed, subcredential: subcredential)
        let iv = [UInt8](repeating: 3, count: 16)
        let encryptedCookie = OnionServiceLayerCipher.stream(cookie, key: cookieKey, iv: iv)
        let innerBlob = OnionServiceLayerCipher.encrypt(inner.rawBytes, layer: .encrypted, secretData: blinded + cookie,
                                                        subcredential: subcredential, revisionCounter: revision, salt: [UInt8](repeating: 5, count: 16))
        let filler = "auth-client AAAAAAAAAAA BBBBBBBBBBBBBBBBBBBBBB CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCA\n"
        let middle = "desc-auth-type x25519\ndesc-auth-ephemeral-key \(Base64.encode(Array(ephemeral.publicKey.rawRepresentation)))\n"
            + filler
            + "auth-client \(Base64.encode(id, padded: false)) \(Base64.encode(iv, padded: false)) \(Base64.encode(encryptedCookie, padded: false))\n"
            + "encrypted\n-----BEGIN MESSAGE-----\n\(Base64.encode(innerBlob))\n-----END MESSAGE-----"
        let outerBlob = OnionServiceLayerCipher.encrypt(Array(middle.utf8), layer: .superencrypted, secretData: blinded,
                                                        subcredential: subcredential, revisionCounter: revision, salt: [UInt8](repeating: 6, count: 16))
        let text = String(decoding: made.bytes, as: UTF8.self)
        let head = try #require(text.range(of: "superencrypted\n"))
        let rebuilt = Array((text[..<head.upperBound] + "-----BEGIN MESSAGE-----\n\(Base64.encode(outerBlob))\n-----END MESSAGE-----\nsignature \(String(repeating: "A", count: 86))\n").utf8)
        let descriptor = try OnionServiceDescriptor(parsing: rebuilt[...], mode: .lenient)

        let decrypted = try descriptor.decrypt(subcredential: subcredential, clientKey: client, mode: .strict)
        #expect(decrypted.usedClientAuthorization)
        #expect(decrypted.middle.clients.count == 2)
        #expect(decrypted.inner.introductionPoints == inner.introductionPoints)
        #expect(throws: OnionServiceDecryptionError.clientNotAuthorized) {
            try descriptor.decrypt(subcredential: subcredential, clientKey: Curve25519.KeyAgreement.PrivateKey())
        }
        #expect(throws: OnionServiceDecryptionError.macMismatch(.encrypted)) { try descriptor.decrypt(subcredential: subcredential) }
    }
}
