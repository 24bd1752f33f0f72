/// A relay or bridge server descriptor (dir-spec §2.1.1): the signed statement a relay
/// publishes about its addresses, keys, bandwidth, exit policy and capabilities.
///
/// Parses everything from 2005-era descriptors (`opt` prefixes, no `fingerprint`,
/// `eventdns`, `read-history`) to current ones (Ed25519 identity, `proto`, `family-cert`),
/// plus CollecTor's sanitized bridge descriptors (`router-digest`, 10.x addresses).
/// In `.lenient` mode (the default) unknown lines go to ``unrecognizedLines`` and malformed
/// values to ``warnings``; only a missing or unusable `router` line throws.
///
/// ```swift
/// let file = Array(try Data(contentsOf: url))
/// for case .success(let descriptor) in ServerDescriptor.parseAll(file[...]) {
///     print(descriptor.nickname, descriptor.fingerprint?.hex ?? "-", descriptor.digest?.hex ?? "-")
/// }
/// ```
public struct ServerDescriptor: ParsableDocument, StemJSONRepresentable, Sendable {
    public static let startKeywords = ["router"]

    // MARK: Document

    /// The bytes this descriptor was parsed from, annotations included.
    public let rawBytes: ArraySlice<UInt8>
    /// `@type`, `@downloaded-at`, `@source`... lines before `router`.
    public internal(set) var annotations: [Annotation] = []
    /// Line number of the first byte of ``rawBytes`` in its file.
    public let firstLine: Int
    /// Whether this is a bridge descriptor (`@type bridge-server-descriptor`, a `router-digest`
    /// line, or the `isBridge` parse option).
    public internal(set) var isBridge: Bool
    /// Keywords this parser does not know, in order, with their objects.
    public internal(set) var unrecognizedLines: [UnrecognizedItem] = []
    /// Malformed values skipped in lenient mode (strict mode throws the first one instead).
    public internal(set) var warnings: [DescriptorParseError] = []

    /// `.bridgeServerDescriptor` or `.serverDescriptor`.
    public var documentKind: DocumentKind { isBridge ? .bridgeServerDescriptor : .serverDescriptor }

    // MARK: router, bandwidth, platform, published

    public internal(set) var nickname: String = ""
    /// The `router` line address (an IPv4 address by the spec; 10.x in sanitized bridges).
    public internal(set) var address: IPAddress = .v4(0)
    public internal(set) var orPort: UInt16 = 0
    /// The `router` line's SOCKSPort; nil for its 0 (deprecated: always 0 since tor 0.2.x).
    public internal(set) var socksPort: UInt16?
    /// The `router` line's DirPort; nil for its 0, a relay without one.
    public internal(set) var dirPort: UInt16?

    /// Bytes per second the relay is willing to sustain.
    public internal(set) var averageBandwidth: Int?
    public internal(set) var burstBandwidth: Int?
    /// The relay's own capacity estimate.
    public internal(set) var observedBandwidth: Int?

    public internal(set) var published: TorTimestamp?
    public internal(set) var fingerprint: Fingerprint?
    public internal(set) var isHibernating = false
    /// Seconds the relay has been running; negative in some pre-0.1.2.7 archives.
    public internal(set) var uptime: Int?

    // MARK: Keys, certificates, signatures

    /// `identity-ed25519`: the signing key certified by the master identity key (type 4).
    public internal(set) var identityCertificate: Ed25519Certificate?
    /// The type-10 certificate of `ntor-onion-key-crosscert`.
    public internal(set) var ntorOnionKeyCrosscert: Ed25519Certificate?
    /// The sign bit (0 or 1) of `ntor-onion-key-crosscert`.
    public internal(set) var ntorOnionKeyCrosscertSign: Int?
    /// `family-cert` certificates (type 12), in order.
    public internal(set) var familyCertificates: [Ed25519Certificate] = []

    // MARK: Policies, family, addresses, capabilities

