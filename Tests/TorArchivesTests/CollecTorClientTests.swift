import CollecTor
import Foundation
import Testing
import TorArchives
import TorDescriptors

/// CollecTorClient against a python3 HTTP server on 127.0.0.1 serving a CollecTor-shaped tree
/// built from Resources/corpus (see ``CollecTorFixtures``). Skipped, with this reason shown,
/// when python3 is not installed.
@Suite(.serialized, .enabled(if: CollecTorTestServer.python != nil, "python3 not found: CollecTor loopback HTTP tests skipped"))
struct CollecTorClientTests {
    /// A served tree, its server (over HTTPS with a test CA when `https`) and a client pointed at it.
    struct Setup {
        let dir: URL
        let server: CollecTorTestServer
        let certificates: TestCertificates?
        var served: URL { dir.appendingPathComponent("served") }
        var mirror: URL { dir.appendingPathComponent("mirror") }
        var client: CollecTorClient {
            CollecTorClient(baseURL: server.baseURL, timeout: 20, caCertificatesFile: certificates?.caCertificate.path)
        }

        init(ranges: Bool = true, extra: [CollecTorFile] = [], https: Bool = false) throws {
            dir = try CollecTorFixtures.makeTree(extra: extra)
            certificates = https ? try TestCertificates(in: dir) : nil
            server = try CollecTorTestServer(serving: dir.appendingPathComponent("served"), ranges: ranges, tls: certificates)
        }

        func servedBytes(_ path: String) throws -> Data { try Data(contentsOf: served.appendingPathComponent(path)) }
        func mirrorBytes(_ path: String) throws -> Data { try Data(contentsOf: mirror.appendingPathComponent(path)) }

        func finish() {
            server.stop()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    @Test("fetchIndex takes index.json.xz first and reads the built tree's sizes, digests and types")
    func fetchIndexPrefersXZ() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        let index = try await setup.client.fetchIndex()
        #expect(setup.server.requests == ["GET index/index.json.xz -"])
        #expect(index.allFiles.count == CollecTorFixtures.entries.count)
        let consensus = try #require(index.allFiles.first { $0.path == CollecTorFixtures.consensusPath })
        #expect(consensus.size == 701_186)   // the size of Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus
        #expect(consensus.sha256Digest?.bytes == Digest.sha256(Array(try setup.servedBytes(CollecTorFixtures.consensusPath))))
        #expect(consensus.types.map(\.name) == ["network-status-consensus-3"])
        #expect(index.buildRevision == "synthetic")
    }

