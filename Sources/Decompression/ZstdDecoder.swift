import CCodecs

/// zstd frames (one or several, skippable frames ignored) through libzstd's streaming API (libzstd opened at run time).
///
/// Frames of the pre-1.0 formats (magic 0xFD2FB51E through 0xFD2FB527), which Debian's libzstd
/// still decodes, are refused: nothing tor or CollecTor writes uses them, and libzstd's legacy
/// decoders answer the same damaged bytes differently depending on how they are fed.
final class ZstdDecoder: DecoderBackend {
    private let context: UnsafeMutableRawPointer?
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: decoderChunkSize, alignment: 1)
    /// The last return value of ZSTD_decompressStream: 0 exactly at a frame boundary.
    private var hint = 1
    private(set) var consumed = 0
    /// The first bytes of a frame, held back until its 4-byte magic number can be checked.
    private var magic: [UInt8] = []
    private var atFrameStart = true

    init() {
        context = ccodecs_zstd_create_dstream()
        if let context { ccodecs_zstd_init_dstream(context) }
    }

    deinit {
        if let context { ccodecs_zstd_free_dstream(context) }
        output.deallocate()
    }

    private func failure(_ kind: DecompressionError.Kind) -> DecompressionError {
        DecompressionError(format: .zstd, kind: kind, inputOffset: consumed)
    }

    func decode(_ input: UnsafeRawBufferPointer,
                emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        guard context != nil else { throw failure(.outOfMemory) }
        guard !input.isEmpty else { return }
        var rest = input
        while !rest.isEmpty {
            if atFrameStart {
                // Hold the frame's first bytes back until its magic number is complete.
                let take = min(4 - magic.count, rest.count)
                magic += rest.prefix(take)
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
                guard magic.count == 4 else { return }
                if magic[1] == 0xB5, magic[2] == 0x2F, magic[3] == 0xFD, (0x1E...0x27).contains(magic[0]) {
                    throw failure(.corrupt("pre-1.0 (legacy) zstd frame"))
                }
                atFrameStart = false
                let held = magic
                magic = []
                // From a temporary buffer: a withUnsafeBytes closure would lose the typed throw.
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
                defer { buffer.deallocate() }
                buffer.copyBytes(from: held)
                try feed(UnsafeRawBufferPointer(buffer), emit: emit)
                continue
            }
            let used = try feed(rest, emit: emit)
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(used))
        }
    }

    /// Runs libzstd over `input` until it is used up or a frame ends; returns the bytes used.
    @discardableResult
    private func feed(_ input: UnsafeRawBufferPointer,
                      emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) -> Int {
        guard let context, let base = input.baseAddress, !input.isEmpty else { return 0 }
        var source = ccodecs_zstd_in_buffer(src: base, size: input.count, pos: 0)
        while true {
            var sink = ccodecs_zstd_out_buffer(dst: output.baseAddress, size: output.count, pos: 0)
            let before = source.pos
            let rc = ccodecs_zstd_decompress_stream(context, &sink, &source)
            consumed += source.pos - before
            if ccodecs_zstd_is_error(rc) != 0 {
                let message = String(cString: ccodecs_zstd_error_name(rc))
                throw failure(hint == 0 && consumed > 0 && before == source.pos ? .trailingData : .corrupt(message))
            }
            // A call that neither consumed nor produced (the output was exactly full) returns
            // the next frame's header size, not the state of the frame just finished.
            if source.pos > before || sink.pos > 0 { hint = rc }
            if sink.pos > 0 { try emit(UnsafeRawBufferPointer(start: output.baseAddress, count: sink.pos)) }
            // A finished frame with its output flushed: the next byte starts a new frame,
            // whose magic is checked before libzstd sees it.
            if hint == 0, sink.pos < sink.size {
                atFrameStart = true
                return source.pos
            }
            if source.pos == source.size && sink.pos < sink.size { return source.pos }
        }
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        if consumed == 0 || hint != 0 || !magic.isEmpty { throw failure(.truncated) }
    }
}
