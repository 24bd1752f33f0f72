import Foundation
import TorDescriptors
@testable import TorWire

/// A CERTS cell and TLS certificate captured from a relay of the private Tor network
/// (scripts/private-tor-network.sh; see LinkFixture.capture in TorDirectoryTests), with the
/// time of capture, so that validation runs at a time when every certificate was valid.
struct LinkFixture {
    let certsPayload: [UInt8]
    let tlsCertificateDER: [UInt8]
    let fingerprint: Fingerprint
    let capturedAt: Date

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load() throws -> LinkFixture {
        func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }
        let info = String(decoding: try read("relay-link.txt"), as: UTF8.self).split(separator: "\n")
        guard info.count >= 2, let fingerprint = Fingerprint(hex: info[0]), let seconds = Double(info[1]) else {
            throw FixtureError.malformed
        }
        return LinkFixture(certsPayload: try read("relay-certs-cell.bin"), tlsCertificateDER: try read("relay-tls-cert.der"),
                           fingerprint: fingerprint, capturedAt: Date(timeIntervalSince1970: seconds))
    }

    enum FixtureError: Error { case malformed }
}

/// The relay's end of a BEGIN_DIR exchange, simulated from the cells the client sends: it
/// answers the handshake with the captured certificates, makes the CREATE_FAST keys, serves
/// `body` in DATA cells within the windows, and checks each SENDME (v1 digests included).
/// With `extendTo`, it also plays the second hop: it answers an EXTEND2 (in RELAY_EARLY) for
/// that relay with its ntor reply, and serves the stream from there, under both layers.
struct SimulatedRelay {
    enum Behaviour: Equatable {
        case normal
        case endWith(EndReason)
        case destroyAfter(cells: Int, reason: DestroyReason)
        case badKeyHash
        case versions([UInt16])
        case certsPayload([UInt8])
    }

    let fixture: LinkFixture
    let body: [UInt8]
    var behaviour: Behaviour = .normal
    var extendTo: NtorRelaySide?
    private var secondHop: RelayCrypto?
    private(set) var extendedTo: [UInt8]?

    private var reader = CellReader()
    private var crypto: RelayCrypto?
    private var circuitID: UInt32 = 0
    private var streamID: UInt16 = 0
    private var request: [UInt8] = []
    private var offset = 0
    private var dataCellsSent = 0
    private var circuitWindow = 1000, streamWindow = 500
    private var expectedSendmeDigests: [[UInt8]] = []
    private(set) var circuitSendmes = 0, streamSendmes = 0
    private(set) var badSendmes = 0
    private var ended = false

    init(fixture: LinkFixture, body: [UInt8], behaviour: Behaviour = .normal) {
        self.fixture = fixture
        self.body = body
        self.behaviour = behaviour
    }

    mutating func receive(_ bytes: [UInt8]) throws -> [UInt8] {
        reader.append(bytes)
        var out: [UInt8] = []
        while let cell = try reader.next() { out += try handle(cell) }
        return out
    }

    private mutating func handle(_ cell: Cell) throws -> [UInt8] {
        switch Cell.Command(rawValue: cell.command) {
        case .versions:
            var versions: [UInt8] = []
            let offered: [UInt16] = if case .versions(let list) = behaviour { list } else { [3, 4, 5] }
            for v in offered { versions.appendBigEndian(v) }
            let certs: [UInt8] = if case .certsPayload(let payload) = behaviour { payload } else { fixture.certsPayload }
            return Cell(circuitID: 0, command: .versions, payload: versions).encoded(circuitIDWidth: 2)
                + Cell(circuitID: 0, command: .certs, payload: certs).encoded()
                + Cell(circuitID: 0, command: .authChallenge, payload: [UInt8](repeating: 7, count: 32) + [0, 1, 0, 3]).encoded()
                + Cell(circuitID: 0, command: .netinfo, payload: [0, 0, 0, 0, 4, 4, 127, 0, 0, 1, 1, 4, 4, 127, 0, 0, 1]).encoded()
        case .netinfo:
            return []
        case .createFast:
            circuitID = cell.circuitID
            let y = (0..<20).map { _ in UInt8.random(in: 0...255) }
            let keys = CircuitKeys(x: Array(cell.payload[0..<20]), y: y)
            crypto = RelayCrypto(relaySideOf: keys)
            var kh = keys.keyHash
            if behaviour == .badKeyHash { kh[0] ^= 1 }
            return Cell(circuitID: circuitID, command: .createdFast, payload: y + kh).encoded()
        case .relay, .relayEarly:
            var payload = cell.payload
            if let (relay, _) = try crypto!.peel(&payload) {
                if let extendTo, secondHop == nil, relay.command == RelayCommand.extend2.rawValue, cell.command == Cell.Command.relayEarly.rawValue {
                    // The legacy id specifier (type 2) names the relay; the last 84 bytes are the onionskin.
                    extendedTo = relay.data.firstRange(of: [2, 20]).map { Array(relay.data[$0.upperBound..<($0.upperBound + 20)]) }
                    let (reply, material) = try extendTo.answer(Array(relay.data.suffix(84)))
                    let reversed = RelayCrypto(relaySideOf: CircuitKeys(forwardDigestSeed: Array(material[0..<20]), backwardDigestSeed: Array(material[20..<40]),
                                                                        forwardKey: Array(material[40..<56]), backwardKey: Array(material[56..<72])))
                    let extended = Cell(circuitID: circuitID, command: .relay, payload: crypto!.seal(RelayCell(command: .extended2, streamID: 0, data: [0, 64] + reply)))
                    secondHop = reversed
                    return extended.encoded()
                }
                guard secondHop == nil else { throw LinkError.unexpectedCell("relay command \(relay.command) for hop 1", state: "at the simulated relay") }
                return try stream(relay)
            }
            guard secondHop != nil, let (relay, _) = try secondHop!.peel(&payload) else { throw LinkError.unrecognizedRelayCell }
            return try stream(relay)
        default:
            return []
        }
    }

