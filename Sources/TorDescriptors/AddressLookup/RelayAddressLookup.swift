#if canImport(FoundationEssentials)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
#else
import FoundationEssentials
#endif

/// "Was this IP address a Tor relay, or a Tor exit, at that time?" — the question ExoneraTor
/// answers — over consensuses and exit lists a caller has read (no I/O here).
///
/// A relay matches when the address is its consensus OR address (`r` line) or one of its `a`
/// lines; an exit list matches when a relay was *seen* exiting from the address (`ExitAddress`),
/// which may differ from its OR address.
///
/// ```swift
/// let address = IPAddress("192.0.2.7")!
/// let hits = RelayAddressLookup.matches(of: address, in: consensus)
/// for hit in hits { print(hit.validAfter, hit.nickname, hit.isExit ? "exit" : "relay") }
/// ```
public enum RelayAddressLookup {
    /// The relays of one consensus listed with `address`.
    public static func matches(of address: IPAddress, in consensus: NetworkStatusConsensus) -> [RelayAddressMatch] {
        guard let validAfter = consensus.header.validAfter else { return [] }
        var found: [RelayAddressMatch] = []
        for entry in consensus.entries {
            let orAddress: Bool = entry.address == address
            guard orAddress || entry.orAddresses.contains(where: { $0.address == address }) else { continue }
            found.append(RelayAddressMatch(
                validAfter: validAfter, fingerprint: entry.fingerprint, nickname: entry.nickname,
                matchedAddress: orAddress ? ORAddress(address: entry.address, port: Int(entry.orPort)) : entry.orAddresses.first { $0.address == address }!,
                flags: entry.flags, policyAllowsExiting: entry.exitPolicySummary.map { _ in entry.exitPolicy.isExitingAllowed }))
        }
        return found
    }

    /// The exit-list observations of `address` whose time falls in `window`.
    public static func matches(of address: IPAddress, in exitList: ExitList, within window: ClosedRange<TorTimestamp>) -> [ExitAddressObservation] {
        var found: [ExitAddressObservation] = []
        for entry in exitList.entries {
            for exit in entry.exitAddresses where exit.address == address && window.contains(exit.seen) {
                found.append(ExitAddressObservation(fingerprint: entry.fingerprint, seen: exit.seen, published: entry.published))
            }
        }
        return found
    }

    /// The window ExoneraTor uses around a moment: a day either side, so that a consensus
    /// published before the moment (valid for up to three hours) and clock differences between
    /// the caller's log and the network are covered.
    public static func window(around moment: TorTimestamp, hours: Int = 24) -> ClosedRange<TorTimestamp> {
        let span = Int64(hours) * 3600
        return TorTimestamp(secondsSince1970: moment.secondsSince1970 - span)...TorTimestamp(secondsSince1970: moment.secondsSince1970 + span)
    }
}

/// A relay listed with the address in one consensus.
///
/// ```swift
/// if hit.isExit { print("\(hit.nickname) exited from \(hit.matchedAddress) at \(hit.validAfter)") }
/// ```
public struct RelayAddressMatch: Sendable, Hashable {
    /// The consensus's `valid-after`.
    public let validAfter: TorTimestamp
    public let fingerprint: Fingerprint
    public let nickname: String
    /// The OR address (`r` line or `a` line) that matched.
    public let matchedAddress: ORAddress
    public let flags: RelayFlags
    /// Whether the relay's `p` line allowed exiting to some port (nil for a consensus flavor
    /// or era without `p` lines).
    public let policyAllowsExiting: Bool?

    /// The match an index record stands for, in the consensus valid after `validAfter`.
    public init(validAfter: TorTimestamp, record: AddressLookupRecord) {
        self.validAfter = validAfter
        fingerprint = record.fingerprint
        nickname = record.nickname
        matchedAddress = ORAddress(address: record.address, port: Int(record.port))
        flags = record.flags
        policyAllowsExiting = record.policyAllowsExiting
    }

    init(validAfter: TorTimestamp, fingerprint: Fingerprint, nickname: String, matchedAddress: ORAddress, flags: RelayFlags, policyAllowsExiting: Bool?) {
        self.validAfter = validAfter
        self.fingerprint = fingerprint
        self.nickname = nickname
        self.matchedAddress = matchedAddress
        self.flags = flags
        self.policyAllowsExiting = policyAllowsExiting
    }

    /// An exit a client would use: the `Exit` flag or a policy that allows some port, and not
    /// `BadExit`.
    public var isExit: Bool {
        !flags.contains(.badExit) && (flags.contains(.exit) || policyAllowsExiting == true)
    }
}

/// A relay seen exiting from the address by the exit scanner (TorDNSEL / exit lists).
///
/// ```swift
/// print(observation.fingerprint, observation.seen)
/// ```
public struct ExitAddressObservation: Sendable, Hashable {
    public let fingerprint: Fingerprint
    /// When the scanner saw a connection from the address.
    public let seen: TorTimestamp
    /// The relay's descriptor publication time as the exit list gives it.
    public let published: TorTimestamp?

    public init(fingerprint: Fingerprint, seen: TorTimestamp, published: TorTimestamp?) {
        self.fingerprint = fingerprint
        self.seen = seen
        self.published = published
    }
}
