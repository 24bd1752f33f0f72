/// The port-only exit policy of consensus entries and microdescriptors (`p accept 80,443`,
/// `p6 reject 1-65535`) and of a server descriptor's `ipv6-policy` line.
///
/// Clients can only guess from it: the relay accepts (or rejects) the listed ports for most
/// addresses. Syntax follows Stem's `MicroExitPolicy`: exactly `accept` or `reject`, one space,
/// then comma-separated ports or ranges with no spaces, signs or leading zeros, each in 1–65535;
/// additionally a range's lower bound may not exceed its upper bound (tor's `parse_short_policy`
/// refuses that, Stem does not).
///
/// ```swift
/// let policy = try MicroExitPolicy("accept 80,443")
/// policy.canExit(port: 443)   // true
/// policy.canExit(port: 22)    // false
/// ```
public struct MicroExitPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Whether the listed ports are the accepted ones (`accept`) or the rejected ones (`reject`).
    public let action: ExitPolicyRule.Action
    /// The listed ports, in the order written.
    public let ports: [ClosedRange<Int>]

    /// `reject 1-65535`: what the spec assumes when a `p` line is absent.
    public static let rejectAll = MicroExitPolicy(action: .reject, ports: [1...65535])

    /// A policy from its parts (ports clamped to 1–65535).
    public init(action: ExitPolicyRule.Action, ports: [ClosedRange<Int>]) {
        self.action = action
        self.ports = ports.map { min(max($0.lowerBound, 1), 65535)...min(max($0.upperBound, 1), 65535) }
    }

    /// Parses a summary such as `accept 80,443` or `reject 1-1024`.
    public init(_ text: String) throws(ExitPolicyError) {
        let bytes = Array(text.utf8)
        try self.init(parsing: bytes[...], range: 0..<bytes.count)
    }

    /// Parses the summary in `bytes[range]` (a `p`/`p6` line's arguments), indices of `bytes`.
    public init(parsing bytes: ArraySlice<UInt8>, range: Range<Int>) throws(ExitPolicyError) {
        let action: ExitPolicyRule.Action
        if ByteText.hasPrefix(bytes, range, "accept") {
            action = .accept
        } else if ByteText.hasPrefix(bytes, range, "reject") {
            action = .reject
        } else {
            throw ExitPolicyError(bytes, range, .missingAction)
        }
        var index = range.lowerBound + 6
        guard index < range.upperBound, bytes[index] == ByteText.space else {
            throw ExitPolicyError(bytes, range, .missingSeparator)
        }
        index += 1
        while index < range.upperBound, ExitPolicyRuleParser.isPythonSpace(bytes[index]) { index += 1 }
        var ports: [ClosedRange<Int>] = []
        while true {
            var stop = index
            while stop < range.upperBound, bytes[stop] != UInt8(ascii: ",") { stop += 1 }
            var dash = index
            while dash < stop, bytes[dash] != ExitPolicyRuleParser.dash { dash += 1 }
            let entry = index..<stop
            let low = ExitPolicyRuleParser.port(bytes, index..<dash, allowZero: false)
            let high = dash == stop ? low : ExitPolicyRuleParser.port(bytes, (dash + 1)..<stop, allowZero: false)
            guard let low, let high else { throw ExitPolicyError(bytes, range, .invalidPort(ByteText.string(bytes, entry))) }
            guard low <= high else { throw ExitPolicyError(bytes, range, .invalidPortRange(ByteText.string(bytes, entry))) }
            ports.append(low...high)
            if stop == range.upperBound { break }
            index = stop + 1
        }
        self.action = action
        self.ports = ports
    }

    public var isAccept: Bool { action == .accept }

    /// Whether some port is allowed.
    public var isExitingAllowed: Bool {
        if isAccept { return true }
        var rejected: [ClosedRange<Int>] = []
        for range in ports { PortRanges.insert(&rejected, range) }
        return !PortRanges.covers(rejected, 1...65535)
    }

    /// Whether exiting to `port` is allowed. A `nil` port asks whether some port is allowed
    /// (`strict` false) or whether every port is (`strict` true). Port 0 counts as unknown, as
    /// in ``ExitPolicy/canExit(to:port:strict:)``; ports above 65535 are never allowed.
    public func canExit(port: Int?, strict: Bool = false) -> Bool {
        guard isExitingAllowed else { return false }
        guard let port, port != 0 else {
            if !strict { return true }
            // Every port is allowed only if the list accepts all of them or rejects none.
            let covered = ports.contains { $0.lowerBound <= 1 && $0.upperBound == 65535 }
            return isAccept && covered
        }
        guard port > 0, port <= 65535 else { return false }
        for range in ports where range.contains(port) { return isAccept }
        return !isAccept
    }

    /// The canonical text: the action, one space, the ports joined with `,`.
    public var description: String {
        action.rawValue + " " + ports.map { $0.lowerBound == $0.upperBound ? String($0.lowerBound) : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}
