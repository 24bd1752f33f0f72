/// Undoes the `Content-Encoding` a DirPort answered with (which need not be the one asked for).
enum ContentDecoding {
    /// Content codings this build can decode, in order of preference for `Accept-Encoding`.
    static let supported: [String] = ["identity"]

    static func decode(_ body: ArraySlice<UInt8>, contentEncoding: String?, maxBytes: Int) throws(DirectoryAttempt.Failure) -> [UInt8] {
        let coding = (contentEncoding ?? "identity").trimmingSpaces.lowercased()
        switch coding {
        case "", "identity":
            if body.count > maxBytes { throw .decodedTooLarge(limit: maxBytes) }
            return Array(body)
        default:
            throw .unsupportedEncoding(coding)
        }
    }
}
