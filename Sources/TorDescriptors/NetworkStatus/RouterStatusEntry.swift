/// One router status entry of a consensus: the `r` line and the lines that follow it up to the
/// next `r` line or the footer (dir-spec §3.4.1 and, for the microdesc flavor, §3.9.2).
///
/// Values that most readers never look at (the nickname, `v`, `pr` and `p`) are kept as byte
/// ranges into ``rawBytes`` and decoded on each access; strict parsing still validates their syntax.
///
/// ```swift
/// let consensus = try NetworkStatusConsensus(parsing: bytes)
/// for entry in consensus.entries where entry.flags.contains(.exit) {
///     print(entry.nickname, entry.fingerprint, entry.address, entry.orPort, entry.bandwidth ?? 0)
/// }
/// ```
public struct RouterStatusEntry: Sendable {
    // Stored widest first, optional scalars as sentinels or bits: an entry takes 240 bytes
    // instead of 304 (declaration order is layout order, and each optional adds a tag byte
    // padded to its alignment). A 6,700-entry consensus's entries fill ~100 fewer pages, each a
    // page fault at first touch, and collections of consensuses hold a fifth less.

    /// The entry's bytes, from its `r` line through the end of its last line.
    public internal(set) var rawBytes: ArraySlice<UInt8>
    /// 1-based line number of the `r` line in the parsed input.
    public let line: Int

    /// The relay's nickname (made from ``rawBytes`` on each access: most readers never ask).
    public var nickname: String { ByteText.string(rawBytes, nicknameRange) }
    /// Where the nickname is in ``rawBytes``.
    var nicknameRange: Range<Int>
    /// Where the `v`, `pr` and `p` lines' values are in ``rawBytes``; ``absentRange`` when the
    /// line is missing (through the optional accessors below).
    private var versionStorage = Self.absentRange
    private var protocolsStorage = Self.absentRange
    private var exitPolicyStorage = Self.absentRange
    /// The `r` line's publication time (only meaningful in votes, per the spec).
    public internal(set) var published: TorTimestamp
    /// `a` lines: further OR addresses (IPv6 in practice).
    public internal(set) var orAddresses: [ORAddress] = []
    /// Fields that are empty in nearly every entry live in one optional box, which keeps the
    /// entry small and cheap to copy.
    private var rare: RareFields?
    /// The relay's identity fingerprint (base64 on the `r` line).
    public internal(set) var fingerprint: Fingerprint
    /// The `r` line's IPv4 address (see ``address``).
    private var ipv4: UInt32
    /// SHA-1 of the relay's server descriptor; `nil` in the microdesc flavor, whose `r` lines omit it.
    public internal(set) var descriptorDigest: SHA1DigestValue?
    /// Known flags of the `s` line.
    public internal(set) var flags: RelayFlags = []
    /// The `w` line's values: 32-bit by the spec (the parsers reject larger ones); whether each
    /// is present is in `presence`.
    private var bandwidthValue: UInt32 = 0
    private var measuredValue: UInt32 = 0
    /// The relay's OR port.
    public internal(set) var orPort: UInt16
    /// The relay's directory port, `nil` when the line says 0.
    public internal(set) var dirPort: UInt16?
    private var presence: Presence = []
    /// The `m` line's SHA-256 microdescriptor digest (microdesc flavor).
    public internal(set) var microdescriptorDigest: SHA256DigestValue?

    /// Which of the optional scalar fields an entry has.
    private struct Presence: OptionSet {
        let rawValue: UInt8
        static let flagsLine = Presence(rawValue: 1 << 0)
        static let bandwidth = Presence(rawValue: 1 << 1)
        static let measured = Presence(rawValue: 1 << 2)
        static let unmeasured = Presence(rawValue: 1 << 3)
    }

    /// Stands for a missing line's range: no real range of a buffer starts below zero.
    private static let absentRange = Int.min..<Int.min