    @Test("fetchIndex falls back: a corrupt .xz and a missing .bz2 lead to index.json.gz, then to the plain file")
    func fetchIndexFallsBack() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        let indexDir = setup.served.appendingPathComponent("index")
        try Data("not xz".utf8).write(to: indexDir.appendingPathComponent("index.json.xz"))
        try FileManager.default.removeItem(at: indexDir.appendingPathComponent("index.json.bz2"))
        let viaGzip = try await setup.client.fetchIndex()
        #expect(setup.server.requests == ["GET index/index.json.xz -", "GET index/index.json.bz2 -", "GET index/index.json.gz -"])
        try FileManager.default.removeItem(at: indexDir.appendingPathComponent("index.json.gz"))
        let viaPlain = try await setup.client.fetchIndex()
        #expect(setup.server.requests.last == "GET index/index.json -")
        #expect(viaGzip == viaPlain)
        #expect(viaPlain.allFiles.count == CollecTorFixtures.entries.count)
        try FileManager.default.removeItem(at: indexDir.appendingPathComponent("index.json"))
        await #expect(throws: CollecTorError(.httpStatus(404), location: setup.server.baseURL.absoluteString + "/index/index.json")) {
            try await setup.client.fetchIndex()
        }
    }

    @Test("listing the fetched index by type, time and prefix")
    func listFetched() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        let index = try await setup.client.fetchIndex()
        let servers = index.files(matching: CollecTorFilter(types: ["server-descriptor"]))
        #expect(servers.map(\.path) == [
            "recent/relay-descriptors/server-descriptors/2017-07-17-17-20-00-server-descriptors",
            "recent/relay-descriptors/server-descriptors/2016-10-02-16-05-00-server-descriptors",
            "archive/relay-descriptors/server-descriptors/server-descriptors-2016-10.tar.xz",
        ])
        let october = CollecTorFilter(from: TorTimestamp(parsing: "2016-10-02 07:30:00"), to: TorTimestamp(parsing: "2016-10-02 23:59:59"))
        #expect(index.files(matching: october).map(\.name) == ["2016-10-02-16-05-00-server-descriptors", "server-descriptors-2016-10.tar.xz"])
        #expect(index.files(matching: CollecTorFilter(pathPrefix: "archive/")).count == 2)
    }

    @Test("download: every file arrives byte-identical; a second run transfers nothing")
    func downloadAndSkip() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        let index = try await setup.client.fetchIndex()
        let progress = ProgressLog()
        let report = await setup.client.download(index.allFiles, to: setup.mirror, options: CollecTorDownloadOptions(maxConcurrentDownloads: 3)) {
            progress.append($0)
        }
        #expect(report.failures.isEmpty, "\(report.failures.map { "\($0.error!)" })")
        #expect(report.downloaded.count == CollecTorFixtures.entries.count)
        #expect(report.results.map(\.file.path) == index.allFiles.map(\.path))
        let total = index.allFiles.reduce(0) { $0 + $1.size }
        #expect(report.bytesTransferred == total)
        for file in index.allFiles {
            #expect(try setup.mirrorBytes(file.path) == setup.servedBytes(file.path), "\(file.path)")
            #expect(!FileManager.default.fileExists(atPath: setup.mirror.appendingPathComponent(file.path).path + ".part"))
        }
        let last = try #require(progress.values.last)
        #expect(last.filesDone == index.allFiles.count)
        #expect(last.filesTotal == index.allFiles.count)
        #expect(last.bytesTransferred == total)
        #expect(last.bytesTotal == total)
        #expect(last.bytesPerSecond > 0 && last.filesPerSecond > 0)

        let before = setup.server.requests.count
        let again = await setup.client.download(index.allFiles, to: setup.mirror)
        #expect(again.alreadyPresent.count == index.allFiles.count)
        #expect(again.bytesTransferred == 0)
        #expect(setup.server.requests.count == before)
    }

    @Test("resume with Range: a .part holding the first 300,000 bytes is continued from there")
    func resumeWithRange() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        let file = try #require(try await setup.client.fetchIndex().allFiles.first { $0.path == CollecTorFixtures.consensusPath })
        let whole = try setup.servedBytes(file.path)
        let target = setup.mirror.appendingPathComponent(file.path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try whole.prefix(300_000).write(to: URL(fileURLWithPath: target.path + ".part"))
        let report = await setup.client.download([file], to: setup.mirror)
        #expect(report.results.first?.outcome == .resumed(fromByte: 300_000))
        #expect(report.bytesTransferred == whole.count - 300_000)
        #expect(try setup.mirrorBytes(file.path) == whole)
        #expect(setup.server.requests.last == "GET \(file.path) bytes=300000-")
    }

    @Test("resume without Range support: the server sends the whole file and the .part starts over")
    func resumeWithoutRange() async throws {
        let setup = try Setup(ranges: false)
        defer { setup.finish() }
        let file = try #require(try await setup.client.fetchIndex().allFiles.first { $0.path == CollecTorFixtures.consensusPath })
        let whole = try setup.servedBytes(file.path)
        let target = setup.mirror.appendingPathComponent(file.path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try whole.prefix(123_456).write(to: URL(fileURLWithPath: target.path + ".part"))
        let report = await setup.client.download([file], to: setup.mirror)
        #expect(report.results.first?.outcome == .downloaded)
        #expect(report.bytesTransferred == whole.count)
        #expect(try setup.mirrorBytes(file.path) == whole)
    }

    @Test("an interrupted transfer leaves a .part; the next run resumes it and verifies the whole file (HTTP and HTTPS)",
          arguments: [false, true])
    func interruptedThenResumed(https: Bool) async throws {
        let setup = try Setup(https: https)
        defer { setup.finish() }
        let file = try #require(try await setup.client.fetchIndex().allFiles.first { $0.path == CollecTorFixtures.consensusPath })
        try setup.server.cutOnce(file.path)
        let first = await setup.client.download([file], to: setup.mirror)
        guard case .transport = first.results.first?.error?.kind else {
            Issue.record("expected a transport failure, got \(String(describing: first.results.first?.outcome))")
            return
        }
        let part = setup.mirror.appendingPathComponent(file.path).path + ".part"
        let kept = try #require(try? FileManager.default.attributesOfItem(atPath: part)[.size] as? Int)
        #expect(kept > 0 && kept < file.size)
        #expect(!FileManager.default.fileExists(atPath: setup.mirror.appendingPathComponent(file.path).path))
        let second = await setup.client.download([file], to: setup.mirror)
        #expect(second.results.first?.outcome == .resumed(fromByte: kept))
        #expect(try setup.mirrorBytes(file.path) == setup.servedBytes(file.path))
    }

    @Test("a tampered file (same size, one byte changed) is rejected and deleted; the others arrive (HTTP and HTTPS)",
          arguments: [false, true])
    func tamperedFile(https: Bool) async throws {
        let setup = try Setup(https: https)
        defer { setup.finish() }
        let index = try await setup.client.fetchIndex()
        let victim = "recent/relay-descriptors/extra-infos/2017-07-17-17-20-00-extra-infos"
        var bytes = try setup.servedBytes(victim)
        bytes[1000] ^= 0x20
        try bytes.write(to: setup.served.appendingPathComponent(victim))
        let report = await setup.client.download(index.allFiles, to: setup.mirror)
        #expect(report.failures.map(\.file.path) == [victim])
        guard case .digestMismatch(let expected, let actual) = report.failures.first?.error?.kind else {
            Issue.record("expected a digest mismatch")
            return
        }
        #expect(expected == index.allFiles.first { $0.path == victim }?.sha256)
        #expect(actual == Base64.encode(Digest.sha256(Array(bytes))))
        #expect(!FileManager.default.fileExists(atPath: setup.mirror.appendingPathComponent(victim).path))
        #expect(!FileManager.default.fileExists(atPath: setup.mirror.appendingPathComponent(victim).path + ".part"))
        #expect(report.downloaded.count == index.allFiles.count - 1)
    }

    @Test("a file the index lists but the server lacks is reported as HTTP 404 and leaves nothing behind")
    func missingFile() async throws {
        let ghost = CollecTorFile(path: "recent/relay-descriptors/consensuses/2099-01-01-00-00-00-consensus", size: 10,
                                  types: [CollecTorDescriptorType("network-status-consensus-3 1.0")],
                                  sha256: Base64.encode(Digest.sha256(Array("0123456789".utf8))))
        let setup = try Setup(extra: [ghost])
        defer { setup.finish() }
        let index = try await setup.client.fetchIndex()
        let report = await setup.client.download(index.allFiles, to: setup.mirror)
        #expect(report.failures.count == 1)
        #expect(report.failures.first?.error == CollecTorError(.httpStatus(404), location: setup.client.url(for: ghost.path).absoluteString))
        #expect(!FileManager.default.fileExists(atPath: setup.mirror.appendingPathComponent(ghost.path).path + ".part"))
        #expect(report.downloaded.count == CollecTorFixtures.entries.count)
    }

    @Test("a file whose size differs from the index is rejected")
    func sizeMismatch() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        let index = try await setup.client.fetchIndex()
        let path = "recent/relay-descriptors/server-descriptors/2017-07-17-17-20-00-server-descriptors"
        try (try setup.servedBytes(path) + Data("extra".utf8)).write(to: setup.served.appendingPathComponent(path))
        let report = await setup.client.download(index.files(matching: CollecTorFilter(pathPrefix: path)), to: setup.mirror)
        guard case .sizeMismatch(let expected, _) = report.results.first?.error?.kind else {
            Issue.record("expected a size mismatch, got \(String(describing: report.results.first?.outcome))")
            return
        }
        #expect(expected == 6953)   // Resources/corpus/server-descriptors/metrics-lib--2017-07-17-17-20-00-server-descriptors
        #expect(!FileManager.default.fileExists(atPath: setup.mirror.appendingPathComponent(path).path + ".part"))
    }
}

/// Collects progress calls from background threads.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [CollecTorProgress] = []
    func append(_ value: CollecTorProgress) { lock.lock(); stored.append(value); lock.unlock() }
    var values: [CollecTorProgress] { lock.lock(); defer { lock.unlock() }; return stored }
}
