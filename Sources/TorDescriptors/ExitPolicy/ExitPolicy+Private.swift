extension ExitPolicy {
    /// The networks tor's `private` keyword expands to in a descriptor's IPv4 policy, in tor's
    /// order (`private_nets` in tor's policies.c; Stem's `PRIVATE_ADDRESSES`).
    static let privateIPv4Networks: [(address: UInt32, bits: Int)] = [
        (0x0000_0000, 8), (0xA9FE_0000, 16), (0x7F00_0000, 8),
        (0xC0A8_0000, 16), (0x0A00_0000, 8), (0xAC10_0000, 12),
    ]

    /// Tor's default exit policy suffix (`DEFAULT_EXIT_POLICY` in tor's policies.c).
    public static let defaultRules: [ExitPolicyRule] = [
        (25, 25), (119, 119), (135, 139), (445, 445), (563, 563), (1214, 1214),
        (4661, 4666), (6346, 6429), (6699, 6699), (6881, 6999),
    ].map { ExitPolicyRule(action: .reject, address: .any, minPort: $0.0, maxPort: $0.1) }
        + [ExitPolicyRule(action: .accept, address: .any)]

    /// Indices into ``effectiveRules`` of rules expanded from tor's `private` keyword: the six
    /// private networks in tor's order with one action and port range, plus the rule right after
    /// them when it has the same action and ports and is not `*` (the relay's own address).
    /// A run that merely looks like the expansion is flagged too, as in Stem.
    public var privateRuleIndices: [Int] {
        let rules = effectiveRules
        let count = ExitPolicy.privateIPv4Networks.count
        var flagged: [Int] = []
        var start = 0
        while start + count <= rules.count {
            defer { start += 1 }
            let first = rules[start]
            var isRun = true
            for (offset, network) in ExitPolicy.privateIPv4Networks.enumerated() {
                let rule = rules[start + offset]
                guard case .ipv4(let address, let mask) = rule.address, address == network.address,
                      ExitPolicyRule.prefixLength(ofMask: mask) == network.bits,
                      rule.minPort == first.minPort, rule.maxPort == first.maxPort, rule.action == first.action
                else { isRun = false; break }
            }
            guard isRun else { continue }
            for offset in 0..<count where !flagged.contains(start + offset) { flagged.append(start + offset) }
            let next = start + count
            if next < rules.count, !rules[next].isAddressWildcard, rules[next].minPort == first.minPort,
               rules[next].maxPort == first.maxPort, rules[next].action == first.action, !flagged.contains(next) {
                flagged.append(next)
            }
        }
        return flagged.sorted()
    }

    /// Whether the policy has rules expanded from tor's `private` keyword.
    public var hasPrivate: Bool { !privateRuleIndices.isEmpty }

    /// This policy without the rules expanded from `private` (built from ``effectiveRules``).
    public func strippingPrivate() -> ExitPolicy {
        let flagged = Set(privateRuleIndices)
        return ExitPolicy(rules: effectiveRules.indices.filter { !flagged.contains($0) }.map { effectiveRules[$0] })
    }

    /// Whether the policy ends with tor's default exit policy (``defaultRules``).
    public var hasDefault: Bool {
        let suffix = ExitPolicy.defaultRules
        return effectiveRules.count >= suffix.count && Array(effectiveRules.suffix(suffix.count)) == suffix
    }

    /// This policy without tor's default suffix (built from ``effectiveRules``).
    public func strippingDefault() -> ExitPolicy {
        hasDefault ? ExitPolicy(rules: Array(effectiveRules.dropLast(ExitPolicy.defaultRules.count))) : ExitPolicy(rules: effectiveRules)
    }
}
