import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// The client side of the ntor handshake (tor-spec "The ntor handshake", CREATE2 type 2):
/// the onionskin `ID | B | X` to send, and the circuit keys from the relay's `Y | AUTH` once
/// AUTH is checked.
///
/// ```swift
/// let ntor = try NtorClientHandshake(identity: hsdir.fingerprint, onionKey: microdescriptor.ntorOnionKey!)
/// send(ntor.onionskin)                          // 84 bytes in EXTEND2's HDATA
/// let keys = try ntor.complete(reply: hdata)    // Y | AUTH from EXTENDED2
/// ```
public struct NtorClientHandshake: Sendable {
    /// CREATE2 handshake type of ntor.
    public static let handshakeType: UInt16 = 2
    static let protocolID = Array("ntor-curve25519-sha256-1".utf8)
    static let tMac = protocolID + Array(":mac".utf8)
    static let tKey = protocolID + Array(":key_extract".utf8)
    static let tVerify = protocolID + Array(":verify".utf8)
    static let mExpand = protocolID + Array(":key_expand".utf8)

    private let identity: [UInt8]
    private let onionKey: [UInt8]
    private let secret: Curve25519.KeyAgreement.PrivateKey
    /// X, our ephemeral public key.
    public let publicKey: [UInt8]

    /// - Parameters:
    ///   - identity: the relay's RSA identity fingerprint (NODEID).
    ///   - onionKey: its 32-byte curve25519 `ntor-onion-key` (KEYID, B).
    public init(identity: Fingerprint, onionKey: [UInt8]) throws(LinkError) {
        try self.init(identity: identity, onionKey: onionKey, secret: Curve25519.KeyAgreement.PrivateKey())
    }

    /// With a chosen ephemeral key (tests).
    package init(identity: Fingerprint, onionKey: [UInt8], secret: Curve25519.KeyAgreement.PrivateKey) throws(LinkError) {
        guard onionKey.count == 32 else { throw .circuitHandshake("ntor onion key is \(onionKey.count) bytes, not 32") }
        self.identity = identity.bytes
        self.onionKey = onionKey
        self.secret = secret
        publicKey = Array(secret.publicKey.rawRepresentation)
    }

    /// The client handshake data: NODEID (20) | KEYID (32) | X (32).
    public var onionskin: [UInt8] { identity + onionKey + publicKey }

    /// Checks the relay's `Y | AUTH` and derives the circuit keys (Df, Db, Kf, Kb).
    public func complete(reply: [UInt8]) throws(LinkError) -> CircuitKeys {
        guard reply.count >= 64 else { throw .circuitHandshake("ntor reply is \(reply.count) bytes, needs Y and AUTH (64)") }
        let y = Array(reply[0..<32]), auth = reply[32..<64]
        let shared = try Self.exp(y, secret), withOnionKey = try Self.exp(onionKey, secret)
        let secretInput = shared + withOnionKey + identity + onionKey + publicKey + y + Self.protocolID
        let keySeed = Self.hmac(secretInput, key: Self.tKey)
        let verify = Self.hmac(secretInput, key: Self.tVerify)
        let authInput = verify + identity + onionKey + y + publicKey + Self.protocolID + Array("Server".utf8)
        let expected = Self.hmac(authInput, key: Self.tMac)
        // Compare all 32 bytes regardless of where they differ.
        guard zip(expected, auth).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw .circuitHandshake("ntor AUTH does not match (wrong onion key, or not the relay we extended to)")
        }
        let material = Array(HKDF<SHA256>.expand(pseudoRandomKey: keySeed, info: Self.mExpand, outputByteCount: 72).withUnsafeBytes { Array($0) })
        return CircuitKeys(forwardDigestSeed: Array(material[0..<20]), backwardDigestSeed: Array(material[20..<40]),
                           forwardKey: Array(material[40..<56]), backwardKey: Array(material[56..<72]))
    }

    /// EXP(P, x): the x25519 shared secret, refused when all zero (a small-order point).
    private static func exp(_ point: [UInt8], _ secret: Curve25519.KeyAgreement.PrivateKey) throws(LinkError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            let shared = try secret.sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: point))
            bytes = shared.withUnsafeBytes { Array($0) }
        } catch {
            throw .circuitHandshake("ntor key agreement failed: \(error)")
        }
        guard bytes.contains(where: { $0 != 0 }) else { throw .circuitHandshake("ntor key agreement gave the all-zero point") }
        return bytes
    }

    private static func hmac(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}

/// The relay a circuit is extended to with EXTEND2 and an ntor handshake: its link
/// specifiers (IPv4 address and ORPort, RSA identity, ed25519 identity) and ntor onion key.
///
/// ```swift
/// let target = CircuitExtension(address: [127, 0, 0, 1], port: 26011, fingerprint: member.fingerprint,
///                               ed25519Identity: member.ed25519Identity, ntorOnionKey: ntorKey)
/// ```
public struct CircuitExtension: Sendable, Hashable {
    /// IPv4 address, 4 bytes in network order.
    public var address: [UInt8]
    public var port: UInt16
    public var fingerprint: Fingerprint
    /// 32 bytes, or nil to leave the ed25519 link specifier out.
    public var ed25519Identity: [UInt8]?
    /// The curve25519 `ntor-onion-key` of its microdescriptor or server descriptor.
    public var ntorOnionKey: [UInt8]

    public init(address: [UInt8], port: UInt16, fingerprint: Fingerprint, ed25519Identity: [UInt8]?, ntorOnionKey: [UInt8]) {
        self.address = address
        self.port = port
        self.fingerprint = fingerprint
        self.ed25519Identity = ed25519Identity
        self.ntorOnionKey = ntorOnionKey
    }

    /// The EXTEND2 relay payload (tor-spec "EXTEND2"): NSPEC, the link specifiers (IPv4 type 0,
    /// legacy id type 2, ed25519 id type 3), HTYPE 2 (ntor), HLEN and the onionskin.
    func extend2Payload(onionskin: [UInt8]) throws(LinkError) -> [UInt8] {
        guard address.count == 4 else { throw .circuitHandshake("EXTEND2 needs an IPv4 address, not \(address.count) bytes") }
        var specifiers: [[UInt8]] = [[0, 6] + address + [UInt8(port >> 8), UInt8(truncatingIfNeeded: port)], [2, 20] + fingerprint.bytes]
        if let ed25519Identity {
            guard ed25519Identity.count == 32 else { throw .circuitHandshake("ed25519 identity is \(ed25519Identity.count) bytes, not 32") }
            specifiers.append([3, 32] + ed25519Identity)
        }
        var payload: [UInt8] = [UInt8(specifiers.count)]
        for specifier in specifiers { payload += specifier }
        payload.appendBigEndian(NtorClientHandshake.handshakeType)
        payload.appendBigEndian(UInt16(onionskin.count))
        return payload + onionskin
    }

    /// HDATA of an EXTENDED2 relay payload (`HLEN | HDATA`): the relay's handshake reply.
    public static func handshakeReply(extended2 data: [UInt8]) throws(LinkError) -> [UInt8] {
        var reader = PayloadReader(data, what: "RELAY EXTENDED2")
        let length = Int(try reader.u16())
        return Array(try reader.take(length))
    }
}
