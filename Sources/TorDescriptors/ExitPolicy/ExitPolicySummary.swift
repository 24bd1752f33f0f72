/// Tor's exit-policy summarization (`policy_summarize` in tor's policies.c), which directory
/// authorities use to write the `p` line of consensus entries and microdescriptors.
///
/// It differs from Stem's `summary()` on purpose, since tor's output is what the network
/// publishes: ports are joined with `,` (no space); the result is whichever of the accept and
/// reject lists is shorter; accepts count only when they cover all addresses (`*`, `*4`, `/0`);
/// rejects of tor's private networks are ignored, and other rejects add up the number of
/// addresses they cover per port, a port counting as rejected once more than two /8s (IPv4) or
/// one /16 (IPv6) are rejected for it. Only explicit accepts count, so a policy without a final
/// catch-all summarizes as if it ended in `reject *:*` (tor always writes a catch-all).
///
/// ```swift
/// let policy = try ExitPolicy("reject 224.0.0.0/4:*, accept *:*")
/// print(policy.summary)   // reject 1-65535  (a /4 is far more than two /8s)
/// ```
public enum ExitPolicySummary {
    /// tor's `MAX_EXITPOLICY_SUMMARY_LEN`.
    static let maxLength = 1000
    static let ipv4Cutoff: UInt64 = 1 << 25
    static let ipv6Cutoff: UInt64 = 1 << 48

    /// tor's `private_nets`, IPv6 part (address high 64 bits, low 64 bits, prefix).
    static let privateIPv6Networks: [(UInt64, UInt64, Int)] = [
        (0, 0, 8), (0xFC00 << 48, 0, 7), (0xFE80 << 48, 0, 10), (0xFEC0 << 48, 0, 10), (0xFF00 << 48, 0, 8), (0, 0, 127),
    ]

    struct Segment {
        var low: Int
        var high: Int
        var rejectCount: UInt64 = 0
        var accepted = false
    }

    /// The summary of `rules` for one address family, as tor writes it.
    public static func summarize(_ rules: [ExitPolicyRule], ipv6: Bool) -> String {
        var segments = [Segment(low: 1, high: 65535)]
        for rule in rules where !rule.neverMatches {
            // tor raises port 0 to 1 when it parses a rule.
            let low = max(rule.minPort, 1)
            let high = rule.maxPort
            guard low <= high else { continue }
            let bits: Int
            switch rule.address {
            case .any:
                bits = 0
            case .ipv4(let address, let mask):
                guard !ipv6 else { continue }
                bits = mask.nonzeroBitCount
                if rule.action == .reject, let prefix = ExitPolicyRule.prefixLength(ofMask: mask),
                   ExitPolicy.privateIPv4Networks.contains(where: { $0.address == address && $0.bits == prefix }) {
                    continue
                }
            case .ipv6(let high, let low, let prefix):
                guard ipv6 else { continue }
                bits = prefix
                if rule.action == .reject, privateIPv6Networks.contains(where: { $0.0 == high && $0.1 == low && $0.2 == prefix }) {
                    continue
                }
            }
            let span = split(&segments, low, high)
            if rule.action == .accept {
                guard bits == 0 else { continue }
                let cutoff = ipv6 ? ipv6Cutoff : ipv4Cutoff
                for index in span where !segments[index].accepted && segments[index].rejectCount <= cutoff {
                    segments[index].accepted = true
                }
            } else {
                let count: UInt64
                if ipv6 {
                    // IPv6 counts /64s; anything narrower never adds up to the cutoff.
                    guard bits <= 64 else { continue }
                    count = bits == 0 ? .max : 1 << UInt64(64 - bits)
                } else {
                    count = 1 << UInt64(32 - bits)
                }
                for index in span {
                    let (sum, overflow) = segments[index].rejectCount.addingReportingOverflow(count)
                    segments[index].rejectCount = overflow ? .max : sum
                }
            }
        }
        return render(segments)
    }

    /// Splits segments so `low` starts one and `high` ends one; returns the covered indices.
    static func split(_ segments: inout [Segment], _ low: Int, _ high: Int) -> Range<Int> {
        var first = 0
        while segments[first].high < low { first += 1 }
        if segments[first].low != low {
            var tail = segments[first]
            tail.low = low
            segments[first].high = low - 1
            segments.insert(tail, at: first + 1)
            first += 1
        }
        var last = first
        while segments[last].high < high { last += 1 }
        if segments[last].high != high {
            var tail = segments[last]
            tail.low = high + 1
            segments[last].high = high
            segments.insert(tail, at: last + 1)
        }
        return first..<(last + 1)
    }

    static func render(_ segments: [Segment]) -> String {
        var accepts: [String] = []
        var rejects: [String] = []
        var start = 1
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            guard isLast || segment.accepted != segments[index + 1].accepted else { continue }
            let text = start == segment.high ? String(start) : "\(start)-\(segment.high)"
            if segment.accepted { accepts.append(text) } else { rejects.append(text) }
            if !isLast { start = segments[index + 1].low }
        }
        if accepts.isEmpty { return "reject 1-65535" }
        if rejects.isEmpty { return "accept 1-65535" }
        let acceptText = accepts.joined(separator: ",")
        let rejectText = rejects.joined(separator: ",")
        let limit = maxLength - "accept".utf8.count - 1
        if rejectText.utf8.count > limit, acceptText.utf8.count > limit {
            // Like tor: cut the accept list at the last comma at or before the limit.
            let bytes = Array(acceptText.utf8)
            var cut = limit
            while cut >= 0, bytes[cut] != UInt8(ascii: ",") { cut -= 1 }
            return "accept " + String(decoding: bytes[..<max(cut, 0)], as: UTF8.self)
        }
        return rejectText.utf8.count < acceptText.utf8.count ? "reject " + rejectText : "accept " + acceptText
    }
}
