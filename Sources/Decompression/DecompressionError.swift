/// Why a compressed stream could not be decompressed.
///
/// ```swift
/// do { _ = try Decompression.decompress(bytes, format: .gzip) }
/// catch { if error.kind == .truncated { print("cut off after \(error.inputOffset ?? 0) bytes") } }
/// ```
public struct DecompressionError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The data is not valid for the format; the library's message.
        case corrupt(String)
        /// The input ended inside a stream (or was empty).
        case truncated
        /// Bytes that are not another stream of the format follow a complete stream.
        case trailingData
        /// A ``DecompressionLimits`` bound was hit.
        case limitExceeded(DecompressionLimits.Limit)
        /// The library could not allocate memory.
        case outOfMemory
        /// The consumer closure passed to `feed`/`finish` threw; see ``DecompressionError/underlying``.
        case consumerFailed(String)
        /// The format's runtime library (named by its soname, e.g. `libzstd.so.1`) could not be
        /// opened; `install` says how to get it (e.g. `apt-get install libzstd1`).
        case libraryUnavailable(library: String, install: String)
        /// The decompressor was used after `finish` or after an error, or a library call failed
        /// for a reason other than the data.
        case misuse(String)
    }

    /// The format being decompressed.
    public var format: CompressionFormat
    /// The kind of failure.
    public var kind: Kind
    /// Compressed bytes consumed before the failure, when known.
    public var inputOffset: Int?
    /// Decompressed bytes produced before the failure.
    public var outputOffset: Int?
    /// The consumer's own error for ``Kind/consumerFailed(_:)``.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(format: CompressionFormat, kind: Kind, inputOffset: Int? = nil, outputOffset: Int? = nil,
                underlying: (any Error)? = nil) {
        self.format = format
        self.kind = kind
        self.inputOffset = inputOffset
        self.outputOffset = outputOffset
        self.underlying = underlying
    }

    public var description: String {
        var text = "\(format.rawValue): "
        switch kind {
        case .corrupt(let message): text += "corrupt data (\(message))"
        case .truncated: text += "truncated stream"
        case .trailingData: text += "unexpected data after the end of the stream"
        case .limitExceeded(.outputBytes(let limit)): text += "output exceeds \(limit) bytes"
        case .limitExceeded(.ratio(let ratio)): text += "compression ratio exceeds \(ratio):1"
        case .limitExceeded(.decoderMemory(let limit)): text += "decoder needs more than \(limit) bytes of memory"
        case .outOfMemory: text += "out of memory"
        case .consumerFailed(let message): text += "consumer failed: \(message)"
        case .libraryUnavailable(let library, let install):
            text += "\(library) could not be loaded (install it with `\(install)`)"
        case .misuse(let message): text += message
        }
        if let inputOffset { text += " at compressed byte \(inputOffset)" }
        return text
    }
}
