/// Reads an ``AddressLookupIndex`` without loading it: the header, path and document table
/// first (checked field by field and by their checksum), then only the records a binary
/// search touches, through a `read` closure that gives the bytes of a range (the caller's
/// `pread`, or an array in tests). No I/O here.
///
/// Nothing is trusted: a short read, a bad magic, a checksum mismatch, an offset past the end,
/// a record with an impossible field, or records out of order around the searched address
/// throw ``AddressLookupIndexError`` (the caller then rebuilds the index from its source).
///
/// ```swift
/// let prefixLength = try AddressLookupIndexReader.prefixLength(header: bytes[..<48])
/// let reader = try AddressLookupIndexReader(prefix: bytes[..<prefixLength], fileLength: bytes.count)
/// for document in reader.documents where document.overlaps(window) {
///     let hits = try reader.records(of: IPAddress("192.0.2.7")!, in: document) { range in Array(bytes[range]) }
/// }
/// ```
public struct AddressLookupIndexReader: Sendable {
    /// One document's entry in the table: its time span and where its records are.
    public struct DocumentEntry: Sendable, Hashable {
        public let kind: AddressLookupIndex.Document.Kind
        public let first: TorTimestamp
        public let last: TorTimestamp
        public let recordCount: Int
        public let recordsOffset: Int

        /// Whether the document's time span overlaps `window`.
        public func overlaps(_ window: ClosedRange<TorTimestamp>) -> Bool { first <= window.upperBound && last >= window.lowerBound }
    }

    /// The bytes ``prefixLength(header:)`` reads.
    public static let headerLength = AddressLookupIndex.headerSize
    public let source: AddressLookupIndex.SourceKey
    public let documents: [DocumentEntry]

    /// From the first ``headerLength`` bytes: how many bytes the header, path and document
    /// table take, which ``init(prefix:fileLength:)`` wants.
    public static func prefixLength(header: ArraySlice<UInt8>) throws(AddressLookupIndexError) -> Int {
        guard header.count >= headerLength else { throw .truncated(needed: headerLength, available: header.count) }
        guard header.prefix(8).elementsEqual(AddressLookupIndex.magic) else { throw .badMagic }
        let documentCount = Int(LittleEndian.read(UInt32.self, header, at: 8))
        let pathLength = Int(LittleEndian.read(UInt32.self, header, at: 12))
        guard pathLength <= 1 << 16 else { throw .corrupt("source path of \(pathLength) bytes") }
        guard documentCount <= 1 << 24 else { throw .corrupt("\(documentCount) documents") }
        return headerLength + pathLength + documentCount * AddressLookupIndex.documentEntrySize
    }

