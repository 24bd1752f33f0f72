import Foundation
import Testing
@testable import TorWire

/// Replays the inputs the `link-cells` and `certs-cell` fuzzers kept, and runs both entry
/// points on the captured relay certificates and on spoiled copies of them.
@Suite struct LinkFuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    @Test("every saved fuzzer input now passes its entry point")
    func replay() throws {
        let inputs = FuzzRegressionInputs.inputs(in: Self.folder)
        for (target, file) in inputs {
            let entry = try #require(LinkFuzzEntryPoints.targets[target], "no fuzz target named \(target)")
            entry([UInt8](try Data(contentsOf: file)))
        }
        #expect(Set(inputs.map(\.target)).isSubset(of: Set(LinkFuzzEntryPoints.names)))
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
