import Foundation
import Testing
@testable import TorDescriptors

enum ParallelFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent("Resources/corpus/" + relative)))
    }
}

/// `NetworkStatusConsensus(parsing:mode:parallelism:)` against the serial parser on the
/// bundled real consensuses: every entry, warning, line number and range must be the same.
struct ParallelConsensusTests {
    static let files = [
        "consensus/2012-06-18-21-00-00-cached-consensus",
        "microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus",
    ]

    /// Everything a consensus exposes, as comparable text.
    static func summary(_ c: NetworkStatusConsensus) -> [String] {
        var lines = ["\(c.rawBytes.startIndex)..<\(c.rawBytes.endIndex) \(c.firstLine) \(c.contentRange) \(String(describing: c.signedRange))",
                     c.stemJSON.serialized(), "\(c.annotations.count)", "\(c.footer.signatures.map { $0.identity.hex })"]
        lines += c.warnings.map { "warning \($0.line) \($0)" }
        for entry in c.entries {
            lines.append("\(entry.line) \(entry.rawBytes.startIndex)..<\(entry.rawBytes.endIndex) \(entry.stemJSON.serialized()) \(entry.warnings.map { "\($0)" })")
        }
        return lines
    }

    @Test(arguments: files)
    func parallelEqualsSerial(file: String) throws {
        let bytes = try ParallelFixtures.bytes(file)
        #expect(bytes.count >= NetworkStatusConsensus.parallelThreshold)   // the parallel path really runs
        for mode in [ValidationMode.lenient, .strict] {
            let serial = try NetworkStatusConsensus(parsing: DocumentSlice(bytes: bytes[...], firstLine: 1), mode: mode)
            let expected = Self.summary(serial)
            for parallelism in [2, 3, 4, 7] {
                let parallel = try NetworkStatusConsensus(parsing: DocumentSlice(bytes: bytes[...], firstLine: 1), mode: mode,
                                                          parallelism: parallelism)
                #expect(parallel.entries.count == serial.entries.count)
                #expect(Self.summary(parallel) == expected)
                #expect(parallel.entry(for: serial.entries[serial.entries.count / 2].fingerprint)?.nickname
                        == serial.entries[serial.entries.count / 2].nickname)
            }
        }
    }

    @Test func knownCountsThroughParallelPath() throws {
        // Entry counts read from the files (`grep -c '^r '`): 2,993 and 6,626.
        let ns = try ParallelFixtures.bytes(Self.files[0])
        let micro = try ParallelFixtures.bytes(Self.files[1])
        #expect(try NetworkStatusConsensus(parsing: DocumentSlice(bytes: ns[...], firstLine: 1), mode: .lenient, parallelism: 4).entries.count == 2993)
        #expect(try NetworkStatusConsensus(parsing: DocumentSlice(bytes: micro[...], firstLine: 1), mode: .lenient, parallelism: 4).entries.count == 6626)
    }

    /// A consensus inside a larger buffer (annotations before it, another document after it):
    /// indices and line numbers are the buffer's, as in the serial parse.
    @Test func sliceOfLargerBufferKeepsIndicesAndLines() throws {
        let consensus = try ParallelFixtures.bytes(Self.files[0])
        let buffer = Array("@downloaded-at 2012-06-18 21:05:00\n@source \"127.0.0.1\"\n".utf8) + consensus
        let slices = Array(NetworkStatusConsensus.slices(in: buffer[...]))
        #expect(slices.count == 1)
        let serial = try NetworkStatusConsensus(parsing: slices[0], mode: .lenient)
        let parallel = try NetworkStatusConsensus(parsing: slices[0], mode: .lenient, parallelism: 3)
        #expect(Self.summary(parallel) == Self.summary(serial))
        #expect(parallel.annotations.count == 2)
    }

    /// Strict-mode errors come from the serial parser: a broken entry in the middle gives the same error.
    @Test func strictErrorIsTheSerialOne() throws {
        var bytes = try ParallelFixtures.bytes(Self.files[0])
        // Damage one `s` line about halfway (real document, one byte changed in the test only).
        let text = bytes
        var index = text.count / 2
        while !(text[index] == 0x0A && text[index + 1] == UInt8(ascii: "s") && text[index + 2] == 0x20) { index += 1 }
        bytes[index + 1] = UInt8(ascii: "S")
        let slice = DocumentSlice(bytes: bytes[...], firstLine: 1)
        var serialError: String?
        do { _ = try NetworkStatusConsensus(parsing: slice, mode: .strict) } catch { serialError = "\(error)" }
        var parallelError: String?
        do { _ = try NetworkStatusConsensus(parsing: slice, mode: .strict, parallelism: 4) } catch { parallelError = "\(error)" }
        #expect(serialError != nil)
        #expect(parallelError == serialError)
        // Lenient: same entries and warnings.
        let serial = try NetworkStatusConsensus(parsing: slice, mode: .lenient)
        let parallel = try NetworkStatusConsensus(parsing: slice, mode: .lenient, parallelism: 4)
        #expect(Self.summary(parallel) == Self.summary(serial))
    }
}
