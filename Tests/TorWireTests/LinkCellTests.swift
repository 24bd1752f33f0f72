import Foundation
import Testing
import TorDescriptors
@testable import TorWire

@Suite struct LinkCellTests {
    @Test func fixedAndVariableCellsRoundTripInAnyChunks() throws {
        let versions = Cell(circuitID: 0, command: .versions, payload: [0, 4, 0, 5])
        let fixed = Cell(circuitID: 0x8000_1234, command: .createFast, payload: Array(1...20))
        let variable = Cell(circuitID: 0, command: .vpadding, payload: Array(repeating: 9, count: 1000))
        let wire = versions.encoded(circuitIDWidth: 2) + fixed.encoded() + variable.encoded()
        #expect(fixed.encoded().count == 514)
        #expect(versions.encoded(circuitIDWidth: 2).count == 2 + 1 + 2 + 4)
        for chunk in [1, 7, 514, wire.count] {
            var reader = CellReader()
            var cells: [Cell] = []
            for start in stride(from: 0, to: wire.count, by: chunk) {
                reader.append(wire[start..<min(wire.count, start + chunk)])
                while let cell = try reader.next() { cells.append(cell) }
            }
            #expect(cells.count == 3)
            #expect(cells[0] == versions)
            #expect(cells[1].circuitID == 0x8000_1234 && cells[1].payload.prefix(20).elementsEqual(1...20))
            #expect(cells[1].payload.count == 509 && cells[1].payload.dropFirst(20).allSatisfy { $0 == 0 })
            #expect(cells[2] == variable)
            #expect(reader.bufferedCount == 0)
        }
    }

    @Test func aCellBeforeVersionsIsRefused() {
        var reader = CellReader()
        reader.append(Cell(circuitID: 0, command: .netinfo, payload: []).encoded(circuitIDWidth: 2))
        #expect(throws: LinkError.unexpectedCell("netinfo", state: "before VERSIONS")) { try reader.next() }
    }

    @Test func versionNegotiationPicksTheHighestCommonVersion() throws {
        var handshake = LinkHandshake(expected: nil, tlsCertificateDER: nil, peerAddress: [127, 0, 0, 1])
        _ = try handshake.receive(Cell(circuitID: 0, command: .versions, payload: [0, 3, 0, 4, 0, 5, 0, 9]))
        #expect(handshake.linkVersion == 5)
        var old = LinkHandshake(expected: nil, tlsCertificateDER: nil, peerAddress: [127, 0, 0, 1])
        #expect(throws: LinkError.noCommonVersion(offered: [1, 2, 3])) {
            try old.receive(Cell(circuitID: 0, command: .versions, payload: [0, 1, 0, 2, 0, 3]))
        }
        var odd = LinkHandshake(expected: nil, tlsCertificateDER: nil, peerAddress: [127, 0, 0, 1])
        #expect(throws: LinkError.self) { try odd.receive(Cell(circuitID: 0, command: .versions, payload: [0, 4, 0])) }
    }

    @Test func endAndDestroyReasonsAreNamedAndRoundTrip() {
        for code in UInt8(0)...20 {
            #expect(EndReason(code: code).code == code)
            #expect(DestroyReason(code: code).code == code)
        }
        #expect(EndReason(code: 6) == .done && "\(EndReason.done)" == "DONE (6)")
        #expect("\(EndReason(code: 14))" == "NOTDIRECTORY (14)")
        #expect("\(DestroyReason(code: 9))" == "FINISHED (9)")
        #expect(EndReason(code: 0) == .unknown(0) && EndReason(code: 15) == .unknown(15))
    }
}

/// The crypto pieces against independent implementations: Stem's KDF-TOR and OpenSSL's
/// AES-128-CTR.
@Suite struct LinkCryptoTests {
    static let stemAvailable = ProcessRunner.run("/usr/bin/env", ["python3", "-c", "import stem.client.datatype"]) != nil
    static let opensslAvailable = ProcessRunner.run("/usr/bin/env", ["openssl", "version"]) != nil

