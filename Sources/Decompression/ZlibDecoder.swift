import CZlib

/// zlib-wrapped deflate and (multi-member) gzip through zlib's `inflate`.
final class ZlibDecoder: DecoderBackend {
    private let gzip: Bool
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: decoderChunkSize, alignment: 1)
    private var initialized = false
    private var boundary = StreamBoundary.inStream
    private(set) var consumed = 0
    private var format: CompressionFormat { gzip ? .gzip : .deflate }

    init(gzip: Bool) {
        self.gzip = gzip
        stream.initialize(to: z_stream())
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    private func failure(_ kind: DecompressionError.Kind) -> DecompressionError {
        DecompressionError(format: format, kind: kind, inputOffset: consumed)
    }

    private func start() throws(DecompressionError) {
        let rc: Int32
        if initialized {
            rc = inflateReset(stream)
        } else {
            // 15 window bits; +16 selects the gzip wrapper.
            rc = inflateInit2_(stream, gzip ? 31 : 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            initialized = rc == Z_OK
        }
        if rc == Z_MEM_ERROR { throw failure(.outOfMemory) }
        if rc != Z_OK { throw failure(.misuse("inflateInit failed (\(rc))")) }
        boundary = .inStream
    }

    func decode(_ input: UnsafeRawBufferPointer,
                emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        if !initialized { try start() }
        var offset = 0
        while offset < input.count {
            switch boundary {
            case .between:
                if gzip && input[offset] == 0x1F {
                    try start()
                } else if input[offset] == 0 {
                    boundary = .zeroPadding
                } else {
                    throw failure(.trailingData)
                }
            case .zeroPadding:
                if input[offset...].contains(where: { $0 != 0 }) { throw failure(.trailingData) }
                consumed += input.count - offset
                return
            case .inStream:
                offset += try inflateSome(base + offset, count: input.count - offset, emit: emit)
            }
        }
    }

    /// Inflates until the input is used up or a member ends; returns the bytes consumed.
    private func inflateSome(_ bytes: UnsafeRawPointer, count: Int,
                             emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) -> Int {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(count)
        let outBase = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        while true {
            stream.pointee.next_out = outBase
            stream.pointee.avail_out = uInt(output.count)
            let before = Int(stream.pointee.avail_in)
            let rc = inflate(stream, Z_NO_FLUSH)
            consumed += before - Int(stream.pointee.avail_in)
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 { try emit(UnsafeRawBufferPointer(start: output.baseAddress, count: produced)) }
            switch rc {
            case Z_STREAM_END:
                boundary = .between
                return count - Int(stream.pointee.avail_in)
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR only means no progress was possible: more input is needed.
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return count }
                if rc == Z_BUF_ERROR && produced == 0 { return count - Int(stream.pointee.avail_in) }
            case Z_MEM_ERROR:
                throw failure(.outOfMemory)
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "inflate error \(rc)"
                throw failure(.corrupt(message))
            }
        }
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        if !initialized || boundary == .inStream { throw failure(.truncated) }
    }
}
