import Foundation
import Testing
import TestSupport
@testable import Decompression

/// Compressed fixtures are made at test time by the real command-line tools (`gzip`, `xz`,
/// `zstd`, `bzip2`, and python3's `zlib` for the zlib-wrapped deflate tor sends) from real
/// documents in Resources/corpus, so the decoder is checked against the reference encoders.
enum DecompressionFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func corpus(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent("Resources/corpus/" + relative)))
    }

    /// A 701 KB consensus and a small server descriptor file.
    static let documents = ["consensus/2012-06-18-21-00-00-cached-consensus",
                            "bridge/bridge-2016-10-02-16-09-00-server-descriptors"]

    /// The reference encoders the fixtures are made with; tests that compress declare them
    /// (`.enabled(if: DecompressionFixtures.encodersAvailable, ...)`), so a machine without
    /// them skips those tests visibly.
    static let encoders = ["gzip", "xz", "zstd", "bzip2", "python3"]
    static let encodersAvailable = encoders.allSatisfy { ExternalTool.path($0) != nil }
    static let needsEncoders: Comment = "needs gzip, xz, zstd, bzip2 and python3 (the reference encoders) to make the fixtures"

    /// Runs `command` with `input` on stdin and returns stdout.
    static func run(_ command: [String], input: [UInt8]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("decompression-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inFile = dir.appendingPathComponent("in"), outFile = dir.appendingPathComponent("out")
        try Data(input).write(to: inFile)
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardInput = try FileHandle(forReadingFrom: inFile)
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return Array(try Data(contentsOf: outFile))
    }

    /// `plain` compressed by the reference tool for `format`; throws ``ExternalTool/Missing``
    /// when the tool is not installed.
    static func compress(_ plain: [UInt8], _ format: CompressionFormat) throws -> [UInt8] {
        switch format {
        case .identity: return plain
        case .gzip: return try run([try ExternalTool.require("gzip"), "-c", "-n"], input: plain)
        case .xz: return try run([try ExternalTool.require("xz"), "-c"], input: plain)
        case .zstd: return try run([try ExternalTool.require("zstd"), "-c", "-q"], input: plain)
        case .bzip2: return try run([try ExternalTool.require("bzip2"), "-c"], input: plain)
        case .deflate:
            return try run([try ExternalTool.require("python3"), "-c",
                            "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), 9))"], input: plain)
        }
    }
}

@Suite struct DecompressionTests {
    static let compressed = CompressionFormat.allCases.filter { $0 != .identity }

