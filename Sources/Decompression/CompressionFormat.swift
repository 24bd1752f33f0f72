/// A compression format the ``StreamingDecompressor`` can undo.
///
/// The names follow what Tor and CollecTor publish: tor's directory protocol uses the HTTP
/// content codings `deflate` (zlib-wrapped), `gzip`, `x-tor-lzma` (an xz stream) and `x-zstd`;
/// CollecTor publishes `.tar.xz`, `.xz`, `.gz` and `.bz2` files.
///
/// ```swift
/// let format = CompressionFormat(contentEncoding: "x-tor-lzma")   // .xz
/// let byName = CompressionFormat(fileExtension: "tgz")            // .gzip
/// ```
public enum CompressionFormat: String, Sendable, CaseIterable {
    /// No compression: bytes pass through unchanged.
    case identity
    /// A zlib-wrapped deflate stream (RFC 1950), as tor sends for `deflate` and stores as `.z`.
    case deflate
    /// One or more gzip members (RFC 1952).
    case gzip
    /// One or more concatenated xz streams; tor's `x-tor-lzma` is this format.
    case xz
    /// One or more zstd frames.
    case zstd
    /// One or more concatenated bzip2 streams.
    case bzip2

    /// The format for an HTTP `Content-Encoding` (or tor `Accept-Encoding`) token, ignoring case
    /// and surrounding spaces; nil for an unknown coding.
    public init?(contentEncoding: String) {
        var token = Substring(contentEncoding)
        while token.first == " " || token.first == "\t" { token.removeFirst() }
        while token.last == " " || token.last == "\t" { token.removeLast() }
        switch token.lowercased() {
        case "", "identity": self = .identity
        case "deflate": self = .deflate
        case "gzip", "x-gzip": self = .gzip
        case "x-tor-lzma", "xz", "x-xz", "lzma": self = .xz
        case "x-zstd", "zstd": self = .zstd
        case "bzip2", "x-bzip2": self = .bzip2
        default: return nil
        }
    }

    /// The format for a file name extension (with or without its dot, any case), e.g. `gz`,
    /// `tgz`, `xz`, `zst`, `bz2`, `z`; nil when the extension names no compression.
    public init?(fileExtension: String) {
        var ext = Substring(fileExtension)
        if ext.first == "." { ext.removeFirst() }
        switch ext.lowercased() {
        case "gz", "tgz", "gzip": self = .gzip
        case "xz", "txz", "lzma": self = .xz
        case "zst", "zstd", "tzst": self = .zstd
        case "bz2", "tbz2", "tbz", "bzip2": self = .bzip2
        case "z", "zz", "deflate": self = .deflate
        default: return nil
        }
    }

    /// The value to send in an HTTP `Content-Encoding` / `Accept-Encoding` header to tor.
    public var contentEncoding: String {
        switch self {
        case .identity: "identity"
        case .deflate: "deflate"
        case .gzip: "gzip"
        case .xz: "x-tor-lzma"
        case .zstd: "x-zstd"
        case .bzip2: "x-bzip2"
        }
    }

    /// Guesses the format from the first bytes of a stream by its magic number; nil when no
    /// known compressed format starts that way (the bytes are probably plain).
    ///
    /// At least 6 bytes are needed to recognise xz; 2 are enough for the others.
    public static func sniff<C: Collection<UInt8>>(_ prefix: C) -> CompressionFormat? {
        let head = Array(prefix.prefix(6))
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if starts([0x42, 0x5A, 0x68]) { return .bzip2 }   // "BZh"
        if head.count >= 2, head[0] & 0x0F == 8, head[0] >> 4 <= 7,
           (UInt16(head[0]) << 8 | UInt16(head[1])) % 31 == 0 {
            return .deflate
        }
        return nil
    }
}
