import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// The address index on bundled real documents: what the reader finds by binary search equals
/// what the parser-based lookup finds, and every damaged index is a typed error, never a wrong
/// answer taken at face value.
@Suite struct AddressLookupIndexTests {
    static let consensusPaths = ["Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus",
                                 "Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"]
    static let exitListPath = "Resources/corpus/exit-lists/stem--2018-11-01-00-02-01"
    static let key = AddressLookupIndex.SourceKey(path: "/corpus/file", size: 1234, modified: 1_700_000_000_123_456_789)

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: ProjectFiles.root.appendingPathComponent(path)))
    }

    static func documents() throws -> (consensuses: [NetworkStatusConsensus], exitList: ExitList, index: AddressLookupIndex) {
        let consensuses = try consensusPaths.map { try NetworkStatusConsensus(parsing: try bytes($0)) }
        let exitList = try ExitList(parsing: try bytes(exitListPath)[...])
        let documents = consensuses.compactMap { AddressLookupIndex.Document(consensus: $0) } + [AddressLookupIndex.Document(exitList: exitList)].compactMap { $0 }
        return (consensuses, exitList, AddressLookupIndex(source: key, documents: documents))
    }

    static func reader(_ encoded: [UInt8]) throws(AddressLookupIndexError) -> AddressLookupIndexReader {
        let length = try AddressLookupIndexReader.prefixLength(header: encoded.prefix(AddressLookupIndexReader.headerLength))
        return try AddressLookupIndexReader(prefix: encoded.prefix(length), fileLength: encoded.count)
    }

    /// Every record the reader finds for the addresses of the `r` lines, `a` lines and
    /// `ExitAddress` lines equals the parser-based answer for the same address.
    @Test func binarySearchFindsWhatTheParserFinds() throws {
        let (consensuses, exitList, index) = try Self.documents()
        let encoded = index.encoded()
        let reader = try Self.reader(encoded)
        #expect(reader.source == Self.key)
        #expect(reader.documents.count == 3)
        #expect(reader.documents.map(\.kind) == [.consensus, .consensus, .exitList])
        var addresses: Set<IPAddress> = [IPAddress("192.0.2.1")!, IPAddress("2001:db8::1")!]
        for consensus in consensuses {
            for entry in consensus.entries.prefix(300) { addresses.insert(entry.address); entry.orAddresses.forEach { addresses.insert($0.address) } }
        }
        for entry in exitList.entries.prefix(100) { entry.exitAddresses.forEach { addresses.insert($0.address) } }
        #expect(addresses.contains { $0.isIPv6 })
        var found = 0
        for address in addresses {
            for (document, consensus) in zip(reader.documents, consensuses) {
                let records = try reader.records(of: address, in: document) { Array(encoded[$0]) }
                let expected = RelayAddressLookup.matches(of: address, in: consensus)
                #expect(Set(records.map { RelayAddressMatch(validAfter: document.first, record: $0) }) == Set(expected), "\(address)")
                found += records.count
            }
            let exitRecords = try reader.records(of: address, in: reader.documents[2]) { Array(encoded[$0]) }
            let window = reader.documents[2].first...reader.documents[2].last
            let observations = RelayAddressLookup.matches(of: address, in: exitList, within: window)
            #expect(Set(exitRecords.map { ExitAddressObservation(fingerprint: $0.fingerprint, seen: $0.seen!, published: $0.published) }) == Set(observations))
            found += exitRecords.count
        }
        #expect(found >= addresses.count - 2)
    }

    @Test func everyTruncationIsATypedError() throws {
        let encoded = try Self.documents().index.encoded()
        for length in [0, 7, 47, 48, 60, encoded.count / 2, encoded.count - 1] {
            let cut = Array(encoded.prefix(length))
            #expect(throws: AddressLookupIndexError.self, "\(length) bytes") { _ = try Self.reader(cut) }
        }
    }

    @Test func aChangedHeaderOrTableFailsTheChecksum() throws {
        let encoded = try Self.documents().index.encoded()
        let pathEnd = AddressLookupIndexReader.headerLength + Self.key.path.utf8.count
        for offset in [16, 24, pathEnd - 1, pathEnd + 9, pathEnd + 3 * 32 - 1] {
            var damaged = encoded
            damaged[offset] ^= 0x40
            #expect(throws: AddressLookupIndexError.checksumMismatch, "byte \(offset)") { _ = try Self.reader(damaged) }
        }
        var magic = encoded
        magic[0] = UInt8(ascii: "X")
        #expect(throws: AddressLookupIndexError.badMagic) { _ = try Self.reader(magic) }
        #expect(throws: AddressLookupIndexError.self) { _ = try Self.reader(encoded + [0]) }
    }

    /// A record with an impossible field, or records out of order where the search looks,
    /// is corrupt (the table's checksum does not cover the records).
    @Test func aDamagedRecordIsCorruptNotAnAnswer() throws {
        let (consensuses, _, index) = try Self.documents()
        let encoded = index.encoded()
        let reader = try Self.reader(encoded)
        let document = reader.documents[0]
        let address = consensuses[0].entries[500].address
        let position = try #require(index.documents[0].records.firstIndex { $0.address == address })
        try #require(position > 0 && position < document.recordCount - 1)
        let recordStart = document.recordsOffset + position * 72
        var family = encoded
        family[recordStart] = 5
        #expect(throws: AddressLookupIndexError.self) { _ = try reader.records(of: address, in: document) { Array(family[$0]) } }
        // The record before the address's first one replaced by the document's last (highest).
        var order = encoded
        let lastStart = document.recordsOffset + (document.recordCount - 1) * 72
        order.replaceSubrange((recordStart - 72)..<recordStart, with: encoded[lastStart..<(lastStart + 72)])
        #expect(throws: AddressLookupIndexError.corrupt("records out of order")) {
            _ = try reader.records(of: address, in: document) { Array(order[$0]) }
        }
        #expect(throws: AddressLookupIndexError.self) { _ = try reader.records(of: address, in: document) { _ in nil } }
    }

    @Test func answerCountsAConsensusOnceAndKeepsFirstAndLastSighting() throws {
        let (consensuses, _, index) = try Self.documents()
        let entry = consensuses[0].entries[10]
        let validAfter = try #require(consensuses[0].header.validAfter)
        var answer = AddressLookupAnswer(address: entry.address, window: RelayAddressLookup.window(around: validAfter))
        let records = index.documents[0].records.filter { $0.address == entry.address }
        answer.addConsensus(validAfter: validAfter, records: records)
        answer.addConsensus(validAfter: validAfter, records: records)
        let later = TorTimestamp(secondsSince1970: validAfter.secondsSince1970 + 3600)
        answer.addConsensus(validAfter: later, records: records)
        answer.addConsensus(validAfter: TorTimestamp(secondsSince1970: validAfter.secondsSince1970 + 5 * 86_400), records: records)
        #expect(answer.consensusTimes == [validAfter, later])
        let relay = try #require(answer.relays.first { $0.fingerprint == entry.fingerprint })
        #expect(relay.firstSeen == validAfter && relay.lastSeen == later && relay.consensuses == 2 && relay.nicknames == [entry.nickname])
        #expect(answer.wasRelay)
    }

    /// The fuzz entry point on a real index, cut and damaged: no trap, invariants hold.
    @Test func fuzzEntryPointTakesRealAndDamagedIndexes() throws {
        let encoded = try Self.documents().index.encoded()
        let entry = try #require(FuzzEntryPoints.targets["lookup-index"])
        entry(encoded)
        entry(Array(encoded.prefix(encoded.count / 3)))
        var damaged = encoded
        for offset in stride(from: 100, to: damaged.count, by: 997) { damaged[offset] ^= 0x5A }
        entry(damaged)
        entry([])
    }
}
