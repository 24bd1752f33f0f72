/// One-shot decompression of a whole buffer.
///
/// ```swift
/// let consensus = try Decompression.decompress(body, format: .deflate)
/// ```
public enum Decompression {
    /// Decompresses all of `bytes` as `format`, enforcing `limits`.
    public static func decompress<C: Collection<UInt8>>(_ bytes: C, format: CompressionFormat,
                                                        limits: DecompressionLimits = .default) throws(DecompressionError) -> [UInt8] {
        if format == .identity {
            if bytes.count > limits.maxOutputBytes {
                throw DecompressionError(format: format, kind: .limitExceeded(.outputBytes(limits.maxOutputBytes)),
                                         inputOffset: 0, outputOffset: 0)
            }
            return Array(bytes)
        }
        var output: [UInt8] = []
        output.reserveCapacity(min(limits.maxOutputBytes, bytes.count * 4))
        var decompressor = StreamingDecompressor(format: format, limits: limits)
        try decompressor.feed(bytes) { output.append(contentsOf: $0) }
        try decompressor.finish { output.append(contentsOf: $0) }
        return output
    }
}
