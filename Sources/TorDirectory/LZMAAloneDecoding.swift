import CLZMA

/// tor's `x-tor-lzma` bodies are in the legacy `.lzma` ("LZMA alone") container that tor's
/// `lzma_alone_encoder` writes (first byte 0x5D), not the `.xz` container the Decompression
/// module's `.xz` decoder reads. Until that module accepts both (`lzma_auto_decoder`), this
/// decodes the legacy container here, with the same output cap.
enum LZMAAloneDecoding {
    /// True for the 13-byte `.lzma` header tor writes: properties byte 0x5D (lc=3, lp=0, pb=2).
    static func isLZMAAlone(_ body: ArraySlice<UInt8>) -> Bool { body.count >= 13 && body.first == 0x5D }

    static func decode(_ body: ArraySlice<UInt8>, maxBytes: Int) throws(DirectoryAttempt.Failure) -> [UInt8] {
        var stream = lzma_stream()
        guard lzma_alone_decoder(&stream, UInt64.max) == LZMA_OK else { throw .decodingFailed("lzma_alone_decoder failed") }
        defer { lzma_end(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        let input = Array(body)
        return try input.withUnsafeBufferPointer { (inBuffer) throws(DirectoryAttempt.Failure) -> [UInt8] in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = inBuffer.count
            while true {
                let (rc, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = outBuffer.count
                    let rc = lzma_code(&stream, LZMA_FINISH)
                    return (rc, outBuffer.count - stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > maxBytes { throw .decodedTooLarge(limit: maxBytes) }
                switch rc {
                case LZMA_OK: continue
                case LZMA_STREAM_END: return output
                case LZMA_BUF_ERROR: throw .decodingFailed("x-tor-lzma: truncated")
                default: throw .decodingFailed("x-tor-lzma: liblzma error \(rc.rawValue)")
                }
            }
        }
    }
}
