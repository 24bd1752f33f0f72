import Foundation
import Testing
@testable import TorDescriptors

/// Consensus diffs from a relay's `diff-cache/` (liranmesika/tunnel-project, 2021-08). Command
/// counts, action counts and inserted-line totals were computed with a separate Python reading
/// of the files; hashes are the files' own `hash` lines and labels.
struct ConsensusDiffTests {
    static func entry(_ name: String) throws -> ConsensusDiffCacheEntry {
        try ConsensusDiffCacheEntry(parsing: ProjectFiles.corpus("consensus-diffs/" + name))
    }

    static let md = "diff-cache-1028--md-2021-08-29T17-to-2021-08-29T19"
    static let ns = "diff-cache-1009--ns-2021-08-29T17-to-2021-08-29T19"

    static func actionCounts(_ diff: ConsensusDiff) -> [Int] {
        [ConsensusDiffCommand.Action.append, .change, .delete].map { action in diff.commands.filter { $0.action == action }.count }
    }

    @Test func cacheEntryLabels() throws {
        let entry = try Self.entry(Self.md)
        #expect(entry.labels.count == 11)
        #expect(entry.label("document-type") == "consensus-diff")
        #expect(entry.label("consensus-flavor") == "microdesc")
        #expect(entry.label("from-valid-after") == "2021-08-29T17:00:00")
        #expect(entry.label("target-sha3-digest") == "60A8C62783E69EE751C288D37E33D271A842C354818993823E79925603240E80")
        #expect(entry.body.startIndex == 943 + 1)   // the NUL is byte 943
        #expect(entry.bodyFirstLine == 12)   // after 11 label lines
    }

