/// A compact, binary-searchable summary of the consensuses and exit lists of one input file, so
/// that "was ADDRESS a relay or an exit around TIME?" over a month of documents does not parse
/// them again: per document its time (a consensus's `valid-after`, an exit list's first and
/// last `ExitAddress` time) and its addresses sorted for binary search, each with the detail the
/// evidence needs (fingerprint, nickname, flags, exit or not).
///
/// This type holds the values and writes the bytes; ``AddressLookupIndexReader`` reads them back
/// without loading the whole file (no I/O in either: the caller moves the bytes).
///
/// ```swift
/// let documents = [AddressLookupIndex.Document(consensus: consensus)].compactMap { $0 }
/// let index = AddressLookupIndex(source: .init(path: "/data/2024-05-01-00-00-00-consensus", size: 2_345_678, modified: 1_714_521_600_000_000_000),
///                                documents: documents)
/// let bytes = index.encoded()          // write these to the index directory
/// ```
///
/// Layout (integers little-endian; ``AddressLookupIndexReader`` checks every field):
///
/// | bytes | content |
/// | --- | --- |
/// | 0..<8 | magic `TDLKIDX1` |
/// | 8..<12 | document count |
/// | 12..<16 | source path length in bytes |
/// | 16..<24 | source size |
/// | 24..<32 | source modification time, nanoseconds since 1970 |
/// | 32..<40 | total index length |
/// | 40..<48 | FNV-1a 64 checksum of bytes 0..<40, the path and the document table |
/// | 48.. | source path, then one 32-byte document entry per document, then the records |
///
/// A document entry: kind (0 consensus, 1 exit list), 3 zero bytes, record count (UInt32),
/// first and last time (Int64 seconds), offset of its first record (UInt64). A record (72
/// bytes): family (4 or 6), origin (0 `r` line, 1 `a` line, 2 `ExitAddress`), port (UInt16),
/// the address (16 bytes, an IPv4 address in the first 4), the fingerprint (20), the flags
/// (UInt32, ``RelayFlags``), whether the policy allows exiting (0 no, 1 yes, 2 no `p` line),
/// the nickname's length and up to 19 bytes of it; an exit list's record has no nickname and
/// keeps its `published` and seen times (Int64, `Int64.min` for none) at bytes 48 and 56.
public struct AddressLookupIndex: Sendable, Hashable {
    /// Which file the index summarizes; an index whose key differs from the file's is stale.
    public struct SourceKey: Sendable, Hashable {
        public var path: String
        public var size: UInt64
        /// Modification time in nanoseconds since 1970.
        public var modified: Int64

        public init(path: String, size: UInt64, modified: Int64) {
            self.path = path
            self.size = size
            self.modified = modified
        }
    }

    /// One consensus or exit list of the file.
    public struct Document: Sendable, Hashable {
        /// What the document is, as the index stores it.
        ///
        /// ```swift
        /// if entry.kind == .exitList { print("exit list", entry.first, "...", entry.last) }
        /// ```
        public enum Kind: UInt8, Sendable, Hashable { case consensus = 0, exitList = 1 }
        public var kind: Kind
        /// A consensus's `valid-after` (both bounds), or an exit list's earliest and latest
        /// `ExitAddress` time.
        public var first: TorTimestamp
        public var last: TorTimestamp
        /// Sorted by address (`AddressLookupRecord.sortKey`).
        public var records: [AddressLookupRecord]

