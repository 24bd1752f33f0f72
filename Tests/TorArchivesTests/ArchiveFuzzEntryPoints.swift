import Decompression
import Foundation
import TorArchives
import TorDescriptors

/// The archive fuzz targets, shared by the libFuzzer executables in `Fuzz/` (this file is
/// symlinked there) and by `ArchiveFuzzRegressionTests`, which replays the saved inputs.
///
/// - `tar`: byte 0 seeds the chunk sizes a byte source hands out, byte 1 picks the member
///   size limit, the rest is a tar archive. Read in chunks and whole, the archive must give the
///   same members and the same error; every member's bytes lie inside the input right after
///   its header.
/// - `archive-reader`: byte 0 picks the file name (and so the compression and tar handling),
///   byte 1 the options, the rest is the file, which ``DescriptorReader`` reads end to end.
///
/// ```swift
/// ArchiveFuzzEntryPoints.targets["tar"]!([5, 0] + tarBytes)
/// ```
enum ArchiveFuzzEntryPoints {
    static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "tar": tar,
        "archive-reader": archiveReader,
    ]

    static var names: [String] { targets.keys.sorted() }

    static func violated(_ message: @autoclosure () -> String, _ bytes: [UInt8]) -> Never {
        fatalError("fuzz invariant violated: \(message()) (input of \(bytes.count) bytes)")
    }

    // MARK: - tar

    /// Hands out at most a few bytes per `read`, as a decompressing source does at chunk ends.
    final class ChunkedByteSource: ArchiveByteSource {
        private let bytes: ArraySlice<UInt8>
        private var position: Int
        private var state: UInt32
        private let small: Bool

        init(_ bytes: ArraySlice<UInt8>, seed: UInt8) {
            self.bytes = bytes
            position = bytes.startIndex
            state = UInt32(seed) &* 2_654_435_761 | 1
            small = seed & 1 == 0
        }

        private func nextSize() -> Int {
            state = state &* 1_103_515_245 &+ 12345
            return 1 + Int((state >> 16) % (small ? 13 : 1500))
        }

        func read(into buffer: inout [UInt8], count: Int) throws(ArchiveError) -> Int {
            let n = min(count, nextSize(), bytes.endIndex - position)
            buffer.append(contentsOf: bytes[position..<(position + n)])
            position += n
            return n
        }

        func skip(_ count: Int) throws(ArchiveError) -> Int {
            let n = min(count, bytes.endIndex - position)
            position += n
            return n
        }
    }

    struct Member: Equatable {
        var name: String
        var headerOffset: Int
        var bytes: [UInt8]
    }

    /// Reads every member, going on after a skipped too-large member as the reader allows.
    static func members<Source: ArchiveByteSource>(_ reader: inout TarReader<Source>, _ archive: ArraySlice<UInt8>,
                                                   _ data: [UInt8]) -> (members: [Member], skipped: Int, error: ArchiveError.Kind?) {
        var members: [Member] = []
        var skipped = 0
        // One header per 512 bytes at most, so a reader that loops without progress is caught.
        for _ in 0...(archive.count / 512 + 1) {
            do throws(ArchiveError) {
                guard let member = try reader.next() else { return (members, skipped, nil) }
                members.append(Member(name: member.name, headerOffset: member.headerOffset, bytes: member.bytes))
            } catch {
                if let offset = error.offset, offset < 0 || offset > archive.count {
                    violated("error offset \(offset) outside the \(archive.count)-byte archive", data)
                }
                if error.kind == .memberTooLarge(reader.maxMemberSize) { skipped += 1; continue }
                do throws(ArchiveError) {
                    if let extra = try reader.next() { violated("member \(extra.name) after \(error.kind)", data) }
                } catch let again {
                    violated("\(again.kind) after \(error.kind)", data)
                }
                return (members, skipped, error.kind)
            }
        }
        violated("more entries than 512-byte blocks", data)
    }

    static func tar(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let archive = data[2...]
        let maxMemberSize = [0, 100, 4096, 512 << 20][Int(data[1] & 3)]

        var whole = TarReader(source: MemoryByteSource(Array(archive)), name: "fuzz.tar", maxMemberSize: maxMemberSize)
        let expected = members(&whole, archive, data)
        var chunked = TarReader(source: ChunkedByteSource(archive, seed: data[0]), name: "fuzz.tar", maxMemberSize: maxMemberSize)
        let got = members(&chunked, archive, data)

        if got.members != expected.members || got.skipped != expected.skipped || got.error != expected.error {
            violated("chunked read (seed \(data[0])) gave \(got.members.count) members and \(String(describing: got.error)), "
                     + "whole read \(expected.members.count) and \(String(describing: expected.error))", data)
        }
        var previous = -1
        for member in expected.members {
            let start = archive.startIndex + member.headerOffset + 512
            guard member.headerOffset % 512 == 0, member.headerOffset > previous,
                  start + member.bytes.count <= archive.endIndex,
                  archive[start..<(start + member.bytes.count)].elementsEqual(member.bytes) else {
                violated("member \(member.name) at \(member.headerOffset) (\(member.bytes.count) bytes) is not in the input", data)
            }
            if member.bytes.count > maxMemberSize { violated("member of \(member.bytes.count) bytes over the limit", data) }
            previous = member.headerOffset
        }
    }

    // MARK: - DescriptorReader

    static let fileNames = [
        "fuzz.tar", "fuzz.tar.gz", "fuzz.tar.xz", "fuzz.tar.bz2", "fuzz.tar.zst", "fuzz", "fuzz.gz", "fuzz.xz",
        "cached-consensus", "cached-microdescs", "cached-descriptors", "cached-extrainfo", "fuzz.bz2", "fuzz.zst",
        "cached-certs", "fuzz.z",
    ]

    /// One scratch directory per process; each run overwrites its file.
    static let scratch: String = {
        let path = NSTemporaryDirectory() + "/tordescriptors-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func archiveReader(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let directory = scratch + "/\(data[0] & 0x7F)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + fileNames[Int(data[0]) % fileNames.count]
        guard FileManager.default.createFile(atPath: path, contents: Data(data[2...])) else { violated("cannot write \(path)", data) }
        defer { try? FileManager.default.removeItem(atPath: path) }

        var options = DescriptorReaderOptions()
        if data[1] & 1 != 0 { options.mode = .strict }
        options.maxMemberSize = data[1] & 2 != 0 ? 2048 : 4 << 20
        // Bombs stop at the cap instead of filling memory (local archives are trusted by default).
        options.decompressionLimits = DecompressionLimits(maxOutputBytes: 16 << 20)
        let maxDocuments = data[1] & 4 != 0 ? 3 : nil
        if let maxDocuments { options.maxDocuments = maxDocuments }
        if data[1] & 8 != 0 { options.explicitType = .microdescriptor }
        options.bufferSize = 1 + Int(data[1] >> 4 & 3)

        var documents = 0   // parsed, successfully or not: what the document limit counts
        var sawLimit = false
        for item in DescriptorReader(paths: [path], options: options) {
            if item.source.path != path { violated("item from \(item.source.path)", data) }
            if sawLimit { violated("item after the document limit", data) }
            switch item.result {
            case .success(let document):
                documents += 1
                if document.rawBytes.isEmpty { violated("empty document", data) }
            case .failure(.archive(let error)):
                if case .documentLimit(let limit) = error.kind {
                    if limit != maxDocuments || documents != limit { violated("limit \(limit) after \(documents) documents", data) }
                    sawLimit = true
                }
                if case .memberTooLarge(let limit) = error.kind, limit != options.maxMemberSize {
                    violated("member limit \(limit), configured \(options.maxMemberSize)", data)
                }
            case .failure(.parse):
                documents += 1
            case .failure(.unknownType): break
            }
        }
        if let maxDocuments, documents > maxDocuments { violated("\(documents) documents, limit \(maxDocuments)", data) }
    }
}
