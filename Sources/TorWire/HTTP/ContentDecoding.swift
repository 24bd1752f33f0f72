import Decompression

/// Undoes the `Content-Encoding` a DirPort answered with (which need not be the one asked for:
/// tor answers `x-tor-lzma` requests for descriptors with `identity`, and `gzip` with `deflate`).
package enum ContentDecoding {
    /// Content codings to ask for by default, most preferred first: tor's own order of
    /// preference (zstd, then lzma, then zlib), identity last; only codings whose library this
    /// process could load.
    package static let supported: [CompressionFormat] = [.zstd, .xz, .deflate, .gzip, .identity].filter(\.isAvailable)

    package static func decode(_ body: ArraySlice<UInt8>, contentEncoding: String?, maxBytes: Int) throws(HTTPFailure) -> [UInt8] {
        let coding = (contentEncoding ?? "identity").trimmingSpaces.lowercased()
        guard let format = CompressionFormat(contentEncoding: coding) else { throw .unsupportedEncoding(coding) }
        do {
            return try Decompression.decompress(body, format: format, limits: DecompressionLimits(maxOutputBytes: maxBytes))
        } catch {
            switch error.kind {
            case .limitExceeded(.outputBytes), .limitExceeded(.ratio): throw .decodedTooLarge(limit: maxBytes)
            default: break
            }
            throw .decodingFailed("\(error)")
        }
    }
}