        public init(kind: Kind, first: TorTimestamp, last: TorTimestamp, records: [AddressLookupRecord]) {
            self.kind = kind
            self.first = first
            self.last = last
            self.records = records.sorted { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        }

        /// Every `r`-line and `a`-line address of a consensus; nil without `valid-after`.
        public init?(consensus: NetworkStatusConsensus) {
            guard let validAfter = consensus.header.validAfter else { return nil }
            var records: [AddressLookupRecord] = []
            records.reserveCapacity(consensus.entries.count * 5 / 4)
            for entry in consensus.entries {
                let policy = entry.exitPolicySummary.map { _ in entry.exitPolicy.isExitingAllowed }
                func record(_ address: ORAddress, _ origin: AddressLookupRecord.Origin) -> AddressLookupRecord {
                    AddressLookupRecord(address: address.address, port: UInt16(clamping: address.port), origin: origin,
                                        fingerprint: entry.fingerprint, nickname: entry.nickname, flags: entry.flags,
                                        policyAllowsExiting: policy)
                }
                records.append(record(ORAddress(address: entry.address, port: Int(entry.orPort)), .orAddress))
                for extra in entry.orAddresses { records.append(record(extra, .additionalAddress)) }
            }
            self.init(kind: .consensus, first: validAfter, last: validAfter, records: records)
        }

        /// Every `ExitAddress` of an exit list; nil when it has none.
        public init?(exitList: ExitList) {
            var records: [AddressLookupRecord] = []
            for entry in exitList.entries {
                for exit in entry.exitAddresses {
                    records.append(AddressLookupRecord(address: exit.address, port: 0, origin: .exitAddress, fingerprint: entry.fingerprint,
                                                       nickname: "", flags: [], policyAllowsExiting: nil,
                                                       published: entry.published, seen: exit.seen))
                }
            }
            guard let first = records.lazy.compactMap(\.seen).min(), let last = records.lazy.compactMap(\.seen).max() else { return nil }
            self.init(kind: .exitList, first: first, last: last, records: records)
        }

        /// Whether the document's time span overlaps `window`.
        public func overlaps(_ window: ClosedRange<TorTimestamp>) -> Bool { first <= window.upperBound && last >= window.lowerBound }
    }

    public var source: SourceKey
    public var documents: [Document]

    public init(source: SourceKey, documents: [Document]) {
        self.source = source
        self.documents = documents
    }

    static let magic = Array("TDLKIDX1".utf8)
    static let headerSize = 48
    static let documentEntrySize = 32
    static let recordSize = 72
    static let maxNicknameLength = 19

    /// The index's bytes, as ``AddressLookupIndexReader`` reads them.
    public func encoded() -> [UInt8] {
        let path = Array(source.path.utf8)
        let tableStart = Self.headerSize + path.count
        var recordsStart = tableStart + documents.count * Self.documentEntrySize
        let total = recordsStart + documents.reduce(0) { $0 + $1.records.count } * Self.recordSize
        var out: [UInt8] = []
        out.reserveCapacity(total)
        out += Self.magic
        LittleEndian.append(UInt32(documents.count), to: &out)
        LittleEndian.append(UInt32(path.count), to: &out)
        LittleEndian.append(source.size, to: &out)
        LittleEndian.append(UInt64(bitPattern: source.modified), to: &out)
        LittleEndian.append(UInt64(total), to: &out)
        out += [UInt8](repeating: 0, count: 8)   // checksum, filled in below
        out += path
        for document in documents {
            out += [document.kind.rawValue, 0, 0, 0]
            LittleEndian.append(UInt32(document.records.count), to: &out)
            LittleEndian.append(UInt64(bitPattern: document.first.secondsSince1970), to: &out)
            LittleEndian.append(UInt64(bitPattern: document.last.secondsSince1970), to: &out)
            LittleEndian.append(UInt64(recordsStart), to: &out)
            recordsStart += document.records.count * Self.recordSize
        }
        let checksum = Self.checksum(out[0..<40], out[Self.headerSize..<out.count])
        out.replaceSubrange(40..<48, with: LittleEndian.bytes(checksum))
        for document in documents {
            for record in document.records { record.encode(into: &out) }
        }
        return out
    }

    /// FNV-1a 64 over the given bytes in order: the index's checksum (header fields, path and
    /// document table), and `tordesc`'s name for an index file (the file's absolute path).
    package static func checksum(_ parts: ArraySlice<UInt8>...) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return hash
    }
}

