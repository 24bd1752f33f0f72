import Foundation
import Testing
@testable import TorDescriptors

/// The fingerprint-change check on the bundled 2012-06-18 21:00 consensus and SYNTHETIC next
/// hours made from it at test time (one `r` line's identity or address rewritten; labelled as
/// such, never saved).
@Suite struct FingerprintChangesTests {
    static func text() throws -> String {
        try String(contentsOf: ProjectFiles.root.appendingPathComponent("Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus"), encoding: .utf8)
    }

    @Test func theSameConsensusHasNoChanges() throws {
        let consensus = try NetworkStatusConsensus(parsing: Array(try Self.text().utf8))
        #expect(FingerprintChanges.findings(from: consensus, to: consensus).isEmpty)
    }

    @Test func aRekeyedRelayIsFoundAndAMovedOneIsNot() throws {
        let text = try Self.text()
        let previous = try NetworkStatusConsensus(parsing: Array(text.utf8))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("r ") })
        var fields = lines[index].split(separator: " ").map(String.init)
        let oldIdentity = fields[2]
        // SYNTHETIC: the same relay (nickname, address, ORPort) under another identity.
        fields[2] = String(repeating: "A", count: 27)
        var rekeyed = lines
        rekeyed[index] = fields.joined(separator: " ")
        let current = try NetworkStatusConsensus(parsing: Array(rekeyed.joined(separator: "\n").utf8))
        let findings = FingerprintChanges.findings(from: previous, to: current)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.check == .fingerprintChange && finding.severity == .warning)
        let oldHex = Hex.encode(try #require(Base64.decode(Array((oldIdentity + "=").utf8))))
        #expect(finding.evidence.first { $0.key == "old_fingerprint" }?.value == oldHex)
        #expect(finding.evidence.first { $0.key == "new_fingerprint" }?.value == String(repeating: "0", count: 40))
        #expect(finding.evidence.first { $0.key == "address" }?.value == "\(fields[6]):\(fields[7])")
        // SYNTHETIC: the same identity at another address is a move, not a rekey.
        var moved = lines
        var movedFields = lines[index].split(separator: " ").map(String.init)
        movedFields[6] = "192.0.2.77"
        moved[index] = movedFields.joined(separator: " ")
        let afterMove = try NetworkStatusConsensus(parsing: Array(moved.joined(separator: "\n").utf8))
        #expect(FingerprintChanges.findings(from: previous, to: afterMove).isEmpty)
        // Through ConsensusHealth, as `tordesc health --previous-consensus` runs it.
        var health = ConsensusHealth(votes: [], consensus: current)
        health.previousConsensus = previous
        #expect(health.run(at: try #require(current.header.validAfter)).findings.filter { $0.check == .fingerprintChange }.count == 1)
    }
}
