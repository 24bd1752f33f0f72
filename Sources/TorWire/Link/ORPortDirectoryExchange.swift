#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// One directory request over an ORPort, as tor makes it, without I/O: the link handshake,
/// a one-hop circuit made with CREATE_FAST (extended to a second relay with EXTEND2 and ntor
/// when `extendingTo` names one), a BEGIN_DIR stream at the last hop carrying `request` (an
/// HTTP/1.0 request), and the answer's bytes with stream- and circuit-level flow control
/// (authenticated SENDME v1 on the circuit, to the hop that sent the data).
///
/// Onion-service descriptors need the second hop: an HSDir serves them only on circuits that
/// reach it from another relay (tor's `connection_dir_is_anonymous`).
///
/// Feed it the TLS plaintext as it arrives; send what it returns; stop when it is finished.
///
/// ```swift
/// var exchange = ORPortDirectoryExchange(request: Array("GET /tor/status-vote/current/consensus HTTP/1.0\r\n\r\n".utf8),
///                                        expected: fingerprint, tlsCertificateDER: leaf, peerAddress: [127, 0, 0, 1])
/// send(exchange.start())
/// while !exchange.isFinished { send(try exchange.receive(read())) }
/// let response = exchange.response
/// ```
public struct ORPortDirectoryExchange: Sendable {
    /// How far the exchange has come, for errors and progress (`finished` once the stream ends).
    public enum Phase: Sendable, Hashable { case handshake, creatingCircuit, extendingCircuit, openingStream, receiving, finished }

    public private(set) var phase: Phase = .handshake
    /// The HTTP response bytes received so far over the BEGIN_DIR stream.
    public private(set) var response: [UInt8] = []
    public private(set) var handshake: LinkHandshake
    /// Cells received and sent (for measurements).
    public private(set) var cellsReceived = 0, cellsSent = 0
    public var isFinished: Bool { phase == .finished }

    private var reader = CellReader()
    private let request: [UInt8]
    private let maxResponseBytes: Int
    private let circuitID: UInt32
    private let streamID: UInt16 = 1
    private let x: [UInt8]
    private var circuit: RelayCircuit?
    private let extendingTo: CircuitExtension?
    private var ntor: NtorClientHandshake?
    private var circuitWindow = FlowWindow(start: 1000, increment: 100)
    private var streamWindow = FlowWindow(start: 500, increment: 50)

    /// - Parameters:
    ///   - request: the HTTP/1.0 request to send on the BEGIN_DIR stream.
    ///   - expected: the RSA identity the relay must prove; nil accepts any.
    ///   - tlsCertificateDER: the TLS certificate the relay presented.
    ///   - peerAddress: the relay's IPv4 (4 bytes) or IPv6 (16 bytes) address, for NETINFO.
    ///   - extendingTo: the relay to extend the circuit to and open the stream at;
    ///     nil opens it at the relay connected to.
    ///   - maxResponseBytes: cap on the response (headers and body) as received.
    ///   - now: the time the certificates are checked against.
    public init(request: [UInt8], expected: Fingerprint?, tlsCertificateDER: [UInt8]?, peerAddress: [UInt8],
                extendingTo: CircuitExtension? = nil, maxResponseBytes: Int = 64 << 20, now: Date = Date()) {
        self.request = request
        self.extendingTo = extendingTo
        self.maxResponseBytes = maxResponseBytes
        handshake = LinkHandshake(expected: expected, tlsCertificateDER: tlsCertificateDER, peerAddress: peerAddress, now: now)
        // The initiator of a link protocol 4+ connection sets the top bit of its circuit ids.
        circuitID = 0x8000_0000 | UInt32.random(in: 1...0x7FFF_FFFF)
        x = (0..<20).map { _ in UInt8.random(in: 0...255) }
    }

    /// Sets the relay's TLS leaf certificate when it was not known at `init` (a TLS stack
    /// that reports it only once the handshake is done); needed before the CERTS cell.
    public mutating func setTLSCertificate(_ der: [UInt8]) { handshake.tlsCertificateDER = der }

    /// Our first bytes: the VERSIONS cell.
    public mutating func start() -> [UInt8] {
        cellsSent += 1
        return handshake.versionsCell
    }

    /// Takes received bytes and returns the bytes to send in answer (possibly none).
    public mutating func receive(_ bytes: some Sequence<UInt8>) throws(LinkError) -> [UInt8] {
        reader.append(bytes)
        var out: [UInt8] = []
        while phase != .finished, let cell = try reader.next() {
            cellsReceived += 1
            for reply in try handle(cell) {
                out += reply.encoded()
                cellsSent += 1
            }
        }
        return out
    }

