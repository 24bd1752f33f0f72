import Testing
@testable import TorDescriptors

/// `NetworkStatusConsensus.parseAll` parses a buffer as one consensus while the entry scanner
/// watches for a line that opens another, instead of first counting the start lines of the whole
/// buffer. It must give what the general path (`splitAndParseAll`: split, then parse each) gives,
/// whatever the buffer holds. The inputs are a real consensus (cropped, from the bundled corpus)
/// and synthetic variants of it made here by inserting lines: start lines in every section, in
/// objects, in a skipped entry, `opt`-prefixed, at the very end, and concatenations.
@Suite struct ConsensusParseAllTests {
    /// What a result shows of itself: enough to tell two parses apart.
    static func summary(_ results: [Result<NetworkStatusConsensus, DescriptorParseError>]) -> [String] {
        results.map { result in
            switch result {
            case .success(let consensus):
                return "ok \(consensus.rawBytes.startIndex)..<\(consensus.rawBytes.endIndex) line \(consensus.firstLine) "
                    + "entries \(consensus.entries.count) signatures \(consensus.footer.signatures.count) "
                    + "annotations \(consensus.annotations.count) warnings \(consensus.warnings.map(\.description))"
            case .failure(let error):
                return "failed \(error)"
            }
        }
    }

    static func variants() throws -> [(name: String, text: String)] {
        let real = String(decoding: try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"), as: UTF8.self)
        var lines = real.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let firstEntry = try #require(lines.firstIndex { $0.hasPrefix("r ") })
        let secondEntry = try #require(lines[(firstEntry + 1)...].firstIndex { $0.hasPrefix("r ") })
        let footer = try #require(lines.firstIndex { $0 == "directory-footer" })
        let signatureObject = try #require(lines.firstIndex { $0 == "-----BEGIN SIGNATURE-----" })
        func inserting(_ inserted: [String], at index: Int) -> String {
            var copy = lines
            copy.insert(contentsOf: inserted, at: index)
            return copy.joined(separator: "\n") + "\n"
        }
        let start = "network-status-version 3"
        return [
            ("the real consensus", real),
            ("two consensuses", real + real),
            ("two consensuses, the second annotated", real + "@type network-status-consensus-3 1.0\n" + real),
            ("a start line in the header", inserting([start], at: 3)),
            ("a start line between entries", inserting([start], at: secondEntry)),
            ("an opt-prefixed start line between entries", inserting(["opt \t" + start], at: secondEntry)),
            ("a start line after an unknown entry line", inserting(["unknown-item 1", start], at: secondEntry)),
            ("a start line inside an entry's object",
             inserting(["unknown-item", "-----BEGIN THING-----", start, "-----END THING-----"], at: secondEntry)),
            ("a start line in an entry whose r line is bad", inserting(["r bad", start, "s Fast"], at: secondEntry)),
            ("a start line before the footer", inserting([start], at: footer)),
            ("a start line inside a signature", inserting([start], at: signatureObject + 1)),
            ("a start line ending the buffer", real + start),
            ("a start keyword with more after it", inserting(["network-status-versions 3", "network-status-version-x"], at: secondEntry)),
            ("a start line followed by CR LF", inserting([start + "\r"], at: secondEntry)),
            ("an unknown entry line without a start", inserting(["unknown-item 1", "network 3"], at: secondEntry)),
        ]
    }

    @Test func sameResultsAsSplittingFirst() throws {
        for (name, text) in try Self.variants() {
            let bytes = Array(text.utf8)
            for mode in [ValidationMode.lenient, .strict] {
                let fast = Self.summary(NetworkStatusConsensus.parseAll(bytes[...], mode: mode))
                let general = Self.summary(NetworkStatusConsensus.splitAndParseAll(bytes[...], mode: mode))
                #expect(fast == general, "\(name), strict: \(mode.isStrict)")
            }
        }
    }

    /// The watch itself: a single consensus is taken without the whole-buffer count, and every
    /// variant with a second start line that parses is caught.
    @Test func theWatchSeesEveryOtherStartLine() throws {
        var caught = 0
        for (name, text) in try Self.variants() {
            let bytes = Array(text.utf8)
            let expected = ByteCursor.with(bytes[...]) {
                DocumentSplitter.Iterator.startLineCount($0, from: $0.start, keywords: [Array("network-status-version".utf8)], atMost: 1) > 1
            }
            guard let parsed = try? NetworkStatusConsensus.parse(DocumentSlice(bytes: bytes[...], firstLine: 1), mode: .lenient,
                                                                 watchingForStarts: true) else { continue }
            #expect(parsed.holdsAnotherStart == expected, "\(name)")
            if name == "the real consensus" { #expect(!parsed.holdsAnotherStart) }
            if parsed.holdsAnotherStart { caught += 1 }
        }
        // Lenient parsing reads past the inserted lines, so most variants reach the check.
        #expect(caught >= 8)
    }

    /// Real consensuses with random damage (the mutation smoke test's mutations, seeded): both
    /// paths agree, through the fuzz target's own check, which traps on a disagreement.
    @Test func mutantsAgree() throws {
        var generator = MutationSmokeTests.Generator(state: 15)
        for file in ["consensus/cropped--2026-07-27-10-00-00-consensus-arti-live",
                     "microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live"] {
            let real = try ProjectFiles.corpus(file)
            for round in 0..<150 {
                // Every third mutant is two copies of the damaged document, so start lines repeat.
                let mutant = MutationSmokeTests.mutate(real, &generator)
                FuzzEntryPoints.consensusParseAllAgrees(round % 3 == 0 ? mutant + mutant : mutant)
            }
        }
    }

    /// A buffer with more consensuses than ``ParseLimits/maxDocumentsPerBuffer`` allows, or a limit
    /// of none, is still refused as the general path refuses it.
    @Test func theDocumentLimitStillHolds() throws {
        let real = try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live")
        for (limit, bytes) in [(0, real), (1, real + real)] {
            var mode = ValidationMode.lenient
            mode.limits.maxDocumentsPerBuffer = limit
            #expect(Self.summary(NetworkStatusConsensus.parseAll(bytes[...], mode: mode))
                    == Self.summary(NetworkStatusConsensus.splitAndParseAll(bytes[...], mode: mode)))
        }
    }
}
