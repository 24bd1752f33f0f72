/// Byte-level syntax of exit-policy rules and port lists. Stem's rules are the reference: its
/// error cases (tabs after the action, leading zeros, signs, out-of-range ports and masks) are
/// all rejected here too.
enum ExitPolicyRuleParser {
    static let colon = UInt8(ascii: ":")
    static let slash = UInt8(ascii: "/")
    static let dash = UInt8(ascii: "-")
    static let star = UInt8(ascii: "*")

    static func parse(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) throws(ExitPolicyError) -> ExitPolicyRule {
        let end = range.upperBound
        let action: ExitPolicyRule.Action
        var index: Int
        var isIPv6Rule = false
        if ByteText.hasPrefix(bytes, range, "accept") {
            action = .accept
        } else if ByteText.hasPrefix(bytes, range, "reject") {
            action = .reject
        } else {
            throw ExitPolicyError(bytes, range, .missingAction)
        }
        index = range.lowerBound + 6
        if index < end, bytes[index] == UInt8(ascii: "6") {
            isIPv6Rule = true
            index += 1
        }
        // Exactly one space must follow the action (Stem rejects `accept\t*:*`); more
        // whitespace after that one space is tolerated, as Stem strips it.
        guard index < end, bytes[index] == ByteText.space else {
            throw ExitPolicyError(bytes, range, .missingSeparator)
        }
        index += 1
        while index < end, isPythonSpace(bytes[index]) { index += 1 }

        var colonIndex = end - 1
        while colonIndex >= index, bytes[colonIndex] != colon { colonIndex -= 1 }
        guard colonIndex >= index else { throw ExitPolicyError(bytes, range, .missingPort) }
        for position in (colonIndex + 1)..<end where bytes[position] == UInt8(ascii: "]") {
            throw ExitPolicyError(bytes, range, .missingPort)
        }
        let address = try parseAddress(bytes, index..<colonIndex, isIPv6Rule: isIPv6Rule, rule: range)
        let (low, high) = try parsePorts(bytes, (colonIndex + 1)..<end, rule: range)
        return ExitPolicyRule(action: action, address: address, minPort: low, maxPort: high, isIPv6Rule: isIPv6Rule)
    }

    static func parseAddress(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, isIPv6Rule: Bool, rule: Range<Int>) throws(ExitPolicyError) -> ExitPolicyRule.AddressPattern {
        if ByteText.equals(bytes, range, "*4") { return .ipv4(address: 0, mask: 0) }
        if ByteText.equals(bytes, range, "*6") || (isIPv6Rule && ByteText.equals(bytes, range, "*")) {
            return .ipv6(high: 0, low: 0, prefixLength: 0)
        }
        if ByteText.equals(bytes, range, "*") { return .any }
        var slashIndex = range.lowerBound
        while slashIndex < range.upperBound, bytes[slashIndex] != slash { slashIndex += 1 }
        let host = range.lowerBound..<slashIndex
        let extra: Range<Int>? = slashIndex < range.upperBound ? (slashIndex + 1)..<range.upperBound : nil

        if let value = ipv4(bytes, host) {
            guard let extra else { return .ipv4(address: value, mask: .max) }
            if let mask = ipv4(bytes, extra) { return .ipv4(address: value, mask: mask) }
            guard let bits = digits(bytes, extra), bits <= 32 else {
                throw ExitPolicyError(bytes, rule, .invalidMask(ByteText.string(bytes, extra)))
            }
            return .ipv4(address: value, mask: bits == 0 ? 0 : UInt32.max << UInt32(32 - bits))
        }
        if host.count >= 2, bytes[host.lowerBound] == UInt8(ascii: "["), bytes[host.upperBound - 1] == UInt8(ascii: "]"),
           let (high, low) = IPAddress.parseIPv6(bytes, (host.lowerBound + 1)..<(host.upperBound - 1)) {
            guard let extra else { return .ipv6(high: high, low: low, prefixLength: 128) }
            guard let bits = digits(bytes, extra), bits <= 128 else {
                throw ExitPolicyError(bytes, rule, .invalidMask(ByteText.string(bytes, extra)))
            }
            return .ipv6(high: high, low: low, prefixLength: bits)
        }
        throw ExitPolicyError(bytes, rule, .invalidAddress(ByteText.string(bytes, range)))
    }

    static func parsePorts(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, rule: Range<Int>) throws(ExitPolicyError) -> (Int, Int) {
        if ByteText.equals(bytes, range, "*") { return (1, 65535) }
        var dashIndex = range.lowerBound
        while dashIndex < range.upperBound, bytes[dashIndex] != dash { dashIndex += 1 }
        if dashIndex == range.upperBound {
            guard let port = port(bytes, range, allowZero: true) else {
                throw ExitPolicyError(bytes, rule, .invalidPort(ByteText.string(bytes, range)))
            }
            return (port, port)
        }
        guard let low = port(bytes, range.lowerBound..<dashIndex, allowZero: true),
              let high = port(bytes, (dashIndex + 1)..<range.upperBound, allowZero: true) else {
            throw ExitPolicyError(bytes, rule, .invalidPort(ByteText.string(bytes, range)))
        }
        guard low <= high else { throw ExitPolicyError(bytes, rule, .invalidPortRange(ByteText.string(bytes, range))) }
        return (low, high)
    }

    /// A port as Stem accepts it: decimal digits only, no leading zero, 1–65535 (or 0 when allowed).
    @inline(__always)
    static func port(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, allowZero: Bool) -> Int? {
        guard !range.isEmpty, range.count <= 5 else { return nil }
        if range.count > 1, bytes[range.lowerBound] == UInt8(ascii: "0") { return nil }
        guard let value = ByteText.unsigned(bytes, range), value <= 65535 else { return nil }
        return value > 0 || allowZero ? value : nil
    }

    /// A mask bit count: digits only (leading zeros allowed, as Python's `isdigit` + `int`).
    static func digits(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Int? {
        ByteText.unsigned(bytes, range)
    }

    /// A dotted quad with exactly four decimal octets, no leading zeros (Stem rejects `1.2.3.001`).
    static func ipv4(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var index = range.lowerBound
        while true {
            let start = index
            var octet: UInt32 = 0
            while index < range.upperBound, ByteText.isDigit(bytes[index]), index - start < 3 {
                octet = octet * 10 + UInt32(bytes[index] - 0x30)
                index += 1
            }
            let length = index - start
            guard length > 0, octet <= 255, length == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            value = value << 8 | octet
            octets += 1
            if octets == 4 { return index == range.upperBound ? value : nil }
            guard index < range.upperBound, bytes[index] == UInt8(ascii: ".") else { return nil }
            index += 1
        }
    }

    /// Python's `str.isspace` for ASCII, which Stem's `lstrip()` uses.
    @inline(__always)
    static func isPythonSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x1F)
    }
}
