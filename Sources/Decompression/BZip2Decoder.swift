import CCodecs

/// bzip2 streams (concatenated ones too, as `pbzip2` writes) through libbz2 (opened at run time).
final class BZip2Decoder: ConcatenatedStreamDecoder {
    private let stream = UnsafeMutablePointer<ccodecs_bz_stream>.allocate(capacity: 1)
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: decoderChunkSize, alignment: 1)
    private var initialized = false
    private(set) var hasStarted = false
    var boundary = StreamBoundary.inStream
    var consumed = 0

    init() {
        stream.initialize(to: ccodecs_bz_stream())
    }

    deinit {
        if initialized { ccodecs_bz_decompress_end(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    func failure(_ kind: DecompressionError.Kind) -> DecompressionError {
        DecompressionError(format: .bzip2, kind: kind, inputOffset: consumed)
    }

    func startStream() throws(DecompressionError) {
        if initialized { ccodecs_bz_decompress_end(stream); initialized = false }
        stream.pointee = ccodecs_bz_stream()
        let rc = ccodecs_bz_decompress_init(stream, 0, 0)
        if rc == CCODECS_BZ_MEM_ERROR { throw failure(.outOfMemory) }
        if rc != CCODECS_BZ_OK { throw failure(.misuse("BZ2_bzDecompressInit failed (\(rc))")) }
        initialized = true
        hasStarted = true
        boundary = .inStream
    }

    func beginsStream(_ byte: UInt8) -> Bool { byte == 0x42 }   // "B" of "BZh"

    func decodeSome(_ bytes: UnsafeRawPointer, count: Int,
                    emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) -> Int {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.assumingMemoryBound(to: CChar.self))
        stream.pointee.avail_in = UInt32(count)
        let outBase = output.baseAddress!.assumingMemoryBound(to: CChar.self)
        while true {
            stream.pointee.next_out = outBase
            stream.pointee.avail_out = UInt32(output.count)
            let before = Int(stream.pointee.avail_in)
            let rc = ccodecs_bz_decompress(stream)
            consumed += before - Int(stream.pointee.avail_in)
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 { try emit(UnsafeRawBufferPointer(start: output.baseAddress, count: produced)) }
            switch rc {
            case CCODECS_BZ_STREAM_END:
                boundary = .between
                return count - Int(stream.pointee.avail_in)
            case CCODECS_BZ_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return count }
            case CCODECS_BZ_MEM_ERROR:
                throw failure(.outOfMemory)
            case CCODECS_BZ_DATA_ERROR_MAGIC:
                throw failure(.corrupt("not a bzip2 stream"))
            case CCODECS_BZ_DATA_ERROR:
                throw failure(.corrupt("corrupt bzip2 data"))
            default:
                throw failure(.corrupt("libbz2 error \(rc)"))
            }
        }
    }
}
