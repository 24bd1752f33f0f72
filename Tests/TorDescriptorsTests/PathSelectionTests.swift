import Foundation
import Testing
@testable import TorDescriptors

/// Path-selection probabilities against hand computations: the test reads the consensus text
/// itself (its `r`, `s`, `w` and `bandwidth-weights` lines, by plain string splitting) and applies
/// the formula Onionoo publishes (`WeightsStatusUpdater`: weight = bandwidth × W for the relay's
/// kind, probability = weight / sum of weights of the position), never the code under test.
struct PathSelectionTests {
    /// One `r`/`s`/`w` triple as the test reads it.
    struct HandEntry {
        var nickname = ""
        var fingerprint = ""
        var flags: Set<String> = []
        var bandwidth = 0.0
    }

    /// The entries and the bandwidth weights of a consensus, read with string splitting.
    static func handRead(_ relative: String) throws -> (entries: [HandEntry], weights: [String: Double]) {
        let text = String(decoding: try ProjectFiles.corpus(relative), as: UTF8.self)
        var entries: [HandEntry] = []
        var weights: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            switch words.first {
            case "r":
                var entry = HandEntry()
                entry.nickname = String(words[1])
                let padded = String(words[2]) + String(repeating: "=", count: (4 - words[2].count % 4) % 4)
                entry.fingerprint = Data(base64Encoded: padded)!.map { String(format: "%02X", $0) }.joined()
                entries.append(entry)
            case "s": entries[entries.count - 1].flags = Set(words.dropFirst().map(String.init))
            case "w":
                for word in words.dropFirst() where word.hasPrefix("Bandwidth=") {
                    entries[entries.count - 1].bandwidth = Double(word.dropFirst("Bandwidth=".count))!
                }
            case "bandwidth-weights":
                for word in words.dropFirst() {
                    let pair = word.split(separator: "=")
                    weights[String(pair[0])] = Double(pair[1])! / 10000
                }
            default: break
            }
        }
        return (entries, weights)
    }

    /// Onionoo's per-position weights for one entry (its formula, with tor's Valid requirement).
    static func handWeights(_ entry: HandEntry, _ w: [String: Double]) -> (guard: Double, middle: Double, exit: Double) {
        guard entry.flags.contains("Running"), entry.flags.contains("Valid") else { return (0, 0, 0) }
        let exit = entry.flags.contains("Exit") && !entry.flags.contains("BadExit")
        let guardFlag = entry.flags.contains("Guard")
        let b = entry.bandwidth
        if guardFlag && exit { return (b * w["Wgd"]!, b * w["Wmd"]!, b * w["Wed"]!) }
        if guardFlag { return (b * w["Wgg"]!, b * w["Wmg"]!, 0) }
        if exit { return (0, b * w["Wme"]!, b * w["Wee"]!) }
        return (0, b * w["Wmm"]!, 0)
    }

    static func selection(_ relative: String) throws -> (PathSelection, NetworkStatusConsensus) {
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus(relative))
        return (try #require(PathSelection(consensus)), consensus)
    }

    @Test("2012 consensus: named Guard+Exit, Guard, Exit, BadExit and plain relays match the formula by hand")
    func handComputedEntries() throws {
        let file = "consensus/2012-06-18-21-00-00-cached-consensus"
        let (entries, w) = try Self.handRead(file)
        let (selection, _) = try Self.selection(file)
        var totals = (guard: 0.0, middle: 0.0, exit: 0.0)
        for entry in entries {
            let weights = Self.handWeights(entry, w)
            totals.guard += weights.guard; totals.middle += weights.middle; totals.exit += weights.exit
        }
        // One relay of each kind, the first of its kind in the file.
        let kinds: [(String, (HandEntry) -> Bool)] = [
            ("Guard+Exit", { $0.flags.isSuperset(of: ["Guard", "Exit"]) && !$0.flags.contains("BadExit") }),
            ("Guard only", { $0.flags.contains("Guard") && !$0.flags.contains("Exit") }),
            ("Exit only", { $0.flags.contains("Exit") && !$0.flags.contains("Guard") && !$0.flags.contains("BadExit") }),
            ("BadExit", { $0.flags.contains("BadExit") && $0.flags.contains("Exit") }),
            ("neither", { !$0.flags.contains("Guard") && !$0.flags.contains("Exit") }),
        ]
        for (kind, matches) in kinds {
            let entry = try #require(entries.first(where: matches), "no \(kind) relay in \(file)")
            let expected = Self.handWeights(entry, w)
            let got = try #require(selection[Fingerprint(hex: entry.fingerprint)!])
            #expect(abs(got.guardProbability - expected.guard / totals.guard) < 1e-12, "\(kind) \(entry.nickname) guard")
            #expect(abs(got.middleProbability - expected.middle / totals.middle) < 1e-12, "\(kind) \(entry.nickname) middle")
            #expect(abs(got.exitProbability - expected.exit / totals.exit) < 1e-12, "\(kind) \(entry.nickname) exit")
        }
        // BadExit relays are weighted as what they are without the Exit flag.
        let badExit = try #require(entries.first { $0.flags.contains("BadExit") && $0.flags.contains("Exit") })
        #expect(selection[Fingerprint(hex: badExit.fingerprint)!]!.exitProbability == 0)
    }

    @Test("2012 consensus: every relay's probabilities equal Onionoo's formula, and each position sums to 1")
    func wholeConsensusMatchesOnionooFormula() throws {
        let file = "consensus/2012-06-18-21-00-00-cached-consensus"
        let (entries, w) = try Self.handRead(file)
        let (selection, consensus) = try Self.selection(file)
        #expect(selection.probabilities.count == entries.count)
        #expect(entries.count == consensus.entries.count)
        let handWeights = entries.map { Self.handWeights($0, w) }
        let totalGuard = handWeights.reduce(0) { $0 + $1.guard }
        let totalMiddle = handWeights.reduce(0) { $0 + $1.middle }
        let totalExit = handWeights.reduce(0) { $0 + $1.exit }
        var mismatches = 0
        for (entry, weights) in zip(entries, handWeights) {
            let got = selection[Fingerprint(hex: entry.fingerprint)!]!
            if abs(got.guardProbability - weights.guard / totalGuard) > 1e-12
                || abs(got.middleProbability - weights.middle / totalMiddle) > 1e-12
                || abs(got.exitProbability - weights.exit / totalExit) > 1e-12 { mismatches += 1 }
        }
        #expect(mismatches == 0)
        let sum = selection.total(of: consensus.entries.map(\.fingerprint))
        for value in [sum.guardProbability, sum.middleProbability, sum.exitProbability, sum.consensusWeightFraction] {
            #expect(abs(value - 1) < 1e-9)
        }
    }

    @Test("2018 cropped consensus: every entry by hand; an entry stripped of Running (edited copy) gets nothing")
    func croppedConsensusByHand() throws {
        let file = "consensus/cropped--metrics-web--2018-10-15-00-00-00-consensus.part"
        // Edited copy: the first entry's `s` line loses Running, so it is no candidate anywhere.
        var text = String(decoding: try ProjectFiles.corpus(file), as: UTF8.self)
        let firstFlags = try #require(text.range(of: "\ns Running "))
        text.replaceSubrange(firstFlags, with: "\ns ")
        let consensus = try NetworkStatusConsensus(parsing: Array(text.utf8))
        let selection = try #require(PathSelection(consensus))
        var (entries, w) = try Self.handRead(file)
        entries[0].flags.remove("Running")
        let handWeights = entries.map { Self.handWeights($0, w) }
        let totals = handWeights.reduce((0.0, 0.0, 0.0)) { ($0.0 + $1.guard, $0.1 + $1.middle, $0.2 + $1.exit) }
        #expect(totals.0 > 0 && totals.1 > 0 && totals.2 > 0)
        for (entry, weights) in zip(entries, handWeights) {
            let got = try #require(selection[Fingerprint(hex: entry.fingerprint)!])
            #expect(abs(got.guardProbability - weights.guard / totals.0) < 1e-12, "\(entry.nickname) guard")
            #expect(abs(got.middleProbability - weights.middle / totals.1) < 1e-12, "\(entry.nickname) middle")
            #expect(abs(got.exitProbability - weights.exit / totals.2) < 1e-12, "\(entry.nickname) exit")
        }
        let stripped = selection[Fingerprint(hex: entries[0].fingerprint)!]!
        #expect(stripped.guardProbability == 0 && stripped.middleProbability == 0 && stripped.exitProbability == 0)
        #expect(stripped.consensusWeightFraction > 0, "its weight still counts in the consensus weight fraction")
    }

    @Test("bwweightscale divides the weights; a consensus without bandwidth-weights has no probabilities")
    func scaleAndMissingWeights() throws {
        let footer = Int32Parameters(["Wgg", "Wgd", "Wmg", "Wmm", "Wme", "Wmd", "Wee", "Wed"].map { NamedInt32(name: $0, value: 500) })
        let scaled = try #require(BandwidthWeights(footer: footer, params: Int32Parameters([NamedInt32(name: "bwweightscale", value: 1000)])))
        #expect(scaled.wgg == 0.5 && scaled.scale == 1000)
        #expect(scaled.wgb == 1, "an absent Wgb counts as the scale")
        #expect(BandwidthWeights(footer: Int32Parameters([]), params: Int32Parameters([])) == nil)
        let negative = Int32Parameters(footer.entries.map { NamedInt32(name: $0.name, value: $0.name == "Wee" ? -1 : $0.value) })
        #expect(BandwidthWeights(footer: negative, params: Int32Parameters([])) == nil)
    }
}
