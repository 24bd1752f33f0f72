import CCodecs

/// A compression library the build does not link: it is opened at run time by soname (see
/// `Sources/CCodecs`), so building needs zlib's headers alone and a missing library only
/// disables its format.
enum CodecLibrary: Int32, Sendable {
    case lzma = 0   // CCODECS_LZMA
    case zstd = 1   // CCODECS_ZSTD
    case bzip2 = 2  // CCODECS_BZIP2

    /// The library a format needs beyond zlib, if any.
    init?(_ format: CompressionFormat) {
        switch format {
        case .identity, .deflate, .gzip: return nil
        case .xz: self = .lzma
        case .zstd: self = .zstd
        case .bzip2: self = .bzip2
        }
    }

    /// Opens the library on first use (once per process, thread-safely); whether it is usable.
    var isLoaded: Bool { ccodecs_load(rawValue) == 1 }

    /// The file name the library is looked up under, e.g. `libzstd.so.1`.
    var soname: String { String(cString: ccodecs_soname(rawValue)) }

    /// What to install when the library is missing.
    var installHint: String {
        #if os(macOS)
        switch self {
        case .lzma: "brew install xz"
        case .zstd: "brew install zstd"
        case .bzip2: "bzip2 ships with macOS"
        }
        #else
        switch self {
        case .lzma: "apt-get install liblzma5"
        case .zstd: "apt-get install libzstd1"
        case .bzip2: "apt-get install libbz2-1.0"
        }
        #endif
    }

    /// The error every use of a format whose library could not be loaded reports.
    func unavailable(_ format: CompressionFormat) -> DecompressionError {
        DecompressionError(format: format, kind: .libraryUnavailable(library: soname, install: installHint),
                           inputOffset: 0)
    }
}

extension CompressionFormat {
    /// Whether this format can be decompressed in this process: always for identity, deflate
    /// and gzip (zlib is linked); for xz, zstd and bzip2, whether their runtime library
    /// (`liblzma.so.5`, `libzstd.so.1`, `libbz2.so.1.0`) could be opened. The first call for a
    /// format opens its library.
    ///
    /// ```swift
    /// if !CompressionFormat.zstd.isAvailable { print("install libzstd1 for zstd") }
    /// ```
    public var isAvailable: Bool { CodecLibrary(self)?.isLoaded ?? true }

    /// Every format ``isAvailable`` says can be decompressed here, in declaration order.
    public static var availableFormats: [CompressionFormat] { allCases.filter(\.isAvailable) }
}

/// The backend of a format whose library is missing: every call reports
/// ``DecompressionError/Kind/libraryUnavailable(library:install:)``.
final class UnavailableDecoder: DecoderBackend {
    let consumed = 0
    private let error: DecompressionError

    init(_ error: DecompressionError) { self.error = error }

    func decode(_ input: UnsafeRawBufferPointer,
                emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        throw error
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(DecompressionError) -> Void) throws(DecompressionError) {
        throw error
    }
}
