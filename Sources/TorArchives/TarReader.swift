/// One regular file read from a tar archive.
///
/// ```swift
/// while let member = try tar.next() { print(member.name, member.bytes.count) }
/// ```
public struct TarMember: Sendable {
    /// The member's path inside the archive (pax `path` and GNU long names applied).
    public var name: String
    /// The modification time in seconds since 1970, when the header has one.
    public var modificationTime: Int?
    /// Offset of the member's header in the uncompressed archive.
    public var headerOffset: Int
    /// The member's content.
    public var bytes: [UInt8]
}

/// Reads the regular files of a tar archive one at a time from an ``ArchiveByteSource``, so
/// only the current member is held in memory.
///
/// Understands ustar, old GNU and pax archives: pax `x` (next member) and `g` (global) records
/// for `path` and `size`, GNU long names (`L`) and long link names (`K`), base-256 sizes, and
/// verifies each header's checksum. Directories, links, devices and other entry types are
/// skipped. A damaged archive throws an ``ArchiveError`` naming the member; members returned
/// before the damage stay valid.
///
/// ```swift
/// var tar = TarReader(source: try FileByteSource(path: "a.tar.gz", format: .gzip), name: "a.tar.gz")
/// while let member = try tar.next() { print(member.name) }
/// ```
public struct TarReader<Source: ArchiveByteSource> {
    /// The archive's name in error messages.
    public let name: String
    /// Members larger than this are skipped with ``ArchiveError/Kind/memberTooLarge(_:)``
    /// (reading may continue after that error).
    public var maxMemberSize: Int

    private let source: Source
    private var offset = 0
    private var globalPax: [String: String] = [:]
    private var finished = false

    /// A reader over `source`, named `name` in errors.
    public init(source: Source, name: String, maxMemberSize: Int = 512 << 20) {
        self.source = source
        self.name = name
        self.maxMemberSize = maxMemberSize
    }

    private func failure(_ kind: ArchiveError.Kind, member: String?, at position: Int) -> ArchiveError {
        ArchiveError(kind: kind, path: name, member: member, offset: position)
    }

    /// The next regular file, or nil at the end of the archive.
    public mutating func next() throws(ArchiveError) -> TarMember? {
        guard !finished else { return nil }
        var localPax: [String: String] = [:]
        var longName: String?
        while true {
            let headerOffset = offset
            var header: [UInt8] = []
            header.reserveCapacity(512)
            let got = try pull(into: &header, count: 512, member: nil)
            offset += got
            if got == 0 { finished = true; return nil }   // no end-of-archive blocks: accepted, as GNU tar does
            if got < 512 {
                finished = true
                throw failure(.truncated, member: nil, at: headerOffset)
            }
            if header.allSatisfy({ $0 == 0 }) { finished = true; return nil }
            let fields = TarHeader(header)
            let rawName = fields.name
            guard fields.checksumMatches else {
                finished = true
                throw failure(.badChecksum, member: rawName.isEmpty ? nil : rawName, at: headerOffset)
            }
            guard var size = fields.size else {
                finished = true
                throw failure(.badHeader("size field"), member: rawName, at: headerOffset)
            }
            // Most archives have no pax records: skip the merge and the hashed lookups then.
            let pax = localPax.isEmpty ? globalPax : globalPax.merging(localPax) { $1 }
            if !pax.isEmpty, let paxSize = pax["size"] {
                guard let value = Int(paxSize), value >= 0 else {
                    finished = true
                    throw failure(.badHeader("pax size \(paxSize)"), member: rawName, at: headerOffset)
                }
                size = value
            }
            let memberName = longName ?? (pax.isEmpty ? nil : pax["path"]) ?? rawName
            let type = fields.typeFlag
            // Links carry no data whatever their size field says.
            let dataSize = type == UInt8(ascii: "1") || type == UInt8(ascii: "2") ? 0 : size
            let padded = (dataSize + 511) & ~511

            switch type {
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                if dataSize > maxMemberSize {
                    try skip(padded, member: memberName)
                    throw failure(.memberTooLarge(maxMemberSize), member: memberName, at: headerOffset)
                }
                var bytes: [UInt8] = []
                bytes.reserveCapacity(dataSize)
                let read = try pull(into: &bytes, count: dataSize, member: memberName)
                offset += read
                if read < dataSize {
                    finished = true
                    throw failure(.truncated, member: memberName, at: offset)
                }
                try skip(padded - dataSize, member: memberName)
                let mtime = (pax.isEmpty ? nil : pax["mtime"]).flatMap { Int($0.prefix { $0 != "." }) } ?? fields.modificationTime
                return TarMember(name: memberName, modificationTime: mtime, headerOffset: headerOffset, bytes: bytes)
            case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
                guard dataSize <= 1 << 20 else {
                    finished = true
                    throw failure(.badHeader("extended header of \(dataSize) bytes"), member: memberName, at: headerOffset)
                }
                var data: [UInt8] = []
                let read = try pull(into: &data, count: dataSize, member: memberName)
                offset += read
                if read < dataSize {
                    finished = true
                    throw failure(.truncated, member: memberName, at: offset)
                }
                try skip(padded - dataSize, member: memberName)
                switch type {
                case UInt8(ascii: "L"): longName = TarHeader.string(data[...])
                case UInt8(ascii: "K"): break
                default:
                    guard let records = PaxRecords.parse(data) else {
                        finished = true
                        throw failure(.badHeader("pax records"), member: memberName, at: headerOffset)
                    }
                    if type == UInt8(ascii: "g") { globalPax.merge(records) { $1 } } else { localPax.merge(records) { $1 } }
                }
            default:
                try skip(padded, member: memberName)
                localPax = [:]
                longName = nil
            }
        }
    }

