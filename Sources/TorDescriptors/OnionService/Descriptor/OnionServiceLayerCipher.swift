import Crypto
import _CryptoExtras

/// The encryption both descriptor layers share (rend-spec-v3 §2.5.3 [HS-DESC-ENCRYPTION-KEYS]):
///
///     keys = SHAKE-256(SECRET_DATA | N_hs_subcred | INT_8(revision_counter) | SALT | STRING_CONSTANT, 32 + 16 + 32)
///     blob = SALT (16) | AES-256-CTR(key, iv) XOR plaintext | MAC (32)
///     MAC  = SHA3-256(INT_8(32) | MAC_KEY | INT_8(16) | SALT | ciphertext)
///
/// The MAC is checked before a byte is decrypted. `encrypt` exists for tests and fixtures.
package enum OnionServiceLayerCipher {
    static let saltLength = 16
    static let macLength = 32
    static let keyLength = 32
    static let ivLength = 16

    /// Which layer: its STRING_CONSTANT, and the name errors use.
    package enum Layer: String, Sendable, Hashable {
        /// The first layer (`superencrypted`), SECRET_DATA = blinded key.
        case superencrypted = "hsdir-superencrypted-data"
        /// The second layer (`encrypted`), SECRET_DATA = blinded key | descriptor cookie.
        case encrypted = "hsdir-encrypted-data"
    }

    struct Keys {
        let key: [UInt8]
        let iv: [UInt8]
        let macKey: [UInt8]
    }

    static func keys(layer: Layer, secretData: [UInt8], subcredential: [UInt8], revisionCounter: UInt64, salt: some Collection<UInt8>) -> Keys {
        var xof = SHAKE256()
        xof.absorb(secretData)
        xof.absorb(subcredential)
        xof.absorb((0..<8).map { UInt8(truncatingIfNeeded: revisionCounter >> (56 - 8 * UInt64($0))) })
        xof.absorb(salt)
        xof.absorb(layer.rawValue.utf8)
        let output = xof.squeeze(keyLength + ivLength + macLength)
        return Keys(key: Array(output[0..<keyLength]), iv: Array(output[keyLength..<(keyLength + ivLength)]),
                    macKey: Array(output[(keyLength + ivLength)...]))
    }

    static func mac(macKey: [UInt8], salt: some Collection<UInt8>, ciphertext: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA3_256()
        func length(_ count: Int) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(count) >> (56 - 8 * UInt64($0))) } }
        hasher.update(data: length(macKey.count) + macKey + length(salt.count) + Array(salt))
        hasher.update(data: Array(ciphertext))
        return Array(hasher.finalize())
    }

    /// AES-256-CTR with a 16-byte IV as the whole initial counter block (tor's `crypto_cipher`).
    package static func stream(_ input: some Collection<UInt8>, key: [UInt8], iv: [UInt8]) -> [UInt8] {
        if input.isEmpty { return [] }
        // The key is 32 bytes and the IV 16: swift-crypto cannot refuse them.
        let nonce = try! AES._CTR.Nonce(nonceBytes: iv)
        return Array(try! AES._CTR.encrypt(Array(input), using: SymmetricKey(data: key), nonce: nonce))
    }

    /// The plaintext of one layer, NUL padding removed; throws before decrypting when the MAC differs.
    static func decrypt(_ blob: [UInt8], layer: Layer, secretData: [UInt8], subcredential: [UInt8],
                        revisionCounter: UInt64) throws(OnionServiceDecryptionError) -> [UInt8] {
        // tor's encrypted_data_length_is_valid: at least one byte between salt and MAC.
        guard blob.count > saltLength + macLength else { throw .layerTooShort(layer.name, bytes: blob.count) }
        let salt = blob[0..<saltLength]
        let ciphertext = blob[saltLength..<(blob.count - macLength)]
        let keys = keys(layer: layer, secretData: secretData, subcredential: subcredential, revisionCounter: revisionCounter, salt: salt)
        let expected = mac(macKey: keys.macKey, salt: salt, ciphertext: ciphertext)
        // Constant time: the MAC is a secret-dependent value an attacker may probe.
        var difference: UInt8 = 0
        for (a, b) in zip(expected, blob[(blob.count - macLength)...]) { difference |= a ^ b }
        guard difference == 0 else { throw .macMismatch(layer.name) }
        var plaintext = stream(ciphertext, key: keys.key, iv: keys.iv)
        if let nul = plaintext.firstIndex(of: 0) { plaintext.removeSubrange(nul...) }
        guard !plaintext.isEmpty else { throw .emptyPlaintext(layer.name) }
        return plaintext
    }

    /// One layer's blob for `plaintext` (tests and fixtures; a service would pad first).
    package static func encrypt(_ plaintext: [UInt8], layer: Layer, secretData: [UInt8], subcredential: [UInt8],
                                revisionCounter: UInt64, salt: [UInt8]) -> [UInt8] {
        let keys = keys(layer: layer, secretData: secretData, subcredential: subcredential, revisionCounter: revisionCounter, salt: salt)
        let ciphertext = stream(plaintext, key: keys.key, iv: keys.iv)
        return salt + ciphertext + mac(macKey: keys.macKey, salt: salt, ciphertext: ciphertext)
    }

    /// rend-spec-v3 §2.5.1.2: SECRET_SEED = x25519(client key, ephemeral key);
    /// KEYS = SHAKE-256(N_hs_subcred | SECRET_SEED, 40): CLIENT-ID (8) then COOKIE-KEY (32).
    package static func clientKeys(secretSeed: [UInt8], subcredential: [UInt8]) -> (id: [UInt8], cookieKey: [UInt8]) {
        let keys = SHAKE256.hash(subcredential + secretSeed, count: 40)
        return (Array(keys[0..<8]), Array(keys[8...]))
    }
}