    public internal(set) var orAddresses: [ORAddress] = []
    /// The `proto` line; `nil` when absent. Built on access: parsing only checks its syntax,
    /// since building the entries costs a dozen allocations per descriptor.
    public var protocols: ProtocolVersions? { protocolsRange.flatMap { ProtocolVersions.parse(rawBytes, $0) } }
    /// Link versions of the obsolete `protocols Link ... Circuit ...` line.
    public internal(set) var linkProtocols: [String]?
    /// Circuit versions of the obsolete `protocols` line.
    public internal(set) var circuitProtocols: [String]?
    public internal(set) var cachesExtraInfo = false
    public internal(set) var isHiddenServiceDir = false
    /// Versions listed on an old-style `hidden-service-dir 2` line (empty for the bare keyword).
    public internal(set) var hiddenServiceDirVersions: [Int] = []
    public internal(set) var allowsTunnelledDirRequests = false
    public internal(set) var allowsSingleHopExits = false
    /// The obsolete `eventdns` flag (`nil` when absent).
    public internal(set) var eventDNS: Bool?
    public internal(set) var readHistory: BandwidthHistory?
    public internal(set) var writeHistory: BandwidthHistory?
    /// `overload-general`: the relay was overloaded at some point since this time.
    public internal(set) var overloadGeneral: OverloadGeneral?
    /// `bridge-distribution-request` method (`any`, `https`, `email`, `moat`, `none`...).
    public internal(set) var bridgeDistributionRequest: String?

    // MARK: Byte ranges, decoded on demand

    var routerStart: Int = 0
    var platformRange: Range<Int>?
    var protocolsRange: Range<Int>?
    var contactRange: Range<Int>?
    var familyRange: Range<Int>?
    var ntorOnionKeyRange: Range<Int>?
    var masterKeyRange: Range<Int>?
    var ed25519SignatureRange: Range<Int>?
    var ipv6PolicyRange: Range<Int>?
    /// Keyword and argument ranges of each `accept`/`reject`/`accept6`/`reject6` line.
    var exitPolicyRanges: [(keyword: Range<Int>, arguments: Range<Int>)] = []
    var extraInfoDigestRange: Range<Int>?
    var extraInfoDigestSHA256Range: Range<Int>?
    var routerDigestRange: Range<Int>?
    var routerDigestSHA256Range: Range<Int>?
    /// End of `router-signature\n`: the RSA-signed part is `routerStart..<signedEnd`.
    var signedEnd: Int?
    /// End of `router-sig-ed25519 ` (keyword plus one space).
    var ed25519SignedEnd: Int?
    var objects = Objects()

    struct Objects: Sendable {
        var onionKey: DocumentObject?
        var signingKey: DocumentObject?
        var identity: DocumentObject?
        var onionKeyCrosscert: DocumentObject?
        var ntorOnionKeyCrosscert: DocumentObject?
        var signature: DocumentObject?
    }

    init(rawBytes: ArraySlice<UInt8>, firstLine: Int, isBridge: Bool) {
        self.rawBytes = rawBytes
        self.firstLine = firstLine
        self.isBridge = isBridge
    }
}

/// An `overload-general` line: format version and the hour at which overload was last seen.
///
/// ```swift
/// if let overload = descriptor.overloadGeneral { print(overload.version, overload.timestamp) }
/// ```
public struct OverloadGeneral: Sendable, Hashable {
    public let version: Int
    public let timestamp: TorTimestamp
}

// MARK: - Values read from the raw bytes on access

extension ServerDescriptor {
    /// The `platform` line's bytes (may be non-UTF-8), e.g. `Tor 0.4.8.9 on Linux`.
    public var platform: [UInt8]? { platformRange.map { Array(rawBytes[$0]) } }
    /// ``platform`` decoded as UTF-8, invalid bytes replaced.
    public var platformString: String? { platformRange.map { ByteText.string(rawBytes, $0) } }
    /// The `contact` line's bytes (may be non-UTF-8, may hold CRs).
    public var contact: [UInt8]? { contactRange.map { Array(rawBytes[$0]) } }
    /// ``contact`` decoded as UTF-8, invalid bytes replaced.
    public var contactString: String? { contactRange.map { ByteText.string(rawBytes, $0) } }

    /// The tor version from `platform` (`Tor 0.2.2.35 (git-...) on Linux` gives `0.2.2.35`),
    /// when it looks like a tor version (`N.N.N[.N][-tag]`).
    public var torVersion: String? {
        guard let parts = PlatformText.split(rawBytes, platformRange) else { return nil }
        return PlatformText.isTorVersion(rawBytes, parts.version) ? ByteText.string(rawBytes, parts.version) : nil
    }

    /// The operating system from `platform`: the text after its last ` on `.
    public var operatingSystem: String? {
        PlatformText.split(rawBytes, platformRange).map { ByteText.string(rawBytes, $0.system) }
    }