    @Test(.enabled(if: stemAvailable, "needs python3 with Stem (stem.client.datatype.KDF)"))
    func kdfTorMatchesStem() throws {
        for seed in [Array(0..<40), [UInt8](repeating: 0xFF, count: 40), Array("tordescriptors".utf8)] {
            let hex = seed.map { String(format: "%02x", $0) }.joined()
            let script = "import stem.client.datatype as d; k = d.KDF.from_value(bytes.fromhex('\(hex)')); "
                + "print((k.key_hash + k.forward_digest + k.backward_digest + k.forward_key + k.backward_key).hex())"
            let stem = try #require(ProcessRunner.run("/usr/bin/env", ["python3", "-c", script]))
            #expect(kdfTor(seed, length: 92).map { String(format: "%02x", $0) }.joined() == stem.trimmingCharacters(in: .whitespacesAndNewlines))
            let keys = CircuitKeys(x: Array(seed.prefix(20)), y: Array(seed.dropFirst(20)))
            #expect(keys.keyHash + keys.forwardDigestSeed + keys.backwardDigestSeed + keys.forwardKey + keys.backwardKey
                    == kdfTor(Array(seed.prefix(20)) + Array(seed.dropFirst(20)), length: 92))
        }
    }

    @Test(.enabled(if: opensslAvailable, "needs the openssl command"))
    func counterStreamRunsAcrossCellsLikeOpenSSL() throws {
        let key: [UInt8] = Array(100..<116)
        let plain = (0..<(509 * 9)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var stream = AESCounterStream(key: key)
        var mine: [UInt8] = []
        // Cell-sized pieces: the keystream must continue mid-block from one cell to the next.
        for start in stride(from: 0, to: plain.count, by: 509) {
            var cell = Array(plain[start..<(start + 509)])
            stream.apply(&cell)
            mine += cell
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("ctr-\(UUID().uuidString)")
        try Data(plain).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let keyHex = key.map { String(format: "%02x", $0) }.joined()
        let output = try #require(ProcessRunner.runData("/usr/bin/env", ["openssl", "enc", "-aes-128-ctr", "-K", keyHex,
                                                                         "-iv", String(repeating: "0", count: 32), "-in", input.path]))
        #expect(mine == Array(output))
    }

    @Test func relayCellsSealedByOneSideOpenOnTheOther() throws {
        let keys = CircuitKeys(x: Array(repeating: 1, count: 20), y: Array(repeating: 2, count: 20))
        var client = RelayCrypto(keys: keys), relay = RelayCrypto(relaySideOf: keys)
        for i in 0..<300 {
            let data = Array(repeating: UInt8(i & 0xFF), count: i % 499)
            let (opened, digest) = try relay.open(client.seal(RelayCell(command: .data, streamID: 7, data: data)))
            #expect(opened == RelayCell(command: .data, streamID: 7, data: data))
            #expect(digest.count == 20)
            let back = try client.open(relay.seal(RelayCell(command: .sendme, streamID: 0, data: [1, 0, 20] + digest)))
            #expect(back.cell.data == [1, 0, 20] + digest)
            #expect(back.digest == relay.sealedDigest)
        }
    }

    @Test func aTamperedRelayCellIsNotRecognized() throws {
        let keys = CircuitKeys(x: Array(repeating: 3, count: 20), y: Array(repeating: 4, count: 20))
        var client = RelayCrypto(keys: keys), relay = RelayCrypto(relaySideOf: keys)
        var sealed = client.seal(RelayCell(command: .beginDir, streamID: 1))
        sealed[300] ^= 0x01
        #expect(throws: LinkError.unrecognizedRelayCell) { try relay.open(sealed) }
        #expect(throws: LinkError.malformedCell("RELAY", "payload is 10 bytes")) { try relay.open(Array(repeating: 0, count: 10)) }
    }

    @Test func createdFastWithAWrongKeyHashIsRefused() throws {
        let x = [UInt8](repeating: 5, count: 20), y = [UInt8](repeating: 6, count: 20)
        var kh = CircuitKeys(x: x, y: y).keyHash
        #expect(try CircuitKeys(x: x, createdFastPayload: y + kh).keyHash == kh)
        kh[19] ^= 0x80
        #expect(throws: LinkError.keyHashMismatch) { try CircuitKeys(x: x, createdFastPayload: y + kh) }
        #expect(throws: LinkError.self) { try CircuitKeys(x: x, createdFastPayload: y) }
    }
}

/// Runs a tool and returns its standard output, or nil when it cannot run or fails.
enum ProcessRunner {
    static func runData(_ tool: String, _ arguments: [String]) -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? data : nil
    }

    static func run(_ tool: String, _ arguments: [String]) -> String? {
        runData(tool, arguments).map { String(decoding: $0, as: UTF8.self) }
    }
}
