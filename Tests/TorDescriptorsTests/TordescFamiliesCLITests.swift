import Foundation
import Testing

/// `tordesc families`, and the path-selection and country parts of `relay` and `summary`, run as a
/// user would on bundled files; expected values come from the file text read by the tests.
@Suite struct TordescFamiliesCLITests {
    static func run(_ arguments: [String]) throws -> TordescCLITests.Run { try TordescCLITests.run(arguments) }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A synthetic GeoIP file (not real allocations): the lower half of IPv4 is AA, the upper BB.
    static func syntheticGeoIP() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tordesc-synthetic-geoip-\(UUID().uuidString)")
        try "# SYNTHETIC\n# Generated: synthetic\n0,2147483647,AA\n2147483648,4294967295,BB\n".write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("families --json on the 2020 descriptors: related pairs and one-sided declarations as read by hand")
    func familiesJSON() throws {
        let path = "Resources/corpus/server-descriptors/2020-02-29-10-05-00-server-descriptors"
        let run = try Self.run(["families", "--descriptors", path, "--json", "--no-geoip"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try Self.json(run.stdout)
        let hand = RelayFamiliesTests.handDeclarations(try ProjectFiles.corpus("server-descriptors/2020-02-29-10-05-00-server-descriptors"))
        var mutual = 0, oneSided = 0
        for (a, named) in hand {
            for b in named where b != a && hand[b] != nil { if hand[b]!.contains(a) { mutual += 1 } else { oneSided += 1 } }
        }
        let families = try #require(object["families"] as? [[String: Any]])
        let relatedPairs = families.flatMap { ($0["members"] as? [[String: Any]]) ?? [] }
            .reduce(0) { $0 + (($1["effective_family"] as? [String])?.count ?? 0) }
        #expect(relatedPairs == mutual && mutual > 0)
        #expect((object["one_sided"] as? [Any])?.count == oneSided)
        #expect(object["relays"] as? Int == hand.count)

        let text = try Self.run(["families", "--descriptors", path, "--no-geoip"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("\(families.count) families") && text.stdout.contains("one-sided declarations"))
    }

    @Test("families without descriptors is a usage error")
    func familiesUsage() throws {
        let run = try Self.run(["families", "--microdescriptors", "Resources/corpus/microdescs/stem--cached-microdescs"])
        #expect(run.status == 2 && run.stderr.contains("--consensus"))
    }

    @Test("relay Akka --json: probabilities from the 2026 cropped consensus by hand, family id verified, country from a synthetic GeoIP file")
    func relayAnalysis() throws {
        let consensus = "consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"
        let geoip = try Self.syntheticGeoIP()
        defer { try? FileManager.default.removeItem(at: geoip) }
        let run = try Self.run(["relay", "Akka", "--consensus", "Resources/corpus/" + consensus,
                                "--descriptors", "Resources/corpus/server-descriptors/2026-07-arti-live--Akka", "--json", "--geoip", geoip.path])
        #expect(run.status == 0, "\(run.stderr)")
        let analysis = try #require(try Self.json(run.stdout)["analysis"] as? [String: Any])
        let probabilities = try #require(analysis["probabilities"] as? [String: Double])
        let (entries, w) = try PathSelectionTests.handRead(consensus)
        let weights = entries.map { PathSelectionTests.handWeights($0, w) }
        let akka = try #require(entries.firstIndex { $0.nickname == "Akka" })
        // Computed outside #expect: a trailing closure inside it made the macro warn on every build.
        let guardShare = weights[akka].guard / weights.reduce(0) { $0 + $1.guard }
        let middleShare = weights[akka].middle / weights.reduce(0) { $0 + $1.middle }
        let guardProbability = try #require(probabilities["guard_probability"])
        let middleProbability = try #require(probabilities["middle_probability"])
        #expect(abs(guardProbability - guardShare) < 1e-12)
        #expect(abs(middleProbability - middleShare) < 1e-12)
        #expect(probabilities["exit_probability"] == 0)
        #expect(analysis["country"] as? String == "aa", "95.216.33.58 is in the synthetic lower half")
        #expect(analysis["geoip_date"] as? String == "synthetic")
        #expect((analysis["family_ids"] as? [String])?.first?.hasPrefix("ed25519:") == true)
    }

    @Test("summary: path selection's top exit and the per-country sums with a synthetic GeoIP file")
    func summaryPathSelection() throws {
        let consensus = "consensus/2012-06-18-21-00-00-cached-consensus"
        let geoip = try Self.syntheticGeoIP()
        defer { try? FileManager.default.removeItem(at: geoip) }
        let run = try Self.run(["summary", "Resources/corpus/" + consensus, "--json", "--geoip", geoip.path])
        #expect(run.status == 0, "\(run.stderr)")
        let paths = try #require(try Self.json(run.stdout)["path_selection"] as? [String: Any])
        let (entries, w) = try PathSelectionTests.handRead(consensus)
        let exitWeights = entries.map { PathSelectionTests.handWeights($0, w).exit }
        let best = try #require(exitWeights.indices.max { exitWeights[$0] < exitWeights[$1] })
        let topExit = try #require(((paths["top"] as? [String: Any])?["exit"] as? [[String: Any]])?.first)
        #expect(topExit["nickname"] as? String == entries[best].nickname)
        let countries = try #require(paths["countries"] as? [[String: Any]])
        #expect(Set(countries.compactMap { $0["country"] as? String }).isSubset(of: ["aa", "bb"]))
        #expect(countries.reduce(0) { $0 + (($1["relays"] as? Int) ?? 0) } == entries.count)
        let guardSum = countries.reduce(0.0) { $0 + (($1["guard_probability"] as? Double) ?? 0) }
        #expect(abs(guardSum - 1) < 1e-9)
        let text = try Self.run(["summary", "Resources/corpus/" + consensus, "--geoip", geoip.path])
        #expect(text.stdout.contains("path selection") && text.stdout.contains("countries (tor's GeoIP files, synthetic; "))
    }
}
