import Decompression

/// The decompressor fuzz targets, shared by the libFuzzer executables in `Fuzz/` (this file is
/// symlinked there) and by `DecompressionFuzzRegressionTests`, which replays the saved inputs.
///
/// Input layout: byte 0 seeds the chunk sizes the streaming run feeds, byte 1 picks the limits,
/// the rest is the compressed stream. Each input is decompressed twice, one-shot and streaming
/// in those chunks, and the runs must agree (same output, or the same class of error), stay
/// within the limits, and report consistent counters.
///
/// ```swift
/// DecompressionFuzzEntryPoints.targets["decompress-gzip"]!([7, 0] + gzipBytes)
/// ```
enum DecompressionFuzzEntryPoints {
    static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "decompress-gzip": { compare($0, format: .gzip) },
        "decompress-deflate": { compare($0, format: .deflate) },
        "decompress-xz": { compare($0, format: .xz) },
        // The legacy .lzma container goes through the xz format's auto decoder; its own target
        // so that its seeds (lzma_alone headers) are not crowded out by xz ones.
        "decompress-lzma": { compare($0, format: .xz) },
        "decompress-zstd": { compare($0, format: .zstd) },
        "decompress-bzip2": { compare($0, format: .bzip2) },
    ]

    static var names: [String] { targets.keys.sorted() }

    static func violated(_ message: @autoclosure () -> String, _ bytes: [UInt8]) -> Never {
        fatalError("fuzz invariant violated: \(message()) (input of \(bytes.count) bytes)")
    }

    /// Limits picked by one byte: a small output cap (so bombs stop early and the cap is
    /// exercised), sometimes a tight ratio check, sometimes a 1 MiB decoder memory cap.
    static func limits(_ byte: UInt8) -> DecompressionLimits {
        let outputs = [1, 64, 1 << 10, 4 << 10, 64 << 10, 1 << 20, 4 << 20, 16 << 20]
        var limits = DecompressionLimits(maxOutputBytes: outputs[Int(byte & 7)])
        if byte & 8 != 0 {
            limits.maxRatio = 10 + Int(byte >> 4 & 7)
            limits.ratioCheckAfterBytes = 1 << 10
        }
        if byte & 0x80 != 0 { limits.maxDecoderMemoryBytes = 1 << 20 }
        return limits
    }

    /// Chunk sizes from a seed: a fixed size for some seeds, pseudo-random ones for others.
    struct ChunkSizes {
        var state: UInt32
        let fixed: Int?
        init(seed: UInt8) {
            state = UInt32(seed) &* 2_654_435_761 | 1
            switch seed & 3 {
            case 0: fixed = 1 + Int(seed >> 2)          // 1...64 bytes
            case 1: fixed = 4096 << Int(seed >> 6)      // 4 KiB ... 32 KiB
            default: fixed = nil
            }
        }
        mutating func next() -> Int {
            if let fixed { return fixed }
            state = state &* 1_103_515_245 &+ 12345
            return 1 + Int((state >> 16) % (state & 0x100 != 0 ? 17 : 3000))
        }
    }

    /// The class of an outcome; the two runs must end in the same class.
    enum Outcome: Hashable {
        case success
        /// Corrupt data, or data after the end: where a stream stops being "valid but followed
        /// by garbage" and becomes "corrupt" depends on how much of the garbage the library was
        /// shown in one call (zstd buffers a frame header before judging it).
        case badData
        case truncated
        case outputLimit
        case ratioLimit
        case memoryLimit
        case outOfMemory
        case other(String)

        init(_ error: DecompressionError) {
            switch error.kind {
            case .corrupt, .trailingData: self = .badData
            case .truncated: self = .truncated
            case .limitExceeded(.outputBytes): self = .outputLimit
            case .limitExceeded(.ratio): self = .ratioLimit
            case .limitExceeded(.decoderMemory): self = .memoryLimit
            case .outOfMemory: self = .outOfMemory
            case .consumerFailed(let message), .misuse(let message): self = .other(message)
            case .libraryUnavailable(let library, _): self = .other(library)
            }
        }
    }

    static func compare(_ data: [UInt8], format: CompressionFormat) {
        guard data.count >= 2 else { return }
        let stream = Array(data[2...])
        let limits = limits(data[1])

        var oneShot: [UInt8]?
        var oneShotOutcome = Outcome.success
        do throws(DecompressionError) {
            oneShot = try Decompression.decompress(stream, format: format, limits: limits)
        } catch {
            oneShotOutcome = Outcome(error)
            check(error, limits, stream.count, data)
        }
        if let oneShot, oneShot.count > limits.maxOutputBytes {
            violated("one-shot output \(oneShot.count) over the limit \(limits.maxOutputBytes)", data)
        }

        var decompressor = StreamingDecompressor(format: format, limits: limits)
        var chunks = ChunkSizes(seed: data[0])
        var streamed: [UInt8] = []
        var streamedOutcome = Outcome.success
        var position = 0
        do throws(DecompressionError) {
            while position < stream.count {
                let end = min(stream.count, position + chunks.next())
                try decompressor.feed(stream[position..<end]) { streamed.append(contentsOf: $0) }
                position = end
            }
            try decompressor.finish { streamed.append(contentsOf: $0) }
        } catch {
            streamedOutcome = Outcome(error)
            check(error, limits, stream.count, data)
            // A failed decompressor keeps failing the same way instead of reusing a broken stream.
            do throws(DecompressionError) {
                try decompressor.feed([0x00]) { _ in }
                violated("feed after a failure succeeded", data)
            } catch let again {
                if again.kind != error.kind { violated("feed after \(error.kind) failed with \(again.kind)", data) }
            }
        }
        if streamed.count != decompressor.outputBytes {
            violated("delivered \(streamed.count) bytes, counted \(decompressor.outputBytes)", data)
        }
        if streamed.count > limits.maxOutputBytes {
            violated("streamed output \(streamed.count) over the limit \(limits.maxOutputBytes)", data)
        }
        if decompressor.inputBytes > stream.count {
            violated("consumed \(decompressor.inputBytes) of \(stream.count) input bytes", data)
        }

        // The ratio check looks at the input consumed when output appears, which depends on
        // the chunking; every other outcome must not.
        if oneShotOutcome == .ratioLimit || streamedOutcome == .ratioLimit { return }
        // A stream that is both too large and broken may report either: libzstd drops the
        // output of the call that finds the damage, so whole input reports the damage while
        // small pieces deliver (and count) more output first.
        if Set([oneShotOutcome, streamedOutcome]) == [.outputLimit, .badData] { return }
        if oneShotOutcome != streamedOutcome {
            violated("one-shot ended in \(oneShotOutcome), streaming (seed \(data[0])) in \(streamedOutcome)", data)
        }
        if let oneShot {
            if oneShot != streamed { violated("streaming output differs from one-shot output", data) }
        }
    }

    /// Properties every error must have.
    static func check(_ error: DecompressionError, _ limits: DecompressionLimits, _ inputCount: Int, _ data: [UInt8]) {
        if let offset = error.inputOffset, offset < 0 || offset > inputCount {
            violated("error input offset \(offset) outside 0...\(inputCount)", data)
        }
        if let offset = error.outputOffset, offset < 0 || offset > limits.maxOutputBytes {
            violated("error output offset \(offset) outside 0...\(limits.maxOutputBytes)", data)
        }
        switch error.kind {
        case .limitExceeded(.outputBytes(let value)) where value != limits.maxOutputBytes,
             .limitExceeded(.ratio(let value)) where value != limits.maxRatio,
             .limitExceeded(.decoderMemory(let value)) where value != limits.maxDecoderMemoryBytes:
            violated("limit error names \(value), not the configured limit", data)
        case .consumerFailed, .misuse, .libraryUnavailable:
            violated("unexpected error \(error)", data)
        default: break
        }
    }
}
