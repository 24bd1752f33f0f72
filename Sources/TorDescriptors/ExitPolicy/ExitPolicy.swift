/// A relay's exit policy: ordered ``ExitPolicyRule``s, first match wins, and a destination no
/// rule matches is accepted (dir-spec §2.1.3).
///
/// Evaluation matches Stem's `ExitPolicy`: rules after the first `*:*` catch-all can never match
/// and are left out of ``effectiveRules``; a policy of only accepts (or only rejects) ending in a
/// catch-all is reduced to that catch-all. ``rules`` keeps every rule as given, so ``description``
/// reproduces the input in tor's canonical form. Equality and hashing compare ``effectiveRules``.
///
/// ```swift
/// let policy = try ExitPolicy("accept *:80, accept *:443, reject *:*")
/// policy.canExit(to: IPAddress("75.119.206.243")!, port: 80)   // true
/// policy.canExit(port: 22)                                      // false (any address)
/// print(policy.summary)                                        // accept 80,443
/// ```
public struct ExitPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Every rule, in order, as given.
    public let rules: [ExitPolicyRule]
    /// The rules that take part in evaluation (Stem's reduced list).
    public let effectiveRules: [ExitPolicyRule]
    /// Whether any destination at all may be allowed (Stem's `is_exiting_allowed`).
    public let isExitingAllowed: Bool
    let compiled: [CompiledExitRule]
    let compiledPorts: [Int32]

    /// A policy from parsed rules.
    public init(rules: [ExitPolicyRule]) {
        self.rules = rules
        var effective: [ExitPolicyRule] = []
        effective.reserveCapacity(rules.count)
        var allAccept = true
        var allReject = true
        for rule in rules {
            if rule.isAccept { allReject = false } else { allAccept = false }
            effective.append(rule)
            if rule.isCatchAll { break }
        }
        if let last = effective.last, last.isCatchAll, allAccept || allReject {
            effective = [ExitPolicyRule(action: allAccept ? .accept : .reject, address: .any)]
        }
        self.effectiveRules = effective
        (self.compiled, self.compiledPorts) = CompiledExitRule.compile(effective)
        self.isExitingAllowed = ExitPolicy.exitingAllowed(effective)
    }

    /// A policy from tor-form rule strings, e.g. a server descriptor's lines
    /// `["accept *:80", "reject *:*"]`. Whitespace around each rule is ignored and blank strings
    /// are skipped (as Stem does).
    public init(rules: [String]) throws(ExitPolicyError) {
        var parsed: [ExitPolicyRule] = []
        parsed.reserveCapacity(rules.count)
        for text in rules {
            let bytes = Array(text.utf8)
            var range = 0..<bytes.count
            ExitPolicy.trim(bytes[...], &range)
            if range.isEmpty { continue }
            parsed.append(try ExitPolicyRule(parsing: bytes[...], range: range))
        }
        self.init(rules: parsed)
    }

    /// A policy from comma-separated rules, like Stem's `ExitPolicy("accept *:80, reject *:*")`.
    public init(_ rules: String) throws(ExitPolicyError) {
        let bytes = Array(rules.utf8)
        try self.init(parsing: bytes[...], separatedBy: UInt8(ascii: ","), in: 0..<bytes.count)
    }

    /// A policy from the rule lines of a document: each range covers one rule (`accept *:80`),
    /// as indices of `bytes`.
    public init(parsing bytes: ArraySlice<UInt8>, lines: [Range<Int>]) throws(ExitPolicyError) {
        var parsed: [ExitPolicyRule] = []
        parsed.reserveCapacity(lines.count)
        for line in lines {
            parsed.append(try ExitPolicyRule(parsing: bytes, range: line))
        }
        self.init(rules: parsed)
    }

    init(parsing bytes: ArraySlice<UInt8>, separatedBy separator: UInt8, in range: Range<Int>) throws(ExitPolicyError) {
        var parsed: [ExitPolicyRule] = []
        var start = range.lowerBound
        while start <= range.upperBound {
            var stop = start
            while stop < range.upperBound, bytes[stop] != separator { stop += 1 }
            var piece = start..<stop
            ExitPolicy.trim(bytes, &piece)
            if !piece.isEmpty { parsed.append(try ExitPolicyRule(parsing: bytes, range: piece)) }
            start = stop + 1
        }
        self.init(rules: parsed)
    }

    /// Whether the policy allows exiting to `address`:`port`.
    ///
    /// The address is not optional: a mistyped `IPAddress("…")` is `nil`, and must not quietly
    /// turn the question into "some address". Ask ``canExit(port:strict:)`` when the address is
    /// unknown. A `nil` port means "unknown": with `strict` false the answer is whether *some*
    /// port may be allowed, with `strict` true whether *all* of them are (Stem's fuzzy
    /// matching). Port 0 is treated as an unknown port, as tor's
    /// `compare_tor_addr_to_addr_policy` does; ports outside 0–65535 are never allowed.
    ///
    /// ```swift
    /// guard let address = IPAddress("75.119.206.243") else { throw BadAddress() }
    /// policy.canExit(to: address, port: 80)
    /// ```
    @inline(__always)
    public func canExit(to address: IPAddress, port: Int? = nil, strict: Bool = false) -> Bool {
        switch address {
        case .v4(let value): evaluate(family: CompiledExitRule.ipv4, high: 0, low: UInt64(value), port: port, strict: strict)
        case .v6(let high, let low): evaluate(family: CompiledExitRule.ipv6, high: high, low: low, port: port, strict: strict)
        }
    }

    /// Whether the policy allows exiting on `port` when the address is unknown: to *some*
    /// address, or with `strict` to *every* address (Stem's `can_exit_to(port=...)`), as
    /// ``MicroExitPolicy/canExit(port:strict:)`` answers for a summary.
    ///
    /// ```swift
    /// policy.canExit(port: 443)                 // some address on 443
    /// policy.canExit(port: 443, strict: true)   // every address on 443
    /// ```
    @inline(__always)
    public func canExit(port: Int?, strict: Bool = false) -> Bool {
        evaluate(family: CompiledExitRule.anyFamily, high: 0, low: 0, port: port, strict: strict)
    }

    @inline(__always)
    private func evaluate(family: UInt8, high: UInt64, low: UInt64, port: Int?, strict: Bool) -> Bool {
        guard isExitingAllowed else { return false }
        var queryPort: Int32 = -1
        if let port, port != 0 {
            guard port > 0, port <= 65535 else { return false }
            queryPort = Int32(port)
        }
        return compiledPorts.withUnsafeBufferPointer { ports in
            compiled.withUnsafeBufferPointer { rules in
                for rule in rules where rule.matches(family: family, high: high, low: low, port: queryPort, strict: strict, ports: ports) {
                    return rule.isAccept
                }
                return true
            }
        }
    }

    /// Tor's summary of this policy for IPv4 (the consensus and microdescriptor `p` line), e.g.
    /// `accept 80,443` or `reject 25,119`. See ``ExitPolicySummary``.
    public var summary: String { ExitPolicySummary.summarize(effectiveRules, ipv6: false) }

    /// Tor's summary for IPv6 destinations (as relays write `ipv6-policy`).
    public var ipv6Summary: String { ExitPolicySummary.summarize(effectiveRules, ipv6: true) }

    /// The IPv4 summary as a ``MicroExitPolicy``.
    public var microPolicy: MicroExitPolicy {
        // A summary tor writes is always valid port-list syntax.
        (try? MicroExitPolicy(summary)) ?? MicroExitPolicy(action: .reject, ports: [1...65535])
    }

    public var description: String { rules.map(\.description).joined(separator: ", ") }

    public static func == (lhs: ExitPolicy, rhs: ExitPolicy) -> Bool { lhs.effectiveRules == rhs.effectiveRules }
    public func hash(into hasher: inout Hasher) { hasher.combine(effectiveRules) }

    /// Stem's rule: exiting is allowed if some accept rule covers a port that no earlier `*`
    /// reject has covered; a `*:*` reject before any such accept forbids it. Rules tor ignores
    /// (IPv4 patterns on `accept6` lines) are skipped here, where Stem counts them.
    static func exitingAllowed(_ rules: [ExitPolicyRule]) -> Bool {
        var rejected: [ClosedRange<Int>] = []
        for rule in rules where !rule.neverMatches {
            if rule.isAccept {
                if !PortRanges.covers(rejected, rule.minPort...rule.maxPort) { return true }
            } else if rule.isAddressWildcard {
                if rule.isPortWildcard { return false }
                PortRanges.insert(&rejected, rule.minPort...rule.maxPort)
            }
        }
        return true
    }

    static func trim(_ bytes: ArraySlice<UInt8>, _ range: inout Range<Int>) {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high, ExitPolicyRuleParser.isPythonSpace(bytes[low]) { low += 1 }
        while high > low, ExitPolicyRuleParser.isPythonSpace(bytes[high - 1]) { high -= 1 }
        range = low..<high
    }
}

/// Sorted, disjoint, non-adjacent port ranges.
enum PortRanges {
    static func insert(_ ranges: inout [ClosedRange<Int>], _ new: ClosedRange<Int>) {
        var low = new.lowerBound
        var high = new.upperBound
        var result: [ClosedRange<Int>] = []
        result.reserveCapacity(ranges.count + 1)
        var placed = false
        for range in ranges {
            if range.upperBound + 1 < low {
                result.append(range)
            } else if high + 1 < range.lowerBound {
                if !placed { result.append(low...high); placed = true }
                result.append(range)
            } else {
                low = min(low, range.lowerBound)
                high = max(high, range.upperBound)
            }
        }
        if !placed { result.append(low...high) }
        ranges = result
    }

    /// Sorts and merges overlapping or adjacent ranges in one pass.
    static func merged(_ input: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        result.reserveCapacity(input.count)
        for range in input.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    static func covers(_ ranges: [ClosedRange<Int>], _ span: ClosedRange<Int>) -> Bool {
        ranges.contains { $0.lowerBound <= span.lowerBound && span.upperBound <= $0.upperBound }
    }
}
