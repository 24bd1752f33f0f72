import Decompression
import Foundation
import Testing
import TestSupport
import TorArchives

/// `FileByteSource.readAll` hands the parser one buffer filled straight from the file (plain) or
/// the decompressor: these check it returns exactly the file's bytes whatever was peeked or
/// read before, and keeps the size limit.
@Suite struct FileByteSourceTests {
    static let consensus = ArchiveFixtures.corpusPath("consensus/2012-06-18-21-00-00-cached-consensus")

    static func contents(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test("A plain file comes back whole after a peek, a read or nothing", arguments: [0, 6, 512, 70_000, 700_000])
    func plainFileAfterPeekAndRead(consumed: Int) throws {
        let expected = try Self.contents(Self.consensus)
        let source = try FileByteSource(path: Self.consensus, format: .identity)
        #expect(Array(try source.peek(6)) == Array(expected.prefix(6)))
        var head: [UInt8] = []
        #expect(try source.read(into: &head, count: consumed) == consumed)
        let rest = try source.readAll(limit: expected.count)
        #expect(head + rest == expected)
        #expect(source.fileBytesRead == expected.count)
        #expect(try source.readAll(limit: expected.count).isEmpty)
    }

    /// Files of a megabyte and more are read into pages the kernel was asked to populate first
    /// (the prefault rounds the buffer inward to whole pages): the bytes must be the file's at
    /// every size around the threshold and the page size. Synthetic bytes, made here.
    @Test("A large plain file comes back whole", arguments: [(1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 4095])
    func largePlainFile(size: Int) throws {
        var generator = SeededGenerator(seed: UInt64(size))
        let expected = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("large-plain-\(size)-\(getpid())")
        try Data(expected).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let source = try FileByteSource(path: url.path, format: .identity)
        #expect(Array(try source.peek(6)) == Array(expected.prefix(6)))
        let all = try source.readAll(limit: size)
        #expect(all.count == size)
        #expect(all == expected)
    }

    @Test("A plain file over the limit is refused before it is read", arguments: [1, 4096])
    func plainFileOverTheLimit(peeked: Int) throws {
        let size = try Self.contents(Self.consensus).count
        let source = try FileByteSource(path: Self.consensus, format: .identity)
        _ = try source.peek(peeked)
        #expect(throws: ArchiveError.self) { _ = try source.readAll(limit: size - 1) }
        #expect(source.fileBytesRead < size)
    }

    @Test("A compressed file decompresses whole into the result, and keeps the limit", arguments: ["gzip", "xz", "zstd", "bzip2"])
    func compressedFile(tool: String) throws {
        let expected = try Self.contents(Self.consensus)
        let path = try #require(ArchiveFixtures.tool(tool), "\(tool) is needed to make the fixture")
        let dir = try ArchiveFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: Self.consensus, toPath: dir.appendingPathComponent("c").path)
        try ArchiveFixtures.run([path, "c"], in: dir)
        let ext = ["gzip": "gz", "xz": "xz", "zstd": "zst", "bzip2": "bz2"][tool]!
        let file = dir.appendingPathComponent("c." + ext).path
        let format = try #require(CompressionFormat(fileExtension: ext))

        let source = try FileByteSource(path: file, format: format)
        let head = Array(try source.peek(512))
        #expect(head == Array(expected.prefix(512)))
        #expect(try source.readAll(limit: expected.count) == expected)

        let limited = try FileByteSource(path: file, format: format)
        #expect(throws: ArchiveError.self) { _ = try limited.readAll(limit: expected.count - 1) }
    }
}

