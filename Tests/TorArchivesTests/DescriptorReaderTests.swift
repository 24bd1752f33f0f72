import Foundation
import Testing
import TorArchives
import TorDescriptors

/// Reader options: history, error policy, symbolic links, unknown files, explicit type,
/// progress, and the async sequence.
@Suite struct DescriptorReaderTests {
    @Test func historySkipsFilesAlreadyRead() throws {
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = DescriptorReaderOptions()
        options.historyFile = dir.appendingPathComponent("history").path
        let tree = dir.appendingPathComponent("tree").path
        let first = ArchiveFixtures.read([tree], options: options)
        #expect(!first.isEmpty)
        let history = try String(contentsOfFile: options.historyFile!, encoding: .utf8)
        #expect(history.contains("\ttree/") || history.contains(tree))
        #expect(ArchiveFixtures.read([tree], options: options).isEmpty)
        // A new file is read; the old ones stay skipped.
        try FileManager.default.copyItem(atPath: ArchiveFixtures.corpusPath("server-descriptors/stem--example_descriptor"),
                                         toPath: tree + "/new-descriptor")
        let third = ArchiveFixtures.read([tree], options: options)
        #expect(third.count == 1 && third.first?.source.path == tree + "/new-descriptor")
    }

    @Test func unknownFilesAreReportedNotFatal() throws {
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tree = dir.appendingPathComponent("tree")
        // Synthetic non-descriptor file.
        try Data("synthetic: not a descriptor\n".utf8).write(to: tree.appendingPathComponent("aaa-notes.txt"))
        let items = ArchiveFixtures.read([tree.path])
        #expect(items.first?.source.fileName == "aaa-notes.txt")
        if case .failure(.unknownType) = items.first?.result {} else { Issue.record("\(String(describing: items.first))") }
        #expect(items.dropFirst().allSatisfy { $0.document != nil })
    }

    @Test func stopPolicyEndsAtTheFirstFailure() throws {
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tree = dir.appendingPathComponent("tree")
        // Synthetic broken microdescriptor file, sorted before the real files.
        try Data("onion-key\n-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END WRONG-----\n".utf8)
            .write(to: tree.appendingPathComponent("0-synthetic-cached-microdescs"))
        var options = DescriptorReaderOptions()
        options.explicitType = .microdescriptor
        let all = ArchiveFixtures.read([tree.path], options: options)
        options.errorPolicy = .stop
        let stopped = ArchiveFixtures.read([tree.path], options: options)
        #expect(all.count > 1)
        #expect(stopped.count == 1)
        if case .failure(.parse) = stopped.first?.result {} else { Issue.record("\(String(describing: stopped.first))") }
    }

    @Test func symbolicLinksAreFollowedOnlyWhenAsked() throws {
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outside = dir.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ArchiveFixtures.corpusPath("server-descriptors/stem--example_descriptor"),
                                         toPath: outside.appendingPathComponent("desc").path)
        try FileManager.default.createSymbolicLink(atPath: outside.appendingPathComponent("loop").path, withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("tree/link").path, withDestinationPath: outside.path)
        let tree = dir.appendingPathComponent("tree").path
        let plain = ArchiveFixtures.read([tree])
        #expect(!plain.contains { $0.source.path.contains("/link/") })
        var options = DescriptorReaderOptions()
        options.followSymlinks = true
        let followed = ArchiveFixtures.read([tree], options: options)
        // The loop link points back at its own directory and is not walked twice.
        #expect(followed.filter { $0.source.path.contains("/link/") }.map(\.source.path) == [tree + "/link/desc"])
        #expect(followed.count == plain.count + 1)
    }

    @Test func asyncSequenceMatchesTheIterator() async throws {
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = DescriptorReader(paths: [dir.appendingPathComponent("tree").path])
        var asyncItems: [String] = []
        for await item in reader { asyncItems.append(ArchiveFixtures.fingerprint(item)) }
        #expect(asyncItems == Array(reader).map(ArchiveFixtures.fingerprint))
        #expect(!asyncItems.isEmpty)
    }

    /// Copies of one async iterator share its pipeline; tasks pulling from them at once must
    /// each get whole documents, every document exactly once (under ThreadSanitizer in CI).
    @Test func asyncIteratorCopiesShareOnePipelineSafely() async throws {
        let path = ArchiveFixtures.corpusPath("microdescs/2017-03-cached-microdescs.new")
        let expected = Array(DescriptorReader(paths: [path])).map(ArchiveFixtures.fingerprint)
        let iterator = DescriptorReader(paths: [path]).makeAsyncIterator()
        let pulled = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var copy = iterator
                    var mine: [String] = []
                    while let item = await copy.next() { mine.append(ArchiveFixtures.fingerprint(item)) }
                    return mine
                }
            }
            var all: [String] = []
            for await part in group { all += part }
            return all
        }
        #expect(expected.count > 1000)
        #expect(pulled.sorted() == expected.sorted())
    }

    @Test func progressEndsWithAFinalReport() throws {
        let dir = try ArchiveFixtures.makeTree()
        defer { try? FileManager.default.removeItem(at: dir) }
        final class Box: @unchecked Sendable { var reports: [ReadProgress] = [] }
        let box = Box()
        var options = DescriptorReaderOptions()
        options.progressInterval = 0
        options.progress = { box.reports.append($0) }
        let items = ArchiveFixtures.read([dir.appendingPathComponent("tree").path], options: options)
        let last = try #require(box.reports.last)
        #expect(last.isFinal)
        #expect(last.documents == items.count)
        #expect(last.files == 6 + (try FileManager.default.contentsOfDirectory(atPath: ArchiveFixtures.corpusPath("key-certs")).count) - 1)
        let total = try ArchiveFixtures.treeFiles.reduce(0) { sum, relative in
            var isDir: ObjCBool = false
            let path = ArchiveFixtures.corpusPath(relative)
            FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            if !isDir.boolValue { return sum + (try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int) }
            return sum + (try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.reduce(0) {
                $0 + (try FileManager.default.attributesOfItem(atPath: path + "/" + $1)[.size] as! Int)
            })
        }
        #expect(last.fileBytes == total)
    }

    @Test func missingPathIsReported() {
        let items = ArchiveFixtures.read(["/no/such/path"])
        #expect(items.count == 1)
        if case .failure(.archive(let error)) = items.first?.result { #expect(error.path == "/no/such/path") }
        else { Issue.record("\(items)") }
    }
}