    /// `family` entries as written: `$`-prefixed fingerprints (optionally `=nick`/`~nick`) or nicknames.
    public var family: [String] {
        guard let range = familyRange else { return [] }
        var cursor = ArgumentCursor(bytes: rawBytes, range: range)
        return cursor.all().map { ByteText.string(rawBytes, $0) }
    }

    /// The exit policy lines in order, as `accept *:80` / `reject 10.0.0.0/8:*` (also `accept6`/`reject6`).
    public var exitPolicyLines: [String] {
        exitPolicyRanges.map { ByteText.string(rawBytes, $0.keyword) + " " + ByteText.string(rawBytes, $0.arguments) }
    }

    /// The `ipv6-policy` summary text, e.g. `accept 80,443`.
    public var ipv6Policy: String? { ipv6PolicyRange.map { ByteText.string(rawBytes, $0) } }

    /// The exit policy from the `accept`/`reject`/`accept6`/`reject6` lines, parsed on each
    /// access (keep the value when asking many questions): `relay.exitPolicy?.canExit(to: address, port: 443)`.
    /// `nil` only when a rule is malformed (which strict parsing rejects).
    public var exitPolicy: ExitPolicy? {
        try? ExitPolicy(parsing: rawBytes, lines: exitPolicyRanges.map { $0.keyword.lowerBound..<$0.arguments.upperBound })
    }

    /// The `ipv6-policy` line as a typed policy; `reject 1-65535` when absent (Stem's default),
    /// `nil` when malformed.
    public var exitPolicyV6: MicroExitPolicy? {
        guard let range = ipv6PolicyRange else { return .rejectAll }
        return try? MicroExitPolicy(parsing: rawBytes, range: range)
    }

    /// `extra-info-digest`'s SHA-1: the ``ExtraInfoDescriptor/digest`` of this relay's extra-info
    /// document (`.hex` is the upper-case form Stem reports).
    public var extraInfoDigest: SHA1DigestValue? { extraInfoDigestRange.flatMap { SHA1DigestValue(hex: rawBytes[$0]) } }
    /// `extra-info-digest`'s optional SHA-256 (the extra-info's ``ExtraInfoDescriptor/sha256Digest``).
    public var extraInfoDigestSHA256: SHA256DigestValue? {
        extraInfoDigestSHA256Range.flatMap { SHA256DigestValue(base64: rawBytes[$0]) }
    }
    /// A sanitized bridge's `router-digest`: SHA-1 of the original descriptor.
    public var routerDigest: SHA1DigestValue? { routerDigestRange.flatMap { SHA1DigestValue(hex: rawBytes[$0]) } }
    /// A sanitized bridge's `router-digest-sha256`: SHA-256 of the original descriptor.
    public var routerDigestSHA256: SHA256DigestValue? {
        routerDigestSHA256Range.flatMap { SHA256DigestValue(base64: rawBytes[$0]) }
    }

    /// The descriptor digest, the value an ns consensus `r` line names (``RouterStatusEntry/descriptorDigest``):
    /// the `router-digest` of a sanitized bridge, else SHA-1 from `router` through the newline
    /// after `router-signature`, computed on each access; `nil` without either.
    ///
    /// ```swift
    /// if descriptor.digest == entry.descriptorDigest { print("the consensus lists this descriptor") }
    /// ```
    public var digest: SHA1DigestValue? {
        if let routerDigest { return routerDigest }
        return signedContent.map { Digest.sha1Value($0) }
    }

    /// The bytes the RSA `router-signature` covers; `nil` when the signature line comes before
    /// the `router` line (only lenient mode gets that far).
    public var signedContent: ArraySlice<UInt8>? {
        signedEnd.flatMap { $0 >= routerStart ? rawBytes[routerStart..<$0] : nil }
    }
    /// The bytes `router-sig-ed25519` covers (after the prefix `Tor router descriptor signature v1`).
    public var ed25519SignedContent: ArraySlice<UInt8>? {
        ed25519SignedEnd.flatMap { $0 >= routerStart ? rawBytes[routerStart..<$0] : nil }
    }

    // RSA keys and signatures are decoded on access: decoding them is most of the parse time,
    // and strict mode has already checked that they decode.

