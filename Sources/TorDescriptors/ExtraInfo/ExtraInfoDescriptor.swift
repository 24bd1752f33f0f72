/// A relay or bridge extra-info descriptor (dir-spec 2.1.2): the statistics a relay publishes
/// beside its server descriptor — bandwidth histories, directory request counts by country,
/// cell, exit, hidden-service and padding statistics. CollecTor's sanitized bridge copies carry
/// `router-digest` / `router-digest-sha256` instead of signatures.
///
/// Property names follow Stem's `ExtraInfoDescriptor` attributes in camel case; ``stemJSON``
/// uses Stem's exact names. Lenient parsing (the default) keeps a malformed statistics line's
/// field `nil` and records the problem in ``warnings``.
///
/// ```swift
/// let file = Array(try Data(contentsOf: url))
/// for case .success(let extra) in ExtraInfoDescriptor.parseAll(file[...]) {
///     print(extra.nickname, extra.digest?.hex ?? "-", extra.dirV3Requests?.count(for: "us") ?? 0)
/// }
/// ```
public struct ExtraInfoDescriptor: ParsableDocument, StemJSONRepresentable, Sendable {
    public static let startKeywords = ["extra-info"]

    // MARK: Document

    /// The bytes this descriptor was parsed from, annotations included.
    public let rawBytes: ArraySlice<UInt8>
    /// `@type ...` and other annotation lines before `extra-info`.
    public let annotations: [Annotation]
    /// Line number of the first byte of `rawBytes` in its file.
    public let firstLine: Int
    /// Whether this is a (CollecTor-sanitized) bridge extra-info: `@type bridge-extra-info`, or
    /// a `router-digest` line and no `router-signature`.
    public internal(set) var isBridge = false
    /// Keywords this parser does not know, in order, with their objects.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] = []
    /// Problems with known lines that lenient parsing skipped (the field is left `nil`).
    public internal(set) var warnings: [DescriptorParseError] = []

    // MARK: Identity and signatures

    /// `extra-info` nickname.
    public internal(set) var nickname: String = ""
    /// `extra-info` fingerprint (for sanitized bridges: the hashed fingerprint).
    public internal(set) var fingerprint: Fingerprint
    /// `published`.
    public internal(set) var published: TorTimestamp?
    /// The decoded `identity-ed25519` certificate (Stem: `ed25519_certificate`), decoded on
    /// access; its base64 was validated while parsing.
    public var identityEd25519Certificate: [UInt8]? {
        identityObject.flatMap { Base64.decode(rawBytes[$0.body]) }
    }
    /// `master-key-ed25519` of sanitized bridges (Stem: `ed25519_certificate_hash`).
    public internal(set) var masterKeyEd25519: String?
    /// `router-sig-ed25519`, base64 (Stem: `ed25519_signature`).
    public internal(set) var ed25519Signature: String?
    /// The decoded `router-signature` object (Stem: `signature`), decoded on access.
    public var signature: [UInt8]? {
        signatureObject.flatMap { Base64.decode(rawBytes[$0.body]) }
    }
    /// `router-digest` of sanitized bridges: the SHA-1 of the original descriptor. A malformed
    /// line leaves it `nil` and a warning in ``warnings`` (lenient mode).
    public var routerDigest: SHA1DigestValue? { routerDigestRange.flatMap { SHA1DigestValue(hex: rawBytes[$0]) } }
    /// `router-digest-sha256` of sanitized bridges: the SHA-256 of the original descriptor.
    public var routerDigestSHA256: SHA256DigestValue? {
        routerDigestSHA256Range.flatMap { SHA256DigestValue(base64: rawBytes[$0]) }
    }
    /// `geoip-db-digest`: SHA-1 of the GeoIP file the relay used (Stem: `geoip_db_digest`).
    public var geoipDBDigest: SHA1DigestValue? { geoipDBDigestRange.flatMap { SHA1DigestValue(hex: rawBytes[$0]) } }
    /// `geoip6-db-digest`: SHA-1 of the IPv6 GeoIP file the relay used.
    public var geoip6DBDigest: SHA1DigestValue? { geoip6DBDigestRange.flatMap { SHA1DigestValue(hex: rawBytes[$0]) } }
    /// `transport` lines in order (Stem: `transport`, a dict by name).
    public internal(set) var transports: [PluggableTransport] = []

