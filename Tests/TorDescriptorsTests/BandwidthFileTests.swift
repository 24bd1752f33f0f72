import Foundation
import Testing
@testable import TorDescriptors

/// Bandwidth files: every real file in `Resources/corpus/bandwidth/` (versions 1.0.0, 1.2.0 and
/// 1.4.0, with and without CollecTor's annotation), checked against the file's own lines read
/// independently here, and synthetic hostile inputs, labelled as such.
@Suite struct BandwidthFileTests {
    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: ProjectFiles.root.path + "/Resources/corpus/bandwidth")) ?? []
        return names.sorted().map { "bandwidth/" + $0 }
    }()

    @Test("the bundled bandwidth files are there")
    func bundled() { #expect(Self.files.count >= 5) }

    @Test("real bandwidth files parse strictly: timestamp, header, terminator, one relay per node_id line", arguments: files)
    func realFiles(_ path: String) throws {
        let bytes = try ProjectFiles.corpus(path)
        let file = try BandwidthFile(parsing: bytes[...], mode: .strict)
        // An independent reading with Foundation strings.
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        lines.removeAll { $0.hasPrefix("@") }
        #expect(file.timestamp.secondsSince1970 == Int64(lines[0]))
        let terminator = lines.firstIndex { $0 == "=====" || $0 == "====" }
        let relayLines = lines.filter { $0.contains("node_id=") }
        #expect(file.relays.count == relayLines.count)
        if let terminator {
            #expect(file.terminator?.rawValue == lines[terminator])
            #expect(file.header.map { "\($0.key)=\($0.value)" } == Array(lines[1..<terminator]))
            #expect(file.version == String(lines[1].dropFirst(8)))
        } else {
            #expect(file.header.isEmpty && file.terminator == nil && file.version == "1.0.0")
        }
        for (relay, line) in zip(file.relays, relayLines) {
            let words = line.split(separator: " ")
            #expect(relay.keyValues.map { "\($0.key)=\($0.value)" } == words.map(String.init))
            #expect(relay.bandwidth == words.first { $0.hasPrefix("bw=") }.flatMap { Int($0.dropFirst(3)) })
            #expect(relay.nodeID?.hex == words.first { $0.hasPrefix("node_id=$") }.map { String($0.dropFirst(9)) })
            #expect(relay.nickname == words.first { $0.hasPrefix("nick=") }.map { String($0.dropFirst(5)) })
        }
        #expect(file.warnings.isEmpty)
        // The digest a vote carries covers the file without CollecTor's annotations.
        let content = bytes.drop { $0 == UInt8(ascii: "@") }.isEmpty ? bytes[...] : file.content
        #expect(file.sha256.bytes == Digest.sha256(content))
        #expect(file.content.first.map(ByteText.isDigit) == true)
    }

    @Test("typed header values follow the spec's types (real 1.4.0 file)")
    func typedHeader() throws {
        let file = try BandwidthFile(parsing: try ProjectFiles.corpus("bandwidth/stem--bandwidth_file_v1.4")[...], mode: .strict)
        #expect(file.fileCreated?.description == file.headerValue("file_created")?.replacingOccurrences(of: "T", with: " "))
        #expect(file.numberEligibleRelays == file.headerValue("number_eligible_relays").flatMap { Int($0) })
        #expect(file.destinationsCountries == file.headerValue("destinations_countries")?.split(separator: ",").map(String.init))
        #expect(file.integer("recent_measurement_attempt_count") == file.headerValue("recent_measurement_attempt_count").flatMap { Int($0) })
        #expect(file.headerValue("tor_version") != nil)
    }

    @Test("detected by @type, by CollecTor and sbws file names, and by content")
    func detection() throws {
        for path in Self.files {
            let bytes = try ProjectFiles.corpus(path)
            #expect(DescriptorType.detect(fileName: URL(fileURLWithPath: path).lastPathComponent, bytes: bytes[...]) == .bandwidthFile, "\(path)")
            #expect(DescriptorType.detect(fileName: nil, bytes: bytes[...]) == .bandwidthFile, "\(path)")
        }
        #expect(DescriptorType(collectorFileName: "2019-05-14-12-35-04-bandwidth-376B05F867C6E06C816DD2FF7A5C7B88D9829D958F0DA2F73BDFFD2C3B49D217") == .bandwidthFile)
        #expect(DescriptorType(collectorFileName: "20190325_130909.v3bw") == .bandwidthFile)
        // Synthetic: a lone number is a bandwidth file's first line; a number with words after it is not.
        #expect(DescriptorType.sniff(Array("1557837295\n".utf8)[...]) == .bandwidthFile)
        #expect(DescriptorType.sniff(Array("1557837295 apples\n".utf8)[...]) == nil)
    }

    /// Synthetic: a minimal 1.4.0-style file the hostile cases change one thing in.
    static let synthetic = """
    1557837295
    version=1.4.0
    file_created=2019-05-14T12:35:04
    scanner_country=US
    destinations_countries=ZZ,DE
    number_eligible_relays=2
    =====
    bw=10 node_id=$0011BD2485AD45D984EC4159C88FC066E5E3300E nick=a future_key=x unmeasured=0 vote=1
    bw=20 node_id=$F115B8EFF7BAF0A70B75248519DDDE4A926BF9CE nick=b

    """

    @Test("synthetic: typed values and unknown keys are kept")
    func minimal() throws {
        let file = try BandwidthFile(parsing: Array(Self.synthetic.utf8)[...], mode: .strict)
        #expect(file.relays.map(\.bandwidth) == [10, 20])
        #expect(file.relays[0].value(forKey: "future_key") == "x")
        #expect(file.relays[0].unmeasured == false && file.relays[0].vote == true)
        #expect(file.destinationsCountries == ["ZZ", "DE"])
        #expect(file.scannerCountry == "US")
    }

    static let hostile: [HostileText] = [
        HostileText(name: "version not second", text: synthetic.replacingOccurrences(of: "version=1.4.0\nfile_created=2019-05-14T12:35:04", with: "file_created=2019-05-14T12:35:04\nversion=1.4.0"), keyword: "version"),
        HostileText(name: "header line without =", text: synthetic.replacingOccurrences(of: "scanner_country=US", with: "scanner_country US"), keyword: nil),
        HostileText(name: "bad date", text: synthetic.replacingOccurrences(of: "2019-05-14T12:35:04", with: "2019-13-14T12:35:04"), keyword: "file_created"),
        HostileText(name: "bad country", text: synthetic.replacingOccurrences(of: "scanner_country=US", with: "scanner_country=usa"), keyword: "scanner_country"),
        HostileText(name: "bad integer", text: synthetic.replacingOccurrences(of: "number_eligible_relays=2", with: "number_eligible_relays=-2"), keyword: "number_eligible_relays"),
        HostileText(name: "relay without node_id", text: synthetic.replacingOccurrences(of: "node_id=$F115B8EFF7BAF0A70B75248519DDDE4A926BF9CE ", with: ""), keyword: "node_id"),
        HostileText(name: "relay without bw", text: synthetic.replacingOccurrences(of: "bw=20 ", with: ""), keyword: "bw"),
        HostileText(name: "relay listed twice", text: synthetic.replacingOccurrences(of: "F115B8EFF7BAF0A70B75248519DDDE4A926BF9CE", with: "0011BD2485AD45D984EC4159C88FC066E5E3300E"), keyword: "node_id"),
        HostileText(name: "short node_id", text: synthetic.replacingOccurrences(of: "$F115B8EFF7BAF0A70B75248519DDDE4A926BF9CE", with: "$F115"), keyword: "node_id"),
        HostileText(name: "bare word in relay line", text: synthetic.replacingOccurrences(of: "nick=b", with: "nick=b orphan"), keyword: nil),
        HostileText(name: "bad flag", text: synthetic.replacingOccurrences(of: "vote=1", with: "vote=yes"), keyword: "vote"),
        HostileText(name: "non-ASCII", text: synthetic.replacingOccurrences(of: "nick=b", with: "nick=\u{e9}"), keyword: nil),
    ]

    @Test("synthetic hostile inputs: strict throws naming line and keyword, lenient keeps the file", arguments: hostile)
    func hostileInputs(_ input: HostileText) throws {
        let bytes = Array(input.text.utf8)[...]
        do {
            _ = try BandwidthFile(parsing: bytes, mode: .strict)
            Issue.record("strict accepted \(input.name)")
        } catch {
            #expect(error.document == .bandwidthFile)
            #expect(error.keyword == input.keyword)
            #expect(error.line >= 2 && error.line <= 10)
        }
        let lenient = try BandwidthFile(parsing: bytes, mode: .lenient)
        #expect(lenient.relays.count >= 1)
    }

    @Test("synthetic: a first line that is not a Unix time is rejected in both modes; limits give typed errors")
    func timestampAndLimits() throws {
        for text in ["", "version=1.4.0\n", "99999999999999999999999\n", "12a\n"] {
            #expect(throws: DescriptorParseError.self) { try BandwidthFile(parsing: Array(text.utf8)[...], mode: .lenient) }
        }
        let long = Array((Self.synthetic + "bw=1 node_id=$" + String(repeating: "A", count: 400)).utf8)[...]
        #expect(throws: DescriptorParseError(document: .bandwidthFile, line: 10, keyword: nil, failure: .limitExceeded(.lineBytes, limit: 200))) {
            try BandwidthFile(parsing: long, mode: .lenient(limits: ParseLimits(maxLineBytes: 200)))
        }
        #expect(throws: DescriptorParseError.self) {
            try BandwidthFile(parsing: Array(Self.synthetic.utf8)[...], mode: .lenient(limits: ParseLimits(maxEntriesPerConsensus: 1)))
        }
    }

    @Test("synthetic: random bytes never crash either mode")
    func randomBytes() {
        var generator = SyntheticBytes(state: 0x8765_4321)
        for length in [1, 9, 80, 600] {
            for _ in 0..<50 {
                let bytes = generator.next(length)
                FuzzEntryPoints.bandwidthFile(bytes)
                FuzzEntryPoints.bandwidthFile(Array("1557837295\nnode_id=$".utf8) + bytes)
            }
        }
    }
}
