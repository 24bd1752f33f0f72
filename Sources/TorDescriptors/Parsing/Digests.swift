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

extension Digest {
    /// SHA-1 of the bytes as a typed value, without an intermediate array.
    package static func sha1Value<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> SHA1DigestValue {
        var hasher = Insecure.SHA1()
        if bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            hasher.update(data: Array(bytes))
        }
        return hasher.finalize().withUnsafeBytes { SHA1DigestValue(bytes: $0)! }
    }

    /// SHA-256 of the bytes as a typed value, without an intermediate array.
    package static func sha256Value<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> SHA256DigestValue {
        var hasher = SHA256()
        if bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            hasher.update(data: Array(bytes))
        }
        return hasher.finalize().withUnsafeBytes { SHA256DigestValue(bytes: $0)! }
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
