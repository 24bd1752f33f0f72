import CZstd

/// zstd frames (one or several, skippable frames ignored) through libzstd's streaming API.
final class ZstdDecoder: DecoderBackend {
    private let context: OpaquePointer?
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: decoderChunkSize, alignment: 1)
    /// The last return value of ZSTD_decompressStream: 0 exactly at a frame boundary.
    private var hint = 1
    private(set) var consumed = 0

    init() {
        context = ZSTD_createDStream()
        if let context { ZSTD_initDStream(context) }
    }

    deinit {
        if let context { ZSTD_freeDStream(context) }
        output.deallocate()
    }

    private func failure(_ kind: DecompressionError.Kind) -> DecompressionError {
        DecompressionError(format: .zstd, kind: kind, inputOffset: consumed)
    }

    func decode(_ input: UnsafeRawBufferPointer,
                emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        guard let context else { throw failure(.outOfMemory) }
        guard let base = input.baseAddress, !input.isEmpty else { return }
        var source = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
        while true {
            var sink = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
            let before = source.pos
            let rc = ZSTD_decompressStream(context, &sink, &source)
            consumed += source.pos - before
            if ZSTD_isError(rc) != 0 {
                let message = String(cString: ZSTD_getErrorName(rc))
                throw failure(hint == 0 && consumed > 0 && before == source.pos ? .trailingData : .corrupt(message))
            }
            // A call that neither consumed nor produced (the output was exactly full) returns
            // the next frame's header size, not the state of the frame just finished.
            if source.pos > before || sink.pos > 0 { hint = rc }
            if sink.pos > 0 { try emit(UnsafeRawBufferPointer(start: output.baseAddress, count: sink.pos)) }
            if source.pos == source.size && sink.pos < sink.size { return }
        }
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        if consumed == 0 || hint != 0 { throw failure(.truncated) }
    }
}
