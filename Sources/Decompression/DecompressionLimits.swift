/// Bounds that stop a decompression bomb before it fills memory or disk.
///
/// Two checks run as output is produced: the total output may not pass ``maxOutputBytes``, and
/// once the output is past ``ratioCheckAfterBytes`` it may not be more than ``maxRatio`` times
/// the input consumed so far (small documents legitimately compress very well, so the ratio is
/// only enforced on large outputs).
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

    /// Creates limits; the defaults are those of ``default``.
    public init(maxOutputBytes: Int = 1 << 30, maxRatio: Int? = 1000, ratioCheckAfterBytes: Int = 16 << 20) {
        self.maxOutputBytes = maxOutputBytes
        self.maxRatio = maxRatio
        self.ratioCheckAfterBytes = ratioCheckAfterBytes
    }

    /// 1 GiB of output at most, and at most 1000:1 once past 16 MiB of output.
    public static let `default` = DecompressionLimits()

    /// No limits (for trusted local archives larger than 1 GiB uncompressed).
    public static let unlimited = DecompressionLimits(maxOutputBytes: .max, maxRatio: nil, ratioCheckAfterBytes: .max)

    /// Which limit a stream ran into.
    public enum Limit: Sendable, Hashable {
        /// The output passed ``DecompressionLimits/maxOutputBytes`` (the limit's value).
        case outputBytes(Int)
        /// The output/input ratio passed ``DecompressionLimits/maxRatio`` (the limit's value).
        case ratio(Int)
    }
}
