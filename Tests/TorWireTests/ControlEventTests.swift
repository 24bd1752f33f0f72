import Foundation
import Testing
import TestSupport
import TorDescriptors
@testable import TorWire

/// Control events and router status entry lists, on replies written after control-spec §4.1
/// (NEWDESC, NEWCONSENSUS, HS_DESC, HS_DESC_CONTENT) and on the entries of a bundled consensus.
@Suite struct ControlEventTests {
    static func event(_ text: String) throws -> ControlEvent {
        var reader = ControlReplyReader()
        reader.append(Array(text.utf8))
        return try ControlEvent(try #require(try reader.next()))
    }

    static let moria = "9695DFC35FFEB861329B9F1AB04C46397020CE31"

    @Test func newDescNamesRelaysWithAndWithoutNicknames() throws {
        let event = try Self.event("650 NEWDESC $\(Self.moria)~moria1 $\(Self.moria.lowercased()) $\(Self.moria)=moria1\r\n")
        guard case .newDescriptors(let relays) = event else { Issue.record("got \(event)"); return }
        #expect(relays.map(\.fingerprint.hex) == Array(repeating: Self.moria, count: 3))
        #expect(relays.map(\.nickname) == ["moria1", nil, "moria1"])
        #expect(throws: ControlProtocolError.self) { try Self.event("650 NEWDESC moria1\r\n") }
        #expect(throws: ControlProtocolError.self) { try Self.event("650 NEWDESC $\(Self.moria.dropLast())\r\n") }
        #expect(throws: ControlProtocolError.self) { try Self.event("650 NEWDESC $\(Self.moria)~\r\n") }
    }

    @Test func newConsensusCarriesEntriesThatParse() throws {
        let consensusPath = "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"
        let consensus = try NetworkStatusConsensus(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: consensusPath))))
        // The event's data: the consensus's entries, dot-stuffed as tor sends a data block.
        let entries = consensus.entries.prefix(50).map { String(decoding: $0.rawBytes, as: UTF8.self) }.joined()
        let stuffed = entries.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        let event = try Self.event("650+NEWCONSENSUS\r\n\(stuffed)\r\n.\r\n650 OK\r\n")
        guard case .newConsensus(let data) = event else { Issue.record("got \(event)"); return }
        let list = try RouterStatusEntryList(parsing: data[...], mode: .strict)
        #expect(list.entries.map(\.fingerprint) == consensus.entries.prefix(50).map(\.fingerprint))
        #expect(list.entries.map(\.flags) == consensus.entries.prefix(50).map(\.flags))
        #expect(list.skipped.isEmpty)
    }

    @Test func entryListsReportWhatTheyCannotRead() throws {
        let good = "r moria1 lpXfw1/+uGEym58asExGOXAgzjE IpcU7dolas8+Q+oAzwgvZIWx7PA 2012-06-18 17:01:35 128.31.0.34 9101 9131\ns Authority Running\n"
        let bad = "r broken notbase64 2012-06-18 17:01:35 128.31.0.34 9101 9131\ns Running\n"
        let lenient = try RouterStatusEntryList(parsing: Array((bad + good).utf8)[...])
        #expect(lenient.entries.map(\.nickname) == ["moria1"])
        #expect(lenient.skipped.map(\.line) == [1])
        #expect(throws: DescriptorParseError.self) { try RouterStatusEntryList(parsing: Array((bad + good).utf8)[...], mode: .strict) }
        // A footer after the entries is not an entry list.
        let footer = try RouterStatusEntryList(parsing: Array((good + "directory-footer\n").utf8)[...])
        #expect(footer.entries.count == 1 && footer.skipped.count == 1)
        #expect(throws: DescriptorParseError.self) { try RouterStatusEntryList(parsing: Array((good + "directory-footer\n").utf8)[...], mode: .strict) }
        #expect(try RouterStatusEntryList(parsing: []).entries.isEmpty)
    }

    @Test func onionServiceDescriptorSteps() throws {
        let address = "vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd"
        let failed = try Self.event("650 HS_DESC FAILED \(address) NO_AUTH $\(Self.moria)~moria1 KmS6ZeQ REASON=NOT_FOUND\r\n")
        guard case .onionServiceDescriptor(let step) = failed else { Issue.record("got \(failed)"); return }
        #expect(step.action == "FAILED" && step.address == address && step.authType == "NO_AUTH")
        #expect(step.hsDir?.fingerprint.hex == Self.moria && step.descriptorID == "KmS6ZeQ" && step.reason == "NOT_FOUND")
        let unknown = try Self.event("650 HS_DESC REQUESTED \(address) NO_AUTH UNKNOWN\r\n")
        guard case .onionServiceDescriptor(let requested) = unknown else { Issue.record("got \(unknown)"); return }
        #expect(requested.hsDir == nil && requested.reason == nil && requested.descriptorID == nil)
        #expect(throws: ControlProtocolError.self) { try Self.event("650 HS_DESC FAILED \(address)\r\n") }

        let content = try Self.event("650+HS_DESC_CONTENT \(address) KmS6ZeQ $\(Self.moria)~moria1\r\nhs-descriptor 3\r\n..dotted\r\n.\r\n650 OK\r\n")
        guard case .onionServiceDescriptorContent(let contentAddress, let id, let hsDir, let descriptor) = content else { Issue.record("got \(content)"); return }
        #expect(contentAddress == address && id == "KmS6ZeQ" && hsDir?.nickname == "moria1")
        #expect(descriptor == Array("hs-descriptor 3\n.dotted\n".utf8))
    }

    @Test func otherEventsByNameAndRepliesAreNotEvents() throws {
        #expect(try Self.event("650 BW 10 20\r\n") == .other(name: "BW"))
        #expect(throws: ControlProtocolError.self) { try Self.event("250 OK\r\n") }
        #expect(throws: ControlProtocolError.self) { try Self.event("650 NEWCONSENSUS\r\n") }
    }
}

extension ControlEventTests {
    /// The fuzz entry point on its seeds' shapes: no input traps it.
    @Test func fuzzEntryPointOnEventsAndEntryLists() {
        let entry = "r moria1 lpXfw1/+uGEym58asExGOXAgzjE IpcU7dolas8+Q+oAzwgvZIWx7PA 2012-06-18 17:01:35 128.31.0.34 9101 9131\r\ns Running\r\n"
        for text in ["650+NEWCONSENSUS\r\n\(entry).\r\n650 OK\r\n", "650 NEWDESC $\(Self.moria)~x $zz\r\n",
                     "650 HS_DESC RECEIVED a NO_AUTH UNKNOWN\r\n650+HS_DESC_CONTENT a b c\r\n.\r\n650 OK\r\n", entry + "directory-footer\r\n"] {
            for first in [0, 1] as [UInt8] { LinkFuzzEntryPoints.controlEvent([first] + Array(text.utf8)) }
        }
    }
}
