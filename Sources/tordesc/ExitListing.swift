#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// What `tordesc exits` was asked: destination ports (all must be allowed), an address, flags.
struct ExitQuery {
    var ports: [Int] = []
    var address: IPAddress?
    var flags: [String] = []
    /// List relays flagged `BadExit` too (a tor client never exits through them).
    var includeBadExits = false

    var hasDestination: Bool { !ports.isEmpty || address != nil }

    var destinationText: String {
        var parts: [String] = []
        if !ports.isEmpty { parts.append((ports.count == 1 ? "port " : "ports ") + ports.map(String.init).joined(separator: ", ")) }
        if let address { parts.append("address \(address)") }
        return parts.joined(separator: " at ")
    }
}

/// Where the exit policies that answered came from.
enum PolicySource: String {
    case descriptors = "server descriptor exit policy (exact)"
    case microdescriptors = "microdescriptor p/p6 summaries"
    case consensus = "consensus p-line summary"
    /// Nothing was asked of the policies: the Exit flag alone decided.
    case exitFlag = "Exit flag"

    var key: String {
        switch self {
        case .descriptors: "server-descriptor"
        case .microdescriptors: "microdescriptor"
        case .consensus: "consensus-p-line"
        case .exitFlag: "exit-flag"
        }
    }
}

/// One listed relay, from whichever documents know about it.
struct ExitRow {
    var nickname: String?
    var fingerprint: Fingerprint?
    var address: IPAddress?
    var orPort: Int?
    /// OR addresses besides ``address`` (IPv6 `a` lines, `or-address` lines).
    var otherAddresses: [IPAddress] = []
    var portsSummary: String?
    var ipv6PortsSummary: String?
    /// Consensus weight, or advertised bytes per second for descriptors (see ``bandwidthUnit``).
    var bandwidth: Int?
    var bandwidthUnit: String
    var flags: [String]?
    var version: String?
    var microdescriptorDigest: String?
    /// Addresses exit lists (TorDNSEL) saw this relay exit from, deduplicated and sorted; nil
    /// when no exit list was given, empty when the lists do not name the relay.
    var exitAddresses: [IPAddress]?

    var bandwidthText: String {
        guard let bandwidth else { return "-" }
        return bandwidthUnit == "bytes/s" ? Formatting.rate(bandwidth) : Formatting.grouped(bandwidth)
    }

    func json(policySource: PolicySource) -> JSONValue {
        .object([
            ("nickname", .optional(nickname) { .string($0) }),
            ("fingerprint", .optional(fingerprint) { .string($0.hex) }),
            ("address", .optional(address) { .string($0.description) }),
            ("or_port", .optional(orPort) { .int($0) }),
            ("exit_policy", .optional(portsSummary) { .string($0) }),
            ("exit_policy_v6", .optional(ipv6PortsSummary) { .string($0) }),
            ("bandwidth", .optional(bandwidth) { .int($0) }),
            ("bandwidth_unit", .string(bandwidthUnit)),
            ("flags", .optional(flags) { .array($0.map { .string($0) }) }),
            ("version_line", .optional(version) { .string($0) }),
            ("microdescriptor_digest", .optional(microdescriptorDigest) { .string($0) }),
            ("policy_source", .string(policySource.key)),
            ("exit_addresses", .optional(exitAddresses) { .array($0.map { .string($0.description) }) }),
        ])
    }
}

/// The exit relays of the loaded documents that answer an ``ExitQuery``, sorted by bandwidth.
struct ExitListing {
    var rows: [ExitRow] = []
    var policySource: PolicySource
    var relayCount = 0
    /// Relays that answered the query but carry `BadExit`, left out without `--include-bad-exits`.
    var badExitsLeftOut = 0
    /// Listed relays that carry `BadExit` (only with `--include-bad-exits`).
    var badExitsListed = 0
    var notes: [String] = []
    var query: ExitQuery

