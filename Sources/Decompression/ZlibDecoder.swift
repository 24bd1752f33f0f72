import CZlib

/// zlib-wrapped deflate and (multi-member) gzip through zlib's `inflate`.
final class ZlibDecoder: ConcatenatedStreamDecoder {
    private let gzip: Bool
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: decoderChunkSize, alignment: 1)
    private var initialized = false
    var boundary = StreamBoundary.inStream
    var consumed = 0
    var hasStarted: Bool { initialized }
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

    func failure(_ kind: DecompressionError.Kind) -> DecompressionError {
        DecompressionError(format: format, kind: kind, inputOffset: consumed)
    }

    func startStream() throws(DecompressionError) {
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

    /// Only gzip has members; after a zlib stream nothing but zero padding may follow.
    func beginsStream(_ byte: UInt8) -> Bool { gzip && byte == 0x1F }

    /// Inflates until the input is used up or a member ends; returns the bytes consumed.
    func decodeSome(_ bytes: UnsafeRawPointer, count: Int,
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
}