    @Test(.enabled(if: DecompressionFixtures.encodersAvailable, DecompressionFixtures.needsEncoders), arguments: CompressionFormat.allCases)
    func roundTripsRealDocumentsOneShot(format: CompressionFormat) throws {
        for name in DecompressionFixtures.documents {
            let plain = try DecompressionFixtures.corpus(name)
            let packed = try DecompressionFixtures.compress(plain, format)
            if format != .identity { #expect(packed.count < plain.count) }
            #expect(CompressionFormat.sniff(packed) == (format == .identity ? nil : format))
            let output = try Decompression.decompress(packed, format: format)
            #expect(output == plain, "\(format) \(name)")
        }
    }

    /// Feeding in odd-sized pieces (1, 7, 4096 bytes) exercises every buffer boundary.
    @Test(.enabled(if: DecompressionFixtures.encodersAvailable, DecompressionFixtures.needsEncoders), arguments: compressed)
    func roundTripsStreamingInSmallPieces(format: CompressionFormat) throws {
        let plain = try DecompressionFixtures.corpus(DecompressionFixtures.documents[0])
        let packed = try DecompressionFixtures.compress(plain, format)
        for step in [1, 7, 4096] {
            var decompressor = StreamingDecompressor(format: format)
            var output: [UInt8] = []
            var start = 0
            while start < packed.count {
                let end = min(packed.count, start + step)
                try decompressor.feed(packed[start..<end]) { output.append(contentsOf: $0) }
                start = end
            }
            try decompressor.finish { output.append(contentsOf: $0) }
            #expect(output == plain, "\(format) step \(step)")
            #expect(decompressor.inputBytes == packed.count)
            #expect(decompressor.outputBytes == plain.count)
        }
    }

    /// `cat a.gz b.gz`, `cat a.xz b.xz` etc.: the tools decompress these to `a + b`.
    @Test(.enabled(if: DecompressionFixtures.encodersAvailable, DecompressionFixtures.needsEncoders), arguments: compressed)
    func concatenatedStreamsDecodeAsOne(format: CompressionFormat) throws {
        let first = try DecompressionFixtures.corpus(DecompressionFixtures.documents[1])
        let second = try DecompressionFixtures.corpus("bridge/metrics-lib--2017-07-17-17-09-00-server-descriptors")
        let a = try DecompressionFixtures.compress(first, format)
        let b = try DecompressionFixtures.compress(second, format)
        if format == .deflate {
            // zlib has no multi-stream form: data after the stream end is an error.
            #expect(throws: DecompressionError.self) { try Decompression.decompress(a + b, format: format) }
            return
        }
        #expect(try Decompression.decompress(a + b, format: format) == first + second)
    }

    @Test(.enabled(if: DecompressionFixtures.encodersAvailable, DecompressionFixtures.needsEncoders), arguments: compressed)
    func truncatedStreamsAreReported(format: CompressionFormat) throws {
        let plain = try DecompressionFixtures.corpus(DecompressionFixtures.documents[0])
        let packed = try DecompressionFixtures.compress(plain, format)
        for cut in [packed.count / 2, packed.count - 1] {
            var decompressor = StreamingDecompressor(format: format)
            var produced = 0
            do {
                try decompressor.feed(packed[..<cut]) { produced += $0.count }
                try decompressor.finish { produced += $0.count }
                Issue.record("\(format) cut at \(cut) of \(packed.count) was accepted")
            } catch {
                #expect(error.kind == .truncated, "\(format) cut \(cut): \(error)")
                #expect(error.format == format)
                // Cut in the middle, output stops early; cut in the trailer, all text may be out.
                #expect(cut == packed.count - 1 ? produced <= plain.count : produced < plain.count)
            }
        }
        #expect(throws: DecompressionError.self) { try Decompression.decompress([UInt8](), format: format) }
    }

    @Test(.enabled(if: DecompressionFixtures.encodersAvailable, DecompressionFixtures.needsEncoders), arguments: compressed)
    func corruptStreamsAreReported(format: CompressionFormat) throws {
        let plain = try DecompressionFixtures.corpus(DecompressionFixtures.documents[0])
        var packed = try DecompressionFixtures.compress(plain, format)
        // Flip bits in the middle of the compressed data: a checksum or the coder must notice.
        for index in stride(from: packed.count / 2, to: packed.count / 2 + 64, by: 1) { packed[index] ^= 0x55 }
        do {
            let output = try Decompression.decompress(packed, format: format)
            Issue.record("\(format): corrupt data decoded to \(output.count) bytes")
        } catch {
            if case .corrupt = error.kind {} else { Issue.record("\(format): \(error)") }
            #expect(error.inputOffset != nil)
        }
    }

    @Test(.enabled(if: DecompressionFixtures.encodersAvailable, DecompressionFixtures.needsEncoders), arguments: compressed)
    func garbageAfterTheStreamIsReported(format: CompressionFormat) throws {
        let plain = try DecompressionFixtures.corpus(DecompressionFixtures.documents[1])
        let packed = try DecompressionFixtures.compress(plain, format)
        let text = Array("not compressed".utf8)
        #expect(throws: DecompressionError.self) { try Decompression.decompress(packed + text, format: format) }
    }

    /// 64 MiB of zeros compress to a few KB: more than 1000:1 once past the ratio threshold.
    @Test(.enabled(if: DecompressionFixtures.encodersAvailable, DecompressionFixtures.needsEncoders), arguments: compressed)
    func decompressionBombHitsTheLimits(format: CompressionFormat) throws {
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        let bomb = try DecompressionFixtures.compress(zeros, format)
        #expect(bomb.count < zeros.count / 1000)
        do {
            _ = try Decompression.decompress(bomb, format: format)
            Issue.record("\(format): bomb of \(bomb.count) bytes was decompressed")
        } catch {
            #expect(error.kind == .limitExceeded(.ratio(1000)), "\(error)")
            #expect((error.outputOffset ?? .max) <= (16 << 20) + 256 * 1024)
        }
        let small = DecompressionLimits(maxOutputBytes: 1 << 20, maxRatio: nil)
        do {
            _ = try Decompression.decompress(bomb, format: format, limits: small)
            Issue.record("\(format): output limit not enforced")
        } catch {
            #expect(error.kind == .limitExceeded(.outputBytes(1 << 20)), "\(error)")
            #expect((error.outputOffset ?? .max) <= 1 << 20)
        }
        #expect(try Decompression.decompress(bomb, format: format, limits: .unlimited).count == zeros.count)
    }

    @Test(.enabled(if: ExternalTool.available("gzip"), "needs gzip to make the stream"))
    func consumerErrorsComeBackWrapped() throws {
        struct Stop: Error {}
        let plain = try DecompressionFixtures.corpus(DecompressionFixtures.documents[1])
        let packed = try DecompressionFixtures.compress(plain, .gzip)
        var decompressor = StreamingDecompressor(format: .gzip)
        do {
            try decompressor.feed(packed) { _ in throw Stop() }
            Issue.record("sink error lost")
        } catch {
            #expect(error.underlying is Stop)
            if case .consumerFailed = error.kind {} else { Issue.record("\(error)") }
        }
        // The decompressor stays failed rather than continuing mid-stream.
        #expect(throws: DecompressionError.self) { try decompressor.finish() }
    }

    /// tor's x-tor-lzma is the legacy .lzma container (tor encodes with lzma_alone_encoder), not
    /// .xz; the .xz format's decoder must read it too.
    @Test(.enabled(if: ExternalTool.available("xz"), "needs xz to make a legacy .lzma stream"))
    func legacyLZMAContainerAsTorSendsIt() throws {
        let xz = try ExternalTool.require("xz")
        let plain = try DecompressionFixtures.corpus(DecompressionFixtures.documents[0])
        let packed = try DecompressionFixtures.run([xz, "--format=lzma", "-c"], input: plain)
        #expect(packed.first == 0x5D)
        #expect(try Decompression.decompress(packed, format: CompressionFormat(contentEncoding: "x-tor-lzma")!) == plain)
        var decoder = StreamingDecompressor(format: .xz, limits: .default)
        var output: [UInt8] = []
        for start in stride(from: 0, to: packed.count, by: 1000) {
            try decoder.feed(packed[start..<min(start + 1000, packed.count)]) { output.append(contentsOf: $0) }
        }
        try decoder.finish { output.append(contentsOf: $0) }
        #expect(output == plain)
        #expect(throws: DecompressionError.self) { try Decompression.decompress(packed.dropLast(100), format: .xz) }
    }

    @Test func namesMapToFormats() {
        #expect(CompressionFormat(contentEncoding: "deflate") == .deflate)
        #expect(CompressionFormat(contentEncoding: " X-Tor-LZMA ") == .xz)
        #expect(CompressionFormat(contentEncoding: "x-zstd") == .zstd)
        #expect(CompressionFormat(contentEncoding: "x-gzip") == .gzip)
        #expect(CompressionFormat(contentEncoding: "identity") == .identity)
        #expect(CompressionFormat(contentEncoding: "br") == nil)
        #expect(CompressionFormat(fileExtension: ".tgz") == .gzip)
        #expect(CompressionFormat(fileExtension: "xz") == .xz)
        #expect(CompressionFormat(fileExtension: "zst") == .zstd)
        #expect(CompressionFormat(fileExtension: "bz2") == .bzip2)
        #expect(CompressionFormat(fileExtension: "z") == .deflate)
        #expect(CompressionFormat(fileExtension: "tar") == nil)
        for format in CompressionFormat.allCases {
            #expect(CompressionFormat(contentEncoding: format.contentEncoding) == format)
        }
    }
}

@Suite struct ZstdLegacyFrameTests {
    /// `printf 'tor\n' | zstd -c` (zstd 1.5): one modern frame.
    static let modern: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58, 0x21, 0x00, 0x00, 0x74, 0x6F, 0x72,
                                  0x0A, 0xE4, 0x8F, 0x44, 0xE6]
    /// Synthetic: the v0.6 legacy magic (0xFD2FB526) and four bytes, as the fuzzer found it.
    static let legacy: [UInt8] = [0x26, 0xB5, 0x2F, 0xFD, 0x04, 0xFF, 0xFF, 0x7C]