    var summaryLine: String {
        let what = query.hasDestination ? " allowing \(query.destinationText)" : ""
        let flagText = query.flags.isEmpty ? "" : " with flag\(query.flags.count > 1 ? "s" : "") \(query.flags.joined(separator: ", "))"
        var line = "\(Formatting.grouped(rows.count)) exit relays\(what)\(flagText) of \(Formatting.grouped(relayCount)) relays; policy source: \(policySource.rawValue)"
        if badExitsLeftOut > 0 {
            line += "; \(Formatting.grouped(badExitsLeftOut)) BadExit relay\(badExitsLeftOut == 1 ? "" : "s") left out (--include-bad-exits lists them)"
        } else if badExitsListed > 0 {
            line += "; \(Formatting.grouped(badExitsListed)) of them flagged BadExit (clients never exit through them)"
        }
        return line
    }

    init(sources: RelaySources, query: ExitQuery) throws {
        self.query = query
        if let consensus = sources.consensus {
            policySource = query.hasDestination
                ? (!sources.descriptors.isEmpty ? .descriptors : !sources.microdescriptors.isEmpty ? .microdescriptors : .consensus)
                : .exitFlag
            try fromConsensus(consensus, sources: sources)
        } else {
            guard query.flags.isEmpty else {
                throw reportError("--flag needs flags, which only a consensus has; add --consensus FILE")
            }
            if !sources.descriptors.isEmpty {
                policySource = .descriptors
                fromDescriptors(sources)
            } else {
                policySource = .microdescriptors
                fromMicrodescriptors(sources)
            }
        }
        rows.sort { lhs, rhs in
            if (lhs.bandwidth ?? -1) != (rhs.bandwidth ?? -1) { return (lhs.bandwidth ?? -1) > (rhs.bandwidth ?? -1) }
            return (lhs.fingerprint?.hex ?? lhs.microdescriptorDigest ?? "") < (rhs.fingerprint?.hex ?? rhs.microdescriptorDigest ?? "")
        }
    }

    // MARK: Policy questions

    /// Exact policy: every asked port to the address (any address when none was given; the
    /// IPv6 answer also needs the relay's ipv6-policy to allow the port, as tor requires).
    func allows(_ descriptor: ServerDescriptor) -> Bool? {
        guard let policy = descriptor.exitPolicy else { return nil }
        let probes: [Int?] = query.ports.isEmpty ? [nil] : query.ports
        for port in probes {
            guard query.address.map({ policy.canExit(to: $0, port: port) }) ?? policy.canExit(port: port) else { return false }
            if query.address?.isIPv6 == true {
                guard let v6 = descriptor.exitPolicyV6, v6.canExit(port: port) else { return false }
            }
        }
        return true
    }

    /// A port summary: address-blind, so the address only selects the IPv4 or IPv6 summary.
    func allows(_ policy: MicroExitPolicy) -> Bool {
        let probes: [Int?] = query.ports.isEmpty ? [nil] : query.ports
        return probes.allSatisfy { policy.canExit(port: $0) }
    }

    // MARK: Inputs

