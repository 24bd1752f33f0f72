import Foundation
import Testing
import TestSupport
import TorArchives
import TorDescriptors

/// Replays the inputs the `tar` and `archive-reader` fuzzers kept, runs their entry points on
/// real archives, and checks the reader's limits: member size and documents per read.
@Suite struct ArchiveFuzzRegressionTests {
    static let folder = ArchiveFixtures.root.appendingPathComponent("Tests/TorArchivesTests/FuzzRegressions")

    static func inputs() -> [(target: String, file: URL)] { FuzzRegressions.inputs(in: folder) }

    @Test("every saved fuzzer input now passes its entry point")
    func replay() throws {
        // No input saved yet; a future one replays here, and a folder named after no target throws.
        try FuzzRegressions.replay(in: Self.folder, entryPoints: ArchiveFuzzEntryPoints.targets)
        #expect(Set(Self.inputs().map(\.target)).isSubset(of: Set(ArchiveFuzzEntryPoints.names)))
    }

    @Test func entryPointsOnARealArchive() throws {
        let (dir, _, bytes) = try ArchiveDamageTests.makeTar()
        defer { try? FileManager.default.removeItem(at: dir) }
        for control in [[0, 3], [1, 3], [3, 1], [4, 2], [6, 0]] as [[UInt8]] {
            ArchiveFuzzEntryPoints.targets["tar"]!(control + bytes)
            ArchiveFuzzEntryPoints.targets["tar"]!(control + bytes.prefix(bytes.count - 700))
        }
        for control in [[0, 0], [0, 4], [16, 2], [5, 1]] as [[UInt8]] {
            ArchiveFuzzEntryPoints.targets["archive-reader"]!(control + bytes)
        }
    }

    /// A source may hand out fewer bytes than asked (the contract says "up to"): the reader
    /// must keep asking instead of calling the archive truncated.
    @Test func shortReadsGiveTheSameMembers() throws {
        let (dir, _, bytes) = try ArchiveDamageTests.makeTar()
        defer { try? FileManager.default.removeItem(at: dir) }
        var whole = TarReader(source: MemoryByteSource(bytes), name: "d.tar")
        var expected: [String] = []
        while let member = try whole.next() { expected.append(member.name + "\(member.bytes.count)") }
        #expect(expected.count == 5)
        for seed: UInt8 in [0, 1, 2, 77] {
            var chunked = TarReader(source: ArchiveFuzzEntryPoints.ChunkedByteSource(bytes[...], seed: seed), name: "d.tar")
            var got: [String] = []
            while let member = try chunked.next() { got.append(member.name + "\(member.bytes.count)") }
            #expect(got == expected)
        }
    }

    /// A member over the limit is skipped with the typed error; the members around it are read.
    @Test func memberSizeLimitSkipsOnlyTheLargeMember() throws {
        let (dir, path, bytes) = try ArchiveDamageTests.makeTar()
        defer { try? FileManager.default.removeItem(at: dir) }
        var reader = TarReader(source: MemoryByteSource(bytes), name: "d.tar")
        var sizes: [Int] = []
        while let member = try reader.next() { sizes.append(member.bytes.count) }
        let limit = sizes.sorted()[2]   // the three smallest members fit
        var options = DescriptorReaderOptions()
        options.maxMemberSize = limit
        let items = ArchiveFixtures.read([path], options: options)
        let tooLarge = items.filter {
            if case .failure(.archive(let error)) = $0.result { return error.kind == .memberTooLarge(limit) }
            return false
        }
        #expect(tooLarge.count == sizes.filter { $0 > limit }.count)
        #expect(items.filter { $0.document != nil }.count == sizes.filter { $0 <= limit }.count)
        #expect(tooLarge.allSatisfy { $0.source.member != nil })
        // A single (not tar) file over the limit: the same typed error for the file.
        let single = ArchiveFixtures.corpusPath("server-descriptors/stem--example_descriptor")
        options.maxMemberSize = 100
        let one = ArchiveFixtures.read([single], options: options)
        guard one.count == 1, case .failure(.archive(let error)) = one[0].result else { Issue.record("\(one)"); return }
        #expect(error.kind == .memberTooLarge(100))
    }

    /// After `maxDocuments` parsed documents the read delivers one typed failure and ends; the
    /// documents before it are the same as in an unlimited read.
    @Test func documentLimitEndsTheRead() throws {
        let path = ArchiveFixtures.corpusPath("microdescs/metrics-lib--2017-07-17-17-20-00-micro")
        let all = ArchiveFixtures.read([path])
        #expect(all.count > 6)
        #expect(all.allSatisfy { $0.document != nil })
        var options = DescriptorReaderOptions()
        options.maxDocuments = 5
        let limited = ArchiveFixtures.read([path], options: options)
        #expect(limited.count == 6)
        #expect(zip(limited.prefix(5), all).allSatisfy { $0.document?.rawBytes == $1.document?.rawBytes })
        guard case .failure(.archive(let error)) = limited.last?.result else { Issue.record("\(String(describing: limited.last))"); return }
        #expect(error.kind == .documentLimit(5))
        #expect(error.description.contains("5 documents"))
        // The limit counts across files and archive members.
        let (dir, tarPath, _) = try ArchiveDamageTests.makeTar()
        defer { try? FileManager.default.removeItem(at: dir) }
        options.maxDocuments = 3
        let acrossMembers = ArchiveFixtures.read([tarPath, path], options: options)
        #expect(acrossMembers.count == 4)
        #expect(Set(acrossMembers.prefix(3).compactMap(\.source.member)).count == 3)
        // Parallel parsing goes through the same limit.
        options.parallelism = 3
        options.maxDocuments = 5
        let parallel = ArchiveFixtures.read([path], options: options)
        #expect(parallel.count == 6)
        #expect(zip(parallel.prefix(5), all).allSatisfy { $0.document?.rawBytes == $1.document?.rawBytes })
        guard case .failure(.archive(let parallelError)) = parallel.last?.result else { Issue.record("\(String(describing: parallel.last))"); return }
        #expect(parallelError.kind == .documentLimit(5))
    }
}