    static func streamed(_ bytes: [UInt8], chunk: Int) throws(DecompressionError) -> [UInt8] {
        var decompressor = StreamingDecompressor(format: .zstd, limits: .unlimited)
        var output: [UInt8] = []
        var position = 0
        while position < bytes.count {
            let end = min(bytes.count, position + chunk)
            try decompressor.feed(bytes[position..<end]) { output.append(contentsOf: $0) }
            position = end
        }
        try decompressor.finish { output.append(contentsOf: $0) }
        return output
    }

    /// A pre-1.0 frame is refused the same way whole, byte by byte, and after a modern frame;
    /// modern frames, also concatenated, still decode at every chunk size.
    @Test func legacyFramesAreRefusedWhateverTheChunking() throws {
        for chunk in [1, 2, 3, 5, 4096] {
            #expect(try Self.streamed(Self.modern, chunk: chunk) == Array("tor\n".utf8))
            #expect(try Self.streamed(Self.modern + Self.modern, chunk: chunk) == Array("tor\ntor\n".utf8))
            for input in [Self.legacy, Self.modern + Self.legacy] {
                do {
                    _ = try Self.streamed(input, chunk: chunk)
                    Issue.record("legacy frame accepted, chunk \(chunk)")
                } catch {
                    guard case .corrupt(let message) = error.kind else { Issue.record("\(error)"); continue }
                    #expect(message.contains("legacy"))
                }
            }
            // A frame cut inside its magic number is truncated, not refused.
            #expect(throws: DecompressionError.self) { try Self.streamed(Array(Self.modern.prefix(2)), chunk: chunk) }
        }
        #expect(throws: DecompressionError.self) { try Decompression.decompress(Self.legacy, format: .zstd, limits: .unlimited) }
    }
}
