import TorDescriptors

/// Why an ORPort exchange failed: every violation by the relay, every refusal, each with the
/// cell or certificate it concerns.
///
/// ```swift
/// catch LinkError.identityMismatch(let expected, let actual) { print("wanted \(expected), got \(actual)") }
/// ```
public enum LinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A cell arrived that the protocol does not allow at this point.
    case unexpectedCell(String, state: String)
    /// A cell's payload does not have the form its command requires.
    case malformedCell(String, String)
    /// The relay's VERSIONS cell shares no version with ours (4, 5).
    case noCommonVersion(offered: [UInt16])
    /// The CERTS cell is missing a certificate, has duplicates, or one does not verify.
    case certificates(String)
    /// The relay proved an identity other than the one we meant to reach.
    case identityMismatch(expected: Fingerprint, actual: Fingerprint)
    /// CREATED_FAST's KH does not match the derived key material.
    case keyHashMismatch
    /// Extending the circuit failed: the ntor handshake did not check out, or the EXTEND2
    /// target could not be described.
    case circuitHandshake(String)
    /// A relay cell on our circuit did not decrypt to a recognized cell with a valid digest.
    case unrecognizedRelayCell
    /// The relay closed the circuit.
    case destroyed(DestroyReason)
    /// The relay ended the directory stream with a reason other than DONE.
    case streamEnded(EndReason)
    /// The response grew beyond the caller's limit.
    case responseTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .unexpectedCell(let cell, let state): "unexpected \(cell) cell \(state)"
        case .malformedCell(let cell, let why): "malformed \(cell) cell: \(why)"
        case .noCommonVersion(let offered): "no common link protocol version: relay offered \(offered), we speak 4 and 5"
        case .certificates(let why): "CERTS cell rejected: \(why)"
        case .identityMismatch(let expected, let actual): "relay identity \(actual) is not the expected \(expected)"
        case .keyHashMismatch: "CREATED_FAST key hash (KH) does not match"
        case .circuitHandshake(let why): "circuit extension failed: \(why)"
        case .unrecognizedRelayCell: "relay cell not recognized (wrong digest or key)"
        case .destroyed(let reason): "relay destroyed the circuit: \(reason)"
        case .streamEnded(let reason): "relay ended the directory stream: \(reason)"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        }
    }
}

/// DESTROY reasons (tor-spec "Tearing down circuits").
///
/// ```swift
/// DestroyReason(code: 5)   // .resourceLimit, "RESOURCELIMIT (5)"
/// ```
public enum DestroyReason: Sendable, Hashable, CustomStringConvertible {
    case none, `protocol`, `internal`, requested, hibernating, resourceLimit, connectFailed, orIdentity
    case channelClosed, finished, timeout, destroyed, noSuchService
    case unknown(UInt8)

    private static let known: [DestroyReason] = [.none, .protocol, .internal, .requested, .hibernating, .resourceLimit,
                                                  .connectFailed, .orIdentity, .channelClosed, .finished, .timeout,
                                                  .destroyed, .noSuchService]

    public init(code: UInt8) { self = Int(code) < Self.known.count ? Self.known[Int(code)] : .unknown(code) }

    public var code: UInt8 {
        if case .unknown(let code) = self { return code }
        return UInt8(Self.known.firstIndex(of: self)!)
    }

    public var description: String {
        switch self {
        case .none: "NONE (0)"
        case .protocol: "PROTOCOL (1)"
        case .internal: "INTERNAL (2)"
        case .requested: "REQUESTED (3)"
        case .hibernating: "HIBERNATING (4)"
        case .resourceLimit: "RESOURCELIMIT (5)"
        case .connectFailed: "CONNECTFAILED (6)"
        case .orIdentity: "OR_IDENTITY (7)"
        case .channelClosed: "CHANNEL_CLOSED (8)"
        case .finished: "FINISHED (9)"
        case .timeout: "TIMEOUT (10)"
        case .destroyed: "DESTROYED (11)"
        case .noSuchService: "NOSUCHSERVICE (12)"
        case .unknown(let code): "unknown reason \(code)"
        }
    }
}

/// RELAY_END reasons (tor-spec "Closing streams").
///
/// ```swift
/// EndReason(code: 6) == .done   // how a directory stream ends normally
/// ```
public enum EndReason: Sendable, Hashable, CustomStringConvertible {
    case misc, resolveFailed, connectRefused, exitPolicy, destroy, done, timeout, noRoute, hibernating
    case `internal`, resourceLimit, connReset, torProtocol, notDirectory
    case unknown(UInt8)

    private static let known: [EndReason] = [.misc, .resolveFailed, .connectRefused, .exitPolicy, .destroy, .done, .timeout,
                                             .noRoute, .hibernating, .internal, .resourceLimit, .connReset, .torProtocol,
                                             .notDirectory]

    public init(code: UInt8) { self = code >= 1 && Int(code) <= Self.known.count ? Self.known[Int(code) - 1] : .unknown(code) }

    public var code: UInt8 {
        if case .unknown(let code) = self { return code }
        return UInt8(Self.known.firstIndex(of: self)! + 1)
    }

    public var description: String {
        switch self {
        case .misc: "MISC (1)"
        case .resolveFailed: "RESOLVEFAILED (2)"
        case .connectRefused: "CONNECTREFUSED (3)"
        case .exitPolicy: "EXITPOLICY (4)"
        case .destroy: "DESTROY (5)"
        case .done: "DONE (6)"
        case .timeout: "TIMEOUT (7)"
        case .noRoute: "NOROUTE (8)"
        case .hibernating: "HIBERNATING (9)"
        case .internal: "INTERNAL (10)"
        case .resourceLimit: "RESOURCELIMIT (11)"
        case .connReset: "CONNRESET (12)"
        case .torProtocol: "TORPROTOCOL (13)"
        case .notDirectory: "NOTDIRECTORY (14)"
        case .unknown(let code): "unknown reason \(code)"
        }
    }
}
