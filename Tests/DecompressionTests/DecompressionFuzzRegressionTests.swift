import Foundation
import Testing
import TestSupport
import Decompression

/// Replays the inputs the decompressor fuzzers kept (`scripts/fuzz.sh` moves them into
/// `FuzzRegressions/<target>/`) through the same entry points, invariants included, and checks
/// the decoder memory limit those fuzzers rely on.
@Suite struct DecompressionFuzzRegressionTests {
    static let folder = DecompressionFixtures.root.appendingPathComponent("Tests/DecompressionTests/FuzzRegressions")

    static func inputs() -> [(target: String, file: URL)] { FuzzRegressions.inputs(in: folder) }

    @Test("every saved fuzzer input now passes its entry point")
    func replay() throws {
        let replayed = try FuzzRegressions.replay(in: Self.folder, entryPoints: DecompressionFuzzEntryPoints.targets)
        #expect(replayed > 0, "no saved inputs under \(Self.folder.path): was the folder moved?")
        #expect(Set(Self.inputs().map(\.target)).isSubset(of: Set(DecompressionFuzzEntryPoints.names)))
    }

    /// The entry points hold on real compressed documents, for every chunking and limit
    /// pattern of the control bytes used by the seeds, and on cut-off streams.
    @Test(.enabled(if: DecompressionFixtures.encodersAvailable, DecompressionFixtures.needsEncoders),
          arguments: [("decompress-gzip", CompressionFormat.gzip), ("decompress-deflate", .deflate), ("decompress-xz", .xz),
                      ("decompress-zstd", .zstd), ("decompress-bzip2", .bzip2)])
    func entryPointOnRealStreams(target: String, format: CompressionFormat) throws {
        let plain = try DecompressionFixtures.corpus(DecompressionFixtures.documents[1])
        let packed = try DecompressionFixtures.compress(Array(plain.prefix(20_000)), format)
        let entry = try #require(DecompressionFuzzEntryPoints.targets[target])
        for control in [[0, 7], [1, 6], [2, 5], [3, 4], [5, 0x0F], [7, 0x84], [4, 0x83]] as [[UInt8]] {
            entry(control + packed)
            entry(control + packed.prefix(packed.count / 2))
        }
    }

    /// The streaming side of the comparison sees its own chunks: 1-byte ones included.
    @Test func chunkSizesCoverOneByteAndLargePieces() {
        var one = DecompressionFuzzEntryPoints.ChunkSizes(seed: 0)
        #expect((0..<5).map { _ in one.next() } == [1, 1, 1, 1, 1])
        var large = DecompressionFuzzEntryPoints.ChunkSizes(seed: 0xC1)
        #expect(large.next() == 4096 << 3)
        var mixed = DecompressionFuzzEntryPoints.ChunkSizes(seed: 2)
        #expect((0..<50).map { _ in mixed.next() }.allSatisfy { (1...3000).contains($0) })
    }

    /// Synthetic legacy .lzma header (properties 0x5D, dictionary 0xFFFFFFFF, unknown size):
    /// without a decoder memory cap liblzma would allocate a 4 GiB dictionary.
    @Test func hugeLZMADictionaryHitsTheMemoryLimit() throws {
        let syntheticHeader: [UInt8] = [0x5D, 0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0xFF, count: 8) + [0x00, 0x10, 0x20]
        do {
            _ = try Decompression.decompress(syntheticHeader, format: .xz)
            Issue.record("a 4 GiB dictionary was accepted")
        } catch {
            #expect(error.kind == .limitExceeded(.decoderMemory(256 << 20)), "\(error)")
            #expect(error.description.contains("memory"))
        }
    }

    /// Real streams made with a 24 MiB dictionary (both containers) decode under the default
    /// cap and fail with the typed error under an 8 MiB one, before any output.
    @Test(.enabled(if: ExternalTool.available("xz"), "needs xz to make streams with a 24 MiB dictionary"))
    func decoderMemoryLimitIsConfigurable() throws {
        let xz = try ExternalTool.require("xz")
        let plain = Array(try DecompressionFixtures.corpus(DecompressionFixtures.documents[1]).prefix(20_000))
        for arguments in [["--format=lzma", "--lzma1=dict=24MiB"], ["--format=xz", "--lzma2=dict=24MiB"]] {
            let packed = try DecompressionFixtures.run([xz, "-c"] + arguments, input: plain)
            #expect(try Decompression.decompress(packed, format: .xz) == plain)
            var tight = DecompressionLimits.default
            tight.maxDecoderMemoryBytes = 8 << 20
            do {
                _ = try Decompression.decompress(packed, format: .xz, limits: tight)
                Issue.record("\(arguments): 8 MiB decoder limit not enforced")
            } catch {
                #expect(error.kind == .limitExceeded(.decoderMemory(8 << 20)), "\(error)")
                #expect(error.outputOffset == 0)
            }
        }
    }
}
