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

/// A network-status consensus, ns or microdesc flavor (`network-status-version 3 [flavor]`,
/// dir-spec §3.4.1 and §3.9): header, authority section, router status entries and footer.
///
/// Header fields are reachable directly on the consensus (`consensus.validAfter`) through
/// ``header``. For bounded memory, ``ConsensusReader`` yields the header first and then the
/// entries one at a time.
///
/// ```swift
/// let consensus = try NetworkStatusConsensus(parsing: Array(try Data(contentsOf: url)))
/// print(consensus.flavor, consensus.validAfter!, consensus.entries.count)
/// if let relay = consensus.entry(for: Fingerprint(hex: "9695DFC35FFEB861329B9F1AB04C46397020CE31")!) {
///     print(relay.nickname, relay.flags.names)
/// }
/// print(consensus.isValid(at: Date()))
/// ```
@dynamicMemberLookup
public struct NetworkStatusConsensus: ParsableDocument, Sendable {
    public static let startKeywords = ["network-status-version"]
    /// ``startKeywords`` as bytes, for the start-line test the entry scanner and ``parseAll(_:mode:)`` make.
    static let startKeywordBytes = startKeywords.map { Array($0.utf8) }

    /// The bytes the consensus was parsed from (annotations included).
    public let rawBytes: ArraySlice<UInt8>
    /// `@type` and tor cache annotations before the first line.
    public let annotations: [Annotation]
    /// Line number of the first line of ``rawBytes``.
    public let firstLine: Int
    /// Preamble and authority section.
    public let header: ConsensusHeader
    /// Router status entries in document order (ascending identity in a well-formed consensus).
    public let entries: [RouterStatusEntry]
    /// Bandwidth weights and signatures.
    public let footer: ConsensusFooter
    /// Problems that lenient parsing stepped over: malformed known items (left nil/empty) and
    /// entries whose `r` line was unusable (left out of ``entries``), plus every entry's own warnings.
    public let warnings: [DescriptorParseError]
    /// The signed part: from `network-status-version` through the space after the first
    /// `directory-signature` keyword; `nil` when there is no signature.
    public let signedRange: Range<Int>?
    /// From `network-status-version` to the end (annotations excluded).
    public let contentRange: Range<Int>
    let entriesAreSorted: Bool

    public subscript<Value>(dynamicMember keyPath: KeyPath<ConsensusHeader, Value>) -> Value { header[keyPath: keyPath] }

    public init(parsing slice: DocumentSlice, mode: ValidationMode) throws(DescriptorParseError) {
        self = try Self.parse(slice, mode: mode, watchingForStarts: false).consensus
    }

    /// The consensus of `slice`; with `watchingForStarts`, also whether the slice holds a second
    /// line that opens a document (as ``DocumentSplitter`` counts them): the entry scanner watches
    /// the entries' lines, and the header's and footer's are counted (see ``parseAll(_:mode:)``).
    static func parse(_ slice: DocumentSlice, mode: ValidationMode,
                      watchingForStarts: Bool) throws(DescriptorParseError) -> (consensus: NetworkStatusConsensus, holdsAnotherStart: Bool) {
        var reader = try ConsensusReader(slice, mode: mode)
        if watchingForStarts { reader.watchForDocumentStarts() }
        var entries: [RouterStatusEntry] = []
        // Entries average ~330 bytes in ns consensuses and ~300 in microdesc ones.
        entries.reserveCapacity(slice.bytes.count / 300 + 1)
        try reader.readAllEntries(into: &entries)
        let entriesEnd = reader.entriesPosition
        let footer = try reader.footer()
        let consensus = NetworkStatusConsensus(slice: slice, reader: reader, entries: entries, skipped: reader.skippedEntries, footer: footer)
        guard watchingForStarts else { return (consensus, false) }
        if reader.sawDocumentStart { return (consensus, true) }
        let keywords = startKeywordBytes
        let starts = ByteCursor.with(slice.bytes) { cursor in
            // The header (whose first line counts one) and the footer: the lines the scanner did not read.
            DocumentSplitter.Iterator.startLineCount(cursor, from: cursor.start, to: reader.entriesStart, keywords: keywords, atMost: 1)
                + DocumentSplitter.Iterator.startLineCount(cursor, from: entriesEnd, keywords: keywords, atMost: 1)
        }
        return (consensus, starts > 1)
    }

