import CollecTor
import Foundation
import Testing
import TorArchives
import TorDescriptors
import TorNetwork
import TorWire

/// CollecTorClient over HTTPS: python3's http.server wrapped in TLS on 127.0.0.1, with a CA and
/// a `localhost` certificate made by openssl for each test (``TestCertificates``), serving the
/// tree of ``CollecTorFixtures``. Resume after a cut and a tampered file run over HTTPS too, as
/// arguments of their tests in ``CollecTorClientTests``.
@Suite(.serialized, .enabled(if: CollecTorTestServer.python != nil && TestCertificates.openssl != nil,
                             "python3 or openssl not found: CollecTor HTTPS tests skipped"))
struct CollecTorHTTPSTests {
    typealias Setup = CollecTorClientTests.Setup

    @Test("index and every file over HTTPS, byte-identical; a second run finds them all present")
    func indexAndDownload() async throws {
        let setup = try Setup(https: true)
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

    @Test("the server's certificate is checked: the system roots and another CA both refuse it")
    func untrustedCertificateIsRefused() async throws {
        let setup = try Setup(https: true)
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

    @Test("Connector over TLS: the peer certificate it reports is the server's, byte for byte")
    func peerCertificateIsTheServers() async throws {
        let setup = try Setup(https: true)
        defer { setup.finish() }
        let certificates = try #require(setup.certificates)
        let tls = try TLSOptions(serverHostname: "localhost", trustRoots: .file(certificates.caCertificate.path))
        let request = try HTTPRequest(path: "/index/index.json", host: "localhost", port: setup.server.port, version: .http11)
        let der = try await Connector.withConnection(host: "localhost", port: setup.server.port,
                                                     limits: ConnectionLimits(deadline: .now + .seconds(20)), tls: tls) { connection in
            try await connection.write(request.serialized())
            var iterator = connection.inbound.makeAsyncIterator()
            _ = try await iterator.next()   // the answer's first bytes: the handshake is over
            return connection.peerCertificateDER
        }
        let pem = try String(contentsOf: certificates.serverChain, encoding: .utf8)
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let expected = Array(try #require(Data(base64Encoded: base64)))
        #expect(der == expected, "got \(der?.count ?? -1) bytes, expected \(expected.count)")
    }
}
