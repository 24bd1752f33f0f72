import Foundation
import Testing
@testable import TorDescriptors

/// Exit lists: real files from `Resources/corpus/exit-lists/` (counts checked against the file's
/// own lines, read independently here) and synthetic hostile inputs, labelled as such.
@Suite struct ExitListTests {
    static let files = ["exit-lists/cropped--metrics-lib--2017-07-17-17-02-00", "exit-lists/stem--2018-11-01-00-02-01"]

    /// Lines of a file starting with `prefix`, counted with Foundation string functions (an
    /// independent reading, not the parser's).
    static func lines(_ bytes: [UInt8], starting prefix: String) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix(prefix) }
    }

    @Test("real exit lists parse strictly, one entry per ExitNode line, every address kept", arguments: files)
    func realFiles(_ path: String) throws {
        let bytes = try ProjectFiles.corpus(path)
        let list = try ExitList(parsing: bytes[...], mode: .strict)
        let exitNodes = Self.lines(bytes, starting: "ExitNode ")
        #expect(list.entries.count == exitNodes.count)
        #expect(list.entries.map(\.fingerprint.hex) == exitNodes.map { String($0.dropFirst(9)) })
        let addresses = Self.lines(bytes, starting: "ExitAddress ")
        #expect(list.entries.flatMap(\.exitAddresses).map(\.address.description) == addresses.map { String($0.split(separator: " ")[1]) })
        #expect(list.warnings.isEmpty)
        #expect(list.annotations.first?.name == "type" && list.annotations.first?.value == "tordnsel 1.0")
        let downloaded = try #require(Self.lines(bytes, starting: "Downloaded ").first)
        #expect(list.downloaded?.description == String(downloaded.dropFirst(11)))
        // The entry blocks and the header tile the file.
        #expect(list.entries.first.map { $0.rawBytes.startIndex } ?? 0 > 0)
        #expect(list.entries.last?.rawBytes.endIndex == bytes.endIndex)
        for (a, b) in zip(list.entries, list.entries.dropFirst()) { #expect(a.rawBytes.endIndex == b.rawBytes.startIndex) }
    }

    @Test("detected by @type, by CollecTor file name, and by content")
    func detection() throws {
        let bytes = try ProjectFiles.corpus(Self.files[1])
        #expect(DescriptorType.detect(fileName: nil, bytes: bytes[...]) == .exitList)
        let withoutAnnotation = bytes.drop { $0 != 0x0A }.dropFirst()
        #expect(DescriptorType.detect(fileName: nil, bytes: withoutAnnotation) == .exitList)
        #expect(DescriptorType.detect(fileName: "2018-11-01-00-02-01", bytes: withoutAnnotation) == .exitList)
        #expect(DescriptorType(collectorFileName: "2018-11-01-00-02-01") == .exitList)
        #expect(DescriptorType(collectorFileName: "2018-11-01-00-02") == nil)
    }

    /// Synthetic: a minimal valid list the hostile cases below change one thing in.
    static let synthetic = """
    Downloaded 2018-11-01 00:02:01
    ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E
    Published 2018-10-31 05:08:21
    LastStatus 2018-10-31 06:02:24
    ExitAddress 162.247.74.201 2018-10-31 06:03:23
    ExitAddress 162.247.74.202 2018-10-31 07:03:23

    """

    @Test("synthetic: the minimal list parses with both addresses")
    func minimal() throws {
        let list = try ExitList(parsing: Array(Self.synthetic.utf8)[...], mode: .strict)
        #expect(list.entries.count == 1)
        #expect(list.entries[0].exitAddresses.map(\.address.description) == ["162.247.74.201", "162.247.74.202"])
        #expect(list.entries[0].published?.description == "2018-10-31 05:08:21")
    }

    static let hostile: [HostileText] = [
        HostileText(name: "missing Downloaded", text: synthetic.replacingOccurrences(of: "Downloaded 2018-11-01 00:02:01\n", with: ""), keyword: "Downloaded"),
        HostileText(name: "bad fingerprint", text: synthetic.replacingOccurrences(of: "0011BD", with: "XX11BD"), keyword: "ExitNode"),
        HostileText(name: "impossible date", text: synthetic.replacingOccurrences(of: "2018-10-31 05:08:21", with: "2018-02-31 05:08:21"), keyword: "Published"),
        HostileText(name: "duplicate LastStatus", text: synthetic.replacingOccurrences(of: "LastStatus 2018-10-31 06:02:24\n", with: "LastStatus 2018-10-31 06:02:24\nLastStatus 2018-10-31 06:02:24\n"), keyword: "LastStatus"),
        HostileText(name: "IPv6 exit address", text: synthetic.replacingOccurrences(of: "162.247.74.202", with: "2001:db8::1"), keyword: "ExitAddress"),
        HostileText(name: "address without time", text: synthetic.replacingOccurrences(of: "162.247.74.202 2018-10-31 07:03:23", with: "162.247.74.202"), keyword: "ExitAddress"),
        HostileText(name: "no ExitAddress", text: synthetic.components(separatedBy: "\n").filter { !$0.hasPrefix("ExitAddress") }.joined(separator: "\n"), keyword: "ExitAddress"),
        HostileText(name: "Published before any ExitNode", text: "Downloaded 2018-11-01 00:02:01\nPublished 2018-10-31 05:08:21\n", keyword: "Published"),
        HostileText(name: "non-ASCII", text: synthetic.replacingOccurrences(of: "LastStatus", with: "LastStatus\u{e9}"), keyword: nil),
    ]

    @Test("synthetic hostile inputs: strict throws naming line and keyword, lenient keeps what it can", arguments: hostile)
    func hostileInputs(_ input: HostileText) throws {
        let bytes = Array(input.text.utf8)[...]
        #expect(throws: DescriptorParseError.self) { try ExitList(parsing: bytes, mode: .strict) }
        do {
            _ = try ExitList(parsing: bytes, mode: .strict)
        } catch {
            #expect(error.document == .exitList)
            #expect(error.keyword == input.keyword)
            #expect(error.line >= 1 && error.line <= input.text.split(separator: "\n", omittingEmptySubsequences: false).count)
        }
        let lenient = try ExitList(parsing: bytes, mode: .lenient)
        // Lenient mode reads IPv6 exit addresses (as Stem does without validation); the rest it reports.
        if input.name == "IPv6 exit address" {
            #expect(lenient.entries.first?.exitAddresses.last?.address.isIPv6 == true)
        } else {
            #expect(!lenient.warnings.isEmpty || !lenient.entries.first!.unrecognizedLines.isEmpty)
        }
    }

    @Test("synthetic: unknown lines are kept; limits give typed errors")
    func unknownAndLimits() throws {
        let text = Self.synthetic + "FutureKeyword some arguments\n"
        let list = try ExitList(parsing: Array(text.utf8)[...], mode: .strict)
        #expect(list.entries[0].unrecognizedLines.map(\.keyword) == ["FutureKeyword"])
        #expect(list.entries[0].unrecognizedLines.first?.arguments == "some arguments")

        let long = Array((Self.synthetic + "X" + String(repeating: "a", count: 300)).utf8)[...]
        #expect(throws: DescriptorParseError(document: .exitList, line: 7, keyword: nil, failure: .limitExceeded(.lineBytes, limit: 100))) {
            try ExitList(parsing: long, mode: .lenient(limits: ParseLimits(maxLineBytes: 100)))
        }
        #expect(throws: DescriptorParseError.self) {
            try ExitList(parsing: Array(Self.synthetic.utf8)[...], mode: .lenient(limits: ParseLimits(maxDocumentBytes: 10)))
        }
        #expect(throws: DescriptorParseError.self) { try ExitList(parsing: [][...], mode: .lenient) }
    }

    @Test("synthetic: random bytes never crash either mode")
    func randomBytes() {
        var generator = SyntheticBytes(state: 0x1234_5678)
        for length in [1, 7, 64, 500] {
            for _ in 0..<50 {
                let bytes = generator.next(length)
                FuzzEntryPoints.exitList(bytes)
                FuzzEntryPoints.exitList(Array("ExitNode ".utf8) + bytes)
            }
        }
    }
}