    /// The consensus from its parts: the serial parse and the parallel one (which reads the
    /// entries and the footer in chunks) both end here.
    init(slice: DocumentSlice, reader: ConsensusReader, entries: [RouterStatusEntry], skipped: [DescriptorParseError],
         footer: (footer: ConsensusFooter, signedRange: Range<Int>?, warnings: [DescriptorParseError])) {
        var sorted = true
        var entryWarnings: [DescriptorParseError] = []
        for index in entries.indices {
            if sorted, index > 0, !(entries[index - 1].fingerprint < entries[index].fingerprint) { sorted = false }
            if !entries[index].warnings.isEmpty { entryWarnings += entries[index].warnings }
        }
        self.rawBytes = slice.bytes
        self.annotations = reader.annotations
        self.firstLine = slice.firstLine
        self.header = reader.header
        self.entries = entries
        self.entriesAreSorted = sorted
        self.footer = footer.footer
        self.signedRange = footer.signedRange
        self.contentRange = reader.contentStart..<slice.bytes.endIndex
        var warnings = reader.headerWarnings + skipped
        if !entryWarnings.isEmpty { warnings += entryWarnings; warnings.sort { $0.line < $1.line } }
        self.warnings = warnings + footer.warnings
    }

    /// The entry for a relay identity: binary search when entries are in ascending order (as
    /// tor writes them), a scan otherwise.
    public func entry(for fingerprint: Fingerprint) -> RouterStatusEntry? {
        guard entriesAreSorted else { return entries.first { $0.fingerprint == fingerprint } }
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].fingerprint < fingerprint { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].fingerprint == fingerprint ? entries[low] : nil
    }

    /// Whether `date` lies in [valid-after, valid-until]: the consensus may be used.
    public func isValid(at date: Date = Date()) -> Bool { header.isValid(at: TorTimestamp(date)) }

    /// Whether `date` lies in [valid-after, fresh-until): no newer consensus exists yet.
    public func isFresh(at date: Date = Date()) -> Bool { header.isFresh(at: TorTimestamp(date)) }

    // MARK: - Digests

    /// SHA-1 of the signed part: what `sha1` directory signatures sign.
    /// Detached signatures' `consensus-digest` names it.
    public var signedDigestSHA1: SHA1DigestValue? { signedRange.map { Digest.sha1Value(rawBytes[$0]) } }
    /// SHA-256 of the signed part: what `sha256` directory signatures sign.
    public var signedDigestSHA256: SHA256DigestValue? { signedRange.map { Digest.sha256Value(rawBytes[$0]) } }
    /// The bytes of the digest a signature with `algorithm` signs (`nil` for unknown algorithms):
    /// bytes rather than a typed value because the length depends on `algorithm`.
    public func signedDigest(for algorithm: DirectorySignature.Algorithm) -> [UInt8]? {
        switch algorithm {
        case .sha1: signedDigestSHA1?.bytes
        case .sha256: signedDigestSHA256?.bytes
        case .other: nil
        }
    }

    /// SHA3-256 of the signed part: how tor names a consensus as a diff base ("digest as signed";
    /// the `hash` line's first value). `nil` where the Crypto module lacks SHA3 (Apple platforms).
    public var sha3DigestAsSigned: [UInt8]? { signedRange.flatMap { ConsensusSHA3.digest(rawBytes[$0]) } }
    /// SHA3-256 of the whole document without annotations: a diff's target hash (the `hash`
    /// line's second value). `nil` where the Crypto module lacks SHA3 (Apple platforms).
    public var sha3Digest: [UInt8]? { ConsensusSHA3.digest(rawBytes[contentRange]) }
}

extension ConsensusHeader {
    /// Whether `time` lies in [valid-after, valid-until].
    public func isValid(at time: TorTimestamp) -> Bool {
        guard let validAfter, let validUntil else { return false }
        return validAfter <= time && time <= validUntil
    }

    /// Whether `time` lies in [valid-after, fresh-until).
    public func isFresh(at time: TorTimestamp) -> Bool {
        guard let validAfter, let freshUntil else { return false }
        return validAfter <= time && time < freshUntil
    }
}

extension NetworkStatusConsensus: StemJSONRepresentable {
    /// The header as one object with Stem's `NetworkStatusDocumentV3` attribute names; entries
    /// print their own objects (``RouterStatusEntry/stemJSON``).
    public var stemJSON: JSONValue { header.stemJSON(signatures: footer.signatures, bandwidthWeights: footer.bandwidthWeights) }
}