/// One address of one document in an ``AddressLookupIndex``: a relay's OR address (`r` or `a`
/// line) in a consensus, or an address a relay was seen exiting from in an exit list.
///
/// ```swift
/// if record.origin == .exitAddress { print(record.fingerprint.hex, "exited from", record.address, "at", record.seen!) }
/// ```
public struct AddressLookupRecord: Sendable, Hashable {
    /// Where in the document the address stood.
    ///
    /// ```swift
    /// let viaALine = record.origin == .additionalAddress   // an `a` line, often IPv6
    /// ```
    public enum Origin: UInt8, Sendable, Hashable {
        /// The consensus `r` line's address.
        case orAddress = 0
        /// A consensus `a` line.
        case additionalAddress = 1
        /// An exit list's `ExitAddress`.
        case exitAddress = 2
    }

    public var address: IPAddress
    public var port: UInt16
    public var origin: Origin
    public var fingerprint: Fingerprint
    /// Empty for an exit list's record.
    public var nickname: String
    public var flags: RelayFlags
    /// Whether the `p` line allows exiting to some port; nil without one (and in exit lists).
    public var policyAllowsExiting: Bool?
    /// An exit list entry's `Published` time.
    public var published: TorTimestamp?
    /// An exit list's `ExitAddress` time.
    public var seen: TorTimestamp?

    public init(address: IPAddress, port: UInt16, origin: Origin, fingerprint: Fingerprint, nickname: String, flags: RelayFlags,
                policyAllowsExiting: Bool?, published: TorTimestamp? = nil, seen: TorTimestamp? = nil) {
        self.address = address
        self.port = port
        self.origin = origin
        self.fingerprint = fingerprint
        // tor's nicknames are 1 to 19 characters of [A-Za-z0-9]; the record keeps 19 bytes of
        // printable ASCII, so anything else is cut or becomes `?`.
        self.nickname = String(decoding: nickname.utf8.prefix(AddressLookupIndex.maxNicknameLength).map { (0x21...0x7E).contains($0) ? $0 : UInt8(ascii: "?") },
                               as: UTF8.self)
        self.flags = flags
        self.policyAllowsExiting = policyAllowsExiting
        self.published = published
        self.seen = seen
    }

    /// An exit a client would use: the `Exit` flag or a policy that allows some port, and not
    /// `BadExit` (for consensus records; an exit-list record is an observed exit).
    public var isExit: Bool {
        origin == .exitAddress || (!flags.contains(.badExit) && (flags.contains(.exit) || policyAllowsExiting == true))
    }

    /// Family byte, then the address's 16 bytes: the order records are sorted and searched in.
    static func sortKey(of address: IPAddress) -> [UInt8] {
        let bytes = address.bytes
        return [address.isIPv6 ? 6 : 4] + bytes + [UInt8](repeating: 0, count: 16 - bytes.count)
    }

    var sortKey: [UInt8] { Self.sortKey(of: address) }

    func encode(into out: inout [UInt8]) {
        let start = out.count
        out.append(address.isIPv6 ? 6 : 4)
        out.append(origin.rawValue)
        LittleEndian.append(port, to: &out)
        out += Self.sortKey(of: address).dropFirst()
        out += fingerprint.bytes
        LittleEndian.append(flags.rawValue, to: &out)
        out.append(policyAllowsExiting.map { $0 ? 1 : 0 } ?? 2)
        if origin == .exitAddress {
            out += [0, 0, 0]
            LittleEndian.append(UInt64(bitPattern: published?.secondsSince1970 ?? .min), to: &out)
            LittleEndian.append(UInt64(bitPattern: seen?.secondsSince1970 ?? .min), to: &out)
        } else {
            let name = Array(nickname.utf8)
            out.append(UInt8(name.count))
            out += name
        }
        out += [UInt8](repeating: 0, count: start + AddressLookupIndex.recordSize - out.count)
    }
}

/// Little-endian integers in and out of byte arrays.
enum LittleEndian {
    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        out += bytes(value)
    }

    static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: ArraySlice<UInt8>, at offset: Int) -> T {
        var value: T = 0
        let start = bytes.startIndex + offset
        for index in 0..<MemoryLayout<T>.size { value |= T(truncatingIfNeeded: bytes[start + index]) << (index * 8) }
        return value
    }
}
