/// Bounds that stop a decompression bomb before it fills memory or disk.
///
/// Two checks run as output is produced: the total output may not pass ``maxOutputBytes``, and
/// once the output is past ``ratioCheckAfterBytes`` it may not be more than ``maxRatio`` times
/// the input consumed so far (small documents legitimately compress very well, so the ratio is
/// only enforced on large outputs). A third bounds what the decoder itself may allocate: an xz
/// or lzma header can ask for a 4 GiB dictionary (zstd's decoder has its own 128 MiB window
/// cap; zlib and bzip2 need under 4 MiB).
///
/// | Limit | Default | Error kind |
/// |---|---|---|
/// | ``maxOutputBytes`` | 1 GiB | `.limitExceeded(.outputBytes(limit))` |
/// | ``maxRatio`` after ``ratioCheckAfterBytes`` | 1000:1 after 16 MiB | `.limitExceeded(.ratio(limit))` |
/// | ``maxDecoderMemoryBytes`` | 256 MiB | `.limitExceeded(.decoderMemory(limit))` |
///
/// ```swift
/// var limits = DecompressionLimits.default
/// limits.maxOutputBytes = 64 << 20        // a directory response, not an archive
/// let text = try Decompression.decompress(body, format: .deflate, limits: limits)
/// ```
public struct DecompressionLimits: Sendable, Hashable {
    /// The most bytes a stream may decompress to.
    public var maxOutputBytes: Int
    /// The largest allowed output/input ratio once ``ratioCheckAfterBytes`` is passed; nil to
    /// disable the ratio check.
    public var maxRatio: Int?
    /// Output size below which the ratio is not checked.
    public var ratioCheckAfterBytes: Int
    /// The most memory the xz/lzma decoder may use (its dictionary, mostly): `xz -9` streams
    /// need 65 MiB.
    public var maxDecoderMemoryBytes: Int

    /// Creates limits; the defaults are those of ``default``.
    public init(maxOutputBytes: Int = 1 << 30, maxRatio: Int? = 1000, ratioCheckAfterBytes: Int = 16 << 20,
                maxDecoderMemoryBytes: Int = 256 << 20) {
        self.maxOutputBytes = maxOutputBytes
        self.maxRatio = maxRatio
        self.ratioCheckAfterBytes = ratioCheckAfterBytes
        self.maxDecoderMemoryBytes = maxDecoderMemoryBytes
    }

    /// 1 GiB of output at most, at most 1000:1 once past 16 MiB of output, 256 MiB of decoder memory.
    public static let `default` = DecompressionLimits()

    /// No limits (for trusted local archives larger than 1 GiB uncompressed).
    public static let unlimited = DecompressionLimits(maxOutputBytes: .max, maxRatio: nil, ratioCheckAfterBytes: .max,
                                                      maxDecoderMemoryBytes: .max)

    /// Which limit a stream ran into.
    public enum Limit: Sendable, Hashable {
        /// The output passed ``DecompressionLimits/maxOutputBytes`` (the limit's value).
        case outputBytes(Int)
        /// The output/input ratio passed ``DecompressionLimits/maxRatio`` (the limit's value).
        case ratio(Int)
        /// The decoder needed more memory than ``DecompressionLimits/maxDecoderMemoryBytes``
        /// (the limit's value).
        case decoderMemory(Int)
    }
}
