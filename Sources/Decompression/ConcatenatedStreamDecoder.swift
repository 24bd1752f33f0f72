/// What comes after a complete gzip member or bzip2 stream: another one, or zero padding
/// (which gzip and bzip2 ignore), or garbage.
enum StreamBoundary {
    case inStream
    case between
    case zeroPadding
}

/// A decoder for formats whose files may hold several complete streams back to back (gzip
/// members, `pbzip2`'s bzip2 streams), optionally followed by zero padding. The C libraries
/// stop at each stream's end; this walk restarts them, and rejects anything else after a stream.
protocol ConcatenatedStreamDecoder: DecoderBackend {
    var boundary: StreamBoundary { get set }
    var consumed: Int { get set }
    /// Whether a stream has been started (the first chunk starts one).
    var hasStarted: Bool { get }
    /// Whether `byte` can begin another stream after a complete one.
    func beginsStream(_ byte: UInt8) -> Bool
    /// (Re)initialises the C decoder for a new stream and sets `boundary` to `.inStream`.
    func startStream() throws(DecompressionError)
    /// Decodes from `bytes` until they are used up or the stream ends (then `boundary` becomes
    /// `.between`); returns the bytes consumed.
    func decodeSome(_ bytes: UnsafeRawPointer, count: Int,
                    emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) -> Int
    func failure(_ kind: DecompressionError.Kind) -> DecompressionError
}

extension ConcatenatedStreamDecoder {
    func decode(_ input: UnsafeRawBufferPointer,
                emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        if !hasStarted { try startStream() }
        var offset = 0
        while offset < input.count {
            switch boundary {
            case .between:
                if beginsStream(input[offset]) {
                    try startStream()
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
                offset += try decodeSome(base + offset, count: input.count - offset, emit: emit)
            }
        }
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        if !hasStarted || boundary == .inStream { throw failure(.truncated) }
    }
}
