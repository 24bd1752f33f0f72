import Crypto
#if canImport(FoundationEssentials)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
#else
import FoundationEssentials
#endif

/// A command for tor's ControlPort (control-spec §3), encoded as one CR LF-terminated line.
/// Arguments are checked so that no command can smuggle a second one (no CR, LF or NUL).
///
/// ```swift
/// let command = try ControlCommand.getInfo(["version", "ns/all"])
/// connection.write(command.bytes)       // "GETINFO version ns/all\r\n"
/// ```
public struct ControlCommand: Sendable, Hashable {
    /// The line, CR LF included.
    public let bytes: [UInt8]

    /// A command line from its keyword and arguments, refusing CR, LF and NUL anywhere.
    public init(_ keyword: String, _ arguments: [String] = []) throws(ControlCommandError) {
        let line = ([keyword] + arguments).joined(separator: " ")
        guard !keyword.isEmpty, !keyword.utf8.contains(UInt8(ascii: " ")) else { throw .invalid("keyword \(keyword.debugDescription)") }
        if line.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
            throw .invalid("CR, LF or NUL in \(line.debugDescription)")
        }
        bytes = Array(line.utf8) + [0x0D, 0x0A]
    }

    /// `PROTOCOLINFO 1`: the authentication methods and cookie file, allowed before AUTHENTICATE.
    public static let protocolInfo = try! ControlCommand("PROTOCOLINFO", ["1"])

    /// `GETINFO key...`; each key must be a non-empty word.
    public static func getInfo(_ keys: [String]) throws(ControlCommandError) -> ControlCommand {
        guard !keys.isEmpty else { throw .invalid("GETINFO needs a key") }
        for key in keys where key.isEmpty || key.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            throw .invalid("GETINFO key \(key.debugDescription)")
        }
        return try ControlCommand("GETINFO", keys)
    }

    /// `SETEVENTS name...` (an empty list turns every event off).
    public static func setEvents(_ names: [String]) throws(ControlCommandError) -> ControlCommand {
        for name in names where name.isEmpty || !name.utf8.allSatisfy({ ControlCommand.isWordByte($0) }) {
            throw .invalid("event name \(name.debugDescription)")
        }
        return try ControlCommand("SETEVENTS", names)
    }

    /// `HSFETCH address [SERVER=fingerprint...]`: asks tor to fetch an onion service's
    /// descriptor; the result comes as `HS_DESC` and `HS_DESC_CONTENT` events.
    public static func hsFetch(_ address: String, servers: [String] = []) throws(ControlCommandError) -> ControlCommand {
        let bare = address.hasSuffix(".onion") ? String(address.dropLast(6)) : address
        guard !bare.isEmpty, bare.utf8.allSatisfy({ ControlCommand.isWordByte($0) }) else { throw .invalid("onion address \(address.debugDescription)") }
        for server in servers where !server.utf8.allSatisfy({ ControlCommand.isWordByte($0) || $0 == UInt8(ascii: "$") }) {
            throw .invalid("server \(server.debugDescription)")
        }
        return try ControlCommand("HSFETCH", [bare] + servers.map { "SERVER=" + $0 })
    }

    /// `AUTHENTICATE` with no secret (NULL), hex bytes (COOKIE, SAFECOOKIE) or a quoted password.
    public static func authenticate(_ secret: ControlSecret) throws(ControlCommandError) -> ControlCommand {
        switch secret {
        case .none: return try ControlCommand("AUTHENTICATE")
        case .bytes(let bytes): return try ControlCommand("AUTHENTICATE", [ControlCommand.hex(bytes)])
        case .password(let password): return try ControlCommand("AUTHENTICATE", [ControlCommand.quoted(password)])
        }
    }

    /// `AUTHCHALLENGE SAFECOOKIE <client nonce>`.
    public static func authChallenge(clientNonce: [UInt8]) throws(ControlCommandError) -> ControlCommand {
        try ControlCommand("AUTHCHALLENGE", ["SAFECOOKIE", hex(clientNonce)])
    }

    /// `QUIT`.
    public static let quit = try! ControlCommand("QUIT")

    /// A control-spec QuotedString: backslash before `"` and `\`.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default: return false
        }
    }
}

/// What `AUTHENTICATE` sends: nothing (NULL), the cookie or SAFECOOKIE hash as hex, or a
/// password (HASHEDPASSWORD) as a quoted string.
///
/// ```swift
/// let command = try ControlCommand.authenticate(.password("secret"))   // AUTHENTICATE "secret"
/// ```
public enum ControlSecret: Sendable, Hashable {
    case none
    case bytes([UInt8])
    case password(String)
}

/// A command that cannot be sent as asked (it would end the line or start another command).
///
/// ```swift
/// do { _ = try ControlCommand.getInfo(["version\r\nSIGNAL HALT"]) } catch { print(error) }
/// ```
public enum ControlCommandError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let why): "invalid control command: \(why)" }
    }
}