    @Test func microdescDiff() throws {
        let entry = try Self.entry(Self.md)
        for mode in [ValidationMode.lenient, .strict] {
            let diff = try entry.diff(mode: mode)
            #expect(diff.warnings.isEmpty)
            #expect(diff.version == 1)
            #expect(diff.commands.count == 2_725)
            #expect(Self.actionCounts(diff) == [17, 2_681, 27])
            #expect(diff.commands.reduce(0) { $0 + $1.insertedLineCount } == 3_240)
            // The hash line agrees with tor's own labels for the entry.
            #expect(diff.baseHash.map { Hex.encode($0) } == entry.label("from-sha3-digest"))
            #expect(diff.targetHash.map { Hex.encode($0) } == entry.label("target-sha3-digest"))
        }
        let diff = try entry.diff()
        let first = diff.commands[0]
        #expect(first.action == .delete && first.startLine == 42_844 && first.endLine == nil && first.line == 14)
        #expect(diff.commands[1].action == .change && diff.commands[1].startLine == 42_843 && diff.commands[1].endLine == 42_843)
        #expect(diff.insertedLines(of: diff.commands[1]).first?.hasPrefix("bandwidth-weights Wbd=0 Wbe=0 Wbg=4314 ") == true)
        let last = try #require(diff.commands.last)
        #expect(last.action == .change && last.startLine == 4 && last.endLine == 6 && last.insertedLineCount == 3)
        #expect(diff.insertedLines(of: last) == ["valid-after 2021-08-29 19:00:00", "fresh-until 2021-08-29 20:00:00",
                                                 "valid-until 2021-08-29 22:00:00"])
        // Strictly bottom-up.
        for (lower, upper) in zip(diff.commands.dropFirst(), diff.commands) {
            #expect((lower.endLine ?? .max) < upper.startLine || (upper.action == .append && lower.endLine == upper.startLine))
        }
    }

    @Test func nsDiff() throws {
        let entry = try Self.entry(Self.ns)
        #expect(entry.label("consensus-flavor") == "ns")
        let diff = try entry.diff(mode: .strict)
        #expect(diff.commands.count == 2_942)
        #expect(Self.actionCounts(diff) == [17, 2_895, 30])
        #expect(diff.commands.reduce(0) { $0 + $1.insertedLineCount } == 3_220)
        #expect(diff.baseHash.map { Hex.encode($0) } == "4FBA2AE695831958BDE93346207BCD0257C34E03D16344ADA8071450BF0B0D87")
    }

    @Test("the diff is not for this base: typed error, no output") func wrongBase() throws {
        let diff = try Self.entry(Self.md).diff()
        let consensus = try ProjectFiles.corpus("consensus-diffs/" + Self.ns)   // any bytes that are not its base
        #expect(throws: ConsensusDiffError.self) { try diff.apply(to: consensus[...]) }
    }

    /// SOURCES.md caveat 5: the real pair in the shared corpus (2.3 MB each, not bundled).
    @Test(.enabled(if: ProjectFiles.hasSharedCorpus))
    func realPairGivesTheTargetExactly() throws {
        let entry = try ConsensusDiffCacheEntry(parsing: ProjectFiles.shared("consensus-diffs/diff-cache-1048--md-2021-08-26T19-to-2021-08-29T19"))
        let diff = try entry.diff(mode: .strict)
        #expect(diff.commands.count == 8_430)
        #expect(Self.actionCounts(diff) == [2, 8_347, 81])
        let baseBytes = try ProjectFiles.shared("microdesc-consensus/2021-08-26-19-00-00-unverified-microdesc-consensus")
        let target = try ProjectFiles.shared("microdesc-consensus/2021-08-29-19-00-00-cached-microdesc-consensus")

        // Which digest is which: the base is named by its signed part, the target by all of it.
        let base = try NetworkStatusConsensus(parsing: baseBytes)
        #expect(base.sha3DigestAsSigned == diff.baseHash)
        #expect(base.sha3Digest != diff.baseHash)
        #expect(ConsensusDiff.baseDigest(of: baseBytes[...]) == diff.baseHash)

        let result = try diff.apply(to: base)
        #expect(result.count == 2_311_340)
        #expect(result == target)
        #expect(try NetworkStatusConsensus(parsing: target).sha3Digest == diff.targetHash)
        #expect(try diff.apply(to: baseBytes[...], verifyingHashes: false) == target)

        // One changed byte in the signed part: the base hash no longer matches.
        var tampered = baseBytes
        tampered[100] ^= 1
        #expect(throws: ConsensusDiffError.baseHashMismatch(expected: Hex.encode(diff.baseHash!),
                                                            actual: Hex.encode(ConsensusDiff.baseDigest(of: tampered[...])!))) {
            try diff.apply(to: tampered[...])
        }
        // The signatures are outside the signed part, and the diff replaces them: a changed
        // signature byte still yields the exact target.
        var resigned = baseBytes
        resigned[resigned.count - 30] ^= 1
        #expect(try diff.apply(to: resigned[...]) == target)
    }

    // MARK: - Synthetic diffs (hand-written for edge cases; hashes are not real)

    static let zeroHash = String(repeating: "0", count: 64)
    static func synthetic(_ commands: String) -> [UInt8] {
        Array("network-status-diff-version 1\nhash \(zeroHash) \(zeroHash)\n\(commands)".utf8)
    }

    @Test func syntheticApplyWithoutHashes() throws {
        let base = Array("one\ntwo\nthree\nfour\nfive\n".utf8)
        // Bottom-up: delete the end, change 3, append after 1, insert at the top.
        let diff = try ConsensusDiff(parsing: Self.synthetic("4,$d\n3c\nTHREE\n.\n1a\none-and-a-half\n.\n0a\nzero\n.\n"), mode: .strict)
        #expect(diff.commands.map(\.action) == [.delete, .change, .append, .append])
        let result = try diff.apply(to: base[...], verifyingHashes: false)
        #expect(String(decoding: result, as: UTF8.self) == "zero\none\none-and-a-half\ntwo\nTHREE\n")
        // The zero hashes are not the base's.
        #expect(throws: ConsensusDiffError.self) { try diff.apply(to: base[...]) }
    }

    @Test(.enabled(if: ConsensusDiff.baseDigest(of: Array("directory-signature x\n".utf8)[...]) != nil, "no SHA3 here"))
    func syntheticTargetHashMismatch() throws {
        // Synthetic base with a signature line, so it has a signed part; the target hash is zeros.
        let base = Array("network-status-version 3\nvalid-after x\ndirectory-signature A B\nsig\n".utf8)
        let baseHex = Hex.encode(try #require(ConsensusDiff.baseDigest(of: base[...])))
        let text = "network-status-diff-version 1\nhash \(baseHex) \(Self.zeroHash)\n2c\nvalid-after y\n.\n"
        let diff = try ConsensusDiff(parsing: Array(text.utf8), mode: .strict)
        let expectedResult = Array("network-status-version 3\nvalid-after y\ndirectory-signature A B\nsig\n".utf8)
        #expect(try diff.apply(to: base[...], verifyingHashes: false) == expectedResult)
        #expect(throws: ConsensusDiffError.targetHashMismatch(expected: Self.zeroHash,
                                                              actual: Hex.encode(ConsensusSHA3.digest(expectedResult[...])!))) {
            try diff.apply(to: base[...])
        }
    }

    @Test func syntheticLineOutOfRange() throws {
        let diff = try ConsensusDiff(parsing: Self.synthetic("9d\n"))
        #expect(throws: ConsensusDiffError.lineOutOfRange(diffLine: 3, baseLine: 9, baseLineCount: 2)) {
            try diff.apply(to: Array("a\nb\n".utf8)[...], verifyingHashes: false)
        }
        #expect(throws: ConsensusDiffError.baseNotLineTerminated) {
            try diff.apply(to: Array("a\nb".utf8)[...], verifyingHashes: false)
        }
    }

    @Test("commands the spec and tor forbid", arguments: [
        "2d\n5d\n",            // ascending line numbers
        "3d\n3d\n",            // the same line twice
        "5,3d\n",              // a range ending before it starts
        "1,$c\nx\n.\n",        // `$` with a change
        "1,2a\nx\n.\n",        // an append with a range
        "0d\n",                // line 0 outside an append
        "3c\n.\n",             // a change inserting nothing
        "3a\nno terminator\n", // inserted lines without the "." line
        "3x\n",                // an unknown command
        "3 d\n",               // junk between number and command
        "5d\n4,$d\n",          // `$` after another command
    ])
    func syntheticForbidden(_ commands: String) throws {
        #expect(throws: DescriptorParseError.self) { try ConsensusDiff(parsing: Self.synthetic(commands), mode: .strict) }
        let lenient = try ConsensusDiff(parsing: Self.synthetic(commands))
        #expect(!lenient.warnings.isEmpty)
        #expect(throws: ConsensusDiffError.self) {
            try lenient.apply(to: Array("1\n2\n3\n4\n5\n6\n".utf8)[...], verifyingHashes: false)
        }
    }

    @Test func syntheticHeaderProblems() throws {
        // Synthetic: a wrong version and a missing first line cannot be identified as a diff.
        for text in ["network-status-diff-version 2\nhash a b\n", "hash a b\n1d\n", ""] {
            #expect(throws: DescriptorParseError.self) { try ConsensusDiff(parsing: Array(text.utf8)) }
        }
        // A malformed digest: lenient keeps going, but the diff cannot be applied with checks.
        let short = try ConsensusDiff(parsing: Array("network-status-diff-version 1\nhash 00 00\n1d\n".utf8))
        #expect(short.baseHash == nil && short.warnings.count == 1 && short.commands.count == 1)
        // Synthetic diff-cache file without the NUL separator.
        #expect(throws: DescriptorParseError.self) { try ConsensusDiffCacheEntry(parsing: Array("document-type consensus-diff\n".utf8)) }
    }
}
