/// One rule of an exit policy: `accept`/`reject` (or `accept6`/`reject6`), an address pattern and
/// a port range, as written in server descriptors (`accept *:80`, `reject 10.0.0.0/8:*`,
/// `accept6 [2001:db8::]/32:443`) and torrc-style strings.
///
/// Parsing follows Stem's `ExitPolicyRule` syntax (dir-spec `exitpattern` plus `*4`/`*6`), and
/// ``description`` writes tor's canonical form: compressed lower-case IPv6, `/n` prefixes,
/// `*4`/`*6` for the per-family wildcards, and `accept6` kept on IPv6-only lines.
///
/// ```swift
/// let rule = try ExitPolicyRule("reject 192.168.0.1/255.255.255.0:80-443")
/// print(rule)                       // reject 192.168.0.1/24:80-443
/// print(rule.minPort, rule.maxPort) // 80 443
/// ```
public struct ExitPolicyRule: Sendable, Hashable, CustomStringConvertible {
    /// Whether a matching destination is allowed or refused.
    public enum Action: String, Sendable, Hashable, Codable {
        case accept
        case reject
    }

    /// The addresses a rule covers.
    public enum AddressPattern: Sendable, Hashable {
        /// `*`: every IPv4 and every IPv6 address.
        case any
        /// An IPv4 network: the address as written (not masked) and its mask. `*4` is
        /// `0.0.0.0` with mask 0. Non-contiguous dotted-quad masks are kept as given.
        case ipv4(address: UInt32, mask: UInt32)
        /// An IPv6 network: the address as written (not masked) and its prefix length. `*6`,
        /// and `*` on an `accept6`/`reject6` line, are `::` with prefix 0.
        case ipv6(high: UInt64, low: UInt64, prefixLength: Int)
    }

    public let action: Action
    public let address: AddressPattern
    /// Lowest port covered (0 is allowed in rules, as Stem allows it; `*` is 1–65535).
    public let minPort: Int
    /// Highest port covered.
    public let maxPort: Int
    /// Whether the line was `accept6`/`reject6`.
    public let isIPv6Rule: Bool

    /// A rule from its parts; ports are clamped to 0–65535 and ordered.
    public init(action: Action, address: AddressPattern, minPort: Int = 1, maxPort: Int = 65535, isIPv6Rule: Bool = false) {
        let low = min(max(minPort, 0), 65535)
        let high = min(max(maxPort, 0), 65535)
        self.action = action
        self.address = address
        self.minPort = min(low, high)
        self.maxPort = max(low, high)
        self.isIPv6Rule = isIPv6Rule
    }

    /// Parses a rule such as `accept *:80` (no leading or trailing whitespace).
    public init(_ text: String) throws(ExitPolicyError) {
        let bytes = Array(text.utf8)
        try self.init(parsing: bytes[...], range: 0..<bytes.count)
    }

    /// Parses the rule in `bytes[range]`, e.g. a descriptor line from its keyword to the end of
    /// its arguments. `range` holds indices of `bytes`.
    public init(parsing bytes: ArraySlice<UInt8>, range: Range<Int>) throws(ExitPolicyError) {
        self = try ExitPolicyRuleParser.parse(bytes, range)
    }

    public var isAccept: Bool { action == .accept }

    /// `*` only: `*4`, `*6` and `/0` networks cover one address family, as in Stem.
    public var isAddressWildcard: Bool { if case .any = address { true } else { false } }

    /// Whether every port matches (`*`, `1-65535` or `0-65535`).
    public var isPortWildcard: Bool { minPort <= 1 && maxPort == 65535 }

    /// `*:*` (any address, any port): no rule after it can ever match.
    public var isCatchAll: Bool { isAddressWildcard && isPortWildcard }

    /// An `accept6`/`reject6` line with an IPv4 pattern: tor ignores such a rule (and Stem never
    /// matches it).
    public var neverMatches: Bool {
        if isIPv6Rule, case .ipv4 = address { true } else { false }
    }

    /// The prefix length, or `nil` for `*` and for non-contiguous IPv4 masks.
    public var maskBits: Int? {
        switch address {
        case .any: return nil
        case .ipv4(_, let mask): return ExitPolicyRule.prefixLength(ofMask: mask)
        case .ipv6(_, _, let prefix): return prefix
        }
    }

    /// Whether the rule decides for this destination. A `nil` address or port is "unknown": the
    /// rule matches loosely (Stem's fuzzy matching) when it is an accept and `strict` is false,
    /// or when it is a reject and `strict` is true.
    @inline(__always)
    public func matches(_ destination: IPAddress?, port: Int?, strict: Bool = false) -> Bool {
        var fuzzy = false
        switch address {
        case .any:
            break
        case .ipv4(let network, let mask):
            if isIPv6Rule { return false }
            switch destination {
            case nil: fuzzy = true
            case .v4(let value)?: if value & mask != network & mask { return false }
            case .v6?: return false
            }
        case .ipv6(let high, let low, let prefix):
            switch destination {
            case nil: fuzzy = true
            case .v4?: return false
            case .v6(let valueHigh, let valueLow)?:
                let (maskHigh, maskLow) = ExitPolicyRule.ipv6Masks(prefix)
                if valueHigh & maskHigh != high & maskHigh || valueLow & maskLow != low & maskLow { return false }
            }
        }
        if !(minPort <= 1 && maxPort == 65535) {
            if let port {
                if port < minPort || port > maxPort { return false }
            } else {
                fuzzy = true
            }
        }
        return fuzzy ? (strict != (action == .accept)) : true
    }

    public var description: String {
        var text = action == .accept ? "accept" : "reject"
        if isIPv6Rule { text += "6" }
        text += " "
        switch address {
        case .any:
            text += "*"
        case .ipv4(let network, let mask):
            if network == 0, mask == 0 {
                text += "*4"
            } else {
                text += IPAddress.v4(network).description
                if mask != .max {
                    if let bits = ExitPolicyRule.prefixLength(ofMask: mask) {
                        text += "/\(bits)"
                    } else {
                        text += "/" + IPAddress.v4(mask).description
                    }
                }
            }
        case .ipv6(let high, let low, let prefix):
            if high == 0, low == 0, prefix == 0 {
                text += isIPv6Rule ? "*" : "*6"
            } else {
                text += "[" + IPAddress.v6(high: high, low: low).description + "]"
                if prefix != 128 { text += "/\(prefix)" }
            }
        }
        text += ":"
        if minPort == 1, maxPort == 65535 {
            text += "*"
        } else if minPort == maxPort {
            text += String(minPort)
        } else {
            text += "\(minPort)-\(maxPort)"
        }
        return text
    }

    static func prefixLength(ofMask mask: UInt32) -> Int? {
        let bits = mask.nonzeroBitCount
        return mask == (bits == 0 ? 0 : UInt32.max << (32 - bits)) ? bits : nil
    }

    @inline(__always)
    static func ipv6Masks(_ prefix: Int) -> (UInt64, UInt64) {
        let high: UInt64 = prefix >= 64 ? .max : (prefix == 0 ? 0 : .max << UInt64(64 - prefix))
        let low: UInt64 = prefix <= 64 ? 0 : (prefix == 128 ? .max : .max << UInt64(128 - prefix))
        return (high, low)
    }
}
