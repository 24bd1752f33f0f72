import Foundation
import Testing
@testable import TorDescriptors

/// Snowflake statistics: a real broker log metrics-lib tests with (two intervals; counts read
/// independently here) and synthetic inputs, labelled as such.
@Suite struct SnowflakeStatsTests {
    static let file = "snowflakes/metrics-lib--example_metrics.log"

    @Test("the real log parses strictly into one document per snowflake-stats-end, every statistic kept")
    func realFile() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        let results = SnowflakeStats.parseAll(bytes[...], mode: .strict)
        let text = String(decoding: bytes, as: UTF8.self)
        // Independent reading: split the text at each end line.
        let blocks = text.components(separatedBy: "snowflake-stats-end ").dropFirst().map { $0.split(separator: "\n") }
        #expect(results.count == blocks.count)
        for (result, block) in zip(results, blocks) {
            let stats = try result.get()
            #expect(stats.end.end.description == block[0].split(separator: " ").prefix(2).joined(separator: " "))
            let lines = block.dropFirst().map { $0.split(separator: " ", maxSplits: 1) }
            let countLines = lines.filter { $0.count == 2 && Int($0[1]) != nil }
            #expect(stats.counts.map(\.keyword) == countLines.map { String($0[0]) })
            #expect(stats.counts.map(\.count) == countLines.map { Int($0[1])! })
            let ips = try #require(lines.first { $0[0] == "snowflake-ips" })
            let pairs = ips[1].split(separator: ",")
            #expect(stats.snowflakeIPs?.map(\.key) == pairs.map { String($0.split(separator: "=")[0]) })
            #expect(stats.snowflakeIPs?.reduce(0) { $0 + $1.count } == pairs.reduce(0) { $0 + Int($1.split(separator: "=")[1])! })
            #expect(stats.snowflakeIPsTotal == countLines.first { $0[0] == "snowflake-ips-total" }.map { Int($0[1])! })
            #expect(stats.warnings.isEmpty && stats.unrecognizedLines.isEmpty)
            #expect(stats.stemJSON.serialized().contains("\"snowflake_ips_total\":\(stats.snowflakeIPsTotal!)"))
        }
    }

    @Test("detected by content, by @type and by CollecTor's file name")
    func detection() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        #expect(DescriptorType.detect(fileName: nil, bytes: bytes[...]) == .snowflakeStats)
        #expect(DescriptorType.detect(fileName: nil, bytes: (Array("@type snowflake-stats 1.0\n".utf8) + bytes)[...]) == .snowflakeStats)
        #expect(DescriptorType(collectorFileName: "2019-08-07-19-52-11-snowflake-stats") == .snowflakeStats)
    }

    /// Synthetic: the newer broker's lines (NAT kinds, empty country lists) after an end line.
    static let synthetic = """
    snowflake-stats-end 2024-01-02 03:04:05 (86400 s)
    snowflake-ips US=3,??=1
    snowflake-ips-total 4
    snowflake-ips-nat-restricted 2
    client-http-ips 
    client-denied-count 8

    """

    @Test("synthetic: newer statistics and empty country lists are kept")
    func newer() throws {
        let stats = try SnowflakeStats(parsing: Array(Self.synthetic.utf8)[...], mode: .strict)
        #expect(stats.count("snowflake-ips-nat-restricted") == 2)
        #expect(stats.countries("client-http-ips")?.isEmpty == true)
        #expect(stats.clientDeniedCount == 8)
    }

    static let hostile: [HostileText] = [
        HostileText(name: "no end line", text: synthetic.components(separatedBy: "\n").dropFirst().joined(separator: "\n"), keyword: "snowflake-ips"),
        HostileText(name: "bad interval", text: synthetic.replacingOccurrences(of: "(86400 s)", with: "(x s)"), keyword: "snowflake-stats-end"),
        HostileText(name: "bad country count", text: synthetic.replacingOccurrences(of: "US=3", with: "US=three"), keyword: "snowflake-ips"),
        HostileText(name: "country without count", text: synthetic.replacingOccurrences(of: "US=3", with: "US"), keyword: "snowflake-ips"),
        HostileText(name: "negative total", text: synthetic.replacingOccurrences(of: "total 4", with: "total -4"), keyword: "snowflake-ips-total"),
        HostileText(name: "repeated statistic", text: synthetic + "client-denied-count 9\n", keyword: "client-denied-count"),
        HostileText(name: "extra argument", text: synthetic.replacingOccurrences(of: "client-denied-count 8", with: "client-denied-count 8 9"), keyword: "client-denied-count"),
        HostileText(name: "two end lines in one document", text: synthetic.replacingOccurrences(of: "snowflake-ips-total 4", with: "snowflake-stats-end 2024-01-02 03:04:05 (86400 s)"), keyword: "snowflake-stats-end"),
    ]

    @Test("synthetic hostile inputs: strict throws naming line and keyword", arguments: hostile)
    func hostileInputs(_ input: HostileText) throws {
        do {
            _ = try SnowflakeStats(parsing: Array(input.text.utf8)[...], mode: .strict)
            Issue.record("strict mode accepted \(input.name)")
        } catch {
            #expect(error.document == .snowflakeStats)
            #expect(error.keyword == input.keyword)
            #expect(error.line >= 1 && error.line <= input.text.split(separator: "\n", omittingEmptySubsequences: false).count)
        }
    }

    @Test("truncations of the real file parse or give typed errors")
    func truncations() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        for end in stride(from: 0, to: bytes.count, by: 11) {
            for result in SnowflakeStats.parseAll(bytes[..<end], mode: .strict) {
                if case .failure(let error) = result { #expect(error.document == .snowflakeStats) }
            }
        }
    }

    @Test("synthetic: random bytes never crash either mode")
    func randomBytes() {
        var generator = SyntheticBytes(state: 0x5A0F_1A4E)
        for length in [1, 7, 64, 500] {
            for _ in 0..<50 {
                let bytes = generator.next(length)
                FuzzEntryPoints.snowflakeStats(bytes)
                FuzzEntryPoints.snowflakeStats(Array("snowflake-stats-end 2024-01-02 03:04:05 (86400 s)\nsnowflake-ips ".utf8) + bytes)
            }
        }
    }
}