    /// The relay's IPv4 address (the `r` line's; further addresses are in ``orAddresses``).
    public var address: IPAddress { .v4(ipv4) }
    /// Whether the entry had an `s` line at all.
    public var hasFlagsLine: Bool { presence.contains(.flagsLine) }
    /// The `v` line's value, e.g. `Tor 0.4.7.8` (made from ``rawBytes`` on each access).
    public var versionLine: String? { versionRange.map { ByteText.string(rawBytes, $0) } }
    /// Where the `v` line's value is in ``rawBytes``.
    var versionRange: Range<Int>? {
        get { Self.range(versionStorage) }
        set { versionStorage = newValue ?? Self.absentRange }
    }
    /// `w Bandwidth=`: the weight used for path selection (kilobytes per second, by convention).
    public var bandwidth: Int? { presence.contains(.bandwidth) ? Int(bandwidthValue) : nil }
    /// `w Measured=` (votes only).
    public var measured: Int? { presence.contains(.measured) ? Int(measuredValue) : nil }
    /// `w Unmeasured=1`: the bandwidth is not based on enough measurements.
    public var isUnmeasured: Bool { presence.contains(.unmeasured) }

    /// The entry has an `s` line.
    mutating func markFlagsLine() { presence.insert(.flagsLine) }
    /// `w Bandwidth=` (32-bit by the spec; the parsers reject larger values).
    mutating func setBandwidth(_ value: UInt32) {
        bandwidthValue = value
        presence.insert(.bandwidth)
    }
    /// `w Measured=`.
    mutating func setMeasured(_ value: UInt32) {
        measuredValue = value
        presence.insert(.measured)
    }
    /// `w Unmeasured=1`.
    mutating func markUnmeasured() { presence.insert(.unmeasured) }

    /// A whole `w` line's values at once (the entry scanner's fast path).
    mutating func setWeights(bandwidth: UInt32, measured: UInt32?, unmeasured: Bool) {
        bandwidthValue = bandwidth
        measuredValue = measured ?? 0
        var bits = presence.subtracting([.measured, .unmeasured])
        bits.insert(.bandwidth)
        if measured != nil { bits.insert(.measured) }
        if unmeasured { bits.insert(.unmeasured) }
        presence = bits
    }

    private static func range(_ stored: Range<Int>) -> Range<Int>? { stored == absentRange ? nil : stored }

    /// Flags of the `s` line this library does not know, by name, in order.
    public internal(set) var unknownFlags: [String] {
        get { rare?.unknownFlags ?? [] }
        set { mutateRare { $0.unknownFlags = newValue } }
    }
    /// `w` items other than Bandwidth, Measured and Unmeasured, as written (`key=value`).
    public internal(set) var unrecognizedBandwidthEntries: [String] {
        get { rare?.unrecognizedBandwidthEntries ?? [] }
        set { mutateRare { $0.unrecognizedBandwidthEntries = newValue } }
    }
    /// `id` line key type, e.g. `ed25519` (votes only).
    public internal(set) var identifierType: String? {
        get { rare?.identifierType ?? nil }
        set { mutateRare { $0.identifierType = newValue } }
    }
    /// `id` line value: the base64 key or `none` (votes only).
    public internal(set) var identifier: String? {
        get { rare?.identifier ?? nil }
        set { mutateRare { $0.identifier = newValue } }
    }
    /// `stats` line items (votes only), in order.
    public internal(set) var stats: [KeyValueText] {
        get { rare?.stats ?? [] }
        set { mutateRare { $0.stats = newValue } }
    }
    /// Lines with keywords this library does not know, in order, with their objects.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] {
        get { rare?.unrecognizedLines ?? [] }
        set { mutateRare { $0.unrecognizedLines = newValue } }
    }
    /// Problems with known lines that lenient parsing skipped (that field stays nil/empty).
    public internal(set) var warnings: [DescriptorParseError] {
        get { rare?.warnings ?? [] }
        set { mutateRare { $0.warnings = newValue } }
    }

    private mutating func mutateRare(_ change: (RareFields) -> Void) {
        if rare == nil { rare = RareFields() }
        else if !isKnownUniquelyReferenced(&rare!) { rare = rare!.copy() }
        change(rare!)
    }

    var protocolsRange: Range<Int>? {
        get { Self.range(protocolsStorage) }
        set { protocolsStorage = newValue ?? Self.absentRange }
    }
    var exitPolicyRange: Range<Int>? {
        get { Self.range(exitPolicyStorage) }
        set { exitPolicyStorage = newValue ?? Self.absentRange }
    }

    /// The `pr` line's value as written.
    public var protocolsLine: String? { protocolsRange.map { ByteText.string(rawBytes, $0) } }

    /// The `pr` line, decoded (on each access); `nil` when absent or malformed.
    public var protocols: ProtocolVersions? {
        protocolsRange.flatMap { ProtocolVersions.parse(rawBytes, $0) }
    }

    /// The `p` line's exit-policy summary as written, e.g. `accept 80,443` (ns flavor).
    public var exitPolicySummary: String? { exitPolicyRange.map { ByteText.string(rawBytes, $0) } }

    /// The `p` line as a typed policy (`entry.exitPolicy.canExit(port: 443)`); the spec's
    /// `reject 1-65535` when the line is absent or unreadable.
    public var exitPolicy: MicroExitPolicy {
        exitPolicyRange.flatMap { try? MicroExitPolicy(parsing: rawBytes, range: $0) } ?? .rejectAll
    }

    /// Whether the relay has a flag by name (known or not).
    public func hasFlag(_ name: String) -> Bool {
        if let flag = RelayFlags(name: name) { return flags.contains(flag) }
        return unknownFlags.contains(name)
    }

    /// All flags by name, in the order tor writes them (lexical): known and unknown merged.
    public var flagNames: [String] {
        unknownFlags.isEmpty ? flags.names : (flags.names + unknownFlags).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// `nickname` is a range of `rawBytes`' buffer (the scanner sets ``rawBytes`` to the whole
    /// entry once it has read it).
    init(rawBytes: ArraySlice<UInt8>, line: Int, r: RouterStatusEntryScanner.RLineFields) {
        self.rawBytes = rawBytes
        self.line = line
        self.nicknameRange = r.nickname
        self.fingerprint = r.fingerprint
        self.descriptorDigest = r.descriptorDigest
        self.published = r.published
        self.ipv4 = r.address
        self.orPort = r.orPort
        self.dirPort = r.dirPort
    }
}