    /// Parses and checks the header, path and document table; `fileLength` is the index file's
    /// real length, which must be the length the header records.
    public init(prefix: ArraySlice<UInt8>, fileLength: Int) throws(AddressLookupIndexError) {
        let needed = try Self.prefixLength(header: prefix.prefix(Self.headerLength))
        guard prefix.count >= needed else { throw .truncated(needed: needed, available: prefix.count) }
        let bytes = prefix.prefix(needed)
        let base = bytes.startIndex
        let documentCount = Int(LittleEndian.read(UInt32.self, bytes, at: 8))
        let pathLength = Int(LittleEndian.read(UInt32.self, bytes, at: 12))
        let recordedLength = LittleEndian.read(UInt64.self, bytes, at: 32)
        guard recordedLength == UInt64(fileLength) else {
            throw recordedLength > UInt64(fileLength) ? .truncated(needed: Int(clamping: recordedLength), available: fileLength)
                : .corrupt("index of \(fileLength) bytes records \(recordedLength)")
        }
        let checksum = AddressLookupIndex.checksum(bytes[base..<(base + 40)], bytes[(base + Self.headerLength)...])
        guard checksum == LittleEndian.read(UInt64.self, bytes, at: 40) else { throw .checksumMismatch }
        let pathBytes = bytes[(base + Self.headerLength)..<(base + Self.headerLength + pathLength)]
        guard let path = String(validating: pathBytes, as: UTF8.self) else { throw .corrupt("source path is not UTF-8") }
        source = AddressLookupIndex.SourceKey(path: path, size: LittleEndian.read(UInt64.self, bytes, at: 16),
                                              modified: Int64(bitPattern: LittleEndian.read(UInt64.self, bytes, at: 24)))
        var entries: [DocumentEntry] = []
        entries.reserveCapacity(documentCount)
        var nextRecords = needed
        for index in 0..<documentCount {
            let at = Self.headerLength + pathLength + index * AddressLookupIndex.documentEntrySize
            guard let kind = AddressLookupIndex.Document.Kind(rawValue: bytes[base + at]) else { throw .corrupt("document \(index): kind \(bytes[base + at])") }
            let count = Int(LittleEndian.read(UInt32.self, bytes, at: at + 4))
            let first = Int64(bitPattern: LittleEndian.read(UInt64.self, bytes, at: at + 8))
            let last = Int64(bitPattern: LittleEndian.read(UInt64.self, bytes, at: at + 16))
            let offset = LittleEndian.read(UInt64.self, bytes, at: at + 24)
            // Records follow the table, document after document, with no gaps: anything else is
            // not an index this writer made.
            guard offset == UInt64(nextRecords) else { throw .corrupt("document \(index): records at \(offset), expected \(nextRecords)") }
            guard first <= last else { throw .corrupt("document \(index): first time after last") }
            nextRecords += count * AddressLookupIndex.recordSize
            guard nextRecords <= fileLength else { throw .truncated(needed: nextRecords, available: fileLength) }
            entries.append(DocumentEntry(kind: kind, first: TorTimestamp(secondsSince1970: first), last: TorTimestamp(secondsSince1970: last),
                                         recordCount: count, recordsOffset: Int(offset)))
        }
        guard nextRecords == fileLength else { throw .corrupt("\(fileLength - nextRecords) bytes after the last record") }
        documents = entries
    }

    /// The records of `document` for `address`, by binary search: about log2(records) reads of
    /// 20 bytes, then the matching records, and two records on each side of them, whose order
    /// is checked.
    public func records(of address: IPAddress, in document: DocumentEntry,
                        read: (Range<Int>) -> [UInt8]?) throws(AddressLookupIndexError) -> [AddressLookupRecord] {
        let target = AddressLookupRecord.sortKey(of: address)
        let size = AddressLookupIndex.recordSize
        func key(_ index: Int) throws(AddressLookupIndexError) -> [UInt8] {
            let start = document.recordsOffset + index * size
            guard let bytes = read(start..<(start + 20)), bytes.count == 20 else { throw .truncated(needed: start + 20, available: start) }
            return [bytes[0]] + bytes[4..<20]
        }
        var low = 0, high = document.recordCount
        while low < high {
            let middle = (low + high) / 2
            if try key(middle).lexicographicallyPrecedes(target) { low = middle + 1 } else { high = middle }
        }
        if low > 0 {
            let before = try key(low - 1)
            let earlier = low < 2 ? nil : try key(low - 2)
            guard before.lexicographicallyPrecedes(target), !(earlier.map { before.lexicographicallyPrecedes($0) } ?? false) else {
                throw .corrupt("records out of order")
            }
        }
        var found: [AddressLookupRecord] = []
        var index = low
        while index < document.recordCount {
            let start = document.recordsOffset + index * size
            guard let bytes = read(start..<(start + size)), bytes.count == size else { throw .truncated(needed: start + size, available: start) }
            let record = try Self.decodeRecord(bytes[...])
            let recordKey = record.sortKey
            if recordKey != target {
                // The first record past the address, and the one after it, must be in order:
                // a single damaged record next to the address is then caught either way.
                let next = index + 1 < document.recordCount ? try key(index + 1) : nil
                guard target.lexicographicallyPrecedes(recordKey), !(next.map { $0.lexicographicallyPrecedes(recordKey) } ?? false) else {
                    throw .corrupt("records out of order")
                }
                break
            }
            found.append(record)
            index += 1
        }
        return found
    }

