import Crypto
import Foundation
import Testing
import TorDescriptors
@testable import TorWire

/// The ntor client (#17) against a relay side written here from tor-spec's formulas with
/// swift-crypto, and the layered relay crypto of a two-hop circuit against relay-side hops.
@Suite struct NtorCircuitTests {
    @Test func clientKeysMatchTheRelaysAndAWrongAuthIsRefused() throws {
        let relay = NtorRelaySide()
        let fingerprint = try #require(Fingerprint(hex: relay.identity.map { String(format: "%02X", $0) }.joined()))
        let client = try NtorClientHandshake(identity: fingerprint, onionKey: Array(relay.onionKey.publicKey.rawRepresentation))
        #expect(client.onionskin == relay.identity + Array(relay.onionKey.publicKey.rawRepresentation) + client.publicKey)
        let (reply, material) = try relay.answer(client.onionskin)
        let keys = try client.complete(reply: reply)
        #expect(keys.forwardDigestSeed == Array(material[0..<20]))
        #expect(keys.backwardDigestSeed == Array(material[20..<40]))
        #expect(keys.forwardKey == Array(material[40..<56]))
        #expect(keys.backwardKey == Array(material[56..<72]))

        var forged = reply
        forged[40] ^= 1
        #expect(throws: LinkError.self) { try client.complete(reply: forged) }
        // Another relay's answer (its own identity and onion key) does not authenticate.
        let other = try NtorRelaySide().answer(client.onionskin)
        #expect(throws: LinkError.self) { try client.complete(reply: other.reply) }
        #expect(throws: LinkError.self) { try client.complete(reply: Array(reply.prefix(63))) }
        // Y = 0 (a small-order point) gives an all-zero EXP and is refused.
        #expect(throws: LinkError.self) { try client.complete(reply: [UInt8](repeating: 0, count: 32) + reply[32...]) }
        #expect(throws: LinkError.self) { try NtorClientHandshake(identity: fingerprint, onionKey: [1, 2, 3]) }
    }

    @Test func extend2NamesTheRelayAndCarriesTheOnionskin() throws {
        let fingerprint = try #require(Fingerprint(hex: String(repeating: "AB", count: 20)))
        let ed = [UInt8](repeating: 7, count: 32)
        let target = CircuitExtension(address: [127, 0, 0, 1], port: 0x6590, fingerprint: fingerprint, ed25519Identity: ed,
                                      ntorOnionKey: [UInt8](repeating: 1, count: 32))
        let skin = [UInt8](repeating: 9, count: 84)
        let payload = try target.extend2Payload(onionskin: skin)
        let expected: [UInt8] = [3, 0, 6, 127, 0, 0, 1, 0x65, 0x90, 2, 20] + fingerprint.bytes + [3, 32] + ed + [0, 2, 0, 84] + skin
        #expect(payload == expected)
        #expect(try CircuitExtension.handshakeReply(extended2: [0, 3, 1, 2, 3, 4]) == [1, 2, 3])
        #expect(throws: LinkError.self) { try CircuitExtension.handshakeReply(extended2: [0, 64, 1]) }
    }

    /// The fuzz entry point on a real relay's EXTENDED2 answer (to another handshake) and on
    /// cut and spoiled copies: every one is refused without a trap.
    @Test func theFuzzEntryPointRefusesRealAndSpoiledReplies() throws {
        let relay = NtorRelaySide()
        let fingerprint = try #require(Fingerprint(hex: relay.identity.map { String(format: "%02X", $0) }.joined()))
        let client = try NtorClientHandshake(identity: fingerprint, onionKey: Array(relay.onionKey.publicKey.rawRepresentation))
        let extended2 = [0, 64] + (try relay.answer(client.onionskin).reply)
        let entry = try #require(LinkFuzzEntryPoints.targets["ntor-extended2"])
        for cut in 0...extended2.count { entry(Array(extended2.prefix(cut))) }
        for index in extended2.indices { var spoiled = extended2; spoiled[index] ^= 0x80; entry(spoiled) }
    }