extension RouterStatusEntry: StemJSONRepresentable {
    /// Stem's `RouterStatusEntryV3` / `RouterStatusEntryMicroV3` attribute names. Like Stem, the
    /// microdesc flavor's `digest` is the hex of the `m` digest.
    public var stemJSON: JSONValue {
        let digestHex = descriptorDigest?.hex ?? microdescriptorDigest?.hex
        var pairs: [(String, JSONValue)] = [
            ("nickname", .string(nickname)),
            ("fingerprint", .string(fingerprint.hex)),
            ("digest", .optional(digestHex) { .string($0) }),
            ("published", .string(published.description)),
            ("address", .string(address.description)),
            ("or_port", .int(Int(orPort))),
            ("dir_port", .optional(dirPort) { .int(Int($0)) }),
            ("flags", .array(flagNames.map { .string($0) })),
            ("version_line", .optional(versionLine) { .string($0) }),
            ("bandwidth", .optional(bandwidth) { .int($0) }),
            ("measured", .optional(measured) { .int($0) }),
            ("is_unmeasured", .bool(isUnmeasured)),
            ("unrecognized_bandwidth_entries", .array(unrecognizedBandwidthEntries.map { .string($0) })),
            ("exit_policy", .optional(exitPolicySummary) { .string($0) }),
            ("microdescriptor_digest", .optional(microdescriptorDigest) { .string($0.base64) }),
            ("or_addresses", .array(orAddresses.map { .array([.string($0.address.description), .int(Int($0.port)), .bool($0.isIPv6)]) })),
        ]
        pairs.append(("protocols", protocols?.stemJSON ?? .object([])))
        return .object(pairs)
    }
}

/// Storage for ``RouterStatusEntry``'s rarely used fields (copied on write).
final class RareFields: @unchecked Sendable {
    // Mutated only while the parser builds an entry, before the entry is shared.
    var unknownFlags: [String] = []
    var unrecognizedBandwidthEntries: [String] = []
    var identifierType: String?
    var identifier: String?
    var stats: [KeyValueText] = []
    var unrecognizedLines: [UnrecognizedItem] = []
    var warnings: [DescriptorParseError] = []

    func copy() -> RareFields {
        let other = RareFields()
        other.unknownFlags = unknownFlags
        other.unrecognizedBandwidthEntries = unrecognizedBandwidthEntries
        other.identifierType = identifierType
        other.identifier = identifier
        other.stats = stats
        other.unrecognizedLines = unrecognizedLines
        other.warnings = warnings
        return other
    }
}
