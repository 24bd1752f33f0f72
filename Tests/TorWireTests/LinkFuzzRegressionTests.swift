import Foundation
import Testing
import TestSupport
@testable import TorWire

/// Replays the inputs the `link-cells` and `certs-cell` fuzzers kept, and runs both entry
/// points on the captured relay certificates and on spoiled copies of them.
@Suite struct LinkFuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    @Test("every saved fuzzer input now passes its entry point")
    func replay() throws {
        // A folder named after no entry point throws (a renamed or removed fuzz target).
        try FuzzRegressions.replay(in: Self.folder, entryPoints: LinkFuzzEntryPoints.targets)
    }

    @Test func entryPointsOnRealAndSpoiledCertificates() throws {
        let fixture = try LinkFixture.load()
        let length = fixture.certsPayload.count
        let certsInput = [UInt8(length >> 8), UInt8(length & 0xFF)] + fixture.certsPayload + fixture.tlsCertificateDER
        let versions = Cell(circuitID: 0, command: .versions, payload: [0, 4, 0, 5]).encoded(circuitIDWidth: 2)
        let linkInput = [7] + versions + Cell(circuitID: 0, command: .certs, payload: fixture.certsPayload).encoded()
        var generator = SeededGenerator(seed: 1)
        for input in [certsInput, linkInput] {
            let entry = LinkFuzzEntryPoints.targets[input == certsInput ? "certs-cell" : "link-cells"]!
            entry(input)
            for _ in 0..<200 {
                var spoiled = input
                spoiled[Int.random(in: 0..<spoiled.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                entry(spoiled)
                entry(Array(spoiled.prefix(Int.random(in: 0..<spoiled.count, using: &generator))))
            }
        }
    }
}