extension OnionServiceLayerCipher.Layer {
    /// The layer as the descriptor names it.
    var name: OnionServiceDecryptionError.Layer { self == .superencrypted ? .superencrypted : .encrypted }
}

/// Why a descriptor layer could not be decrypted or read.
///
/// ```swift
/// do { _ = try descriptor.decrypt(subcredential: subcredential) }
/// catch .macMismatch(let layer) { print("wrong address or altered \(layer) layer") }
/// ```
public enum OnionServiceDecryptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The two encrypted layers.
    public enum Layer: String, Sendable, Hashable {
        case superencrypted, encrypted
    }

    /// The subcredential is not 32 bytes.
    case badSubcredential(length: Int)
    /// The subcredential could not be derived from the address (reason given).
    case subcredentialUnavailable(String)
    /// The signing-key certificate names no blinded key (a parsed descriptor always has one).
    case missingBlindedKey
    /// The layer has no byte between its salt and its MAC.
    case layerTooShort(Layer, bytes: Int)
    /// The MAC differs: a wrong subcredential (another address or time period), a wrong
    /// descriptor cookie, or altered bytes. Nothing was decrypted.
    case macMismatch(Layer)
    /// The layer decrypted to nothing but padding.
    case emptyPlaintext(Layer)
    /// The decrypted layer is not a valid document.
    case malformedLayer(DescriptorParseError)
    /// A client key was given but no `auth-client` line is for it.
    case clientNotAuthorized
    /// The x25519 agreement with the descriptor's ephemeral key failed, or the matching
    /// `auth-client` line's cookie is not 32 bytes.
    case clientAuthorizationFailed(String)

    public var description: String {
        switch self {
        case .badSubcredential(let length): "subcredential is \(length) bytes, not 32"
        case .subcredentialUnavailable(let why): "subcredential: \(why)"
        case .missingBlindedKey: "descriptor-signing-key-cert names no blinded key"
        case .layerTooShort(let layer, let bytes): "\(layer) layer is \(bytes) bytes: no ciphertext between salt and MAC"
        case .macMismatch(let layer): "\(layer) layer MAC check failed (wrong onion address or time period, wrong client key, or altered bytes)"
        case .emptyPlaintext(let layer): "\(layer) layer decrypted to padding only"
        case .malformedLayer(let error): error.description
        case .clientNotAuthorized: "no auth-client line matches the client key"
        case .clientAuthorizationFailed(let why): "client authorization: \(why)"
        }
    }
}
