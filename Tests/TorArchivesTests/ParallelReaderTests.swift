import Foundation
import Testing
import TestSupport
import TorArchives
import TorDescriptors

/// `DescriptorReaderOptions.parallelism` > 1 delivers exactly the serial items, in order.
struct ParallelReaderTests {
    /// Items as comparable text: source, type, and the document's bytes or the error.
    static func summary(_ items: [DescriptorReadItem]) -> [String] {
        items.map { item in
            switch item.result {
            case .success(let document):
                var text = "\(item.source) \(item.type?.rawValue ?? "-") \(document.rawBytes.startIndex) \(document.rawBytes.count) "
                    + "\(Digest.sha256(document.rawBytes))"
                if case .consensus(let consensus) = document {
                    text += " \(consensus.entries.count) \(consensus.warnings.count) \(consensus.entries.map(\.line).reduce(0, &+))"
                }
                return text
            case .failure(let error):
                return "\(item.source) error \(error)"
            }
        }
    }

    static func withParallelism(_ n: Int) -> DescriptorReaderOptions {
        var options = DescriptorReaderOptions()
        options.parallelism = n
        return options
    }

    /// The whole bundled corpus directory: every type, bad documents, unknown files.
    @Test func corpusDirectoryParallelEqualsSerial() {
        let path = ArchiveFixtures.root.appendingPathComponent("Resources/corpus").path
        let serial = Self.summary(ArchiveFixtures.read([path]))
        #expect(serial.count > 2000)   // 2,643 items in the bundled corpus when written
        for n in [2, 4] {
            #expect(Self.summary(ArchiveFixtures.read([path], options: Self.withParallelism(n))) == serial)
        }
    }

    /// A .tar.xz of the test tree (many small members plus a consensus) and a tar of the two
    /// large consensuses, which take the chunked consensus path.
    @Test(.enabled(if: ExternalTool.available("tar", "xz"), "needs tar and xz to make the archives"))
    func archivesParallelEqualsSerial() throws {
        let tar = try ExternalTool.require("tar")
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        try ArchiveFixtures.run([tar, "--sort=name", "-cJf", "tree.tar.xz", "tree"], in: dir)
        let consensuses = dir.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: consensuses, withIntermediateDirectories: true)
        for relative in ["consensus/2012-06-18-21-00-00-cached-consensus", "microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus"] {
            try FileManager.default.copyItem(atPath: ArchiveFixtures.corpusPath(relative),
                                             toPath: consensuses.appendingPathComponent((relative as NSString).lastPathComponent).path)
        }
        try ArchiveFixtures.run([tar, "--sort=name", "-cf", "big.tar", "big"], in: dir)
        for archive in ["tree.tar.xz", "big.tar"] {
            let path = dir.appendingPathComponent(archive).path
            let serial = Self.summary(ArchiveFixtures.read([path]))
            #expect(!serial.isEmpty)
            for n in [2, 3] {
                #expect(Self.summary(ArchiveFixtures.read([path], options: Self.withParallelism(n))) == serial)
            }
        }
        // The consensus tar: both documents with their real entry counts (`grep -c '^r '`).
        let items = ArchiveFixtures.read([dir.appendingPathComponent("big.tar").path], options: Self.withParallelism(2))
        let counts = items.compactMap { item -> Int? in
            if case .success(.consensus(let consensus)) = item.result { return consensus.entries.count }
            return nil
        }
        #expect(counts == [2993, 6626])
    }
}
