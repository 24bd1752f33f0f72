import Foundation
import Testing
@testable import TorDescriptors

/// Bridge pool assignments: the excerpt CollecTor's format documentation quotes (real lines of
/// the 2011-03-13 list; counts read independently here) and synthetic inputs, labelled as such.
@Suite struct BridgePoolAssignmentTests {
    static let file = "bridge-pool-assignments/excerpt--collector-formats--2011-03-13-14-38-03"

    @Test("the real excerpt parses strictly: one entry per bridge line, distributors and details kept")
    func realFile() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        let list = try BridgePoolAssignment(parsing: bytes[...], mode: .strict)
        // Independent reading: every line that is not an annotation or the timestamp line is a bridge.
        let text = String(decoding: bytes, as: UTF8.self)
        let bridgeLines = text.split(separator: "\n").filter { !$0.hasPrefix("@") && !$0.hasPrefix("bridge-pool-assignment ") }
        #expect(list.entries.count == bridgeLines.count)
        #expect(list.entries.map { $0.hashedFingerprint.hex.lowercased() } == bridgeLines.map { String($0.prefix(40)) })
        #expect(list.entries.map(\.distributor) == bridgeLines.map { String($0.split(separator: " ")[1]) })
        #expect(list.entries.map(\.details.count) == bridgeLines.map { $0.split(separator: " ").count - 2 })
        let header = try #require(text.split(separator: "\n").first { $0.hasPrefix("bridge-pool-assignment ") })
        #expect(list.published.description == String(header.dropFirst("bridge-pool-assignment ".count)))
        #expect(list.annotations.first?.value == "bridge-pool-assignment 1.0")
        #expect(list.warnings.isEmpty)
        let json = list.stemJSON.serialized()
        #expect(json.contains("\"published_millis\":\(list.published.secondsSince1970 * 1000)"))
    }

    @Test("detected by @type and by content; a file of two lists gives two documents")
    func detectionAndSplitting() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        #expect(DescriptorType.detect(fileName: nil, bytes: bytes[...]) == .bridgePoolAssignment)
        let withoutAnnotation = bytes.drop { $0 != 0x0A }.dropFirst()
        // CollecTor names these files by their time, as it names exit lists: the content decides.
        #expect(DescriptorType.detect(fileName: "2011-03-13-14-38-03", bytes: withoutAnnotation) == .bridgePoolAssignment)
        let twice = Array(bytes + bytes)
        let results = AnyDescriptor.parseAll(twice[...], as: .bridgePoolAssignment, mode: .strict)
        #expect(results.count == 2)
        for result in results { #expect((try? result.get()) != nil) }
    }

    /// Synthetic: a 2022-style list (the moat distributor and transport details).
    static let synthetic = """
    bridge-pool-assignment 2022-03-18 23:33:42
    6306C870BE7415EB7167ED2E9C1224F28B7E6C61 moat transport=obfs4 ip=4 blocklist=ru
    00E923E7A8D87D28954FEE7503E480F3A03CE4EE email port=443 flag=stable

    """

    static let hostile: [HostileText] = [
        HostileText(name: "no timestamp line", text: synthetic.components(separatedBy: "\n").dropFirst().joined(separator: "\n"), keyword: "bridge-pool-assignment"),
        HostileText(name: "impossible time", text: synthetic.replacingOccurrences(of: "2022-03-18", with: "2022-13-18"), keyword: "bridge-pool-assignment"),
        HostileText(name: "two timestamp lines", text: synthetic + "bridge-pool-assignment 2022-03-18 23:33:42\n", keyword: "bridge-pool-assignment"),
        HostileText(name: "short fingerprint", text: synthetic.replacingOccurrences(of: "6306C870BE", with: "6306"), keyword: "63067415EB7167ED2E9C1224F28B7E6C61"),
        HostileText(name: "detail without =", text: synthetic.replacingOccurrences(of: "ip=4", with: "ip4"), keyword: "6306C870BE7415EB7167ED2E9C1224F28B7E6C61"),
        HostileText(name: "same bridge twice", text: synthetic + "6306C870BE7415EB7167ED2E9C1224F28B7E6C61 https ring=1\n", keyword: "6306C870BE7415EB7167ED2E9C1224F28B7E6C61"),
        HostileText(name: "no distributor", text: synthetic + "0103BB5B00AD3102B2DBAFE9CE709A0A7C1060E4\n", keyword: "0103BB5B00AD3102B2DBAFE9CE709A0A7C1060E4"),
        HostileText(name: "non-ASCII", text: synthetic.replacingOccurrences(of: "moat", with: "mo\u{e9}t"), keyword: nil),
    ]

    @Test("synthetic hostile inputs: strict throws naming line and keyword", arguments: hostile)
    func hostileInputs(_ input: HostileText) throws {
        let bytes = Array(input.text.utf8)[...]
        do {
            _ = try BridgePoolAssignment(parsing: bytes, mode: .strict)
            Issue.record("strict mode accepted \(input.name)")
        } catch {
            #expect(error.document == .bridgePoolAssignment)
            #expect(error.keyword == input.keyword)
            #expect(error.line >= 1 && error.line <= input.text.split(separator: "\n", omittingEmptySubsequences: false).count)
        }
    }

    @Test("synthetic: lenient mode keeps the readable bridges and records the rest")
    func lenient() throws {
        let text = Self.synthetic + "not-a-fingerprint https\n0103BB5B00AD3102B2DBAFE9CE709A0A7C1060E4 https ring=3 odd\n"
        let list = try BridgePoolAssignment(parsing: Array(text.utf8)[...], mode: .lenient)
        #expect(list.entries.count == 3)
        #expect(list.warnings.map(\.line) == [4])
        #expect(list.entries.last?.details.map(\.key) == ["ring", "odd"])
        #expect(list.entries.first?.detail("blocklist") == "ru")
    }

    @Test("truncations of the real file parse or give typed errors; limits give typed errors")
    func truncationsAndLimits() throws {
        let bytes = try ProjectFiles.corpus(Self.file)
        for end in stride(from: 0, to: bytes.count, by: 7) {
            do { _ = try BridgePoolAssignment(parsing: bytes[..<end], mode: .strict) } catch { #expect(error.document == .bridgePoolAssignment) }
        }
        // The first line longer than 60 bytes, found independently.
        let firstLong = try #require(String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.utf8.count > 60 }) + 1
        #expect(throws: DescriptorParseError(document: .bridgePoolAssignment, line: firstLong, keyword: nil, failure: .limitExceeded(.lineBytes, limit: 60))) {
            try BridgePoolAssignment(parsing: bytes[...], mode: .lenient(limits: ParseLimits(maxLineBytes: 60)))
        }
        #expect(throws: DescriptorParseError.self) {
            try BridgePoolAssignment(parsing: bytes[...], mode: .lenient(limits: ParseLimits(maxEntriesPerConsensus: 2)))
        }
    }

    @Test("synthetic: random bytes never crash either mode")
    func randomBytes() {
        var generator = SyntheticBytes(state: 0xB0A5_5E55)
        for length in [1, 7, 64, 500] {
            for _ in 0..<50 {
                let bytes = generator.next(length)
                FuzzEntryPoints.bridgePoolAssignment(bytes)
                FuzzEntryPoints.bridgePoolAssignment(Array("bridge-pool-assignment 2022-03-18 23:33:42\n".utf8) + bytes)
            }
        }
    }
}
