/// The `DocumentKind` consensuses report in errors (both flavors share it). Votes are read by
/// the same code, which is given ``DocumentKind/networkStatusVote`` from the start.
enum ConsensusKind {
    static let document: DocumentKind = .networkStatusConsensus
}

/// The flavor named on a consensus's `network-status-version` line.
///
/// ```swift
/// if consensus.flavor == .microdesc { print("microdescriptor-flavored") }
/// ```
public enum ConsensusFlavor: Sendable, Hashable, CustomStringConvertible {
    /// The unflavored consensus (`network-status-version 3` or `... 3 ns`).
    case ns
    /// `network-status-version 3 microdesc`: no descriptor digests, an `m` line per entry.
    case microdesc
    /// A flavor this library does not know; entries are read as in the ns flavor.
    case other(String)

    public var description: String {
        switch self {
        case .ns: "ns"
        case .microdesc: "microdesc"
        case .other(let name): name
        }
    }
}

/// A 20-byte digest (SHA-1): every SHA-1 digest of the public API, such as the descriptor
/// digest on an ns consensus `r` line, ``ServerDescriptor/digest``, an authority's `vote-digest`
/// or ``ExtraInfoDescriptor/digest``. Equal values are equal digests, whatever text they were
/// read from; `hex` and `base64` give the text forms, `init?(hex:)` and `init?(base64:)` read them.
/// (Named `...Value` so that it does not clash with swift-crypto's `SHA256Digest` family.)
///
/// ```swift
/// print(entry.descriptorDigest?.hex ?? "-")   // upper-case hex, as Stem's `digest`
/// let wanted = SHA1DigestValue(hex: "244e0760bb0b1e5418a4a014822f804afe0cc3d6")   // either case
/// ```
public struct SHA1DigestValue: Sendable, Hashable, CustomStringConvertible {
    // Three words instead of an array: no allocation per entry.
    let a: UInt64, b: UInt64, c: UInt32

    /// From exactly 20 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 20 else { return nil }
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt32 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { a = a << 8 | UInt64(byte) } else if index < 16 { b = b << 8 | UInt64(byte) } else { c = c << 8 | UInt32(byte) }
        }
        (self.a, self.b, self.c) = (a, b, c)
    }

    init(a: UInt64, b: UInt64, c: UInt32) { (self.a, self.b, self.c) = (a, b, c) }

    /// The 20 bytes.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: a >> (56 - 8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: b >> (56 - 8 * UInt64($0))) }
            + (0..<4).map { UInt8(truncatingIfNeeded: c >> (24 - 8 * UInt32($0))) }
    }

    /// 40 upper-case hex digits.
    public var hex: String { Hex.encode(bytes) }
    /// Unpadded base64, as written on `r` lines.
    public var base64: String { String(Base64.encode(bytes, padded: false)) }
    public var description: String { hex }
}

/// A 32-byte digest (SHA-256): every SHA-256 digest of the public API, such as the
/// microdescriptor digest on an `m` line and ``Microdescriptor/digest``. `hex` and `base64` give
/// the text forms, `init?(hex:)` and `init?(base64:)` (padded or not) read them. (Named
/// `...Value` so that it does not clash with swift-crypto's `SHA256Digest`.)
///
/// ```swift
/// print(entry.microdescriptorDigest?.base64 ?? "-")   // as written on the m line
/// let wanted = SHA256DigestValue(base64: "UPBrN0HDguw7sN45oxlMa5p4NzQtFGoi69Lj4GGFJYc")
/// ```
public struct SHA256DigestValue: Sendable, Hashable, CustomStringConvertible {
    let a: UInt64, b: UInt64, c: UInt64, d: UInt64

    /// From exactly 32 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words = DigestWords()
        for byte in bytes { words.append(byte) }
        self.init(words)
    }

    init(a: UInt64, b: UInt64, c: UInt64, d: UInt64) { (self.a, self.b, self.c, self.d) = (a, b, c, d) }

    /// The 32 bytes.
    public var bytes: [UInt8] {
        [a, b, c, d].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * UInt64($0))) } }
    }

    /// 64 upper-case hex digits.
    public var hex: String { Hex.encode(bytes) }
    /// Unpadded base64 (43 characters), as tor writes microdescriptor digests.
    public var base64: String { String(Base64.encode(bytes, padded: false)) }
    public var description: String { base64 }
}

/// A `name=value` pair with a 32-bit signed value, from `params` and `bandwidth-weights`.
///
/// ```swift
/// for parameter in consensus.params.entries { print(parameter.name, parameter.value) }
/// ```
public struct NamedInt32: Sendable, Hashable {
    public let name: String
    public let value: Int32
    public init(name: String, value: Int32) { self.name = name; self.value = value }
}

/// An ordered list of `name=Int32` pairs (`params`, `bandwidth-weights`) with lookup by name.
///
/// ```swift
/// let circwindow = consensus.params["circwindow"] ?? 1000
/// ```
public struct Int32Parameters: Sendable, Hashable {
    /// The pairs in document order.
    public let entries: [NamedInt32]

    public init(_ entries: [NamedInt32]) { self.entries = entries }

    /// The value of the first pair with this name.
    public subscript(name: String) -> Int32? { entries.first { $0.name == name }?.value }

    /// The pairs as a dictionary (a repeated name keeps its last value, as Stem does).
    public var dictionary: [String: Int32] {
        Dictionary(entries.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public var isEmpty: Bool { entries.isEmpty }
}

/// A `key=value` text pair (`bandwidth-file-headers`, `bandwidth-file-digest`, package digests).
///
/// ```swift
/// for header in consensus.bandwidthFileHeaders { print(header.key, header.value) }
/// ```
public struct KeyValueText: Sendable, Hashable {
    public let key: String
    public let value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

/// A `shared-rand-previous-value` / `shared-rand-current-value`: how many reveals made it and
/// the 32-byte value.
///
/// ```swift
/// if let current = consensus.sharedRandomCurrent { print(current.revealCount, current.base64) }
/// ```
public struct SharedRandomValue: Sendable, Hashable {
    /// NumReveals: how many commits were used to compute the value.
    public let revealCount: Int
    /// The value (32 bytes when well formed).
    public let value: [UInt8]
    /// The value as written in the document (base64 with padding).
    public let base64: String
}

/// A `package` line: a recommended package version, where to get it, and its digests.
///
/// ```swift
/// for package in consensus.packages { print(package.name, package.version, package.url) }
/// ```
public struct ConsensusPackage: Sendable, Hashable {
    public let name: String
    public let version: String
    public let url: String
    /// `DIGESTTYPE=DIGESTVAL` pairs in order.
    public let digests: [KeyValueText]
}

