/// A bandwidth file: a bandwidth scanner's measurements that directory authorities vote from
/// (bandwidth-file-spec 1.0.0 through 1.x; CollecTor `@type bandwidth-file 1.0`).
///
/// The timestamp line, the header's `key=value` lines (typed where the spec types them, every
/// one kept in ``header``), the `=====` (or `====`) terminator, and one ``RelayLine`` per
/// measured relay with all its `key=value` pairs. Version 1.0.0 files have no header.
///
/// ```swift
/// let file = try BandwidthFile(parsing: bytes[...])
/// print(file.version, file.software ?? "-", file.relays.count)
/// let voted = file.relays.filter { $0.vote != false }.count
/// ```
public struct BandwidthFile: Sendable {
    /// How the header ended.
    public enum Terminator: String, Sendable, Hashable {
        /// `=====`, written since 1.1.0.
        case fiveEquals = "====="
        /// `====`, which readers must also accept.
        case fourEquals = "===="
    }

    /// One relay's measurement line: its `key=value` pairs, with the typed ones decoded.
    ///
    /// ```swift
    /// if let relay = file.relays.first(where: { $0.nodeID == fingerprint }) { print(relay.bandwidth ?? 0) }
    /// ```
    public struct RelayLine: Sendable {
        /// `node_id` (hex after `$`).
        public internal(set) var nodeID: Fingerprint?
        /// `master_key_ed25519` (base64, unpadded).
        public internal(set) var masterKeyEd25519: String?
        /// `bw`: the bandwidth the authority should vote, in kilobytes per second.
        public internal(set) var bandwidth: Int?
        /// `nick`.
        public internal(set) var nickname: String?
        /// `unmeasured=1`: the scanner could not measure the relay.
        public internal(set) var unmeasured: Bool?
        /// `vote=0`: the relay is listed but must not be voted on.
        public internal(set) var vote: Bool?
        /// `under_min_report=1`: too few relays were measured; kept for information.
        public internal(set) var underMinReport: Bool?
        /// 1-based line number.
        public let line: Int
        /// The line's bytes.
        public let rawBytes: ArraySlice<UInt8>
        /// Every pair, as byte ranges into ``rawBytes``' storage, in line order.
        var pairs: [(key: Range<Int>, value: Range<Int>)]

        init(line: Int, rawBytes: ArraySlice<UInt8>, pairs: [(key: Range<Int>, value: Range<Int>)]) {
            self.line = line
            self.rawBytes = rawBytes
            self.pairs = pairs
        }

        /// Every `key=value` pair as text, in line order (unknown keys included).
        public var keyValues: [KeyValueText] {
            pairs.map { KeyValueText(key: ByteText.string(rawBytes, $0.key), value: ByteText.string(rawBytes, $0.value)) }
        }

        /// The value of `key` (the first, if repeated), as text.
        public func value(forKey key: String) -> String? {
            let wanted = Array(key.utf8)
            guard let pair = pairs.first(where: { rawBytes[$0.key].elementsEqual(wanted) }) else { return nil }
            return ByteText.string(rawBytes, pair.value)
        }

        /// The value of `key` as a non-negative integer (`error_circ`, `relay_recent_*`, `bw_mean` ...).
        public func integer(forKey key: String) -> Int? {
            let wanted = Array(key.utf8)
            guard let pair = pairs.first(where: { rawBytes[$0.key].elementsEqual(wanted) }) else { return nil }
            return ByteText.unsigned(rawBytes, pair.value)
        }
    }

    /// The file's bytes, annotations included.
    public internal(set) var rawBytes: ArraySlice<UInt8>
    /// `@type` and other annotations.
    public internal(set) var annotations: [Annotation] = []
    /// The first line: when the file was written (Unix time).
    public internal(set) var timestamp = TorTimestamp(secondsSince1970: 0)
    /// Every header line, in order (unknown keys included).
    public internal(set) var header: [KeyValueText] = []
    /// How the header ended; `nil` for headerless 1.0.0 files.
    public internal(set) var terminator: Terminator?
    /// The relay lines, in file order.
    public internal(set) var relays: [RelayLine] = []
    /// Problems lenient parsing stepped over.
    public internal(set) var warnings: [DescriptorParseError] = []
    /// Where the content (after the annotations) starts in ``rawBytes``.
    var contentStart: Int

    /// The raw text of header `key`.
    public func headerValue(_ key: String) -> String? { header.first { $0.key == key }?.value }

    /// `version`; `1.0.0` when absent (the field appeared in 1.1.0).
    public var version: String { headerValue("version") ?? "1.0.0" }
    /// `software`, e.g. `sbws` or `torflow`.
    public var software: String? { headerValue("software") }
    /// `software_version`.
    public var softwareVersion: String? { headerValue("software_version") }
    /// `file_created`.
    public var fileCreated: TorTimestamp? { dateTime(.fileCreated) }
    /// `generator_started`.
    public var generatorStarted: TorTimestamp? { dateTime(.generatorStarted) }
    /// `earliest_bandwidth`.
    public var earliestBandwidth: TorTimestamp? { dateTime(.earliestBandwidth) }
    /// `latest_bandwidth`.
    public var latestBandwidth: TorTimestamp? { dateTime(.latestBandwidth) }
    /// `scanner_country`.
    public var scannerCountry: String? { headerValue(BandwidthHeaderKey.scannerCountry.rawValue) }
    /// `destinations_countries`, split at commas.
    public var destinationsCountries: [String]? {
        headerValue(BandwidthHeaderKey.destinationsCountries.rawValue).map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces } }
    }
    /// `number_consensus_relays`.
    public var numberConsensusRelays: Int? { integer(.numberConsensusRelays) }
    /// `number_eligible_relays`.
    public var numberEligibleRelays: Int? { integer(.numberEligibleRelays) }
    /// `percent_eligible_relays`.
    public var percentEligibleRelays: Int? { integer(.percentEligibleRelays) }
    /// `minimum_number_eligible_relays`.
    public var minimumNumberEligibleRelays: Int? { integer(.minimumNumberEligibleRelays) }
    /// `minimum_percent_eligible_relays`.
    public var minimumPercentEligibleRelays: Int? { integer(.minimumPercentEligibleRelays) }
    /// `time_to_report_half_network`, in seconds.
    public var timeToReportHalfNetwork: Int? { integer(.timeToReportHalfNetwork) }

    /// An integer header (every `recent_*` count among them); `nil` when absent or not a number.
    public func integer(_ key: String) -> Int? {
        guard let text = headerValue(key), !text.isEmpty, text.utf8.allSatisfy(ByteText.isDigit) else { return nil }
        return Int(text)
    }

    func integer(_ key: BandwidthHeaderKey) -> Int? { integer(key.rawValue) }

    func dateTime(_ key: BandwidthHeaderKey) -> TorTimestamp? {
        guard let text = headerValue(key.rawValue) else { return nil }
        let bytes = Array(text.utf8)[...]
        return TorTimestamp.parseISO(bytes, bytes.indices)
    }

    /// The bytes a directory authority read: the file without CollecTor's annotations.
    public var content: ArraySlice<UInt8> { rawBytes[contentStart...] }

    /// SHA-256 of ``content``, computed on each access: what a vote made from this file carries
    /// in `bandwidth-file-digest sha256=` (`.base64` is the unpadded form tor writes there).
    public var sha256: SHA256DigestValue { Digest.sha256Value(content) }
}
