import Foundation
import Testing
import TestSupport
import TorArchives

/// `tordesc lookup --collector` end to end against the loopback CollecTor server
/// (``CollecTorTestServer``): only the consensuses and exit lists of the window are
/// downloaded, and the answer comes from them.
@Suite(.serialized, .enabled(if: CollecTorTestServer.python != nil, "python3 not found: lookup --collector test skipped"))
struct LookupCollectorCLITests {
    @Test("lookup --collector downloads the window's consensus, answers from it, and finds it present the second time")
    func lookupFromCollector() throws {
        let binary = try #require(TordescProcess.executable(projectRoot: CollecTorFixtures.root), "tordesc is not built: run swift build first")
        let dir = try CollecTorFixtures.makeTree()
        let server = try CollecTorTestServer(serving: dir.appendingPathComponent("served"))
        defer { server.stop(); try? FileManager.default.removeItem(at: dir) }
        let mirror = dir.appendingPathComponent("mirror").path
        let arguments = ["lookup", "178.52.17.39", "--at", "2012-06-18 20:00:00", "--collector", "--collector-url", server.baseURL.absoluteString,
                         "--collector-directory", mirror, "--index", dir.appendingPathComponent("index").path]
        let first = try TordescProcess.run(binary, arguments, in: CollecTorFixtures.root)
        #expect(first.status == 0 && first.stdout.contains("0028DBB079E445EC040D7CFD9AA4B4C09C8BC293"), "\(first)")
        #expect(first.stdout.contains("in 1 of 1 consensuses"))
        let downloaded = try FileManager.default.subpathsOfDirectory(atPath: mirror).filter { $0.split(separator: "/").last!.hasPrefix("20") }
        #expect(downloaded == [CollecTorFixtures.consensusPath], "only the window's consensus: \(downloaded)")
        let second = try TordescProcess.run(binary, arguments, in: CollecTorFixtures.root)
        #expect(second.status == 0 && second.stdout == first.stdout)
        // A window with no consensus on the server: nothing downloaded, the answer is unknown.
        let elsewhen = try TordescProcess.run(binary, arguments.map { $0 == "2012-06-18 20:00:00" ? "2015-01-01" : $0 }, in: CollecTorFixtures.root)
        #expect(elsewhen.status == 1 && elsewhen.stdout.contains("no consensus in the window: unknown"), "\(elsewhen)")
    }
}