    // MARK: Bandwidth histories

    public internal(set) var readHistory: BandwidthHistory?
    public internal(set) var writeHistory: BandwidthHistory?
    public internal(set) var ipv6ReadHistory: BandwidthHistory?
    public internal(set) var ipv6WriteHistory: BandwidthHistory?
    /// `dirreq-read-history` (Stem: `dir_read_history_*`).
    public internal(set) var dirReadHistory: BandwidthHistory?
    /// `dirreq-write-history` (Stem: `dir_write_history_*`).
    public internal(set) var dirWriteHistory: BandwidthHistory?

    // MARK: Bridge statistics

    /// Deprecated `geoip-start-time`.
    public internal(set) var geoipStartTime: TorTimestamp?
    /// Deprecated `geoip-client-origins`.
    public internal(set) var geoipClientOrigins: StatCounts<String>?
    /// `bridge-stats-end`.
    public internal(set) var bridgeStats: StatsPeriod?
    public internal(set) var bridgeIPs: StatCounts<String>?
    /// `bridge-ip-versions` (Stem: `ip_versions`).
    public internal(set) var ipVersions: StatCounts<String>?
    /// `bridge-ip-transports` (Stem: `ip_transports`), `<OR>` for unobfuscated connections.
    public internal(set) var ipTransports: StatCounts<String>?

    // MARK: Directory statistics

    /// `dirreq-stats-end` (Stem: `dir_stats_end` / `dir_stats_interval`).
    public internal(set) var dirStats: StatsPeriod?
    public internal(set) var dirV2IPs: StatCounts<String>?
    public internal(set) var dirV3IPs: StatCounts<String>?
    /// `dirreq-v2-reqs`.
    public internal(set) var dirV2Requests: StatCounts<String>?
    /// `dirreq-v3-reqs`.
    public internal(set) var dirV3Requests: StatCounts<String>?
    /// `dirreq-v2-share` as a fraction (`0.42%` → 0.0042), as Stem reports it.
    public internal(set) var dirV2Share: Double?
    /// `dirreq-v3-share` as a fraction.
    public internal(set) var dirV3Share: Double?
    public internal(set) var dirV2Responses: StatCounts<DirResponse>?
    public internal(set) var dirV2ResponsesUnknown: StatCounts<String>?
    public internal(set) var dirV3Responses: StatCounts<DirResponse>?
    public internal(set) var dirV3ResponsesUnknown: StatCounts<String>?
    public internal(set) var dirV2DirectDownloads: StatCounts<DirStat>?
    public internal(set) var dirV2DirectDownloadsUnknown: StatCounts<String>?
    public internal(set) var dirV3DirectDownloads: StatCounts<DirStat>?
    public internal(set) var dirV3DirectDownloadsUnknown: StatCounts<String>?
    public internal(set) var dirV2TunneledDownloads: StatCounts<DirStat>?
    public internal(set) var dirV2TunneledDownloadsUnknown: StatCounts<String>?
    public internal(set) var dirV3TunneledDownloads: StatCounts<DirStat>?
    public internal(set) var dirV3TunneledDownloadsUnknown: StatCounts<String>?

    // MARK: Entry, cell, connection and exit statistics

