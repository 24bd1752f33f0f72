#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// The client side of the v3 link handshake (tor-spec "Negotiating and initializing
/// connections"): send VERSIONS; receive VERSIONS, CERTS, AUTH_CHALLENGE (ignored, a client
/// does not authenticate) and NETINFO; answer with NETINFO. The CERTS cell is validated
/// against the TLS certificate and the expected identity before anything else is accepted.
///
/// ```swift
/// var handshake = LinkHandshake(expected: fingerprint, tlsCertificateDER: leaf, peerAddress: [127, 0, 0, 1])
/// send(handshake.versionsCell)
/// for cell in cells { if let reply = try handshake.receive(cell) { send(reply) } }
/// ```
public struct LinkHandshake: Sendable {
    /// Which cell the handshake waits for next (`open` once NETINFO is answered).
    public enum State: Sendable, Hashable { case awaitingVersions, awaitingCerts, awaitingNetinfo, open }

    public private(set) var state: State = .awaitingVersions
    public private(set) var linkVersion: UInt16 = 0
    public private(set) var identity: RelayIdentity?
    /// The relay's CERTS cell payload as received (kept for diagnostics and test fixtures).
    public private(set) var certsPayload: [UInt8]?
    private let expected: Fingerprint?
    /// The relay's TLS leaf certificate; must be known before its CERTS cell arrives.
    public var tlsCertificateDER: [UInt8]?
    private let peerAddress: [UInt8]
    private let now: Date

    /// Link protocol versions this client speaks: 4 (4-byte circuit ids) and 5 (padding).
    public static let supportedVersions: [UInt16] = [4, 5]

    /// - Parameters:
    ///   - expected: the RSA identity the relay must prove in its CERTS cell; nil accepts any.
    ///   - tlsCertificateDER: the TLS certificate the relay presented, which its link
    ///     certificate must match.
    ///   - peerAddress: the relay's IPv4 (4 bytes) or IPv6 (16 bytes) address, for NETINFO.
    ///   - now: the time the certificates are checked against.
    public init(expected: Fingerprint?, tlsCertificateDER: [UInt8]?, peerAddress: [UInt8], now: Date = Date()) {
        self.expected = expected
        self.tlsCertificateDER = tlsCertificateDER
        self.peerAddress = peerAddress
        self.now = now
    }

    /// Our VERSIONS cell, with the 2-byte circuit id every VERSIONS cell has.
    public var versionsCell: [UInt8] {
        var payload: [UInt8] = []
        for version in Self.supportedVersions { payload.appendBigEndian(version) }
        return Cell(circuitID: 0, command: .versions, payload: payload).encoded(circuitIDWidth: 2)
    }

    /// Handles one cell of the handshake; returns our NETINFO cell once the relay's arrives.
    public mutating func receive(_ cell: Cell) throws(LinkError) -> Cell? {
        let command = Cell.Command(rawValue: cell.command)
        if command == .vpadding || (command == .padding && state != .awaitingVersions) { return nil }
        switch (state, command) {
        case (.awaitingVersions, .versions):
            guard cell.payload.count % 2 == 0 else { throw .malformedCell("VERSIONS", "odd payload length \(cell.payload.count)") }
            let offered = stride(from: 0, to: cell.payload.count, by: 2).map { UInt16(cell.payload[$0]) << 8 | UInt16(cell.payload[$0 + 1]) }
            guard let best = offered.filter(Self.supportedVersions.contains).max() else { throw .noCommonVersion(offered: offered) }
            linkVersion = best
            state = .awaitingCerts
            return nil
        case (.awaitingCerts, .certs):
            certsPayload = cell.payload
            guard let tlsCertificateDER else { throw .certificates("no TLS certificate to check the CERTS cell against") }
            identity = try CertsCell(payload: cell.payload).validate(tlsCertificateDER: tlsCertificateDER, expected: expected, now: now)
            state = .awaitingNetinfo
            return nil
        case (.awaitingNetinfo, .authChallenge):
            return nil
        case (.awaitingNetinfo, .netinfo):
            try Self.checkNetinfo(cell.payload)
            state = .open
            return netinfoCell
        default:
            throw .unexpectedCell(cell.commandName, state: "while \(state)")
        }
    }

    /// NETINFO: TIME (0, as a client may send), the relay's address, none of ours.
    private var netinfoCell: Cell {
        var payload: [UInt8] = [0, 0, 0, 0]
        payload += [peerAddress.count == 16 ? 6 : 4, UInt8(peerAddress.count)] + peerAddress
        payload.append(0)
        return Cell(circuitID: 0, command: .netinfo, payload: payload)
    }

    /// NETINFO's structure: TIME, OTHERADDR, NMYADDR addresses (each type, length, value).
    static func checkNetinfo(_ payload: [UInt8]) throws(LinkError) {
        var reader = PayloadReader(payload, what: "NETINFO")
        _ = try reader.u32()
        _ = try reader.u8()
        _ = try reader.take(Int(try reader.u8()))
        for _ in 0..<(try reader.u8()) {
            _ = try reader.u8()
            _ = try reader.take(Int(try reader.u8()))
        }
    }
}