    /// DER bytes (PKCS#1 RSAPublicKey) of the `onion-key` (TAP); absent since TAP removal.
    public var onionKey: [UInt8]? { objects.onionKey?.decodedBytes(in: rawBytes) }
    /// DER bytes of the RSA identity key (`signing-key`).
    public var signingKey: [UInt8]? { objects.signingKey?.decodedBytes(in: rawBytes) }
    /// The RSA signature bytes of `onion-key-crosscert`.
    public var onionKeyCrosscert: [UInt8]? { objects.onionKeyCrosscert?.decodedBytes(in: rawBytes) }
    /// The RSA signature bytes of `router-signature`.
    public var signature: [UInt8]? { objects.signature?.decodedBytes(in: rawBytes) }
    /// The 32-byte curve25519 key of `ntor-onion-key`.
    public var ntorOnionKey: [UInt8]? { ntorOnionKeyRange.flatMap { Base64.decode(rawBytes[$0]) } }
    /// The 32 bytes of `master-key-ed25519` (in sanitized bridges: a SHA-256 of the original).
    public var masterKeyEd25519: [UInt8]? { masterKeyRange.flatMap { Base64.decode(rawBytes[$0]) } }
    /// The 64-byte `router-sig-ed25519` signature.
    public var ed25519Signature: [UInt8]? { ed25519SignatureRange.flatMap { Base64.decode(rawBytes[$0]) } }

    /// The keys and certificates as PEM text (BEGIN/END lines included, no final newline), as Stem shows them.
    public var onionKeyPEM: String? { pem(objects.onionKey) }
    public var signingKeyPEM: String? { pem(objects.signingKey) }
    public var identityCertificatePEM: String? { pem(objects.identity) }
    public var onionKeyCrosscertPEM: String? { pem(objects.onionKeyCrosscert) }
    public var ntorOnionKeyCrosscertPEM: String? { pem(objects.ntorOnionKeyCrosscert) }
    public var signaturePEM: String? { pem(objects.signature) }

    private func pem(_ object: DocumentObject?) -> String? {
        guard let object else { return nil }
        var end = object.range.upperBound
        while end > object.range.lowerBound, rawBytes[end - 1] == ByteText.newline || rawBytes[end - 1] == ByteText.carriageReturn { end -= 1 }
        return String(decoding: rawBytes[object.range.lowerBound..<end], as: UTF8.self)
    }
}

/// Splits a `platform` line the way Stem does: `[node-]Tor VERSION ... on SYSTEM`.
enum PlatformText {
    static func split(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>?) -> (version: Range<Int>, system: Range<Int>)? {
        guard let range else { return nil }
        var start = range.lowerBound
        if ByteText.hasPrefix(bytes, start..<range.upperBound, "node-") { start += 5 }
        guard ByteText.hasPrefix(bytes, start..<range.upperBound, "Tor ") else { return nil }
        start += 4
        var versionEnd = start
        while versionEnd < range.upperBound, !ByteText.isSpace(bytes[versionEnd]) { versionEnd += 1 }
        // The system follows the last " on " that starts at or after the version's end.
        var probe = range.upperBound - 4
        while probe >= versionEnd {
            if ByteText.equals(bytes, probe..<(probe + 4), " on ") {
                return (start..<versionEnd, (probe + 4)..<range.upperBound)
            }
            probe -= 1
        }
        return nil
    }

    /// `N.N.N[.N][-anything]`, the version syntax Stem accepts.
    static func isTorVersion(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        var groups = 0
        while index < range.upperBound {
            var digits = 0
            while index < range.upperBound, ByteText.isDigit(bytes[index]) { index += 1; digits += 1 }
            guard digits > 0 else { return false }
            groups += 1
            guard index < range.upperBound else { break }
            if bytes[index] == UInt8(ascii: "."), groups < 4 { index += 1; continue }
            if bytes[index] == UInt8(ascii: "-"), groups >= 3 { return true }
            return false
        }
        return groups >= 3
    }

    /// Compares dotted versions numerically (status tags ignored): negative, zero or positive.
    static func compare(_ version: String, _ other: [Int]) -> Int {
        let numbers = version.prefix { $0 != "-" && $0 != " " }.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(numbers.count, other.count) {
            let a = index < numbers.count ? numbers[index] : 0
            let b = index < other.count ? other[index] : 0
            if a != b { return a < b ? -1 : 1 }
        }
        return 0
    }
}

extension ServerDescriptor {
    public static var documentKind: DocumentKind { .serverDescriptor }
}
