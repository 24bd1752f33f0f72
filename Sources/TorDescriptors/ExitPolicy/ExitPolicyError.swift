/// Why an exit-policy rule or a `p`/`p6` port summary could not be parsed.
///
/// Policies are also built from user strings, so the error names the offending rule text and
/// the reason rather than a document line (callers parsing documents wrap it in their own
/// ``DescriptorParseError``).
///
/// ```swift
/// do { _ = try ExitPolicyRule("accept *:99999") }
/// catch { print(error.text, error.reason) }   // accept *:99999 invalidPort("99999")
/// ```
public struct ExitPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong with the rule.
    public enum Reason: Sendable, Hashable {
        /// The text does not start with `accept`, `reject`, `accept6` or `reject6`.
        case missingAction
        /// The action is not followed by a space (a tab, a newline or nothing at all).
        case missingSeparator
        /// The pattern is not `address:port` (no colon, or the colon sits inside `[...]`).
        case missingPort
        /// The address is not `*`, `*4`, `*6`, a dotted quad or a bracketed IPv6 address.
        case invalidAddress(String)
        /// The mask is neither a bit count in range nor (for IPv4) a dotted-quad mask.
        case invalidMask(String)
        /// A port is not a decimal number in range (no sign, no leading zero, no spaces).
        case invalidPort(String)
        /// A port range whose lower bound exceeds its upper bound.
        case invalidPortRange(String)
    }

    /// The rule or summary text that failed, as given.
    public let text: String
    /// Why it failed.
    public let reason: Reason

    public init(text: String, reason: Reason) {
        self.text = text
        self.reason = reason
    }

    init(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, _ reason: Reason) {
        self.init(text: ByteText.string(bytes, range), reason: reason)
    }

    public var description: String {
        let why: String
        switch reason {
        case .missingAction: why = "must start with accept, reject, accept6 or reject6"
        case .missingSeparator: why = "a space must separate the action from what follows"
        case .missingPort: why = "the pattern must be address:port"
        case .invalidAddress(let value): why = "'\(value)' is not *, *4, *6, an IPv4 or a bracketed IPv6 address"
        case .invalidMask(let value): why = "'\(value)' is not a valid mask"
        case .invalidPort(let value): why = "'\(value)' is not a valid port"
        case .invalidPortRange(let value): why = "'\(value)' has a lower bound above its upper bound"
        }
        return "invalid exit policy '\(text)': \(why)"
    }
}
