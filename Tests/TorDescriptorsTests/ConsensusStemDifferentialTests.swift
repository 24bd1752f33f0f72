import Foundation
import Testing
@testable import TorDescriptors

/// Differential check of consensuses against Stem 1.8.2: `Tests/StemOracle/dump.py
/// network-status-consensus-3 FILE` (or the microdesc flavor) prints Stem's header attributes
/// and then every router status entry; each value must equal the one under the same key in the
/// JSON lines `tordesc parse --json` prints (``AnyDescriptor/stemJSONLines``, the same code).
///
/// Deliberate differences from Stem (kept out of the comparison, or normalised, here):
/// - `exit_policy` of a microdesc-flavor entry: Stem's `RouterStatusEntryMicroV3` has no such
///   attribute (dump.py writes null); ours is null too because microdesc entries have no `p`
///   line, so this compares equal without special handling.
/// - `packages`: Stem 1.8.2 keeps no `package` lines; not compared (dump.py omits it).
/// - `unrecognized_bandwidth_entries`, `bandwidth_file_*`: compared as is (they agree).
/// - Stem's `routers` is a dictionary keyed by fingerprint, so a consensus listing one identity
///   twice would lose an entry there; entry counts are asserted equal, which holds for every
///   corpus consensus.
@Suite(.enabled(if: StemOracle.available, "Stem is not installed (python3 -m pip install stem==1.8.2)"))
struct ConsensusStemDifferentialTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let path: String
        let type: DescriptorType
        var testDescription: String { (path as NSString).lastPathComponent }
    }

    static func cases(under root: String) -> [Case] {
        var cases: [Case] = []
        for (folder, type) in [("consensus", DescriptorType.networkStatusConsensus), ("microdesc-consensus", .networkStatusMicrodescConsensus)] {
            let directory = root + "/" + folder
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            cases += names.sorted().filter { !$0.hasPrefix(".") }.map { Case(path: directory + "/" + $0, type: type) }
        }
        return cases
    }

    static let bundled = cases(under: ProjectFiles.root.path + "/Resources/corpus")

    /// Full-size shared-corpus consensuses not already bundled. Stem needs 1.2 s or more for
    /// each, so by default only the oldest and newest of each flavor are compared (about 60 s on
    /// a loaded VM); TORDESC_FULL_STEM_SWEEP=1 compares all of them (16 files; every value of
    /// every entry agreed with Stem when this test was written). Cropped files are left out: the
    /// bundled ones cover their kind of entries.
    static let shared: [Case] = {
        guard ProjectFiles.hasSharedCorpus else { return [] }
        let bundledNames = Set(bundled.map { ($0.path as NSString).lastPathComponent })
        let all = cases(under: ProjectFiles.sharedCorpus.path).filter {
            let name = ($0.path as NSString).lastPathComponent
            return !bundledNames.contains(name) && !name.hasPrefix("cropped--")
        }
        if ProcessInfo.processInfo.environment["TORDESC_FULL_STEM_SWEEP"] == "1" { return all }
        var sample: [Case] = []
        for type in [DescriptorType.networkStatusConsensus, .networkStatusMicrodescConsensus] {
            let ofType = all.filter { $0.type == type }
            if let first = ofType.first { sample.append(first) }
            if ofType.count > 1, let last = ofType.last { sample.append(last) }
        }
        return sample
    }()

    @Test("bundled consensuses: header and every entry equal Stem's", arguments: bundled)
    func bundledConsensus(_ testCase: Case) throws {
        try Self.compare(testCase)
    }

    @Test("shared-corpus consensuses: header and every entry equal Stem's", .enabled(if: ProjectFiles.hasSharedCorpus), arguments: shared)
    func sharedConsensus(_ testCase: Case) throws {
        try Self.compare(testCase)
    }

    static func compare(_ testCase: Case) throws {
        let script = ProjectFiles.root.path + "/Tests/StemOracle/dump.py"
        let stem = try StemOracle.python([script, testCase.type.rawValue, testCase.path])
        try #require(stem.status == 0, "Stem failed on \(testCase.path)")
        let stemLines = stem.output.split(separator: UInt8(ascii: "\n"))

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: testCase.path)))
        let results = AnyDescriptor.parseAll(bytes[...], as: testCase.type, mode: .lenient)
        try #require(results.count == 1)
        let ourLines = try results[0].get().stemJSONLines
        try #require(ourLines.count == stemLines.count, "entry counts differ: ours \(ourLines.count - 1), Stem's \(stemLines.count - 1)")
        #expect(ourLines.count > 1, "a consensus with no entries proves nothing")

        var mismatches = 0
        for (index, (mine, theirs)) in zip(ourLines, stemLines).enumerated() {
            let ours = try #require(try JSONSerialization.jsonObject(with: Data(mine.serialized().utf8)) as? [String: Any])
            let stems = try #require(try JSONSerialization.jsonObject(with: Data(theirs)) as? [String: Any])
            for (key, stemValue) in stems.sorted(by: { $0.key < $1.key }) {
                let ourText = try StemDifferentialTests.canonical(ours[key] ?? NSNull())
                let stemText = try StemDifferentialTests.canonical(stemValue)
                if ourText != stemText {
                    mismatches += 1
                    // Cap the report: one systematic difference would otherwise print 7,000 lines.
                    if mismatches <= 10 {
                        let what = index == 0 ? "header" : "entry \(index) (\(ours["fingerprint"] as? String ?? "?"))"
                        Issue.record("\(what), \(key): ours \(ourText.prefix(300)), Stem's \(stemText.prefix(300))")
                    }
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) values differ from Stem's")
    }
}

