import Foundation
import Testing

/// `tordesc parse --progress json`: machine-readable progress lines on stderr for job logs, and
/// no progress at all when stderr is not a terminal and no flag asks for it.
struct TordescProgressCLITests {
    static let directory = "Resources/corpus/server-descriptors"

    /// The JSON objects among stderr's lines (the totals line and `skipped:` lines are text).
    static func progressObjects(_ stderr: String) throws -> [[String: Any]] {
        try stderr.split(separator: "\n").filter { $0.hasPrefix("{") }.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// A `.tar.xz` of the bundled server descriptors, made with the system's tar as a CollecTor
    /// archive is (the test fails, never skips, without tar).
    static func makeArchive(in directory: URL) throws -> URL {
        let archive = directory.appendingPathComponent("server-descriptors.tar.xz")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-cJf", archive.path, "-C", ProjectFiles.root.path + "/Resources/corpus", "server-descriptors"]
        try tar.run()
        tar.waitUntilExit()
        try #require(tar.terminationStatus == 0, "tar failed")
        return archive
    }

    @Test("--progress json on an archive ends with one final line whose counts are the read's, and every line has every field")
    func jsonProgressLines() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tordesc-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let archive = try Self.makeArchive(in: directory)

        let run = try TordescCLITests.run(["parse", "--quiet", "--progress", "json", archive.path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try Self.progressObjects(run.stderr)
        let last = try #require(lines.last, "no progress line on stderr: \(run.stderr)")
        #expect(lines.filter { $0["final"] as? Bool == true }.count == 1)
        #expect(last["final"] as? Bool == true)

        // The totals line says how many documents were parsed: the final line must agree.
        let totals = try #require(run.stderr.split(separator: "\n").first { $0.hasPrefix("parsed: ") })
        // "parsed: 600 server-descriptor, 13 x; failed: 0": the sum of the counts before ";".
        let counts = totals.dropFirst("parsed: ".count).prefix { $0 != ";" }.split(separator: ", ")
        let parsed = counts.compactMap { Int($0.prefix { $0 != " " }) }.reduce(0, +)
        #expect(parsed > 0 && counts.count > 0)
        #expect(last["documents"] as? Int == parsed, "\(totals)")
        let archiveSize = try FileManager.default.attributesOfItem(atPath: archive.path)[.size] as? Int
        #expect(last["bytes"] as? Int == archiveSize)
        #expect(last["files"] as? Int == 1)
        let path = try #require(last["current_path"] as? String)
        #expect(path.hasPrefix(archive.path + "!server-descriptors/"), "\(path)")

        var previous = 0
        for line in lines {
            #expect(line["@type"] as? String == "tordesc-progress")
            for key in ["elapsed_seconds", "documents_per_second", "bytes_per_second"] {
                #expect((line[key] as? Double).map { $0 >= 0 } == true, "\(key) in \(line)")
            }
            let documents = try #require(line["documents"] as? Int)
            #expect(documents >= previous, "documents went down")
            previous = documents
            #expect(line["files"] is Int)
        }
    }

    @Test("no progress output when stderr is not a terminal and no --progress is given")
    func silentWithoutTerminal() throws {
        let run = try TordescCLITests.run(["parse", "--quiet", Self.directory])
        #expect(run.status == 0)
        #expect(try Self.progressObjects(run.stderr).isEmpty)
        #expect(!run.stderr.contains("\r"))
    }

    @Test("--progress and --no-progress together are a usage error")
    func conflictingFlags() throws {
        let run = try TordescCLITests.run(["parse", "--no-progress", "--progress", "json", Self.directory])
        #expect(run.status == 2, "exit \(run.status): \(run.stderr)")
    }
}
