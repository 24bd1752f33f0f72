import Foundation
import Testing
import TestSupport
import TorDescriptors
@testable import TorWire

/// The whole client exchange against a simulated relay that uses certificates captured from a
/// real tor relay: handshake, CREATE_FAST, BEGIN_DIR, flow control, and every way it can end.
@Suite struct DirectoryExchangeTests {
    static let request = Array("GET /tor/server/all HTTP/1.0\r\n\r\n".utf8)

    func exchange(_ fixture: LinkFixture, expected: Fingerprint? = nil, maxResponseBytes: Int = 64 << 20) -> ORPortDirectoryExchange {
        ORPortDirectoryExchange(request: Self.request, expected: expected ?? fixture.fingerprint, tlsCertificateDER: fixture.tlsCertificateDER,
                                peerAddress: [127, 0, 0, 1], maxResponseBytes: maxResponseBytes, now: fixture.capturedAt)
    }

    /// Bodies below one stream window, across it, and across several circuit windows.
    @Test(arguments: [0, 1, 498, 499, 100_000, 500 * 498 + 1, 2_400_000])
    func aBodyOfAnySizeArrivesWhole(size: Int) throws {
        let fixture = try LinkFixture.load()
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        var relay = SimulatedRelay(fixture: fixture, body: body)
        var client = exchange(fixture)
        #expect(try converse(&client, &relay) == body)
        let cells = (size + 497) / 498
        // A SENDME each time a window has fallen by its increment (tor-spec "Flow control").
        #expect(relay.circuitSendmes == cells / 100)
        #expect(relay.streamSendmes == cells / 50)
        #expect(relay.badSendmes == 0)
        #expect(client.handshake.identity?.fingerprint == fixture.fingerprint)
        #expect(client.handshake.linkVersion == 5)
    }

    @Test func aRelayWithAnotherIdentityIsRefusedNamingBoth() throws {
        let fixture = try LinkFixture.load()
        let wanted = Fingerprint(hex: "0123456789ABCDEF0123456789ABCDEF01234567")!
        var relay = SimulatedRelay(fixture: fixture, body: Array("HTTP/1.0 200 OK\r\n\r\n".utf8))
        var client = exchange(fixture, expected: wanted)
        #expect(throws: LinkError.identityMismatch(expected: wanted, actual: fixture.fingerprint)) { try converse(&client, &relay) }
        #expect(client.response.isEmpty)
    }

    @Test(arguments: (1...14).filter { $0 != 6 }.map { EndReason(code: UInt8($0)) })
    func anEndOtherThanDoneIsItsNamedError(reason: EndReason) throws {
        let fixture = try LinkFixture.load()
        var relay = SimulatedRelay(fixture: fixture, body: Array(repeating: 65, count: 2000), behaviour: .endWith(reason))
        var client = exchange(fixture)
        #expect(throws: LinkError.streamEnded(reason)) { try converse(&client, &relay) }
    }

    @Test func aDestroyMidStreamIsAnError() throws {
        let fixture = try LinkFixture.load()
        var relay = SimulatedRelay(fixture: fixture, body: Array(repeating: 66, count: 300_000), behaviour: .destroyAfter(cells: 120, reason: .resourceLimit))
        var client = exchange(fixture)
        #expect(throws: LinkError.destroyed(.resourceLimit)) { try converse(&client, &relay) }
    }

    @Test func aWrongKeyHashIsRefused() throws {
        let fixture = try LinkFixture.load()
        var relay = SimulatedRelay(fixture: fixture, body: [], behaviour: .badKeyHash)
        var client = exchange(fixture)
        #expect(throws: LinkError.keyHashMismatch) { try converse(&client, &relay) }
    }

    @Test func aRelayWithoutLinkVersion4Or5IsRefused() throws {
        let fixture = try LinkFixture.load()
        var relay = SimulatedRelay(fixture: fixture, body: [], behaviour: .versions([1, 2, 3]))
        var client = exchange(fixture)
        #expect(throws: LinkError.noCommonVersion(offered: [1, 2, 3])) { try converse(&client, &relay) }
    }

    @Test func theResponseLimitHolds() throws {
        let fixture = try LinkFixture.load()
        var relay = SimulatedRelay(fixture: fixture, body: Array(repeating: 68, count: 10_000))
        var client = exchange(fixture, maxResponseBytes: 5000)
        #expect(throws: LinkError.responseTooLarge(limit: 5000)) { try converse(&client, &relay) }
    }

    @Test func garbageAfterTheHandshakeIsATypedError() throws {
        let fixture = try LinkFixture.load()
        var relay = SimulatedRelay(fixture: fixture, body: [])
        var client = exchange(fixture)
        let toClient = try relay.receive(client.start())
        _ = try client.receive(toClient)
        // A fixed cell on a circuit we never made, then random bytes.
        #expect(throws: LinkError.self) {
            _ = try client.receive(Cell(circuitID: 42, command: .relay, payload: Array(repeating: 1, count: 509)).encoded())
        }
        for seed in 0..<50 {
            var fresh = exchange(fixture)
            var generator = SeededGenerator(seed: UInt64(seed))
            let garbage = (0..<2000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = fresh.start()
            do { _ = try fresh.receive(toClient + garbage) } catch { continue }
            #expect(!fresh.isFinished)
        }
    }
}