/// The answer to `PROTOCOLINFO 1` (control-spec §3.21): the authentication methods tor accepts,
/// its cookie file and version.
///
/// ```swift
/// let info = try ControlProtocolInfo(reply)
/// if info.methods.contains("SAFECOOKIE"), let path = info.cookieFile { ... }
/// ```
public struct ControlProtocolInfo: Sendable, Hashable {
    /// `NULL`, `HASHEDPASSWORD`, `COOKIE`, `SAFECOOKIE`, as tor lists them.
    public let methods: [String]
    /// The cookie file's path, when a cookie method is offered.
    public let cookieFile: String?
    /// tor's version (`Tor="0.4.9.11"`).
    public let torVersion: String?

    public init(_ reply: ControlReply) throws(ControlProtocolError) {
        guard reply.isSuccess else { throw .malformedLine(line: 1, "PROTOCOLINFO failed: \(reply.status) \(reply.message)") }
        var methods: [String] = [], cookieFile: String? = nil, version: String? = nil
        for line in reply.lines {
            let fields = ControlFields.parse(line.text)
            switch fields.first?.key {
            case "AUTH":
                for field in fields {
                    if field.key == "METHODS" { methods = field.value.split(separator: ",").map(String.init) }
                    if field.key == "COOKIEFILE" { cookieFile = field.value }
                }
            case "VERSION":
                version = fields.first { $0.key == "Tor" }?.value
            default: continue
            }
        }
        self.methods = methods
        self.cookieFile = cookieFile
        self.torVersion = version
    }
}

/// SAFECOOKIE authentication (control-spec §3.24): both HMACs over cookie, client nonce and
/// server nonce, so neither side reveals the cookie.
///
/// ```swift
/// let exchange = SafeCookieExchange(cookie: cookie, clientNonce: nonce)
/// let answer = try exchange.clientHash(answering: challengeReply)   // checks tor's SERVERHASH first
/// ```
public struct SafeCookieExchange: Sendable {
    public let cookie: [UInt8]
    public let clientNonce: [UInt8]

    public init(cookie: [UInt8], clientNonce: [UInt8]) {
        self.cookie = cookie
        self.clientNonce = clientNonce
    }

    /// The hash to send with AUTHENTICATE, after checking the server's hash in the
    /// AUTHCHALLENGE reply (which proves tor knows the cookie).
    public func clientHash(answering reply: ControlReply) throws(ControlProtocolError) -> [UInt8] {
        guard reply.isSuccess else { throw .malformedLine(line: 1, "AUTHCHALLENGE failed: \(reply.status) \(reply.message)") }
        let fields = ControlFields.parse(reply.lines.last?.text ?? "")
        guard let serverHash = fields.first(where: { $0.key == "SERVERHASH" }).flatMap({ Self.unhex($0.value) }),
              let serverNonce = fields.first(where: { $0.key == "SERVERNONCE" }).flatMap({ Self.unhex($0.value) })
        else { throw .malformedLine(line: 1, "AUTHCHALLENGE reply without SERVERHASH and SERVERNONCE") }
        let message = cookie + clientNonce + serverNonce
        let expected = Self.hmac("Tor safe cookie authentication server-to-controller hash", message)
        guard expected == serverHash else { throw .malformedLine(line: 1, "SERVERHASH does not match the cookie: not the tor that wrote it") }
        return Self.hmac("Tor safe cookie authentication controller-to-server hash", message)
    }

    static func hmac(_ key: String, _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(key.utf8))))
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The `KEY=value` / `KEY="quoted value"` / bare-word fields of a reply line.
enum ControlFields {
    static func parse(_ text: String) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = []
        var scalars = Substring(text).unicodeScalars[...]
        while true {
            while scalars.first == " " { scalars.removeFirst() }
            guard !scalars.isEmpty else { return fields }
            var key = ""
            while let next = scalars.first, next != " ", next != "=" { key.unicodeScalars.append(next); scalars.removeFirst() }
            guard scalars.first == "=" else { fields.append((key, "")); continue }
            scalars.removeFirst()
            var value = ""
            if scalars.first == "\"" {
                scalars.removeFirst()
                while let next = scalars.first {
                    scalars.removeFirst()
                    if next == "\"" { break }
                    if next == "\\", let escaped = scalars.first {
                        scalars.removeFirst()
                        switch escaped {
                        case "n": value += "\n"
                        case "r": value += "\r"
                        case "t": value += "\t"
                        default: value.unicodeScalars.append(escaped)
                        }
                    } else {
                        value.unicodeScalars.append(next)
                    }
                }
            } else {
                while let next = scalars.first, next != " " { value.unicodeScalars.append(next); scalars.removeFirst() }
            }
            fields.append((key, value))
        }
    }
}