    private mutating func handle(_ cell: Cell) throws(LinkError) -> [Cell] {
        if phase == .handshake {
            guard let netinfo = try handshake.receive(cell) else { return [] }
            phase = .creatingCircuit
            return [netinfo, Cell(circuitID: circuitID, command: .createFast, payload: x)]
        }
        switch Cell.Command(rawValue: cell.command) {
        case .padding, .vpadding: return []
        case .destroy where cell.circuitID == circuitID:
            throw .destroyed(DestroyReason(code: cell.payload.first ?? 0))
        case .createdFast where phase == .creatingCircuit && cell.circuitID == circuitID:
            circuit = RelayCircuit(firstHop: try CircuitKeys(x: x, createdFastPayload: cell.payload))
            guard let extendingTo else {
                phase = .openingStream
                return [relayCell(RelayCell(command: .beginDir, streamID: streamID))]
            }
            let handshake = try NtorClientHandshake(identity: extendingTo.fingerprint, onionKey: extendingTo.ntorOnionKey)
            let extend = RelayCell(command: .extend2, streamID: 0, data: try extendingTo.extend2Payload(onionskin: handshake.onionskin))
            ntor = handshake
            phase = .extendingCircuit
            // EXTEND2 must travel in a RELAY_EARLY cell (tor-spec "Handling RELAY_EARLY cells").
            return [Cell(circuitID: circuitID, command: .relayEarly, payload: circuit!.seal(extend, to: 0))]
        case .relay where cell.circuitID == circuitID && circuit != nil:
            return try handleRelay(cell.payload)
        default:
            throw .unexpectedCell(cell.commandName, state: "on circuit \(cell.circuitID) while \(phase)")
        }
    }

    private mutating func handleRelay(_ payload: [UInt8]) throws(LinkError) -> [Cell] {
        let (hop, relay, digest) = try circuit!.open(payload)
        let command = RelayCommand(rawValue: relay.command)
        if command == .drop { return [] }
        if command == .sendme { return [] } // our package windows never run low: the request is a few cells
        if phase == .extendingCircuit {
            switch command {
            case .extended2 where hop == 0:
                circuit!.add(hop: try ntor!.complete(reply: try CircuitExtension.handshakeReply(extended2: relay.data)))
                ntor = nil
                phase = .openingStream
                return [relayCell(RelayCell(command: .beginDir, streamID: streamID))]
            case .truncated:
                throw .destroyed(DestroyReason(code: relay.data.first ?? 0))
            default:
                throw unexpected(relay, from: hop)
            }
        }
        guard hop == circuit!.hopCount - 1 else {
            throw unexpected(relay, from: hop)
        }
        guard relay.streamID == streamID else {
            throw .unexpectedCell("RELAY \(command.map { "\($0)" } ?? "command \(relay.command)")", state: "on stream \(relay.streamID)")
        }
        switch (phase, command) {
        case (.openingStream, .connected):
            phase = .receiving
            return stride(from: 0, to: request.count, by: RelayCell.maxData).map { offset in
                relayCell(RelayCell(command: .data, streamID: streamID, data: Array(request[offset..<min(request.count, offset + RelayCell.maxData)])))
            }
        case (.receiving, .data):
            guard response.count + relay.data.count <= maxResponseBytes else { throw .responseTooLarge(limit: maxResponseBytes) }
            response += relay.data
            var replies: [Cell] = []
            if circuitWindow.received() {
                // Authenticated SENDME v1: VERSION 1, DATA_LEN 20, the running digest after
                // the cell that brought the window to its increment (tor-spec "SENDME").
                replies.append(relayCell(RelayCell(command: .sendme, streamID: 0, data: [1, 0, 20] + digest)))
            }
            if streamWindow.received() { replies.append(relayCell(RelayCell(command: .sendme, streamID: streamID))) }
            return replies
        case (.openingStream, .end), (.receiving, .end):
            let reason = EndReason(code: relay.data.first ?? 1)
            guard reason == .done, phase == .receiving else { throw .streamEnded(reason) }
            phase = .finished
            return []
        default:
            throw .unexpectedCell("RELAY \(command.map { "\($0)" } ?? "command \(relay.command)")", state: "while \(phase)")
        }
    }

    private func unexpected(_ relay: RelayCell, from hop: Int) -> LinkError {
        .unexpectedCell("RELAY \(RelayCommand(rawValue: relay.command).map { "\($0)" } ?? "command \(relay.command)") from hop \(hop + 1)",
                        state: "while \(phase)")
    }

    /// A RELAY cell for the last hop (where the stream is, and whose data the SENDMEs answer).
    private mutating func relayCell(_ relay: RelayCell) -> Cell {
        Cell(circuitID: circuitID, command: .relay, payload: circuit!.seal(relay, to: circuit!.hopCount - 1))
    }
}

/// A receiving flow-control window: starts at `start`, falls by one per DATA cell, and grows
/// by `increment` each time we send a SENDME (when it has fallen to `start - increment`).
/// Since this client consumes data at once and answers at once, as tor does when its buffers
/// are empty, the window never runs out on our side; the relay's package window is what
/// the SENDMEs pace.
struct FlowWindow: Sendable {
    private(set) var window: Int
    let start: Int, increment: Int

    init(start: Int, increment: Int) {
        self.window = start
        self.start = start
        self.increment = increment
    }

    /// Counts one DATA cell; true when a SENDME is due now.
    mutating func received() -> Bool {
        window -= 1
        guard window <= start - increment else { return false }
        window += increment
        return true
    }
}