    /// Decodes one 72-byte record, checking every field.
    public static func decodeRecord(_ bytes: ArraySlice<UInt8>) throws(AddressLookupIndexError) -> AddressLookupRecord {
        guard bytes.count >= AddressLookupIndex.recordSize else { throw .truncated(needed: AddressLookupIndex.recordSize, available: bytes.count) }
        let base = bytes.startIndex
        let family = bytes[base]
        guard let origin = AddressLookupRecord.Origin(rawValue: bytes[base + 1]) else { throw .corrupt("record origin \(bytes[base + 1])") }
        let address: IPAddress
        switch family {
        case 4:
            guard bytes[(base + 8)..<(base + 20)].allSatisfy({ $0 == 0 }) else { throw .corrupt("IPv4 record with IPv6 bytes") }
            address = .v4(UInt32(bigEndianBytes: bytes[(base + 4)..<(base + 8)]))
        case 6:
            address = .v6(high: UInt64(bigEndianBytes: bytes[(base + 4)..<(base + 12)]), low: UInt64(bigEndianBytes: bytes[(base + 12)..<(base + 20)]))
        default: throw .corrupt("record family \(family)")
        }
        guard let fingerprint = Fingerprint(bytes: bytes[(base + 20)..<(base + 40)]) else { throw .corrupt("record fingerprint") }
        let flags = RelayFlags(rawValue: LittleEndian.read(UInt32.self, bytes, at: 40))
        let policy: Bool?
        switch bytes[base + 44] {
        case 0: policy = false
        case 1: policy = true
        case 2: policy = nil
        default: throw .corrupt("record exit byte \(bytes[base + 44])")
        }
        let port = LittleEndian.read(UInt16.self, bytes, at: 2)
        let nicknameLength = Int(bytes[base + 45])
        guard nicknameLength <= AddressLookupIndex.maxNicknameLength else { throw .corrupt("nickname of \(nicknameLength) bytes") }
        let nickname = bytes[(base + 46)..<(base + 46 + nicknameLength)]
        guard nickname.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .corrupt("nickname is not printable ASCII") }
        func time(_ offset: Int) -> TorTimestamp? {
            let value = Int64(bitPattern: LittleEndian.read(UInt64.self, bytes, at: offset))
            return value == .min ? nil : TorTimestamp(secondsSince1970: value)
        }
        if origin == .exitAddress {
            guard nicknameLength == 0, flags.rawValue == 0, policy == nil else { throw .corrupt("exit-list record with relay fields") }
            return AddressLookupRecord(address: address, port: port, origin: origin, fingerprint: fingerprint, nickname: "", flags: [],
                                       policyAllowsExiting: nil, published: time(48), seen: time(56))
        }
        return AddressLookupRecord(address: address, port: port, origin: origin, fingerprint: fingerprint,
                                   nickname: String(decoding: nickname, as: UTF8.self), flags: flags, policyAllowsExiting: policy)
    }
}

/// Why an address lookup index cannot be used; the caller rebuilds it from its source.
///
/// ```swift
/// do { _ = try AddressLookupIndexReader(prefix: bytes[...], fileLength: bytes.count) }
/// catch .checksumMismatch { print("rebuilding") } catch { print(error) }
/// ```
public enum AddressLookupIndexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer bytes than the index says it has.
    case truncated(needed: Int, available: Int)
    /// Not an index of this format (or of an older version).
    case badMagic
    /// The header, path or document table changed after it was written.
    case checksumMismatch
    /// A field no writer of this format writes.
    case corrupt(String)

    public var description: String {
        switch self {
        case .truncated(let needed, let available): "address index truncated: needs \(needed) bytes, has \(available)"
        case .badMagic: "not an address index (bad magic)"
        case .checksumMismatch: "address index checksum mismatch"
        case .corrupt(let what): "corrupt address index: \(what)"
        }
    }
}

extension FixedWidthInteger {
    /// The integer whose big-endian bytes these are (as many as the type has).
    init(bigEndianBytes bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | Self(truncatingIfNeeded: $1) }
    }
}
