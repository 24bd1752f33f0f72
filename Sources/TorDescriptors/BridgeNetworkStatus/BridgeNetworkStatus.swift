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

/// A sanitized bridge network status as CollecTor publishes it (`@type bridge-network-status`
/// 1.0, 1.1 and 1.2): a `published` line, in newer forms `flag-thresholds` (1.1) and the bridge
/// authority's `fingerprint` (1.2), then router status entries (`r`, `a`, `s`, `w`, `p`) without
/// a footer or signatures.
///
/// Entries are read by the same scanner as consensus entries (ns flavor: `r` lines carry the
/// descriptor digest), so `w` and `p` lines are typed rather than dropped.
///
/// ```swift
/// let status = try BridgeNetworkStatus(parsing: Array(try Data(contentsOf: url)))
/// print(status.published, status.authorityFingerprint?.hex ?? "-", status.entries.count)
/// for bridge in status.entries where bridge.flags.contains(.running) { print(bridge.fingerprint, bridge.bandwidth ?? 0) }
/// ```
public struct BridgeNetworkStatus: ParsableDocument, Sendable {
    public static let startKeywords = ["published"]

    /// The bytes the status was parsed from (annotations included).
    public let rawBytes: ArraySlice<UInt8>
    /// `@type` annotations before the first line.
    public let annotations: [Annotation]
    /// Line number of the first line of ``rawBytes``.
    public let firstLine: Int
    /// When the bridge authority wrote the status (the `published` line).
    public let published: TorTimestamp
    /// `flag-thresholds` items in order, as written (`guard-wfu=98.000%`); empty in 1.0 statuses.
    public let flagThresholds: [KeyValueText]
    /// The `fingerprint` line: the bridge authority that wrote the status (1.2 statuses).
    public let authorityFingerprint: Fingerprint?
    /// Router status entries in document order.
    public let entries: [RouterStatusEntry]
    /// Header lines with keywords this library does not know, in order, with their objects.
    public let unrecognizedLines: [UnrecognizedItem]
    /// Problems that lenient parsing stepped over: malformed known header values (left nil or
    /// empty), entries whose `r` line was unusable (left out of ``entries``), and every entry's
    /// own warnings.
    public let warnings: [DescriptorParseError]
    /// From `published` to the end (annotations excluded).
    public let contentRange: Range<Int>

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        let parsed = try BridgeNetworkStatusParser(slice: slice, mode: mode).parse()
        self.rawBytes = slice.bytes
        self.firstLine = slice.firstLine
        self.annotations = parsed.annotations
        self.published = parsed.published
        self.flagThresholds = parsed.flagThresholds
        self.authorityFingerprint = parsed.fingerprint
        self.entries = parsed.entries
        self.unrecognizedLines = parsed.unrecognized
        self.warnings = parsed.warnings
        self.contentRange = parsed.contentStart..<slice.bytes.endIndex
    }

    /// The value of one `flag-thresholds` item, e.g. `flagThreshold("stable-uptime")` → `"1293451"`.
    public func flagThreshold(_ key: String) -> String? {
        flagThresholds.first { $0.key == key }?.value
    }

    /// A `flag-thresholds` item as a number: percentages (`guard-wfu=98.000%`) lose their `%`.
    public func numericFlagThreshold(_ key: String) -> Double? {
        guard var text = flagThreshold(key) else { return nil }
        if text.hasSuffix("%") { text.removeLast() }
        return Double(text)
    }

    /// The first entry for a (sanitized, i.e. hashed) bridge identity.
    public func entry(for fingerprint: Fingerprint) -> RouterStatusEntry? {
        entries.first { $0.fingerprint == fingerprint }
    }
}

extension BridgeNetworkStatus: StemJSONRepresentable {
    /// Stem's `BridgeNetworkStatusDocument` has only `published`; the 1.1/1.2 header lines,
    /// which Stem rejects, are added under `flag_thresholds` (numbers, as a vote's) and `fingerprint`. Entries print
    /// their own objects (``RouterStatusEntry/stemJSON``).
    public var stemJSON: JSONValue {
        .object([
            ("published", .string(published.description)),
            ("flag_thresholds", .object(flagThresholds.map { ($0.key, KeyValueText.flagThresholdJSON($0.value)) })),
            ("fingerprint", .optional(authorityFingerprint) { .string($0.hex) }),
        ])
    }
}

extension BridgeNetworkStatus {
    public static var documentKind: DocumentKind { .bridgeNetworkStatus }
}
