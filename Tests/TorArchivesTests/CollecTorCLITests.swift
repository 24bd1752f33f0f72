import Foundation
import Testing
import TestSupport
import TorArchives

/// `tordesc collector list|download` end to end: the built executable against the loopback
/// server (``CollecTorTestServer``) and the tree of ``CollecTorFixtures``.
@Suite(.serialized, .enabled(if: CollecTorTestServer.python != nil, "python3 not found: CollecTor CLI tests skipped"))
struct CollecTorCLITests {
    typealias Run = TordescProcess.Run
    static let executable = TordescProcess.executable(projectRoot: CollecTorFixtures.root)

    static func run(_ arguments: [String]) throws -> Run {
        try TordescProcess.run(try #require(executable, "tordesc is not built: run swift build first"), arguments,
                               in: CollecTorFixtures.root)
    }

    @Test("list: tab-separated lines and JSON lines, filtered by type, time and prefix")
    func list() throws {
        let dir = try CollecTorFixtures.makeTree()
        let server = try CollecTorTestServer(serving: dir.appendingPathComponent("served"))
        defer { server.stop(); try? FileManager.default.removeItem(at: dir) }
        let base = server.baseURL.absoluteString

        let plain = try Self.run(["collector", "list", "--base-url", base, "--type", "server-descriptor", "--path-prefix", "recent/"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.split(separator: "\n") == [
            "recent/relay-descriptors/server-descriptors/2017-07-17-17-20-00-server-descriptors\t6953\t2017-07-17 16:15:00\t2017-07-17 16:48:00\tserver-descriptor 1.0",
            "recent/relay-descriptors/server-descriptors/2016-10-02-16-05-00-server-descriptors\t17404\t2016-10-02 14:58:00\t2016-10-02 15:01:00\tserver-descriptor 1.0",
        ])
        #expect(plain.stderr == "files: 2; bytes: 24357\n")

        let json = try Self.run(["collector", "list", "--base-url", base, "--json", "--from", "2012-06-18", "--to", "2012-06-18"])
        #expect(json.status == 0, "\(json.stderr)")
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["path"] as? String == CollecTorFixtures.consensusPath)
        #expect(object["size"] as? Int == 701_186)
        #expect(object["types"] as? [String] == ["network-status-consensus-3 1.0"])
        #expect(object["first_published"] as? String == "2012-06-18 21:00:00")
        #expect((object["sha256"] as? String)?.count == 44)
    }

    @Test("download: exit 0 and files in the mirror; again: all present; a tampered file: exit 1")
    func download() throws {
        let dir = try CollecTorFixtures.makeTree()
        let server = try CollecTorTestServer(serving: dir.appendingPathComponent("served"))
        defer { server.stop(); try? FileManager.default.removeItem(at: dir) }
        let base = server.baseURL.absoluteString
        let mirror = dir.appendingPathComponent("mirror").path
        let arguments = ["collector", "download", "--base-url", base, "--type", "extra-info", "-o", mirror]

        let first = try Self.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n") == [
            "downloaded\trecent/relay-descriptors/extra-infos/2017-07-17-17-20-00-extra-infos",
            "downloaded\tarchive/relay-descriptors/extra-infos/extra-infos-2016-10.tar.xz",
        ])
        #expect(!first.stderr.contains("\u{1B}"))   // no progress line: stderr is a pipe
        let path = "recent/relay-descriptors/extra-infos/2017-07-17-17-20-00-extra-infos"
        #expect(FileManager.default.contents(atPath: mirror + "/" + path) == FileManager.default.contents(atPath: CollecTorFixtures.corpusPath("extra-info/metrics-lib--2017-07-17-17-20-00-extra-infos")))

        let second = try Self.run(arguments)
        #expect(second.status == 0)
        #expect(second.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("present\t") })
        #expect(second.stderr.contains("already present: 2;"))

        try FileManager.default.removeItem(atPath: mirror + "/" + path)
        var bytes = try Data(contentsOf: dir.appendingPathComponent("served/" + path))
        bytes[10] ^= 1
        try bytes.write(to: dir.appendingPathComponent("served/" + path))
        let tampered = try Self.run(arguments)
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("error: \(path): "))
        #expect(tampered.stderr.contains("SHA-256"))
    }

    @Test("over HTTPS: download with --ca-file naming the test CA; without it the certificate is refused (exit 1)",
          .enabled(if: TestCertificates.openssl != nil, "openssl not found: HTTPS CLI test skipped"))
    func downloadOverHTTPS() throws {
        let dir = try CollecTorFixtures.makeTree()
        let certificates = try TestCertificates(in: dir)
        let server = try CollecTorTestServer(serving: dir.appendingPathComponent("served"), tls: certificates)
        defer { server.stop(); try? FileManager.default.removeItem(at: dir) }
        let base = server.baseURL.absoluteString
        #expect(base.hasPrefix("https://localhost:"))
        let mirror = dir.appendingPathComponent("mirror").path
        let trusted = try Self.run(["collector", "download", "--base-url", base, "--ca-file", certificates.caCertificate.path,
                                    "--type", "extra-info", "-o", mirror])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout.split(separator: "\n").count == 2)
        let untrusted = try Self.run(["collector", "list", "--base-url", base])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("TLS"), "\(untrusted.stderr)")
    }

    @Test("usage errors exit 2; an unreachable index exits 1")
    func errors() throws {
        #expect(try Self.run(["collector", "list", "--from", "yesterday"]).status == 2)
        #expect(try Self.run(["collector", "list", "--base-url", "ftp://example.org"]).status == 2)
        #expect(try Self.run(["collector", "download", "--type", "server-descriptor"]).status == 2)   // -o missing
        #expect(try Self.run(["collector", "list", "--from", "2019-02-01", "--to", "2019-01-01"]).status == 2)
        // Port 9 on loopback: nothing listens there, the connection is refused at once.
        let refused = try Self.run(["collector", "list", "--base-url", "http://127.0.0.1:9", "--timeout", "5"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot read the CollecTor index"))
    }
}
