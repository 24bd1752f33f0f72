import Decompression
import Foundation
import Testing
import TorArchives
import TorDescriptors

/// The same real documents read from a directory, a .tar, .tar.gz, .tar.xz, .tar.zst and
/// .tar.bz2 built with GNU tar, and from single compressed files, give identical results.
@Suite struct ArchiveFormatTests {
    static let archiveFlags: [(String, [String])] = [
        ("tree.tar", ["-cf"]), ("tree.tar.gz", ["-czf"]), ("tree.tgz", ["-czf"]), ("tree.tar.xz", ["-cJf"]),
        ("tree.tar.zst", ["--zstd", "-cf"]), ("tree.tar.bz2", ["-cjf"]),
        ("tree-pax.tar", ["--format=pax", "-cf"]), ("tree-gnu.tar", ["--format=gnu", "-cf"]),
        ("tree-v7.tar", ["--format=v7", "-cf"]),
    ]

    @Test func directoryAndArchivesGiveIdenticalResults() throws {
        let tar = try #require(ArchiveFixtures.tool("tar"))
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = ArchiveFixtures.read([dir.appendingPathComponent("tree").path])
        // 11 server descriptors (10 + 1), 8 microdescriptors (count of onion-key lines), 10
        // extra-infos, 1 consensus, and the key certificates directory.
        let plainCounts = Dictionary(grouping: plain.compactMap(\.type), by: { $0 }).mapValues(\.count)
        #expect(plain.allSatisfy { $0.error == nil }, "\(plain.compactMap(\.error))")
        #expect(plainCounts[.networkStatusConsensus] == 1)
        #expect((plainCounts[.serverDescriptor] ?? 0) >= 2)
        let expected = plain.map(ArchiveFixtures.fingerprint).sorted()
        for (name, flags) in Self.archiveFlags {
            // Sorted member order so the archive order is deterministic.
            try ArchiveFixtures.run([tar, "--sort=name"] + flags + [name, "tree"], in: dir)
            let items = ArchiveFixtures.read([dir.appendingPathComponent(name).path])
            #expect(items.map(ArchiveFixtures.fingerprint).sorted() == expected, "\(name)")
            #expect(items.allSatisfy { $0.source.member?.hasPrefix("tree/") == true }, "\(name)")
        }
    }

    @Test func singleCompressedFilesReadLikeThePlainFile() throws {
        let dir = try ArchiveFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = ArchiveFixtures.corpusPath("server-descriptors/metrics-lib--2017-07-17-17-20-00-server-descriptors")
        let plainPath = dir.appendingPathComponent("descriptors").path
        try FileManager.default.copyItem(atPath: source, toPath: plainPath)
        let expected = ArchiveFixtures.read([plainPath]).map { Array($0.document?.rawBytes ?? []) }
        #expect(expected.count > 1)
        for (tool, ext) in [("gzip", "gz"), ("xz", "xz"), ("zstd", "zst"), ("bzip2", "bz2")] {
            let path = try #require(ArchiveFixtures.tool(tool))
            try ArchiveFixtures.run([path, "-k", "-q", "descriptors"].filter { tool != "gzip" || $0 != "-q" }, in: dir)
            let compressed = dir.appendingPathComponent("descriptors." + ext).path
            let items = ArchiveFixtures.read([compressed])
            #expect(items.map { Array($0.document?.rawBytes ?? []) } == expected, "\(ext)")
            // Without its extension, the magic number tells the format.
            let bare = dir.appendingPathComponent("renamed-" + ext).path
            try FileManager.default.moveItem(atPath: compressed, toPath: bare)
            #expect(ArchiveFixtures.read([bare]).map { Array($0.document?.rawBytes ?? []) } == expected, "bare \(ext)")
        }
        // tor's own `.z` (zlib-wrapped deflate).
        let raw = try Data(contentsOf: URL(fileURLWithPath: plainPath))
        let python = try #require(ArchiveFixtures.tool("python3"))
        try ArchiveFixtures.run([python, "-c", "import zlib; open('descriptors.z','wb').write(zlib.compress(open('descriptors','rb').read()))"], in: dir)
        #expect(raw.count > 0)
        #expect(ArchiveFixtures.read([dir.appendingPathComponent("descriptors.z").path]).map { Array($0.document?.rawBytes ?? []) } == expected)
    }

    /// A member path over 100 bytes needs a pax `path` record or a GNU `L` long name.
    @Test(arguments: ["pax", "gnu"])
    func longMemberNames(format: String) throws {
        let tar = try #require(ArchiveFixtures.tool("tar"))
        let dir = try ArchiveFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let longDir = String(repeating: "d", count: 60) + "/" + String(repeating: "e", count: 60)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(longDir), withIntermediateDirectories: true)
        let name = longDir + "/" + String(repeating: "f", count: 40) + "-cached-microdescs"
        try FileManager.default.copyItem(atPath: ArchiveFixtures.corpusPath("microdescs/metrics-lib--2017-07-17-17-20-00-micro"),
                                         toPath: dir.appendingPathComponent(name).path)
        try ArchiveFixtures.run([tar, "--format=\(format)", "-cf", "long.tar", String(repeating: "d", count: 60)], in: dir)
        let items = ArchiveFixtures.read([dir.appendingPathComponent("long.tar").path])
        #expect(!items.isEmpty)
        #expect(items.allSatisfy { $0.source.member == name && $0.type == .microdescriptor }, "\(items.map(\.source))")
    }

    @Test func tarReaderReadsMembersFromMemory() throws {
        let tar = try #require(ArchiveFixtures.tool("tar"))
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        try ArchiveFixtures.run([tar, "--sort=name", "-cf", "t.tar", "tree"], in: dir)
        let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("t.tar")))
        var reader = TarReader(source: MemoryByteSource(bytes), name: "t.tar")
        var names: [String] = []
        while let member = try reader.next() {
            names.append(member.name)
            let original = try Data(contentsOf: dir.appendingPathComponent(member.name))
            #expect(member.bytes == [UInt8](original))
        }
        #expect(names == names.sorted())
        #expect(names.count >= ArchiveFixtures.treeFiles.count)
    }
}
