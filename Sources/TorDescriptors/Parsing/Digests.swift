import Crypto

/// Digest helpers used for descriptor digests (SHA-1), microdescriptor digests (SHA-256) and
/// signature checks.
package enum Digest {
    /// SHA-1 of the bytes.
    package static func sha1<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        Array(hash(Insecure.SHA1.self, bytes))
    }

    /// SHA-256 of the bytes.
    package static func sha256<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        Array(hash(SHA256.self, bytes))
    }

    /// SHA-1 of the bytes as a typed value, without an intermediate array.
    package static func sha1Value<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> SHA1DigestValue {
        hash(Insecure.SHA1.self, bytes).withUnsafeBytes { SHA1DigestValue(bytes: $0)! }
    }

    /// SHA-256 of the bytes as a typed value, without an intermediate array.
    package static func sha256Value<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> SHA256DigestValue {
        hash(SHA256.self, bytes).withUnsafeBytes { SHA256DigestValue(bytes: $0)! }
    }

    /// The one hashing loop: contiguous bytes (array slices, the usual case) are hashed in
    /// place; anything else is copied once.
    private static func hash<Function: HashFunction, Bytes: Collection<UInt8>>(_ function: Function.Type, _ bytes: Bytes) -> Function.Digest {
        var hasher = Function()
        if bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            hasher.update(data: Array(bytes))
        }
        return hasher.finalize()
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
