/// A relay's `contact` line read per the ContactInfo Information Sharing Specification (CIISS,
/// nusenu's draft, version 2): whitespace-separated `key:value` fields anywhere in the free
/// text, keys and values without whitespace, the first occurrence of a key winning, and a
/// mandatory `ciissversion` field that says the operator follows the specification.
///
/// The common fields get properties: `email` and `abuse` with the spec's `[]` turned back into
/// `@`, `url` (the operator's website or domain), `proof` (`uri-rsa`: the relay's fingerprint
/// listed at `https://DOMAIN/.well-known/tor-relay/rsa-fingerprint.txt`; `dns-rsa`: a TXT record
/// at `FINGERPRINT.DOMAIN`), `pgp`, `hoster`. This type only reads; proving the `url` needs the
/// network and is left to the caller (``proofLocation(for:)`` names where to look).
///
/// ```swift
/// let info = ContactInfo(parsing: Array("email:tor[]example.com url:https://example.com proof:uri-rsa ciissversion:2".utf8)[...])
/// print(info.isSpecified, info.email ?? "-", info.url ?? "-", info.proof ?? "-")   // true tor@example.com https://example.com uri-rsa
/// ```
public struct ContactInfo: Sendable, Hashable {
    /// The fields in order of appearance, keys lower-cased, each key once (the first one).
    public let fields: [(key: String, value: String)]
    /// The words that are not `key:value` fields (free text: names, PGP ids, addresses).
    public let freeText: [String]

    /// Reads a `contact` line's bytes (Non-UTF-8 bytes become U+FFFD).
    public init(parsing bytes: ArraySlice<UInt8>) {
        var fields: [(key: String, value: String)] = []
        var seen = Set<String>()
        var free: [String] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            while index < bytes.endIndex, Self.isWhitespace(bytes[index]) { index += 1 }
            let start = index
            while index < bytes.endIndex, !Self.isWhitespace(bytes[index]) { index += 1 }
            guard start < index else { break }
            let word = start..<index
            if let colon = word.first(where: { bytes[$0] == UInt8(ascii: ":") }), colon > start, colon + 1 < index,
               bytes[start..<colon].allSatisfy(Self.isKeyByte) {
                let key = ByteText.string(bytes, start..<colon).lowercased()
                if seen.insert(key).inserted { fields.append((key, ByteText.string(bytes, (colon + 1)..<index))) }
            } else {
                free.append(ByteText.string(bytes, word))
            }
        }
        self.fields = fields
        self.freeText = free
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.key == $1.key && $0.value == $1.value } && lhs.freeText == rhs.freeText
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields { hasher.combine(field.key); hasher.combine(field.value) }
        hasher.combine(freeText)
    }

    /// The value of a field by its (case-insensitive) key.
    public subscript(key: String) -> String? {
        let wanted = key.lowercased()
        return fields.first { $0.key == wanted }?.value
    }

    /// `ciissversion` as a number; `nil` when absent (the line does not follow the spec).
    public var version: Int? { self["ciissversion"].flatMap { Int($0) } }
    /// Whether the line declares `ciissversion` and at least one other field, as the spec requires.
    public var isSpecified: Bool { version != nil && fields.count >= 2 }

    public var email: String? { self["email"].map(Self.unmangle) }
    public var abuse: String? { self["abuse"].map(Self.unmangle) }
    public var url: String? { self["url"] }
    /// `uri-rsa` or `dns-rsa` (other values kept as written).
    public var proof: String? { self["proof"] }
    public var pgp: String? { self["pgp"] }
    public var hoster: String? { self["hoster"] }

    /// The domain of ``url`` (scheme, path and port removed, lower-cased); `nil` without a url.
    public var urlDomain: String? {
        guard var text = url?.lowercased() else { return nil }
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = String(text.dropFirst(scheme.count)) }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        if let colon = text.firstIndex(of: ":") { text = String(text[..<colon]) }
        return text.isEmpty ? nil : text
    }

    /// Where the `proof` of ``url`` for a relay with `fingerprint` would be found: the URL of the
    /// well-known fingerprint list (`uri-rsa`) or the DNS name of the TXT record (`dns-rsa`);
    /// `nil` without a url or with another proof type.
    public func proofLocation(for fingerprint: Fingerprint) -> String? {
        guard let domain = urlDomain else { return nil }
        switch proof {
        case "uri-rsa": return "https://\(domain)/.well-known/tor-relay/rsa-fingerprint.txt"
        case "dns-rsa": return "\(fingerprint.hex.lowercased()).\(domain) TXT \"we-run-this-tor-relay\""
        default: return nil
        }
    }

    /// The spec's anti-spam `[]` back to `@`.
    private static func unmangle(_ address: String) -> String {
        var result: [UInt8] = []
        let bytes = Array(address.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "["), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "]") {
                result.append(UInt8(ascii: "@"))
                index += 2
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || ByteText.isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
