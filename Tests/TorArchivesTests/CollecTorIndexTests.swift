import Foundation
import Testing
import TorArchives
import TorDescriptors

/// CollecTorIndex on Stem's copy of a real index.json (Resources/collector/stem--index.json,
/// byte-exact from torproject/stem test/unit/descriptor/data/collector/index.json). Expected
/// numbers were counted independently with Python's json module over the same file.
@Suite struct CollecTorIndexTests {
    static func stemIndexBytes() throws -> [UInt8] {
        Array(try Data(contentsOf: CollecTorFixtures.root.appendingPathComponent("Resources/collector/stem--index.json")))
    }

    static func time(_ text: String) -> TorTimestamp { TorTimestamp(parsing: text)! }

    @Test("the real index parses into its tree: 96 files, 44 under recent/, 52 under archive/")
    func stemIndexTree() throws {
        let index = try CollecTorIndex(data: Self.stemIndexBytes())
        #expect(index.created == Self.time("2019-11-30 22:26:00"))
        #expect(index.buildRevision == "199d1bed")
        #expect(index.baseURL == "https://collector.torproject.org")
        #expect(index.root.directories.map(\.name) == ["archive", "recent"])
        let files = index.allFiles
        #expect(files.count == 96)
        #expect(files.filter { $0.path.hasPrefix("recent/") }.count == 44)
        #expect(files.filter { $0.path.hasPrefix("archive/") }.count == 52)
        #expect(files.first?.path == "archive/bridge-descriptors/extra-infos/bridge-extra-infos-2008-05.tar.xz")
        #expect(files.last?.path == "recent/webstats/2019.www.torproject.org_hetzner-hel1-03.torproject.org_access.log_20191118.xz")
        #expect(files.allSatisfy { $0.sha256Digest != nil && $0.sha256Digest?.base64 == $0.sha256?.replacingOccurrences(of: "=", with: "") })
        #expect(files.filter { $0.types.isEmpty }.count == 12)      // bridgedb-metrics, webstats, ...
        #expect(files.filter { $0.firstPublished == nil }.count == 3)
    }

    @Test("a file's fields: certs.tar.xz as the index writes it")
    func certsEntry() throws {
        let index = try CollecTorIndex(data: Self.stemIndexBytes())
        let certs = try #require(index.allFiles.first { $0.name == "certs.tar.xz" })
        #expect(certs.path == "archive/relay-descriptors/certs.tar.xz")
        #expect(certs.size == 151_748)
        #expect(certs.lastModified == Self.time("2019-11-29 03:33:00"))
        #expect(certs.firstPublished == Self.time("2007-09-19 03:14:00"))
        #expect(certs.lastPublished == Self.time("2019-10-08 04:06:00"))
        #expect(certs.types == [CollecTorDescriptorType("dir-key-certificate-3 1.0")])
        #expect(certs.types.first?.name == "dir-key-certificate-3")
        #expect(certs.types.first?.version == "1.0")
        #expect(certs.sha256 == "ZfcE9RJwHvXhXaZ2xDzpoOJFqJeQR5ovOePOyNkKDi8=")
        let relay = try #require(index.root.directories.first { $0.name == "archive" }?.directories.first { $0.name == "relay-descriptors" })
        #expect(relay.path == "archive/relay-descriptors")
        #expect(relay.files.map(\.name) == ["certs.tar.xz"])
    }

    @Test("listing by type, by time range and by path prefix")
    func listing() throws {
        let index = try CollecTorIndex(data: Self.stemIndexBytes())
        let servers = index.files(matching: CollecTorFilter(types: ["server-descriptor"]))
        #expect(servers.map(\.name) == ["server-descriptors-2005-12.tar.xz", "server-descriptors-2006-02.tar.xz",
                                        "server-descriptors-2006-03.tar.xz", "2019-11-27-23-05-00-server-descriptors",
                                        "2019-11-28-00-05-00-server-descriptors", "2019-11-28-01-05-00-server-descriptors"])
        // A type name does not match a longer name that starts with it (bridge-server-descriptor).
        #expect(!servers.contains { $0.path.contains("bridge") })
        #expect(index.files(matching: CollecTorFilter(types: ["server-descriptor 1.0"])).count == 6)
        #expect(index.files(matching: CollecTorFilter(types: ["server-descriptor 2.0"])).isEmpty)
        #expect(index.files(matching: CollecTorFilter(types: ["microdescriptor", "tordnsel"])).count == 11)
        #expect(index.files(matching: CollecTorFilter(types: ["server-descriptor"], pathPrefix: "recent/")).count == 3)

        let hour = CollecTorFilter(from: Self.time("2019-11-28 00:00:00"), to: Self.time("2019-11-28 01:00:00"))
        let inHour = index.files(matching: hour)
        #expect(inHour.count == 14)
        #expect(inHour.first?.path == "archive/bridgedb-metrics/bridgedb-metrics-2019-11.tar.xz")
        #expect(inHour.contains { $0.path == "recent/relay-descriptors/consensuses/2019-11-28-01-00-00-consensus" })
        #expect(!inHour.contains { $0.path == "recent/relay-descriptors/consensuses/2019-11-28-02-00-00-consensus" })
        // Consensus archives of 2007: only November overlaps 2007-11-15.
        let mid = Self.time("2007-11-15 00:00:00")
        let consensuses = index.files(matching: CollecTorFilter(types: ["network-status-consensus-3"], from: mid, to: mid))
        #expect(consensuses.map(\.name) == ["consensuses-2007-11.tar.xz"])
    }

    @Test("compressed copies of the index (xz, gzip, bzip2) parse to the same index")
    func compressedIndex() throws {
        let dir = try CollecTorFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try CollecTorIndex(data: Self.stemIndexBytes())
        try Data(Self.stemIndexBytes()).write(to: dir.appendingPathComponent("index.json"))
        for (tool, ext) in [("xz", "xz"), ("gzip", "gz"), ("bzip2", "bz2")] {
            try CollecTorFixtures.run([tool, "-k", "index.json"], in: dir)
            let compressed = Array(try Data(contentsOf: dir.appendingPathComponent("index.json." + ext)))
            #expect(compressed.count < 25_856)
            #expect(try CollecTorIndex(data: compressed) == plain, "\(ext)")
        }
    }

    @Test("synthetic bad indexes: not JSON, truncated xz, an unsafe path and a file without size are rejected")
    func syntheticBadIndexes() throws {
        func kind(_ text: String) -> CollecTorError.Kind? {
            do { _ = try CollecTorIndex(data: Array(text.utf8)); return nil } catch { return error.kind }
        }
        if case .badIndex = kind("<html>not found</html>") {} else { Issue.record("HTML accepted") }
        if case .badIndex = kind("[1, 2]") {} else { Issue.record("array accepted") }
        let traversal = #"{"path":"x","directories":[{"path":"..","files":[{"path":"passwd","size":1}]}]}"#
        if case .badIndex = kind(traversal) {} else { Issue.record("'..' directory accepted") }
        let slash = #"{"path":"x","files":[{"path":"a/../../b","size":1}]}"#
        if case .badIndex = kind(slash) {} else { Issue.record("'/' in a file name accepted") }
        let noSize = #"{"path":"x","files":[{"path":"a"}]}"#
        if case .badIndex = kind(noSize) {} else { Issue.record("file without size accepted") }
        let truncatedXZ: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04]
        #expect(throws: CollecTorError.self) { try CollecTorIndex(data: truncatedXZ) }
        // An empty index is valid: no files.
        #expect(try CollecTorIndex(data: Array(#"{"path":"https://example.org"}"#.utf8)).allFiles.isEmpty)
    }
}
