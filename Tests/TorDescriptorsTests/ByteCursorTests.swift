import Foundation
import Testing
@_spi(Fuzzing) @testable import TorDescriptors

/// The byte cursor every scanner reads through, and defects of the consensus reader found by a
/// review (issue #19). Buffers are synthetic (hand-written) or real corpus files embedded at an
/// offset in a larger buffer, so that slice indices do not start at 0.
@Suite struct ByteCursorTests {
    /// `text` placed after `padding` bytes of another buffer, so indices start at `padding`.
    static func slice(_ text: String, padding: Int) -> ArraySlice<UInt8> {
        let buffer = [UInt8](repeating: UInt8(ascii: "x"), count: padding) + Array(text.utf8)
        return buffer[padding...]
    }

    @Test func emptyBuffersHaveNoLinesAndNoWords() {
        let empties: [ArraySlice<UInt8>] = [[UInt8]()[...], [UInt8](repeating: 0x41, count: 8)[3..<3]]
        for empty in empties {
            ByteCursor.with(empty) { cursor in
                #expect(cursor.isEmpty && cursor.start == empty.startIndex && cursor.end == empty.endIndex)
                #expect(cursor.lineBounds(cursor.start) == (cursor.start, cursor.start))
                var position = cursor.start
                #expect(cursor.word(&position, cursor.end) == nil)
                #expect(cursor.firstIndex(of: 0x0A, from: cursor.start, to: cursor.end) == nil)
                #expect(!cursor.hasPrefix(cursor.start..<cursor.end, "r") && cursor.hasPrefix(cursor.start..<cursor.end, ""))
                #expect(cursor.string(cursor.start..<cursor.end) == "")
            }
        }
    }

    /// The entry scanner on empty bytes (a consensus that ends right after its header) reads no
    /// entry and reaches the end instead of dereferencing a missing buffer.
    @Test func entryScannerOnEmptyBytesReadsNothing() throws {
        for empty in [[UInt8]()[...], [UInt8](repeating: 0x72, count: 4)[2..<2]] {
            var scanner = RouterStatusEntryScanner(bytes: empty, flavor: .ns, mode: .strict, position: empty.startIndex, line: 7)
            #expect(try scanner.next() == nil)
            #expect(scanner.position == empty.startIndex && scanner.line == 7)
        }
    }

    @Test func linesWordsAndKeywordsOfASliceNotStartingAtZero() {
        let bytes = Self.slice("opt  router a  b \r\n\tx\r\n\nlast", padding: 13)
        ByteCursor.with(bytes) { cursor in
            #expect(cursor.start == 13 && cursor[13] == UInt8(ascii: "o"))
            let first = cursor.lineBounds(13)
            #expect(first == (13 + 17, 13 + 19))
            let (keyword, arguments, hadOpt) = cursor.keyword(13, first.end)
            #expect(cursor.string(keyword) == "router" && hadOpt && cursor.string(arguments..<first.end) == "a  b ")
            #expect(cursor.string(arguments..<cursor.trimTrailingSpaces(arguments, first.end)) == "a  b")
            var position = arguments
            #expect(cursor.word(&position, first.end).map(cursor.string) == "a")
            #expect(cursor.word(&position, first.end).map(cursor.string) == "b")
            #expect(cursor.word(&position, first.end) == nil && position == first.end)
            let second = cursor.lineBounds(first.next)
            #expect(cursor.keywordEnd(first.next, second.end) == first.next)   // starts with a tab
            let third = cursor.lineBounds(second.next)
            #expect(third.end == second.next && third.next == second.next + 1)   // an empty line
            #expect(cursor.lineBounds(third.next) == (cursor.end, cursor.end))   // no final newline
            #expect(cursor.equals(third.next..<cursor.end, "last") && cursor.equals(keyword, Array("router".utf8)))
            #expect(cursor.unsigned(cursor.start..<cursor.start) == nil)
        }
    }