    private mutating func stream(_ relay: RelayCell) throws -> [UInt8] {
            switch RelayCommand(rawValue: relay.command) {
            case .beginDir:
                streamID = relay.streamID
                return seal(RelayCell(command: .connected, streamID: streamID))
            case .data:
                request += relay.data
                return request.suffix(4) == Array("\r\n\r\n".utf8) ? pump() : []
            case .sendme where relay.streamID == 0:
                circuitSendmes += 1
                let expected = expectedSendmeDigests.isEmpty ? [] : expectedSendmeDigests.removeFirst()
                if relay.data != [1, 0, 20] + expected { badSendmes += 1 }
                circuitWindow += 100
                return pump()
            case .sendme:
                streamSendmes += 1
                streamWindow += 50
                return pump()
            default:
                throw LinkError.unexpectedCell("relay command \(relay.command)", state: "at the simulated relay")
            }
    }

    /// Sends DATA while both windows allow (or regardless, when told to ignore them), then END.
    private mutating func pump() -> [UInt8] {
        var out: [UInt8] = []
        while offset < body.count, circuitWindow > 0 && streamWindow > 0 {
            if case .destroyAfter(let cells, let reason) = behaviour, dataCellsSent == cells {
                ended = true
                return out + Cell(circuitID: circuitID, command: .destroy, payload: [reason.code]).encoded()
            }
            let chunk = Array(body[offset..<min(body.count, offset + RelayCell.maxData)])
            offset += chunk.count
            out += seal(RelayCell(command: .data, streamID: streamID, data: chunk))
            dataCellsSent += 1
            circuitWindow -= 1
            streamWindow -= 1
            if dataCellsSent % 100 == 0 { expectedSendmeDigests.append((secondHop ?? crypto!).sealedDigest) }
        }
        if offset == body.count && !ended {
            ended = true
            let reason: EndReason = if case .endWith(let reason) = behaviour { reason } else { .done }
            out += seal(RelayCell(command: .end, streamID: streamID, data: [reason.code]))
        }
        return out
    }

    private mutating func seal(_ relay: RelayCell) -> [UInt8] {
        guard secondHop != nil else { return Cell(circuitID: circuitID, command: .relay, payload: crypto!.seal(relay)).encoded() }
        var payload = secondHop!.seal(relay)
        crypto!.encryptLayer(&payload)
        return Cell(circuitID: circuitID, command: .relay, payload: payload).encoded()
    }
}

/// Runs `exchange` against `relay` until the exchange finishes (its response) or throws.
func converse(_ exchange: inout ORPortDirectoryExchange, _ relay: inout SimulatedRelay, rounds: Int = 10_000) throws -> [UInt8] {
    var toRelay = exchange.start()
    for _ in 0..<rounds {
        let toClient = try relay.receive(toRelay)
        toRelay = try exchange.receive(toClient)
        if exchange.isFinished {
            // The SENDMEs answering the last DATA cells still reach the relay.
            _ = try relay.receive(toRelay)
            return exchange.response
        }
        if toRelay.isEmpty && toClient.isEmpty { throw StalledError() }
    }
    throw StalledError()
}

struct StalledError: Error {}
