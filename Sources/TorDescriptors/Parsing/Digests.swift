import Crypto

/// Digest helpers used for descriptor digests (SHA-1), microdescriptor digests (SHA-256) and
/// signature checks.
package enum Digest {
    /// SHA-1 of the bytes.
    package static func sha1<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var hasher = Insecure.SHA1()
        if let done = bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) {
            _ = done
        } else {
            hasher.update(data: Array(bytes))
        }
        return Array(hasher.finalize())
    }

    /// SHA-256 of the bytes.
    package static func sha256<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var hasher = SHA256()
        if let done = bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) {
            _ = done
        } else {
            hasher.update(data: Array(bytes))
        }
        return Array(hasher.finalize())
    }
}

extension TokenizedDocument {
    /// The bytes from the start of the content (after annotations) up to and including the
    /// newline that ends the line of `item`'s keyword and arguments — the signed part that
    /// ends at `router-signature\n` or `-----END ...`.
    public func signedRange(throughKeywordLineOf item: DocumentItem) -> Range<Int> {
        let (_, next) = Tokenizer.lineBounds(bytes, from: item.range.lowerBound)
        return content.lowerBound..<next
    }
}
