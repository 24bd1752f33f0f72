import Crypto

/// SHA3-256 over several byte strings joined, the `H(a | b | ...)` of rend-spec-v3.
///
/// `nil` where the Crypto module has no SHA3 (Apple platforms, where `Crypto` re-exports
/// CryptoKit); swift-crypto's own implementation serves Linux and every other platform.
package enum OnionSHA3 {
    package static func hash(_ parts: [UInt8]...) -> [UInt8]? {
        hash(parts: parts)
    }

    package static func hash(parts: [[UInt8]]) -> [UInt8]? {
        #if canImport(Darwin)
        return nil
        #else
        var hasher = SHA3_256()
        for part in parts { hasher.update(data: part) }
        return Array(hasher.finalize())
        #endif
    }

    /// INT_8: a 64-bit unsigned integer, big-endian (rend-spec-v3 notation).
    package static func int8(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
    }
}