    private mutating func fromConsensus(_ consensus: NetworkStatusConsensus, sources: RelaySources) throws {
        let known = Set(consensus.header.knownFlags.map { $0.lowercased() })
        for flag in query.flags where !known.contains(flag.lowercased()) && !known.isEmpty {
            throw reportError("--flag \(flag): this consensus has no such flag; its flags are \(consensus.header.knownFlags.joined(separator: ", "))")
        }
        if policySource == .consensus, consensus.header.isMicrodescriptorFlavor {
            throw reportError("a microdesc consensus has no exit policies (its relays' p lines live in their microdescriptors); "
                + "add --microdescriptors FILE, or use an ns consensus")
        }
        let descriptors = policySource == .descriptors ? sources.latestDescriptors : [:]
        let micros = policySource == .microdescriptors ? sources.microdescriptorsByDigest : [:]
        var missing = 0
        relayCount = consensus.entries.count
        // With a destination the policy alone decides, as a tor client picking an exit does: a
        // relay without the Exit flag (which needs two of ports 80, 443, 6667) still carries
        // traffic to the ports its policy allows. Without one, the Exit flag decides.
        for entry in consensus.entries where policySource != .exitFlag || entry.flags.contains(.exit) {
            guard query.flags.allSatisfy({ flag in entry.flagNames.contains { $0.lowercased() == flag.lowercased() } }) else { continue }
            var row = ExitRow(nickname: entry.nickname, fingerprint: entry.fingerprint, address: entry.address, orPort: Int(entry.orPort),
                              portsSummary: entry.exitPolicySummary, bandwidth: entry.bandwidth, bandwidthUnit: "consensus-weight",
                              flags: entry.flagNames, version: entry.versionLine,
                              microdescriptorDigest: entry.microdescriptorDigest?.base64)
            row.otherAddresses = entry.orAddresses.map(\.address)
            switch policySource {
            case .exitFlag:
                break
            case .consensus:
                guard allows(query.address?.isIPv6 == true ? .rejectAll : entry.exitPolicy) else { continue }
            case .descriptors:
                guard let descriptor = descriptors[entry.fingerprint], let allowed = allows(descriptor) else { missing += 1; continue }
                guard allowed else { continue }
                row.portsSummary = descriptor.exitPolicy?.summary
                row.ipv6PortsSummary = descriptor.ipv6Policy
                row.otherAddresses += descriptor.orAddresses.map(\.address)
            case .microdescriptors:
                guard let digest = entry.microdescriptorDigest, let micro = micros[digest] else { missing += 1; continue }
                guard allows(query.address?.isIPv6 == true ? micro.exitPolicyV6 ?? .rejectAll : micro.exitPolicy) else { continue }
                row.portsSummary = micro.exitPolicyText ?? "reject 1-65535"
                row.ipv6PortsSummary = micro.exitPolicyV6Text
            }
            if entry.flags.contains(.badExit) {
                guard query.includeBadExits else { badExitsLeftOut += 1; continue }
                badExitsListed += 1
            }
            rows.append(row)
        }
        if policySource == .consensus, query.address?.isIPv6 == true {
            notes.append("a consensus p line summarises IPv4 exiting only; no relay is listed for an IPv6 address (use --descriptors or --microdescriptors)")
        }
        if missing > 0 {
            let kind = policySource == .descriptors ? "server descriptor" : "microdescriptor"
            notes.append("\(missing) relays of the consensus have no \(kind) in the given files and are left out")
        }
    }

    private mutating func fromDescriptors(_ sources: RelaySources) {
        let latest = sources.latestDescriptors.values
        relayCount = latest.count
        for descriptor in latest {
            guard let policy = descriptor.exitPolicy else { continue }
            let exits = policy.isExitingAllowed || (descriptor.exitPolicyV6?.isExitingAllowed ?? false)
            guard exits else { continue }
            if query.hasDestination { guard allows(descriptor) == true else { continue } }
            let advertised = [descriptor.averageBandwidth, descriptor.burstBandwidth, descriptor.observedBandwidth].compactMap { $0 }.min()
            rows.append(ExitRow(nickname: descriptor.nickname, fingerprint: descriptor.fingerprint, address: descriptor.address,
                                orPort: Int(descriptor.orPort), otherAddresses: descriptor.orAddresses.map(\.address),
                                portsSummary: policy.summary, ipv6PortsSummary: descriptor.ipv6Policy,
                                bandwidth: advertised, bandwidthUnit: "bytes/s", flags: nil, version: descriptor.torVersion.map { "Tor " + $0 }))
        }
    }

    private mutating func fromMicrodescriptors(_ sources: RelaySources) {
        relayCount = sources.microdescriptors.count
        for micro in sources.microdescriptors {
            let v6 = micro.exitPolicyV6
            guard micro.exitPolicy.isExitingAllowed || (v6?.isExitingAllowed ?? false) else { continue }
            if query.hasDestination {
                guard allows(query.address?.isIPv6 == true ? v6 ?? .rejectAll : micro.exitPolicy) else { continue }
            }
            rows.append(ExitRow(nickname: nil, fingerprint: micro.rsa1024Identity, address: nil, orPort: nil,
                                portsSummary: micro.exitPolicyText ?? "reject 1-65535", ipv6PortsSummary: micro.exitPolicyV6Text,
                                bandwidth: nil, bandwidthUnit: "none", flags: nil, version: nil, microdescriptorDigest: micro.digest.base64))
        }
        notes.append("microdescriptors carry no nickname, address, flags or bandwidth; add --consensus FILE (microdesc flavor) for them")
    }
}
