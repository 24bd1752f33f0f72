import Decompression
import Foundation
import Testing
import TorArchives
@testable import TorDescriptors

/// Web server access logs: a real CollecTor webstats file metrics-lib tests with (decompressed
/// here with the Decompression module, its lines read independently with Foundation), the
/// reader's path `tordesc parse` takes, and synthetic lines, labelled as such.
@Suite struct WebServerAccessLogTests {
    static let name = "archive.torproject.org_archeotrichon.torproject.org_access.log_20151007.xz"
    static var path: String { ArchiveFixtures.corpusPath("webstats/" + name) }

    static func decompressed() throws -> [UInt8] {
        try Decompression.decompress(try Data(contentsOf: URL(fileURLWithPath: path)), format: .xz)
    }

    @Test("the real log parses strictly: every line, its request, status and size")
    func realFile() throws {
        let bytes = try Self.decompressed()
        let log = try WebServerAccessLog(parsing: bytes[...], fileName: Self.path, mode: .strict)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(log.lines.count == lines.count && log.invalidLineCount == 0)
        // Independent reading: the request is between the first '"GET ' and the last ' HTTP/1.' of the
        // quoted part, status and size follow its closing '" ' (requests may hold escaped quotes).
        let fields = lines.map { line -> (request: String, status: Int, size: Int?) in
            let text = String(line)
            let open = text.range(of: "\"")!, proto = text.range(of: " HTTP/1.", options: .backwards)!
            let method = text[open.upperBound...].prefix { $0 != " " }
            let request = String(text[text.index(open.upperBound, offsetBy: method.count + 1)..<proto.lowerBound])
            let after = text[text.index(proto.upperBound, offsetBy: 2)...].split(separator: " ")
            return (request, Int(after[0])!, Int(after[1]))
        }
        #expect(log.lines.map(\.request) == fields.map(\.request))
        #expect(log.lines.map(\.response) == fields.map(\.status))
        #expect(log.lines.map(\.size) == fields.map(\.size))
        #expect(log.name?.virtualHost == "archive.torproject.org")
        #expect(log.name?.physicalHost == "archeotrichon.torproject.org")
        #expect(log.name?.date.description == "2015-10-07 00:00:00" && log.name?.compression == "xz")
        #expect(log.lines.allSatisfy { $0.date == log.name?.date })
        #expect(log.stemJSON.serialized().contains("\"log_lines\":\(lines.count)"))
    }

    @Test("tordesc parse's reader detects the compressed file by its content and parses it")
    func throughTheReader() throws {
        let lines = String(decoding: try Self.decompressed(), as: UTF8.self).split(separator: "\n").count
        var documents: [WebServerAccessLog] = []
        for item in DescriptorReader(paths: [Self.path], options: DescriptorReaderOptions()) {
            if case .success(.webServerAccessLog(let log)) = item.result { documents.append(log) } else { Issue.record("\(item.source): \(item.result)") }
        }
        #expect(documents.map(\.lines.count) == [lines])
        #expect(DescriptorType(collectorFileName: Self.name) == .webServerAccessLog)
        // The hosts and the day come from the file's name, as metrics-lib takes them.
        #expect(documents.map(\.name) == [WebServerAccessLog.FileName(parsing: Self.name)])
        #expect(documents.first?.name?.virtualHost == "archive.torproject.org")

        // The same bytes under a name of no CollecTor form: found by content, no name, and
        // strict mode does not hold the name against it.
        let renamed = FileManager.default.temporaryDirectory.appendingPathComponent("weblog-\(UUID().uuidString).xz")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.path), to: renamed)
        defer { try? FileManager.default.removeItem(at: renamed) }
        var strict = DescriptorReaderOptions()
        strict.mode = .strict
        let items = Array(DescriptorReader(paths: [renamed.path], options: strict))
        #expect(items.count == 1)
        if case .success(.webServerAccessLog(let log))? = items.first?.result { #expect(log.name == nil && log.lines.count == lines) }
        else { Issue.record("\(String(describing: items.first?.result))") }
    }

    @Test("synthetic: unsanitized lines, time zones, '-' sizes and lines metrics-lib rejects")
    func syntheticLines() throws {
        let text = """
        123.45.67.89 - - [30/May/2017:23:32:39 -0200] "GET /a b HTTP/1.1" 200 - "-" "agent"
        0.0.0.0 - - [30/May/2017:00:00:00 +0000] "-" 408 0 "-" "-"
        0.0.0.0 - - [31/Feb/2017:00:00:00 +0000] "GET / HTTP/1.1" 200 1

        """
        let log = try WebServerAccessLog(parsing: Array(text.utf8)[...], mode: .lenient)
        #expect(log.lines.count == 1 && log.invalidLineCount == 2)
        #expect(log.lines[0].request == "/a b" && log.lines[0].size == nil)
        // 23:32 at -02:00 is the next day in UTC.
        #expect(log.lines[0].date.description == "2017-05-31 00:00:00")
        #expect(log.warnings.map(\.line) == [2, 3])
        #expect(throws: DescriptorParseError.self) { try WebServerAccessLog(parsing: Array(text.utf8)[...], mode: .strict) }
        #expect(throws: DescriptorParseError.self) {
            try WebServerAccessLog(parsing: Array(text.utf8)[...], fileName: "not-a-webstats-name.xz", mode: .strict)
        }
        #expect(WebServerAccessLog.FileName(parsing: "a_b_access.log_2015100") == nil)
        #expect(WebServerAccessLog.FileName(parsing: "a_b_access.log_20151332.xz") == nil)
    }

    @Test("truncations of the real log parse or give typed errors; limits give typed errors")
    func truncationsAndLimits() throws {
        let bytes = try Self.decompressed()
        for end in stride(from: 0, to: bytes.count, by: 997) {
            do { _ = try WebServerAccessLog(parsing: bytes[..<end], fileName: Self.name, mode: .strict) } catch { #expect(error.document == .webServerAccessLog) }
        }
        #expect(throws: DescriptorParseError.self) {
            try WebServerAccessLog(parsing: bytes[...], mode: .lenient(limits: ParseLimits(maxEntriesPerConsensus: 10)))
        }
    }
}
