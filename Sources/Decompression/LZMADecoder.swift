import CCodecs

/// xz streams (tor's `x-tor-lzma`), concatenated streams and stream padding included, through
/// liblzma (opened at run time).
final class LZMADecoder: DecoderBackend {
    private let stream = UnsafeMutablePointer<ccodecs_lzma_stream>.allocate(capacity: 1)
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: decoderChunkSize, alignment: 1)
    private var initialized = false
    private(set) var consumed = 0
    /// liblzma's memory limit: a stream header may ask for a dictionary of up to 4 GiB.
    private let memoryLimit: Int

    init(memoryLimit: Int) {
        self.memoryLimit = memoryLimit
        stream.initialize(to: ccodecs_lzma_stream())
    }

    deinit {
        if initialized { ccodecs_lzma_end(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    private func failure(_ kind: DecompressionError.Kind) -> DecompressionError {
        DecompressionError(format: .xz, kind: kind, inputOffset: consumed)
    }

    private func start() throws(DecompressionError) {
        // The auto decoder reads both the .xz container and the legacy .lzma ("alone") one,
        // which is what tor sends as x-tor-lzma (its encoder is lzma_alone_encoder).
        let rc = ccodecs_lzma_auto_decoder(stream, UInt64(max(memoryLimit, 1)), CCODECS_LZMA_CONCATENATED)
        if rc == CCODECS_LZMA_MEM_ERROR { throw failure(.outOfMemory) }
        if rc != CCODECS_LZMA_OK { throw failure(.misuse("lzma_auto_decoder failed (\(rc))")) }
        initialized = true
    }

    func decode(_ input: UnsafeRawBufferPointer,
                emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        if !initialized { try start() }
        stream.pointee.next_in = base.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_in = input.count
        try code(CCODECS_LZMA_RUN, emit: emit)
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        guard initialized else { throw failure(.truncated) }
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try code(CCODECS_LZMA_FINISH, emit: emit)
    }

    private func code(_ action: Int32,
                      emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        let outBase = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while true {
            stream.pointee.next_out = outBase
            stream.pointee.avail_out = output.count
            let before = stream.pointee.avail_in
            let rc = ccodecs_lzma_code(stream, action)
            consumed += before - stream.pointee.avail_in
            let produced = output.count - stream.pointee.avail_out
            if produced > 0 { try emit(UnsafeRawBufferPointer(start: output.baseAddress, count: produced)) }
            switch rc {
            case CCODECS_LZMA_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 && action == CCODECS_LZMA_RUN { return }
            case CCODECS_LZMA_STREAM_END:
                return
            case CCODECS_LZMA_BUF_ERROR:
                if action == CCODECS_LZMA_FINISH { throw failure(.truncated) }
                return
            case CCODECS_LZMA_MEM_ERROR:
                throw failure(.outOfMemory)
            case CCODECS_LZMA_MEMLIMIT_ERROR:
                throw failure(.limitExceeded(.decoderMemory(memoryLimit)))
            case CCODECS_LZMA_FORMAT_ERROR:
                throw failure(consumed == 0 ? .corrupt("not an xz stream") : .trailingData)
            case CCODECS_LZMA_OPTIONS_ERROR:
                throw failure(.corrupt("unsupported xz options"))
            case CCODECS_LZMA_DATA_ERROR:
                throw failure(.corrupt("corrupt xz data"))
            default:
                throw failure(.corrupt("liblzma error \(rc)"))
            }
        }
    }
}
