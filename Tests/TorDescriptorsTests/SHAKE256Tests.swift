import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// SHAKE-256 against FIPS 202's published examples and, for lengths around the 136-byte rate
/// (where absorbing and squeezing cross block boundaries), against Python's `hashlib`.
@Suite struct SHAKE256Tests {
    @Test("FIPS 202 examples: empty input and \"abc\"")
    func publishedVectors() {
        #expect(Hex.encode(SHAKE256.hash([], count: 32), uppercase: false) == "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f")
        #expect(Hex.encode(SHAKE256.hash(Array("abc".utf8), count: 32), uppercase: false) == "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739")
    }

    @Test("block boundaries agree with Python's hashlib.shake_256",
          .enabled(if: ExternalTool.available("python3"), "needs python3 for hashlib.shake_256"))
    func againstHashlib() throws {
        for length in [135, 136, 137, 272, 300] {
            let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let script = "import hashlib,sys;print(hashlib.shake_256(bytes.fromhex(sys.argv[1])).hexdigest(300))"
            let (status, output) = try StemOracle.python(["-c", script, Hex.encode(input, uppercase: false)])
            try #require(status == 0)
            let expected = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            // Squeezed in pieces, so the output also crosses blocks mid-call.
            var xof = SHAKE256()
            xof.absorb(input.prefix(length / 2))
            xof.absorb(input.dropFirst(length / 2))
            let output1 = xof.squeeze(100), output2 = xof.squeeze(200)
            #expect(Hex.encode(output1 + output2, uppercase: false) == expected, "length \(length)")
        }
    }
}
