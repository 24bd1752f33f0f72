import Foundation
import Testing
import TestSupport
import TorDescriptors

/// `tordesc lookup --json` against Stem 1.8.2 answering the same question over the same files
/// (Tests/StemOracle/address_lookup.py, one Python run): for addresses of `r` lines, `a` lines
/// (IPv6) and exit lists, the same relays per consensus and the same exit-list observations.
/// Ours answers through the index (the first question writes it). Fails, never skips, when
/// python3 or Stem is missing.
@Suite struct AddressLookupStemTests {
    static let consensuses = ["Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus",
                              "Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"]
    static let exitList = "Resources/corpus/exit-lists/stem--2018-11-01-00-02-01"

    /// Addresses taken from the files' text: the first `r`-line addresses of each consensus
    /// (including a BadExit), every `a`-line address of the cropped one, and exit-list ones,
    /// each with the document time to ask about.
    static func questions() throws -> [(address: String, at: String)] {
        var questions: [(String, String)] = []
        for path in consensuses {
            let text = try String(contentsOf: ProjectFiles.root.appendingPathComponent(path), encoding: .utf8)
            let lines = text.split(separator: "\n")
            let validAfter = try #require(lines.first { $0.hasPrefix("valid-after ") }).dropFirst("valid-after ".count)
            for line in lines.filter({ $0.hasPrefix("r ") }).prefix(3) { questions.append((String(line.split(separator: " ")[6]), String(validAfter))) }
            for line in lines.filter({ $0.hasPrefix("a [") }).prefix(3) {
                let inner = line.dropFirst(3).prefix { $0 != "]" }
                questions.append((String(inner), String(validAfter)))
            }
        }
        questions.append(("178.52.17.39", "2012-06-18 21:00:00"))   // BadExit
        let exitText = try String(contentsOf: ProjectFiles.root.appendingPathComponent(exitList), encoding: .utf8)
        for line in exitText.split(separator: "\n").filter({ $0.hasPrefix("ExitAddress ") }).prefix(3) {
            let fields = line.split(separator: " ")
            questions.append((String(fields[1]), "\(fields[2]) \(fields[3])"))
        }
        return questions
    }

    @Test func lookupAgreesWithStem() throws {
        try #require(StemOracle.available, "Stem 1.8.2 is required (python3 -m pip install stem==1.8.2)")
        let binary = try #require(TordescProcess.executable(projectRoot: ProjectFiles.root), "tordesc is not built: run swift build first")
        let questions = try Self.questions()
        let hasIPv6 = questions.contains { $0.address.contains(":") }
        #expect(hasIPv6)
        let run = try StemOracle.python([ProjectFiles.root.path + "/Tests/StemOracle/address_lookup.py"]
            + questions.flatMap { ["--address", $0.address] }
            + Self.consensuses.flatMap { ["--consensus", ProjectFiles.root.path + "/" + $0] }
            + ["--exit-list", ProjectFiles.root.path + "/" + Self.exitList])
        try #require(run.status == 0, "address_lookup.py failed")
        let stem = try #require(try JSONSerialization.jsonObject(with: run.output) as? [String: [String: [[Any]]]])
        // Through an index of our own: the first run writes it, the others answer from it.
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("lookup-stem-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: index) }
        var compared = 0
        for (address, at) in questions {
            let ours = try TordescProcess.run(binary, ["lookup", address, "--at", at, "--window-hours", "1", "--json", "--index", index]
                + Self.consensuses + [Self.exitList], in: ProjectFiles.root)
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [String: Any], "\(ours)")
            let window = try #require(answer["window_start"] as? String)...(try #require(answer["window_end"] as? String))
            let theirs = try #require(stem[address])
            let stemListings = Set(try theirs["consensus", default: []].filter { window.contains($0[0] as! String) }.map(Self.canonical))
            let ourListings = Set(try (answer["consensus_matches"] as? [[String: Any]] ?? []).map {
                try Self.canonical([$0["valid_after"]!, $0["fingerprint"]!, $0["nickname"]!, $0["address"]!, $0["port"]!, $0["flags"]!])
            })
            #expect(ourListings == stemListings, "\(address) at \(at)")
            let stemSeen = Set(try theirs["exit", default: []].filter { window.contains($0[0] as! String) }.map(Self.canonical))
            let ourSeen = Set(try (answer["exit_list_matches"] as? [[String: Any]] ?? []).map { try Self.canonical([$0["seen"]!, $0["fingerprint"]!]) })
            #expect(ourSeen == stemSeen, "\(address) at \(at)")
            #expect((ours.status == 0) == !(stemListings.isEmpty && stemSeen.isEmpty))
            compared += stemListings.count + stemSeen.count
        }
        #expect(compared >= questions.count)
    }

    static func canonical(_ value: [Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }
}
