import Foundation
import Testing
@testable import TorDescriptors

/// Every server-descriptor file of the shared corpus (too large to copy as fixtures): runs only
/// where ../shared/corpus exists. Counts are `^router ` lines, as in the corpus SOURCES.md.
private let sharedCorpus = ProjectFiles.sharedCorpus.path

@Suite(.enabled(if: FileManager.default.fileExists(atPath: sharedCorpus)))
struct ServerDescriptorCorpusTests {
    static let corpus = sharedCorpus

    static let files: [(path: String, count: Int, bridge: Bool)] = [
        ("server-descriptors/2012-06-18-cached-descriptors", 1984, false),
        ("server-descriptors/2012-06-18-cached-descriptors.new", 903, false),
        ("server-descriptors/2014-12-08-server-descriptors-867", 867, false),
        ("server-descriptors/2020-02-29-10-05-00-server-descriptors", 587, false),
        ("server-descriptors/2026-07-arti-live--Akka", 1, false),
        ("server-descriptors/2026-07-arti-live--Ukko", 1, false),
        ("server-descriptors/2026-07-arti-live--d2d4", 1, false),
        ("server-descriptors/2026-07-arti-live--lisdex", 1, false),
        ("server-descriptors/2026-07-arti-live--moria1", 1, false),
        ("server-descriptors/collector-2014-11-88827c73d5fd35e9638f820c44187ccdf8403b0f", 1, false),
        ("server-descriptors/collector-2014-12-7aef3ff4d6a3b20c03ebefef94e6dfca4d9b663a", 1, false),
        ("server-descriptors/metrics-lib--2017-07-17-17-20-00-server-descriptors", 4, false),
        ("server-descriptors/metrics-web--0018ab4f2f28af683d52f06407edbf7ce1bd3b7d", 1, false),
        ("server-descriptors/metrics-web--01003df74972ce952ebfa390f468ef63c50efa25", 1, false),
        ("server-descriptors/metrics-web--018c1229d5f56eebfc1d709d4692673d098800e8", 1, false),
        ("server-descriptors/relay-2016-10-02-16-05-00-server-descriptors", 10, false),
        ("server-descriptors/stem--example_descriptor", 1, false),
        ("server-descriptors/stem--metrics_server_desc_multiple", 2, false),
        ("server-descriptors/stem--old_descriptor", 1, false),
        ("server-descriptors/stem--server_descriptor_with_ed25519", 1, false),
        ("bridge/bridge-2016-10-02-16-09-00-server-descriptors", 8, true),
        ("bridge/metrics-lib--2017-07-17-17-09-00-server-descriptors", 13, true),
        ("bridge/metrics-web--000a7fe20a17bf5d9839a126b1dff43f998aac6f", 1, true),
        ("bridge/metrics-web--0041dbf9fe846f9765882f7dc8332f94b709e35a", 1, true),
        ("bridge/metrics-web--64dd486d89af14027c9a7b4347a94b74dddb5cdb", 1, true),
        ("bridge/stem--bridge_descriptor", 1, true),
        ("bridge/stem--bridge_descriptor_with_ed25519", 1, true),
        ("malformed/stem--cr_in_contact_line", 1, false),
        ("malformed/stem--negative_uptime", 1, false),
        ("malformed/stem--non-ascii_descriptor", 1, false),
        ("testnet/arti-shadow-chutney-000a/cached-descriptors.new", 20, false),
        ("testnet/sbws-chutney-2019-03-cached-descriptors", 15, false),
    ]

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: corpus + "/" + path)))
    }

    @Test(arguments: files.map(\.path))
    func everyDescriptorParsesLenientAndStrict(_ path: String) throws {
        let file = Self.files.first { $0.path == path }!
        let bytes = try Self.bytes(path)
        let routerLines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            .filter { $0.starts(with: Array("router ".utf8)) }.count
        #expect(routerLines == file.count)
        let lenient = ServerDescriptor.parseAll(bytes[...]).compactMap { try? $0.get() }
        #expect(lenient.count == file.count)
        #expect(lenient.allSatisfy { $0.isBridge == file.bridge })
        #expect(lenient.allSatisfy { $0.warnings.isEmpty && $0.unrecognizedLines.isEmpty })
        #expect(lenient.allSatisfy { $0.digest != nil && $0.published != nil && $0.averageBandwidth != nil })
        for result in ServerDescriptor.parseAll(bytes[...], mode: .strict) {
            if case .failure(let error) = result { Issue.record("\(path): \(error)") }
        }
    }

    /// Spot checks in the large files (counts from grep on the same files).
    @Test func largeFileSpotChecks() throws {
        let cached = ServerDescriptor.parseAll(try Self.bytes("server-descriptors/2012-06-18-cached-descriptors")[...])
            .compactMap { try? $0.get() }
        #expect(cached.filter { $0.fingerprint == nil }.isEmpty)
        #expect(cached.allSatisfy { $0.annotations.contains { $0.name == "downloaded-at" } })
        let sbws = ServerDescriptor.parseAll(try Self.bytes("server-descriptors/2020-02-29-10-05-00-server-descriptors")[...])
            .compactMap { try? $0.get() }
        #expect(sbws.filter { $0.identityCertificate != nil }.count == 576)    // `grep -c ^identity-ed25519`
        #expect(sbws.allSatisfy { $0.identityCertificate?.signingKey == $0.masterKeyEd25519 })
        #expect(sbws.allSatisfy { $0.ntorOnionKeyCrosscert?.certifiedKey == $0.masterKeyEd25519 })
    }
}
