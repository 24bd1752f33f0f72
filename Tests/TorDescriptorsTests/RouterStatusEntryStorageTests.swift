import Foundation
import Testing
@testable import TorDescriptors

/// The entry's compact storage (sentinels and presence bits behind optional accessors) against
/// an independent, line-by-line reading of each entry's own text.
@Suite struct RouterStatusEntryStorageTests {
    /// The layout the storage was packed for: a rise means a field (or an optional's tag) was
    /// added where it costs padding; every consensus entry in memory pays it.
    @Test func entryStaysCompact() {
        #expect(MemoryLayout<RouterStatusEntry>.stride <= 240)
    }

    @Test(arguments: ["consensus/2012-06-18-21-00-00-cached-consensus",
                      "microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus"])
    func accessorsMatchTheEntryText(_ name: String) throws {
        let bytes = try ProjectFiles.corpus(name)
        let consensus = try NetworkStatusConsensus(parsing: bytes, mode: .lenient)
        #expect(consensus.entries.count > 1000)
        var unmeasured = 0, sawMissingDirPort = false
        for entry in consensus.entries {
            let lines = String(decoding: entry.rawBytes, as: UTF8.self).split(separator: "\n").map(String.init)
            func value(_ keyword: String) -> String? {
                lines.first { $0.hasPrefix(keyword + " ") || $0 == keyword }.map { String($0.dropFirst(min($0.count, keyword.count + 1))) }
            }
            let r = value("r")!.split(separator: " ").map(String.init)
            let ipIndex = consensus.flavor == .microdesc ? 4 : 5
            #expect(entry.address == IPAddress(r[ipIndex]))
            #expect(entry.dirPort == (r[ipIndex + 2] == "0" ? nil : UInt16(r[ipIndex + 2])))
            #expect(entry.hasFlagsLine == (value("s") != nil))
            #expect(entry.versionLine == value("v"))
            #expect(entry.protocolsLine == value("pr"))
            #expect(entry.exitPolicySummary == value("p"))
            let weights = Dictionary((value("w") ?? "").split(separator: " ").map {
                let pair = $0.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair.count > 1 ? pair[1] : ""))
            }, uniquingKeysWith: { first, _ in first })
            #expect(entry.bandwidth == weights["Bandwidth"].flatMap { Int($0) })
            #expect(entry.measured == weights["Measured"].flatMap { Int($0) })
            #expect(entry.isUnmeasured == (weights["Unmeasured"] == "1"))
            if entry.isUnmeasured { unmeasured += 1 }
            sawMissingDirPort = sawMissingDirPort || entry.dirPort == nil
        }
        #expect(unmeasured == String(decoding: bytes, as: UTF8.self).components(separatedBy: " Unmeasured=1").count - 1)
        #expect(sawMissingDirPort)
    }

    /// The accessors keep zero, empty and absent apart, and the presence bits do not disturb
    /// one another.
    @Test func optionalFieldsKeepZeroEmptyAndAbsentApart() throws {
        let bytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        let parsed = try NetworkStatusConsensus(parsing: bytes, mode: .lenient).entries[0]
        var entry = parsed
        entry.setWeights(bandwidth: 0, measured: nil, unmeasured: false)
        #expect(entry.bandwidth == 0 && entry.measured == nil && !entry.isUnmeasured)
        entry.setWeights(bandwidth: .max, measured: 0, unmeasured: true)
        #expect(entry.bandwidth == Int(UInt32.max) && entry.measured == 0 && entry.isUnmeasured)
        entry.setWeights(bandwidth: 5, measured: nil, unmeasured: false)
        #expect(entry.bandwidth == 5 && entry.measured == nil && !entry.isUnmeasured)
        #expect(entry.hasFlagsLine == parsed.hasFlagsLine)
        entry.setMeasured(7)
        entry.markUnmeasured()
        #expect(entry.measured == 7 && entry.bandwidth == 5 && entry.isUnmeasured)
        let start = entry.rawBytes.startIndex
        entry.versionRange = start..<start
        #expect(entry.versionRange == start..<start && entry.versionLine == "")
        entry.versionRange = nil
        #expect(entry.versionRange == nil && entry.versionLine == nil)
        entry.protocolsRange = nil
        entry.exitPolicyRange = start..<(start + 1)
        #expect(entry.protocolsLine == nil && entry.exitPolicySummary == "r")
        #expect(entry.address == parsed.address && entry.fingerprint == parsed.fingerprint)
    }
}
