/// Decompresses a stream fed in pieces, handing output to a closure as it is produced, so
/// neither the compressed nor the decompressed data has to sit whole in memory.
///
/// Call ``feed(_:into:)-(UnsafeRawBufferPointer,_)`` for each piece of input, then
/// ``finish(into:)`` once the input ended; `finish` reports a stream that stopped early as
/// ``DecompressionError/Kind/truncated``. gzip members, xz streams, zstd frames and bzip2
/// streams that follow each other are decompressed as one stream, as the command-line tools do.
///
/// ```swift
/// var decompressor = StreamingDecompressor(format: .xz)
/// var text: [UInt8] = []
/// for chunk in chunks { try decompressor.feed(chunk) { text.append(contentsOf: $0) } }
/// try decompressor.finish { text.append(contentsOf: $0) }
/// ```
///
/// The decompressor keeps its library state in a reference: copies of one value share it, so
/// use a value from one place only. It is not `Sendable`.
public struct StreamingDecompressor {
    /// The format being decompressed.
    public let format: CompressionFormat
    /// The limits checked as output is produced.
    public let limits: DecompressionLimits
    /// Compressed bytes consumed so far.
    public var inputBytes: Int { backend.consumed }
    /// Decompressed bytes produced so far.
    public var outputBytes: Int { state.output }

    private let backend: DecoderBackend
    private let state = State()

    private final class State {
        var output = 0
        var failure: DecompressionError?
        var finished = false
    }

    /// Creates a decompressor for `format` with `limits`.
    public init(format: CompressionFormat, limits: DecompressionLimits = .default) {
        self.init(format: format, limits: limits, libraryLoaded: format.isAvailable)
    }

    /// `libraryLoaded: false` gives what a machine without the format's runtime library gets
    /// (tests use it: the libraries cannot be hidden from a running process).
    init(format: CompressionFormat, limits: DecompressionLimits, libraryLoaded: Bool) {
        self.format = format
        self.limits = limits
        if let library = CodecLibrary(format), !libraryLoaded {
            backend = UnavailableDecoder(library.unavailable(format))
            return
        }
        switch format {
        case .identity: backend = IdentityDecoder()
        case .deflate: backend = ZlibDecoder(gzip: false)
        case .gzip: backend = ZlibDecoder(gzip: true)
        case .xz: backend = LZMADecoder(memoryLimit: limits.maxDecoderMemoryBytes)
        case .zstd: backend = ZstdDecoder()
        case .bzip2: backend = BZip2Decoder()
        }
    }

    /// Decompresses the next piece of input, calling `sink` with each piece of output (the
    /// buffer is only valid during the call). An error thrown by `sink` stops decompression and
    /// comes back as ``DecompressionError/Kind/consumerFailed(_:)`` with the error in
    /// ``DecompressionError/underlying``.
    public mutating func feed(_ input: UnsafeRawBufferPointer,
                              into sink: (UnsafeRawBufferPointer) throws -> Void) throws(DecompressionError) {
        try ready()
        var start = 0
        // The C libraries count input in 32-bit units.
        while start < input.count {
            let end = min(input.count, start + (1 << 30))
            let piece = UnsafeRawBufferPointer(rebasing: input[start..<end])
            do {
                try backend.decode(piece) { (chunk) throws(DecompressionError) in try deliver(chunk, to: sink) }
            } catch { throw record(error) }
            start = end
        }
    }

    /// Decompresses the next piece of input given as any collection of bytes.
    public mutating func feed<C: Collection<UInt8>>(_ input: C,
                                                    into sink: (UnsafeRawBufferPointer) throws -> Void) throws(DecompressionError) {
        let result: Result<Void, DecompressionError>? = input.withContiguousStorageIfAvailable { buffer in
            do throws(DecompressionError) { try feed(UnsafeRawBufferPointer(buffer), into: sink); return .success(()) }
            catch { return .failure(error) }
        }
        if let result { try result.get(); return }
        let copy = Array(input)
        let copied: Result<Void, DecompressionError> = copy.withUnsafeBytes { buffer in
            do throws(DecompressionError) { try feed(buffer, into: sink); return .success(()) }
            catch { return .failure(error) }
        }
        try copied.get()
    }

    /// Ends the input: flushes remaining output to `sink` and throws
    /// ``DecompressionError/Kind/truncated`` if the stream did not end cleanly.
    public mutating func finish(into sink: (UnsafeRawBufferPointer) throws -> Void = { _ in }) throws(DecompressionError) {
        try ready()
        do {
            try backend.finish { (chunk) throws(DecompressionError) in try deliver(chunk, to: sink) }
        } catch { throw record(error) }
        state.finished = true
    }

    private func ready() throws(DecompressionError) {
        if let failure = state.failure { throw failure }
        if state.finished {
            throw DecompressionError(format: format, kind: .misuse("decompressor used after finish"),
                                     inputOffset: backend.consumed, outputOffset: state.output)
        }
    }

    /// Checks the limits for one piece of output and forwards it to the consumer.
    private func deliver(_ chunk: UnsafeRawBufferPointer, to sink: (UnsafeRawBufferPointer) throws -> Void) throws(DecompressionError) {
        let total = state.output + chunk.count
        if total > limits.maxOutputBytes {
            throw DecompressionError(format: format, kind: .limitExceeded(.outputBytes(limits.maxOutputBytes)),
                                     inputOffset: backend.consumed, outputOffset: state.output)
        }
        if let ratio = limits.maxRatio, total > limits.ratioCheckAfterBytes, total / max(backend.consumed, 1) > ratio {
            throw DecompressionError(format: format, kind: .limitExceeded(.ratio(ratio)),
                                     inputOffset: backend.consumed, outputOffset: state.output)
        }
        state.output = total
        do { try sink(chunk) } catch {
            throw DecompressionError(format: format, kind: .consumerFailed(String(describing: error)),
                                     inputOffset: backend.consumed, outputOffset: total, underlying: error)
        }
    }

    /// Remembers a failure so later calls report it again instead of using a broken stream.
    private func record(_ error: DecompressionError) -> DecompressionError {
        var error = error
        if error.outputOffset == nil { error.outputOffset = state.output }
        state.failure = error
        return error
    }
}

/// One C library's decoder. `consumed` counts compressed bytes taken so far.
protocol DecoderBackend: AnyObject {
    var consumed: Int { get }
    func decode(_ input: UnsafeRawBufferPointer,
                emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError)
    func finish(emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError)
}

/// Output buffer size for the C decoders: large enough that per-call overhead is negligible,
/// small enough to stay in cache.
let decoderChunkSize = 128 * 1024

final class IdentityDecoder: DecoderBackend {
    var consumed = 0
    func decode(_ input: UnsafeRawBufferPointer,
                emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        guard !input.isEmpty else { return }
        consumed += input.count
        try emit(input)
    }
    func finish(emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {}
}
