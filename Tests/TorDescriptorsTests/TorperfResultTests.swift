import Foundation
import Testing
@testable import TorDescriptors

/// Torperf/OnionPerf results: a real `.tpf` file metrics-lib tests with (each value read
/// independently here) and synthetic inputs, labelled as such.
@Suite struct TorperfResultTests {
    static let file = "torperf/metrics-lib--op-nl-5242880-2017-07-17.tpf"

    /// seconds.fraction as milliseconds, read with Foundation (an independent reading).
    static func millis(_ text: Substring) -> Int {
        let parts = text.split(separator: ".")
        return Int(parts[0])! * 1000 + Int((String(parts[1]) + "000").prefix(3))!
    }

    /// The file's non-annotation lines, split on newline bytes (an independent reading).
    static func measurementLines(_ bytes: [UInt8]) -> [Substring] {
        bytes.split(separator: 0x0A).filter { $0.first != UInt8(ascii: "@") }.map { Substring(String(decoding: $0, as: UTF8.self)) }
    }

    @Test("the real file parses strictly: one result per line, every key kept and typed")
    func realFile() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        let results = TorperfResult.parseAll(bytes[...], mode: .strict)
        let lines = Self.measurementLines(bytes)
        #expect(results.count == lines.count)
        for (result, line) in zip(results, lines) {
            let r = try result.get()
            let pairs = line.split(separator: " ").map { $0.split(separator: "=", maxSplits: 1) }
            let percentiles = pairs.filter { $0[0].hasPrefix("DATAPERC") }
            #expect(r.values.count + r.dataPercentiles.count + r.unrecognizedKeys.count == pairs.count)
            #expect(r.dataPercentiles.map(\.milliseconds) == percentiles.map { Self.millis($0[1]) })
            #expect(r.startMillis == pairs.first { $0[0] == "START" }.map { Self.millis($0[1]) })
            #expect(r.dataCompleteMillis == pairs.first { $0[0] == "DATACOMPLETE" }.map { Self.millis($0[1]) })
            #expect(r.fileSize == pairs.first { $0[0] == "FILESIZE" }.map { Int($0[1])! })
            #expect(r.path?.map(\.hex) == pairs.first { $0[0] == "PATH" }.map { $0[1].split(separator: ",").map { String($0.dropFirst()) } })
            #expect(r.didTimeout == false)
            #expect(r.annotations.first?.value == "torperf 1.1")
            #expect(r.warnings.isEmpty)
            #expect(r.stemJSON.serialized().contains("\"start_millis\":\(r.startMillis!)"))
        }
    }

    @Test("detected by @type and by the .tpf file name")
    func detection() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        #expect(DescriptorType.detect(fileName: nil, bytes: bytes[...]) == .torperf)
        #expect(DescriptorType(collectorFileName: "op-nl-5242880-2017-07-17.tpf") == .torperf)
        let withoutAnnotations = Array(Self.measurementLines(bytes).joined(separator: "\n").utf8)
        #expect(DescriptorType.detect(fileName: "op-nl-5242880-2017-07-17.tpf", bytes: withoutAnnotations[...]) == .torperf)
    }

    /// Synthetic: the keys metrics-lib requires, and one it does not know.
    static let synthetic = "SOURCE=torperf FILESIZE=51200 START=1338357901.42 SOCKET=1338357901.42 CONNECT=1338357901.42 NEGOTIATE=1338357901.42 REQUEST=1338357901.42 RESPONSE=1338357902.38 DATAREQUEST=1338357902.38 DATARESPONSE=1338357902.88 DATACOMPLETE=1338357903.0 WRITEBYTES=82 READBYTES=51288 DIDTIMEOUT=0 FUTURE=x\n"

    @Test("synthetic: fractions of any length read as metrics-lib reads them; unknown keys kept")
    func minimal() throws {
        let r = try TorperfResult(parsing: Array(Self.synthetic.utf8)[...], mode: .strict)
        #expect(r.dataCompleteMillis == 1_338_357_903_000)
        #expect(r.unrecognizedKeys == [KeyValueText(key: "FUTURE", value: "x")])
        #expect(TorperfResult.milliseconds(Array("1.23456".utf8)[...], 0..<7) == 1234)
    }

    static let hostile: [HostileText] = [
        HostileText(name: "time without fraction", text: synthetic.replacingOccurrences(of: "START=1338357901.42", with: "START=1338357901"), keyword: "START"),
        HostileText(name: "missing READBYTES", text: synthetic.replacingOccurrences(of: " READBYTES=51288", with: ""), keyword: "READBYTES"),
        HostileText(name: "repeated key", text: synthetic.replacingOccurrences(of: "FUTURE=x", with: "SOURCE=again"), keyword: "SOURCE"),
        HostileText(name: "bad flag", text: synthetic.replacingOccurrences(of: "DIDTIMEOUT=0", with: "DIDTIMEOUT=no"), keyword: "DIDTIMEOUT"),
        HostileText(name: "word without =", text: synthetic.replacingOccurrences(of: "FUTURE=x", with: "FUTURE"), keyword: nil),
        HostileText(name: "two lines", text: synthetic + synthetic, keyword: nil),
    ]

    @Test("synthetic hostile inputs: strict throws naming line and keyword", arguments: hostile)
    func hostileInputs(_ input: HostileText) throws {
        do {
            _ = try TorperfResult(parsing: Array(input.text.utf8)[...], mode: .strict)
            Issue.record("strict mode accepted \(input.name)")
        } catch {
            #expect(error.document == .torperf)
            #expect(error.keyword == input.keyword)
        }
        // Lenient mode keeps the result and says what it stepped over.
        let lenient = try TorperfResult(parsing: Array(input.text.utf8)[...], mode: .lenient)
        #expect(!lenient.warnings.isEmpty)
    }

    @Test("synthetic: a PATH that is not $fingerprints is a typed error")
    func badPath() throws {
        let text = Self.synthetic.replacingOccurrences(of: "FUTURE=x", with: "PATH=$C8C65A613A771CAD3600B52B3552318B0946AD5D,C8C6")
        #expect(throws: DescriptorParseError.self) { try TorperfResult(parsing: Array(text.utf8)[...], mode: .strict) }
    }

    @Test("truncations of the real file parse or give typed errors; limits give typed errors")
    func truncationsAndLimits() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        for end in stride(from: 0, to: bytes.count, by: 37) {
            for result in TorperfResult.parseAll(bytes[..<end], mode: .strict) {
                if case .failure(let error) = result { #expect(error.document == .torperf) }
            }
        }
        let limited = TorperfResult.parseAll(bytes[...], mode: .lenient(limits: ParseLimits(maxLineBytes: 100)))
        #expect(limited.allSatisfy { if case .failure(let e) = $0 { e.failure == .limitExceeded(.lineBytes, limit: 100) } else { false } })
    }

    @Test("synthetic: random bytes never crash either mode")
    func randomBytes() {
        var generator = SyntheticBytes(state: 0x7095_0EEF)
        for length in [1, 7, 64, 500] {
            for _ in 0..<50 {
                let bytes = generator.next(length)
                FuzzEntryPoints.torperf(bytes)
                FuzzEntryPoints.torperf(Array("@type torperf 1.1\nSTART=".utf8) + bytes)
            }
        }
    }
}