    /// Reads from the source; a failure underneath (a corrupt compressed stream) is tagged
    /// with the member being read.
    /// A source may hand out fewer bytes than asked before its end (a decompressing one stops
    /// at its chunk boundaries), so this reads until `count` bytes or the end.
    private mutating func pull(into buffer: inout [UInt8], count: Int, member: String?) throws(ArchiveError) -> Int {
        do {
            var total = 0
            while total < count {
                let n = try source.read(into: &buffer, count: count - total)
                if n == 0 { break }
                total += n
            }
            return total
        } catch {
            finished = true
            throw tagged(error, member: member)
        }
    }

    private func tagged(_ error: ArchiveError, member: String?) -> ArchiveError {
        var error = error
        if error.member == nil { error.member = member }
        if error.offset == nil { error.offset = offset }
        return error
    }

    private mutating func skip(_ count: Int, member: String) throws(ArchiveError) {
        guard count > 0 else { return }
        let skipped: Int
        do { skipped = try source.skip(count) } catch {
            finished = true
            throw tagged(error, member: member)
        }
        offset += skipped
        if skipped < count {
            finished = true
            throw failure(.truncated, member: member, at: offset)
        }
    }
}

/// The fields of a 512-byte tar header, read from its bytes.
struct TarHeader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var typeFlag: UInt8 { bytes[156] }

    /// POSIX ustar (`ustar\0`) headers split long names into prefix + name; old GNU
    /// (`ustar  \0`) uses the prefix area for other fields.
    var isPosixUstar: Bool { hasMagic && bytes[262] == 0 }

    /// `ustar` at offset 257, as both POSIX and old GNU headers have (compared byte by byte:
    /// the generic `elementsEqual` over a string's UTF-8 view cost more than the checksum).
    var hasMagic: Bool {
        bytes[257] == 0x75 && bytes[258] == 0x73 && bytes[259] == 0x74 && bytes[260] == 0x61 && bytes[261] == 0x72
    }

    var name: String {
        let base = TarHeader.string(bytes[0..<100])
        if isPosixUstar {
            let prefix = TarHeader.string(bytes[345..<500])
            if !prefix.isEmpty { return prefix + "/" + base }
        }
        return base
    }

    var size: Int? { TarHeader.number(bytes[124..<136]) }
    var modificationTime: Int? { TarHeader.number(bytes[136..<148]) }

    /// The stored checksum equals the sum of the header bytes with the checksum field read as
    /// spaces; some old tars summed signed bytes, which is accepted too.
    var checksumMatches: Bool {
        guard bytes.count == 512, let stored = TarHeader.number(bytes[148..<156]) else { return false }
        // Eight bytes at a time: per word, the bytes summed in 16-bit lanes (64 words cannot
        // overflow them) and the high bits counted in 8-bit lanes; each byte with its high bit
        // set reads 256 less as a signed byte. Byte by byte this cost more than the decompressor's
        // bookkeeping for a member.
        var lanes: UInt64 = 0, highBits: UInt64 = 0
        bytes.withUnsafeBytes { header in
            for offset in stride(from: 0, to: 512, by: 8) {
                let word = header.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                lanes &+= (word & 0x00FF_00FF_00FF_00FF) &+ ((word >> 8) & 0x00FF_00FF_00FF_00FF)
                highBits &+= (word >> 7) & 0x0101_0101_0101_0101
            }
        }
        var unsigned = TarHeader.sumOf16BitLanes(lanes)
        var high = TarHeader.sumOf16BitLanes((highBits & 0x00FF_00FF_00FF_00FF) &+ ((highBits >> 8) & 0x00FF_00FF_00FF_00FF))
        // The checksum field itself counts as eight spaces.
        for index in 148..<156 {
            unsigned -= Int(bytes[index])
            high -= Int(bytes[index] >> 7)
        }
        unsigned += 8 * 0x20
        return stored == unsigned || stored == unsigned - 256 * high
    }

    /// The four 16-bit lanes of `word` added up (the total may need more than 16 bits).
    private static func sumOf16BitLanes(_ word: UInt64) -> Int {
        Int(word & 0xFFFF) + Int((word >> 16) & 0xFFFF) + Int((word >> 32) & 0xFFFF) + Int(word >> 48)
    }

    /// A NUL-terminated field as a string.
    static func string(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// An octal field (spaces/NULs around it allowed) or GNU base-256 (high bit of first byte set).
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        field.withUnsafeBufferPointer { number($0) }
    }

    private static func number(_ field: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            guard first & 0x40 == 0 else { return nil }   // negative
            var value = Int(first & 0x3F)
            for byte in field.dropFirst() {
                guard value < Int.max >> 8 else { return nil }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var value = 0
        var index = 0
        while index < field.count, field[index] == 0x20 { index += 1 }
        while index < field.count, field[index] &- 0x30 < 8 {
            guard value < Int.max >> 3 else { return nil }
            value = value * 8 + Int(field[index] &- 0x30)
            index += 1
        }
        while index < field.count, field[index] == 0x20 || field[index] == 0 { index += 1 }
        guard index == field.count else { return nil }
        return value   // an all-blank field reads as 0, as tar does
    }
}

/// pax extended header records: `LENGTH KEY=VALUE\n`, LENGTH counting the whole record.
enum PaxRecords {
    static func parse(_ data: [UInt8]) -> [String: String]? {
        var records: [String: String] = [:]
        var position = 0
        while position < data.count {
            if data[position] == 0 { break }   // NUL padding after the last record
            var length = 0, cursor = position
            while cursor < data.count, (0x30...0x39).contains(data[cursor]) {
                length = length * 10 + Int(data[cursor] - 0x30)
                cursor += 1
                if length > data.count { return nil }
            }
            guard cursor < data.count, data[cursor] == 0x20, length > cursor - position + 1,
                  position + length <= data.count, data[position + length - 1] == 0x0A else { return nil }
            let record = data[(cursor + 1)..<(position + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            records[key] = String(decoding: record[(equals + 1)...], as: UTF8.self)
            position += length
        }
        return records
    }
}
