import Foundation
import Testing
@testable import TorDescriptors

/// BridgeDB metrics: the lines metrics-lib's test quotes from BridgeDB's 2019-09-17 metrics
/// (counts read independently here) and synthetic inputs, labelled as such.
@Suite struct BridgedbMetricsTests {
    static let file = "bridgedb-metrics/excerpt--metrics-lib--2019-09-17-00-33-44-bridgedb-metrics"

    @Test("the real excerpt parses strictly: end, version and every count")
    func realFile() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        let metrics = try BridgedbMetrics(parsing: bytes[...], mode: .strict)
        let text = String(decoding: bytes, as: UTF8.self)
        let countLines = text.split(separator: "\n").filter { $0.hasPrefix("bridgedb-metric-count ") }.map { $0.split(separator: " ") }
        #expect(metrics.counts.map(\.key) == countLines.map { String($0[1]) })
        #expect(metrics.counts.map(\.count) == countLines.map { Int($0[2])! })
        let endLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("bridgedb-metrics-end ") }).split(separator: " ")
        #expect(metrics.end.end.description == "\(endLine[1]) \(endLine[2])")
        #expect(metrics.end.interval == Int(endLine[3].dropFirst()))
        #expect(metrics.version == text.split(separator: "\n").first { $0.hasPrefix("bridgedb-metrics-version ") }.map { String($0.split(separator: " ")[1]) })
        #expect(metrics.warnings.isEmpty && metrics.unrecognizedLines.isEmpty)
        #expect(metrics.stemJSON.serialized().contains("\"bridgedb_metrics_interval_length\":\(metrics.end.interval)"))
    }

    @Test("detected by @type, by content and by CollecTor's file name; two documents in one file")
    func detection() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        #expect(DescriptorType.detect(fileName: nil, bytes: bytes[...]) == .bridgedbMetrics)
        let withoutAnnotation = bytes.drop { $0 != 0x0A }.dropFirst()
        #expect(DescriptorType.detect(fileName: nil, bytes: withoutAnnotation) == .bridgedbMetrics)
        #expect(DescriptorType(collectorFileName: "2019-09-17-00-33-44-bridgedb-metrics") == .bridgedbMetrics)
        let twice = Array(bytes + withoutAnnotation)
        let results = AnyDescriptor.parseAll(twice[...], as: .bridgedbMetrics, mode: .strict)
        #expect(results.count == 2)
        for result in results { #expect((try? result.get()) != nil) }
    }

    /// Synthetic: a minimal valid document the hostile cases below change one thing in.
    static let synthetic = """
    bridgedb-metrics-end 2019-09-17 00:33:44 (86400 s)
    bridgedb-metrics-version 1
    bridgedb-metric-count https.obfs4.ru.success.none 10

    """

    static let hostile: [HostileText] = [
        HostileText(name: "no end line", text: synthetic.components(separatedBy: "\n").dropFirst().joined(separator: "\n"), keyword: "bridgedb-metrics-version"),
        HostileText(name: "zero interval", text: synthetic.replacingOccurrences(of: "(86400 s)", with: "(0 s)"), keyword: "bridgedb-metrics-end"),
        HostileText(name: "interval without s)", text: synthetic.replacingOccurrences(of: "(86400 s)", with: "(86400)"), keyword: "bridgedb-metrics-end"),
        HostileText(name: "no version", text: synthetic.replacingOccurrences(of: "bridgedb-metrics-version 1\n", with: ""), keyword: "bridgedb-metrics-version"),
        HostileText(name: "two versions", text: synthetic + "bridgedb-metrics-version 2\n", keyword: "bridgedb-metrics-version"),
        HostileText(name: "count not a number", text: synthetic.replacingOccurrences(of: "none 10", with: "none 10-ish"), keyword: "bridgedb-metric-count"),
        HostileText(name: "duplicate key", text: synthetic + "bridgedb-metric-count https.obfs4.ru.success.none 20\n", keyword: "bridgedb-metric-count"),
        HostileText(name: "count without value", text: synthetic + "bridgedb-metric-count https.obfs4.ru.fail.none\n", keyword: "bridgedb-metric-count"),
        HostileText(name: "non-ASCII", text: synthetic.replacingOccurrences(of: "obfs4", with: "obfs\u{e9}"), keyword: nil),
    ]

    @Test("synthetic hostile inputs: strict throws naming line and keyword", arguments: hostile)
    func hostileInputs(_ input: HostileText) throws {
        do {
            _ = try BridgedbMetrics(parsing: Array(input.text.utf8)[...], mode: .strict)
            Issue.record("strict mode accepted \(input.name)")
        } catch {
            #expect(error.document == .bridgedbMetrics)
            #expect(error.keyword == input.keyword)
            #expect(error.line >= 1 && error.line <= input.text.split(separator: "\n", omittingEmptySubsequences: false).count)
        }
    }

    @Test("synthetic: lenient mode keeps the good counts, unknown lines, and records the rest")
    func lenient() throws {
        let text = Self.synthetic + "bridgedb-metric-count moat.obfs4.us.fail.none ten\nfuture-line a b\nbridgedb-metric-count email.obfs4.de.success.none 20\n"
        let metrics = try BridgedbMetrics(parsing: Array(text.utf8)[...], mode: .lenient)
        #expect(metrics.counts.map(\.count) == [10, 20])
        #expect(metrics.count("email.obfs4.de.success.none") == 20)
        #expect(metrics.unrecognizedLines.map(\.keyword) == ["future-line"])
        #expect(metrics.warnings.map(\.line) == [4])
    }

    @Test("truncations of the real file parse or give typed errors; limits give typed errors")
    func truncationsAndLimits() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        for end in stride(from: 0, to: bytes.count, by: 5) {
            do { _ = try BridgedbMetrics(parsing: bytes[..<end], mode: .strict) } catch { #expect(error.document == .bridgedbMetrics) }
        }
        #expect(throws: DescriptorParseError(document: .bridgedbMetrics, line: 2, keyword: nil, failure: .limitExceeded(.lineBytes, limit: 40))) {
            try BridgedbMetrics(parsing: bytes[...], mode: .lenient(limits: ParseLimits(maxLineBytes: 40)))
        }
    }

    @Test("synthetic: random bytes never crash either mode")
    func randomBytes() {
        var generator = SyntheticBytes(state: 0xB2D6_0001)
        for length in [1, 7, 64, 500] {
            for _ in 0..<50 {
                let bytes = generator.next(length)
                FuzzEntryPoints.bridgedbMetrics(bytes)
                FuzzEntryPoints.bridgedbMetrics(Array("bridgedb-metrics-end 2019-09-17 00:33:44 (86400 s)\n".utf8) + bytes)
            }
        }
    }
}