    /// The whole exchange over two hops against a simulated relay that also plays the HSDir:
    /// EXTEND2 in RELAY_EARLY naming it, the ntor reply checked, BEGIN_DIR and DATA under both
    /// layers, SENDMEs (v1 digests of the second hop) within the windows.
    @Test(arguments: [0, 1_000, 120_000])
    func aTwoHopExchangeCarriesTheBody(size: Int) throws {
        let fixture = try LinkFixture.load()
        let hsdir = NtorRelaySide()
        let fingerprint = try #require(Fingerprint(hex: hsdir.identity.map { String(format: "%02X", $0) }.joined()))
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        var relay = SimulatedRelay(fixture: fixture, body: body)
        relay.extendTo = hsdir
        let target = CircuitExtension(address: [127, 0, 0, 1], port: 9001, fingerprint: fingerprint, ed25519Identity: nil,
                                      ntorOnionKey: Array(hsdir.onionKey.publicKey.rawRepresentation))
        var client = ORPortDirectoryExchange(request: DirectoryExchangeTests.request, expected: fixture.fingerprint, tlsCertificateDER: fixture.tlsCertificateDER,
                                             peerAddress: [127, 0, 0, 1], extendingTo: target, now: fixture.capturedAt)
        #expect(try converse(&client, &relay) == body)
        #expect(relay.extendedTo == hsdir.identity)
        let cells = (size + 497) / 498
        #expect(relay.circuitSendmes == cells / 100 && relay.streamSendmes == cells / 50)
        #expect(relay.badSendmes == 0)

        // The same relay answering for another onion key: the client refuses its AUTH.
        var impostor = SimulatedRelay(fixture: fixture, body: body)
        impostor.extendTo = NtorRelaySide()
        var refused = ORPortDirectoryExchange(request: DirectoryExchangeTests.request, expected: fixture.fingerprint,
                                              tlsCertificateDER: fixture.tlsCertificateDER, peerAddress: [127, 0, 0, 1],
                                              extendingTo: target, now: fixture.capturedAt)
        #expect(throws: LinkError.self) { try converse(&refused, &impostor) }
        #expect(refused.phase == .extendingCircuit)
    }

    static func keys() -> CircuitKeys {
        CircuitKeys(x: (0..<20).map { _ in UInt8.random(in: 0...255) }, y: (0..<20).map { _ in UInt8.random(in: 0...255) })
    }

    @Test func twoHopCellsAreLayeredPerHop() throws {
        let first = Self.keys(), second = Self.keys()
        var circuit = RelayCircuit(firstHop: first)
        circuit.add(hop: second)
        var relay1 = RelayCrypto(relaySideOf: first), relay2 = RelayCrypto(relaySideOf: second)
        // Forward: hop 1 removes its layer and does not recognize the cell; hop 2 does.
        for n in 0..<3 {
            var payload = circuit.seal(RelayCell(command: .data, streamID: 1, data: [UInt8(n)]), to: 1)
            #expect(try relay1.peel(&payload) == nil)
            let opened = try #require(try relay2.peel(&payload))
            #expect(opened.cell == RelayCell(command: .data, streamID: 1, data: [UInt8(n)]))
        }
        // A cell for hop 1 only.
        var early = circuit.seal(RelayCell(command: .extend2, streamID: 0, data: [1]), to: 0)
        #expect(try relay1.peel(&early)?.cell.command == RelayCommand.extend2.rawValue)
        // Backward: a cell from hop 2 gets hop 1's layer on the way; one from hop 1 only its own.
        var fromSecond = relay2.seal(RelayCell(command: .data, streamID: 1, data: [42]))
        relay1.encryptLayer(&fromSecond)
        let opened = try circuit.open(fromSecond)
        #expect(opened.hop == 1 && opened.cell.data == [42])
        #expect(opened.digest == relay2.sealedDigest)
        let fromFirst = relay1.seal(RelayCell(command: .sendme, streamID: 0))
        #expect(try circuit.open(fromFirst).hop == 0)
        // A cell under keys neither hop holds is refused.
        var stranger = RelayCrypto(relaySideOf: Self.keys())
        #expect(throws: LinkError.unrecognizedRelayCell) { try circuit.open(stranger.seal(RelayCell(command: .data, streamID: 1))) }
    }
}

/// The relay's side of ntor (tor-spec "The ntor handshake"), independent of the client code.
struct NtorRelaySide {
    let identity: [UInt8] = (0..<20).map { _ in UInt8.random(in: 0...255) }
    let onionKey = Curve25519.KeyAgreement.PrivateKey()
    static let protoID = Array("ntor-curve25519-sha256-1".utf8)

    static func h(_ message: [UInt8], _ tweak: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: protoID + Array(tweak.utf8))))
    }

    /// Answers a client's `ID | B | X` with its own ID and B: returns `Y | AUTH` and the
    /// 72 key bytes Df | Db | Kf | Kb.
    func answer(_ onionskin: [UInt8]) throws -> (reply: [UInt8], keys: [UInt8]) {
        let b = Array(onionKey.publicKey.rawRepresentation)
        let x = Array(onionskin[52..<84])
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let y = Array(ephemeral.publicKey.rawRepresentation)
        let clientKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: x)
        let xy = try ephemeral.sharedSecretFromKeyAgreement(with: clientKey).withUnsafeBytes { Array($0) }
        let xb = try onionKey.sharedSecretFromKeyAgreement(with: clientKey).withUnsafeBytes { Array($0) }
        let secretInput = xy + xb + identity + b + x + y + Self.protoID
        let keySeed = Self.h(secretInput, ":key_extract")
        let verify = Self.h(secretInput, ":verify")
        let auth = Self.h(verify + identity + b + y + x + Self.protoID + Array("Server".utf8), ":mac")
        let keys = HKDF<SHA256>.expand(pseudoRandomKey: keySeed, info: Self.protoID + Array(":key_expand".utf8), outputByteCount: 72)
        return (y + auth, keys.withUnsafeBytes { Array($0) })
    }
}

