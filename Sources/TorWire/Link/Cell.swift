/// A tor link-protocol cell (tor-spec "Cell packet format"): a circuit id, a command and a
/// payload. Fixed-length cells carry exactly 509 payload bytes; variable-length cells
/// (`VERSIONS` and commands 128 and up) carry a 2-byte length.
///
/// ```swift
/// let cell = Cell(circuitID: 0x8000_0001, command: .createFast, payload: nonce)
/// let bytes = cell.encoded()       // 514 bytes for link protocol 4 and 5
/// ```
public struct Cell: Sendable, Hashable {
    public var circuitID: UInt32
    /// The raw command byte (see ``Command`` for the known ones).
    public var command: UInt8
    /// For fixed-length cells, the whole 509 bytes (padding included) when decoded.
    public var payload: [UInt8]

    /// Payload bytes of a fixed-length cell (link protocol 4 and later: 514 - 4 - 1).
    public static let fixedPayloadLength = 509

    public init(circuitID: UInt32, command: UInt8, payload: [UInt8]) {
        self.circuitID = circuitID
        self.command = command
        self.payload = payload
    }

    public init(circuitID: UInt32, command: Command, payload: [UInt8]) {
        self.init(circuitID: circuitID, command: command.rawValue, payload: payload)
    }

    /// Cell commands of tor-spec ("Cell commands").
    public enum Command: UInt8, Sendable, CaseIterable {
        case padding = 0, create = 1, created = 2, relay = 3, destroy = 4, createFast = 5, createdFast = 6
        case versions = 7, netinfo = 8, relayEarly = 9, create2 = 10, created2 = 11, paddingNegotiate = 12
        case vpadding = 128, certs = 129, authChallenge = 130, authenticate = 131, authorize = 132
    }

    /// `VERSIONS` and every command from 128 up have a length field.
    public static func isVariableLength(_ command: UInt8) -> Bool { command == Command.versions.rawValue || command >= 128 }

    /// The cell's name for errors: the command's name, or its number.
    public var commandName: String { Command(rawValue: command).map { "\($0)" } ?? "command \(command)" }

    /// The wire form with `circuitIDWidth`-byte circuit ids (2 only for the first `VERSIONS`
    /// cell, 4 afterwards). Fixed-length payloads are zero-padded to 509 bytes.
    public func encoded(circuitIDWidth: Int = 4) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(circuitIDWidth + 3 + max(payload.count, Self.fixedPayloadLength))
        if circuitIDWidth == 4 { out.append(UInt8(circuitID >> 24)); out.append(UInt8(truncatingIfNeeded: circuitID >> 16)) }
        out.append(UInt8(truncatingIfNeeded: circuitID >> 8)); out.append(UInt8(truncatingIfNeeded: circuitID))
        out.append(command)
        if Self.isVariableLength(command) {
            precondition(payload.count <= 0xFFFF, "variable-length cell payload over 65535 bytes")
            out.append(UInt8(payload.count >> 8)); out.append(UInt8(truncatingIfNeeded: payload.count))
            out += payload
        } else {
            precondition(payload.count <= Self.fixedPayloadLength, "fixed-length cell payload over 509 bytes")
            out += payload
            out += repeatElement(0, count: Self.fixedPayloadLength - payload.count)
        }
        return out
    }
}

/// Splits the bytes of a link connection into cells, as they arrive in any chunks.
///
/// The first cell must be `VERSIONS` with a 2-byte circuit id (tor-spec "Negotiating
/// versions with VERSIONS cells"); every later cell has a 4-byte circuit id, since this
/// client speaks only link protocols 4 and 5.
///
/// ```swift
/// var reader = CellReader()
/// reader.append(bytesFromTLS)
/// while let cell = try reader.next() { handle(cell) }
/// ```
public struct CellReader: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    private var sawVersions = false
    /// Caps the bytes held while waiting for the rest of a cell (a variable-length cell can
    /// announce up to 65,535 payload bytes; nothing else is buffered).
    public static let maxBufferedBytes = 2 * (65_535 + 7)

    public init() {}

    /// Bytes received but not yet returned as cells.
    public var bufferedCount: Int { buffer.count - start }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0 && start >= buffer.count / 2 { buffer.removeFirst(start); start = 0 }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole cell, or `nil` when more bytes are needed.
    public mutating func next() throws(LinkError) -> Cell? {
        let width = sawVersions ? 4 : 2
        let available = buffer.count - start
        guard available >= width + 1 else { return nil }
        var circuitID: UInt32 = 0
        for i in 0..<width { circuitID = circuitID << 8 | UInt32(buffer[start + i]) }
        let command = buffer[start + width]
        if !sawVersions {
            guard command == Cell.Command.versions.rawValue else {
                throw .unexpectedCell(Cell(circuitID: 0, command: command, payload: []).commandName, state: "before VERSIONS")
            }
        }
        let payloadStart: Int, payloadLength: Int
        if Cell.isVariableLength(command) {
            guard available >= width + 3 else { return nil }
            payloadLength = Int(buffer[start + width + 1]) << 8 | Int(buffer[start + width + 2])
            payloadStart = start + width + 3
        } else {
            payloadLength = Cell.fixedPayloadLength
            payloadStart = start + width + 1
        }
        guard buffer.count - payloadStart >= payloadLength else { return nil }
        let cell = Cell(circuitID: circuitID, command: command, payload: Array(buffer[payloadStart..<(payloadStart + payloadLength)]))
        start = payloadStart + payloadLength
        sawVersions = true
        return cell
    }
}

/// Big-endian reads over a cell payload that throw instead of trapping on short input.
struct PayloadReader {
    let bytes: [UInt8]
    var index = 0
    let what: String

    init(_ bytes: [UInt8], what: String) { self.bytes = bytes; self.what = what }

    var remaining: Int { bytes.count - index }

    mutating func take(_ count: Int) throws(LinkError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else {
            throw .malformedCell(what, "needs \(count) more bytes at offset \(index), has \(remaining)")
        }
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    mutating func u8() throws(LinkError) -> UInt8 { try take(1).first! }

    mutating func u16() throws(LinkError) -> UInt16 {
        let b = try take(2)
        return UInt16(b[b.startIndex]) << 8 | UInt16(b[b.startIndex + 1])
    }

    mutating func u32() throws(LinkError) -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt16) { append(UInt8(value >> 8)); append(UInt8(truncatingIfNeeded: value)) }
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24)); append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8)); append(UInt8(truncatingIfNeeded: value))
    }
}