/// `tordesc exits --port P --consensus FILE --json` against Stem: every entry whose `p` summary
/// allows the port, Exit flag or not (what a client picking an exit asks), minus those flagged
/// `BadExit`; with `--include-bad-exits`, all of Stem's (`dump.py exits-port`).
@Suite(.enabled(if: StemOracle.available, "Stem is not installed (python3 -m pip install stem==1.8.2)"))
struct TordescExitsStemTests {
    static let consensuses = [
        "Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus",
        "Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live",
    ]

    /// The fingerprints `tordesc exits` lists, each checked to come from the p line.
    static func tordescExits(_ arguments: [String]) throws -> Set<String> {
        let run = try TordescCLITests.run(["exits"] + arguments + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        var fingerprints = Set<String>()
        for line in run.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["policy_source"] as? String == "consensus-p-line")
            fingerprints.insert(try #require(object["fingerprint"] as? String))
        }
        return fingerprints
    }

    @Test("exits --port equals Stem's can_exit_to(port=) over all entries, minus BadExit unless --include-bad-exits",
          arguments: consensuses, [443, 22, 6667])
    func exitsMatchStem(_ relative: String, _ port: Int) throws {
        let path = ProjectFiles.root.path + "/" + relative
        let stem = try StemOracle.python([ProjectFiles.root.path + "/Tests/StemOracle/dump.py", "exits-port", path, String(port)])
        try #require(stem.status == 0)
        let stemLines = String(decoding: stem.output, as: UTF8.self).split(separator: "\n")
        let stemAll = Set(stemLines.map { String($0.split(separator: " ")[0]) })
        let stemBad = Set(stemLines.filter { $0.hasSuffix(" BadExit") }.map { String($0.split(separator: " ")[0]) })
        let stemGood = stemAll.subtracting(stemBad)

        let ours = try Self.tordescExits(["--port", String(port), "--consensus", relative])
        #expect(ours == stemGood, "only ours: \(ours.subtracting(stemGood).sorted().prefix(5)); only Stem's: \(stemGood.subtracting(ours).sorted().prefix(5))")
        let withBad = try Self.tordescExits(["--port", String(port), "--include-bad-exits", "--consensus", relative])
        #expect(withBad == stemAll, "only ours: \(withBad.subtracting(stemAll).sorted().prefix(5)); only Stem's: \(stemAll.subtracting(withBad).sorted().prefix(5))")

        let summary = try TordescCLITests.run(["exits", "--port", String(port), "--consensus", relative])
        if stemBad.isEmpty {
            #expect(!summary.stdout.contains("BadExit relay"))
        } else {
            #expect(summary.stdout.contains("; \(stemBad.count) BadExit relay\(stemBad.count == 1 ? "" : "s") left out (--include-bad-exits lists them)"))
        }
        if relative.contains("2012-06-18"), port == 443 {
            // The 2012 file has relays allowing 443 without the Exit flag, and BadExit relays:
            // both rules are exercised, not vacuous.
            #expect(!stemBad.isEmpty)
            let exitFlagged = try Self.tordescExits(["--port", "443", "--flag", "Exit", "--include-bad-exits", "--consensus", relative])
            #expect(exitFlagged.count < withBad.count)
        }
    }
}
