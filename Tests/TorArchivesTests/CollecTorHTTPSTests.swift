import CollecTor
import Foundation
import Testing
import TorArchives
import TorDescriptors

/// CollecTorClient over HTTPS: python3's http.server wrapped in TLS on 127.0.0.1, with a CA and
/// a `localhost` certificate made by openssl for each test (``TestCertificates``), serving the
/// tree of ``CollecTorFixtures``.
@Suite(.serialized, .enabled(if: CollecTorTestServer.python != nil && TestCertificates.openssl != nil,
                             "python3 or openssl not found: CollecTor HTTPS tests skipped"))
struct CollecTorHTTPSTests {
    struct Setup {
        let dir: URL
        let certificates: TestCertificates
        let server: CollecTorTestServer
        var served: URL { dir.appendingPathComponent("served") }
        var mirror: URL { dir.appendingPathComponent("mirror") }
        var client: CollecTorClient {
            CollecTorClient(baseURL: server.baseURL, timeout: 20, caCertificatesFile: certificates.caCertificate.path)
        }

        init() throws {
            dir = try CollecTorFixtures.makeTree()
            certificates = try TestCertificates(in: dir)
            server = try CollecTorTestServer(serving: dir.appendingPathComponent("served"), tls: certificates)
        }

        func servedBytes(_ path: String) throws -> Data { try Data(contentsOf: served.appendingPathComponent(path)) }
        func mirrorBytes(_ path: String) throws -> Data { try Data(contentsOf: mirror.appendingPathComponent(path)) }

        func finish() {
            server.stop()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    @Test("index and every file over HTTPS, byte-identical; a second run finds them all present")
    func indexAndDownload() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        #expect(setup.server.baseURL.scheme == "https")
        let index = try await setup.client.fetchIndex()
        #expect(setup.server.requests == ["GET index/index.json.xz -"])
        #expect(index.allFiles.count == CollecTorFixtures.entries.count)
        let report = await setup.client.download(index.allFiles, to: setup.mirror, options: CollecTorDownloadOptions(maxConcurrentDownloads: 3))
        #expect(report.failures.isEmpty, "\(report.failures.map { "\($0.error!)" })")
        for file in index.allFiles { #expect(try setup.mirrorBytes(file.path) == setup.servedBytes(file.path), "\(file.path)") }
        let again = await setup.client.download(index.allFiles, to: setup.mirror)
        #expect(again.alreadyPresent.count == index.allFiles.count)
    }

    @Test("a transfer cut mid-body leaves a .part that the next run resumes with Range over HTTPS")
    func cutThenResumed() async throws {
        let setup = try Setup()
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
        let second = await setup.client.download([file], to: setup.mirror)
        #expect(second.results.first?.outcome == .resumed(fromByte: kept))
        #expect(setup.server.requests.last == "GET \(file.path) bytes=\(kept)-")
        #expect(try setup.mirrorBytes(file.path) == setup.servedBytes(file.path))
    }

    @Test("a tampered file fails its SHA-256 and is deleted; the rest arrive")
    func tamperedFile() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        let index = try await setup.client.fetchIndex()
        let victim = "recent/relay-descriptors/extra-infos/2017-07-17-17-20-00-extra-infos"
        var bytes = try setup.servedBytes(victim)
        bytes[500] ^= 0x01
        try bytes.write(to: setup.served.appendingPathComponent(victim))
        let report = await setup.client.download(index.allFiles, to: setup.mirror)
        #expect(report.failures.map(\.file.path) == [victim])
        guard case .digestMismatch = report.failures.first?.error?.kind else {
            Issue.record("expected a digest mismatch, got \(report.failures)")
            return
        }
        #expect(!FileManager.default.fileExists(atPath: setup.mirror.appendingPathComponent(victim).path + ".part"))
        #expect(report.downloaded.count == index.allFiles.count - 1)
    }

    @Test("the server's certificate is checked: the system roots and another CA both refuse it")
    func untrustedCertificateIsRefused() async throws {
        let setup = try Setup()
        defer { setup.finish() }
        let stranger = try TestCertificates(in: setup.dir, name: "stranger")
        for client in [CollecTorClient(baseURL: setup.server.baseURL, timeout: 20),
                       CollecTorClient(baseURL: setup.server.baseURL, timeout: 20, caCertificatesFile: stranger.caCertificate.path)] {
            do {
                _ = try await client.fetchIndex()
                Issue.record("an untrusted certificate was accepted")
            } catch {
                guard case .transport(let why) = error.kind else { Issue.record("got \(error)"); continue }
                #expect(why.contains("TLS"), "\(why)")
            }
        }
        #expect(setup.server.requests.isEmpty)   // no request went over the refused connection
    }
}