    /// Tokenizing a document at an offset gives the same items, shifted, as tokenizing it alone.
    @Test func tokenizerAndSplitterOnOffsetSlices() throws {
        let text = "@type test 1.0\nonion-key\n-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\nfamily a b\n"
        let alone = try Tokenizer.tokenize(Array(text.utf8)[...], kind: .microdescriptor, mode: .strict)
        let shifted = try Tokenizer.tokenize(Self.slice(text, padding: 29), kind: .microdescriptor, mode: .strict)
        #expect(shifted.items.map(\.range) == alone.items.map { ($0.range.lowerBound + 29)..<($0.range.upperBound + 29) })
        #expect(shifted.annotations == alone.annotations && shifted.items[0].object?.name == alone.items[0].object.map {
            ($0.name.lowerBound + 29)..<($0.name.upperBound + 29)
        })
        let documents = Array(DocumentSplitter(bytes: Self.slice(text + text, padding: 5), startKeywords: ["onion-key"]))
        #expect(documents.map(\.firstLine) == [1, 7] && documents.map(\.bytes.startIndex) == [5, 5 + text.utf8.count])
    }
}

/// Defects of the consensus reader found by the issue #19 review.
@Suite struct ConsensusReaderDefectTests {
    /// A real consensus with its second entry's ORPort made unreadable.
    static func consensusWithBadEntry() throws -> [UInt8] {
        let bytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        var text = String(decoding: bytes, as: UTF8.self)
        let entryStarts = text.ranges(of: "\nr ")
        try #require(entryStarts.count > 2)
        let second = entryStarts[1]
        let lineEnd = try #require(text[second.upperBound...].firstIndex(of: "\n"))
        var words = text[second.upperBound..<lineEnd].split(separator: " ").map(String.init)
        try #require(words.count == 8)
        words[6] = "x9001"
        text.replaceSubrange(second.upperBound..<lineEnd, with: words.joined(separator: " "))
        return Array(text.utf8)
    }

    /// `for entry in reader` iterates a copy; the strict-mode error that stops it must still
    /// reach the reader the caller holds.
    @Test func forLoopErrorReachesTheReader() throws {
        let bytes = try Self.consensusWithBadEntry()
        let strict = try ConsensusReader(bytes[...], mode: .strict)
        var seen = 0
        for _ in strict { seen += 1 }
        #expect(seen == 1)
        let failure = try #require(strict.failure)
        #expect(failure.keyword == "r" && failure.document == .networkStatusConsensus)

        let lenient = try ConsensusReader(bytes[...], mode: .lenient)
        var lenientSeen = 0
        for _ in lenient { lenientSeen += 1 }
        #expect(lenientSeen == 2992 && lenient.failure == nil)
    }

    /// The streaming verification report names the line the consensus starts on, as the
    /// whole-document one does, for a consensus that is not at the top of its buffer.
    @Test func verifiedFooterNamesTheConsensusFirstLine() throws {
        let consensus = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        let buffer = Array("unrelated\nlines\nbefore\n".utf8) + consensus
        let slice = DocumentSlice(bytes: buffer[23...], firstLine: 4)
        let certificates = try VerifyAuthorityFixtures.certificates("2012-06-cached-certs")
        let time = VerifyAuthorityFixtures.time("2012-06-18 22:00:00")
        var reader = try ConsensusReader(slice, mode: .lenient)
        #expect(reader.firstLine == 4)
        let (_, report) = try reader.verifiedFooter(of: slice.bytes, certificates: certificates,
                                                    authorities: VerifyAuthorityFixtures.tor_0_2_2_37, at: time)
        let whole = try NetworkStatusConsensus(parsing: slice, mode: .lenient)
            .verificationReport(certificates: certificates, authorities: VerifyAuthorityFixtures.tor_0_2_2_37, at: time)
        #expect(report.firstLine == 4 && whole.firstLine == 4)
        #expect(report.checks == whole.checks && report.isValid)
    }
}
