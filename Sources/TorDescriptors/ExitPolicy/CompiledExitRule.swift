/// A rule flattened for evaluation: masks precomputed, address family as a small tag, no enum
/// payloads to unpack. A run of consecutive `*` rules with the same action (tor's default policy,
/// the reduced exit policy's ~90 `accept *:N` lines) becomes one entry whose ports are searched
/// by bisection: within such a run which rule matches first cannot change the answer.
/// ``ExitPolicy/canExit(to:port:strict:)`` walks a contiguous array of these.
struct CompiledExitRule: Sendable {
    static let anyFamily: UInt8 = 0
    static let ipv4: UInt8 = 4
    static let ipv6: UInt8 = 6
    static let never: UInt8 = 0xFF

    /// The network, already masked; IPv4 lives in the low word.
    var networkHigh: UInt64 = 0
    var networkLow: UInt64 = 0
    var maskHigh: UInt64 = 0
    var maskLow: UInt64 = 0
    var minPort: Int32
    var maxPort: Int32
    var family: UInt8
    var isAccept: Bool
    var isPortWildcard: Bool
    /// For a merged run: where its sorted, disjoint (low, high) pairs start in the policy's
    /// shared port table, and how many pairs there are (0 for a single rule).
    var setStart: Int32 = 0
    var setCount: Int32 = 0

    /// Compiles rules, merging runs of `*` rules with one action.
    static func compile(_ rules: [ExitPolicyRule]) -> (rules: [CompiledExitRule], ports: [Int32]) {
        var compiled: [CompiledExitRule] = []
        var ports: [Int32] = []
        var index = 0
        while index < rules.count {
            let rule = rules[index]
            var end = index + 1
            if rule.isAddressWildcard {
                while end < rules.count, rules[end].isAddressWildcard, rules[end].action == rule.action { end += 1 }
            }
            if end - index < 2 {
                compiled.append(CompiledExitRule(rule))
            } else {
                let merged = PortRanges.merged(rules[index..<end].map { $0.minPort...$0.maxPort })
                var entry = CompiledExitRule(rule)
                entry.isPortWildcard = rules[index..<end].contains { $0.isPortWildcard }
                entry.minPort = Int32(merged[0].lowerBound)
                entry.maxPort = Int32(merged[merged.count - 1].upperBound)
                entry.setStart = Int32(ports.count / 2)
                entry.setCount = Int32(merged.count)
                for range in merged { ports.append(Int32(range.lowerBound)); ports.append(Int32(range.upperBound)) }
                compiled.append(entry)
            }
            index = end
        }
        return (compiled, ports)
    }

    init(_ rule: ExitPolicyRule) {
        minPort = Int32(rule.minPort)
        maxPort = Int32(rule.maxPort)
        isAccept = rule.isAccept
        isPortWildcard = rule.isPortWildcard
        switch rule.address {
        case .any:
            family = CompiledExitRule.anyFamily
        case .ipv4(let address, let mask):
            family = rule.isIPv6Rule ? CompiledExitRule.never : CompiledExitRule.ipv4
            maskLow = UInt64(mask)
            networkLow = UInt64(address & mask)
        case .ipv6(let high, let low, let prefix):
            family = CompiledExitRule.ipv6
            (maskHigh, maskLow) = ExitPolicyRule.ipv6Masks(prefix)
            networkHigh = high & maskHigh
            networkLow = low & maskLow
        }
    }

    /// Stem's `is_match`, for a destination already split into family tag and words
    /// (family `anyFamily` = unknown address; `port` < 0 = unknown port).
    @inline(__always)
    func matches(family queryFamily: UInt8, high: UInt64, low: UInt64, port: Int32, strict: Bool,
                 ports: UnsafeBufferPointer<Int32>) -> Bool {
        var fuzzy = false
        if family != CompiledExitRule.anyFamily {
            if family == CompiledExitRule.never { return false }
            if queryFamily == CompiledExitRule.anyFamily {
                fuzzy = true
            } else if queryFamily != family || high & maskHigh != networkHigh || low & maskLow != networkLow {
                return false
            }
        }
        if !isPortWildcard {
            if port < 0 {
                fuzzy = true
            } else if port < minPort || port > maxPort {
                return false
            } else if setCount > 0 {
                // Bisect for the last pair starting at or below the port.
                var lower = Int(setStart)
                var upper = Int(setStart + setCount)
                while upper - lower > 1 {
                    let middle = (lower + upper) / 2
                    if ports[2 * middle] <= port { lower = middle } else { upper = middle }
                }
                if port > ports[2 * lower + 1] { return false }
            }
        }
        return !fuzzy || strict != isAccept
    }
}
