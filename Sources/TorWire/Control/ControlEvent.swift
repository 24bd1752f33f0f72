import TorDescriptors

/// An asynchronous ControlPort event (status 650, control-spec §4.1) read into its fields:
/// the ones this library asks for (`NEWCONSENSUS`, `NEWDESC`, `HS_DESC`, `HS_DESC_CONTENT`),
/// anything else by name.
///
/// ```swift
/// switch try ControlEvent(reply) {
/// case .newDescriptors(let relays): print(relays.map(\.fingerprint.hex))
/// case .newConsensus(let entries): print(try RouterStatusEntryList(parsing: entries[...]).entries.count)
/// default: break
/// }
/// ```
public enum ControlEvent: Sendable, Hashable {
    /// `650+NEWCONSENSUS`: the new consensus's router status entries (no header, no footer).
    case newConsensus(entries: [UInt8])
    /// `650 NEWDESC $fingerprint[~nickname]...`: relays whose server descriptors tor just received.
    case newDescriptors([ControlRelayName])
    /// `650 HS_DESC action address auth hsdir [descriptor-id] [REASON=...]`: a step of an
    /// onion-service descriptor fetch or upload.
    case onionServiceDescriptor(OnionServiceDescriptorEvent)
    /// `650+HS_DESC_CONTENT address descriptor-id hsdir`: the descriptor an HSDir answered
    /// (empty when it had none).
    case onionServiceDescriptorContent(address: String, descriptorID: String, hsDir: ControlRelayName?, descriptor: [UInt8])
    /// Any other event, by its name (the first word).
    case other(name: String)

    /// Reads an event reply; throws when the reply is not an event or its fields are not the
    /// ones control-spec gives that event.
    public init(_ reply: ControlReply) throws(ControlProtocolError) {
        guard reply.isEvent, let first = reply.lines.first else {
            throw .malformedLine(line: 1, "not an asynchronous event (status \(reply.status))")
        }
        let words = first.text.split(separator: " ", omittingEmptySubsequences: true)
        guard let name = words.first.map(String.init) else { throw .malformedLine(line: 1, "event without a name") }
        let arguments = words.dropFirst()
        switch name {
        case "NEWCONSENSUS":
            guard let data = first.data else { throw .malformedLine(line: 1, "NEWCONSENSUS without a data block") }
            self = .newConsensus(entries: data)
        case "NEWDESC":
            var relays: [ControlRelayName] = []
            for word in arguments {
                guard let relay = ControlRelayName(word) else { throw .malformedLine(line: 1, "NEWDESC: \(word.debugDescription) is not $fingerprint[~nickname]") }
                relays.append(relay)
            }
            self = .newDescriptors(relays)
        case "HS_DESC":
            self = .onionServiceDescriptor(try OnionServiceDescriptorEvent(arguments))
        case "HS_DESC_CONTENT":
            guard arguments.count >= 3 else { throw .malformedLine(line: 1, "HS_DESC_CONTENT wants address, descriptor id and HSDir") }
            let list = Array(arguments)
            self = .onionServiceDescriptorContent(address: String(list[0]), descriptorID: String(list[1]),
                                                  hsDir: ControlRelayName(list[2]), descriptor: first.data ?? [])
        default:
            self = .other(name: name)
        }
    }
}

/// A control-spec LongName: `$` and 40 hex digits, then optionally `~nickname` or `=nickname`.
///
/// ```swift
/// let relay = ControlRelayName("$9695DFC35FFEB861329B9F1AB04C46397020CE31~moria1")!
/// print(relay.fingerprint.hex, relay.nickname ?? "-")
/// ```
public struct ControlRelayName: Sendable, Hashable {
    public let fingerprint: Fingerprint
    public let nickname: String?

    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 41, utf8[0] == UInt8(ascii: "$") else { return nil }
        let hex = utf8[1..<41]
        guard hex.allSatisfy({ Self.isHexDigit($0) }), let fingerprint = Fingerprint(hex: String(decoding: hex, as: UTF8.self).uppercased()) else { return nil }
        self.fingerprint = fingerprint
        if utf8.count == 41 {
            nickname = nil
        } else {
            guard utf8[41] == UInt8(ascii: "~") || utf8[41] == UInt8(ascii: "="), utf8.count > 42 else { return nil }
            nickname = String(decoding: utf8[42...], as: UTF8.self)
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }
}

/// The fields of an `HS_DESC` event (control-spec §4.1.25).
///
/// ```swift
/// if case .onionServiceDescriptor(let step) = event, step.action == "FAILED" { print(step.reason ?? "?") }
/// ```
public struct OnionServiceDescriptorEvent: Sendable, Hashable {
    /// `REQUESTED`, `UPLOAD`, `RECEIVED`, `UPLOADED`, `IGNORE`, `FAILED` or `CREATED`.
    public let action: String
    /// The onion address without `.onion` (or `UNKNOWN`).
    public let address: String
    /// `NO_AUTH`, `BASIC_AUTH`, `STEALTH_AUTH` or `UNKNOWN`.
    public let authType: String
    /// The HSDir asked, or nil for `UNKNOWN`.
    public let hsDir: ControlRelayName?
    /// The descriptor id (the blinded key, base64, for v3), when given.
    public let descriptorID: String?
    /// Why a fetch failed (`NOT_FOUND`, `QUERY_REJECTED`, ...), for `FAILED`.
    public let reason: String?

    init(_ words: ArraySlice<Substring>) throws(ControlProtocolError) {
        let list = Array(words)
        guard list.count >= 4 else { throw .malformedLine(line: 1, "HS_DESC wants action, address, auth type and HSDir") }
        action = String(list[0])
        address = String(list[1])
        authType = String(list[2])
        hsDir = ControlRelayName(list[3])
        var descriptorID: String?
        var reason: String?
        for word in list.dropFirst(4) {
            if word.hasPrefix("REASON=") { reason = String(word.dropFirst(7)) } else if !word.contains("=") { descriptorID = String(word) }
        }
        self.descriptorID = descriptorID
        self.reason = reason
    }
}