    public internal(set) var entryStats: StatsPeriod?
    public internal(set) var entryIPs: StatCounts<String>?
    public internal(set) var cellStats: StatsPeriod?
    public internal(set) var cellProcessedCells: [Double]?
    public internal(set) var cellQueuedCells: [Double]?
    public internal(set) var cellTimeInQueue: [Double]?
    public internal(set) var cellCircuitsPerDecile: Int?
    public internal(set) var connBiDirect: ConnectionDirections?
    public internal(set) var ipv6ConnBiDirect: ConnectionDirections?
    public internal(set) var exitStats: StatsPeriod?
    public internal(set) var exitKibibytesWritten: StatCounts<ExitPort>?
    public internal(set) var exitKibibytesRead: StatCounts<ExitPort>?
    public internal(set) var exitStreamsOpened: StatCounts<ExitPort>?

    // MARK: Onion-service, padding and overload statistics

    /// `hidserv-stats-end` (Stem keeps only the time, as `hs_stats_end`).
    public internal(set) var hiddenServiceStats: StatsPeriod?
    /// `hidserv-rend-relayed-cells` (Stem: `hs_rend_cells` / `hs_rend_cells_attr`).
    public internal(set) var hiddenServiceRendezvousCells: HiddenServiceStatistic?
    /// `hidserv-dir-onions-seen` (Stem: `hs_dir_onions_seen` / `hs_dir_onions_seen_attr`).
    public internal(set) var hiddenServiceDirOnionsSeen: HiddenServiceStatistic?
    /// `hidserv-v3-stats-end`.
    public internal(set) var hiddenServiceV3Stats: StatsPeriod?
    /// `hidserv-rend-v3-relayed-cells`.
    public internal(set) var hiddenServiceV3RendezvousCells: HiddenServiceStatistic?
    /// `hidserv-dir-v3-onions-seen`.
    public internal(set) var hiddenServiceV3DirOnionsSeen: HiddenServiceStatistic?
    public internal(set) var paddingCounts: PaddingCounts?
    public internal(set) var overloadRateLimits: OverloadRateLimits?
    public internal(set) var overloadFDExhausted: OverloadFDExhausted?

    // MARK: Digests

    /// Content from `extra-info` through the newline after `router-signature` (relays only).
    var signedRange: Range<Int>?
    /// Content from `extra-info` to the end of the document, without annotations.
    var contentRange: Range<Int>
    /// The `router-signature` object (ranges into `rawBytes`).
    var signatureObject: DocumentObject?
    /// The `identity-ed25519` object (ranges into `rawBytes`).
    var identityObject: DocumentObject?
    // The digest words as written: the typed properties read them, and Stem's JSON prints them
    // unchanged (case and padding included). Set only when the word is a digest of the right length.
    var routerDigestRange: Range<Int>?
    var routerDigestSHA256Range: Range<Int>?
    var geoipDBDigestRange: Range<Int>?
    var geoip6DBDigestRange: Range<Int>?

    /// The SHA-1 digest server descriptors' `extra-info-digest` names
    /// (``ServerDescriptor/extraInfoDigest``): for relays computed over `extra-info` through
    /// `router-signature\n` on each access; for sanitized bridges the `router-digest` value (the
    /// original document is not available).
    ///
    /// ```swift
    /// if descriptor.extraInfoDigest == extraInfo.digest { print("the descriptor points here") }
    /// ```
    public var digest: SHA1DigestValue? {
        if isBridge { return routerDigest }
        guard let signedRange else { return nil }
        return Digest.sha1Value(rawBytes[signedRange])
    }

    /// SHA-256 digest: for relays over the whole document without annotations (signature
    /// included, as tor computes it — tor ticket 28415); for bridges `router-digest-sha256`.
    /// `.base64` is the form server descriptors' `extra-info-digest` writes.
    public var sha256Digest: SHA256DigestValue? {
        if isBridge { return routerDigestSHA256 }
        return Digest.sha256Value(rawBytes[contentRange])
    }
}

extension ExtraInfoDescriptor {
    public static var documentKind: DocumentKind { .extraInfo }
}
