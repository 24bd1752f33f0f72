/// SHAKE-256, the FIPS 202 extendable-output function that rend-spec-v3 calls `KDF` (onion
/// service descriptor keys, client-authorization cookies).
///
/// swift-crypto exposes SHA3-256 but not SHAKE, so the Keccak-f[1600] permutation is here:
/// 24 rounds over a 5×5 state of 64-bit lanes, rate 136 bytes, domain byte 0x1F.
///
/// ```swift
/// var xof = SHAKE256()
/// xof.absorb(secretInput)
/// xof.absorb(Array("hsdir-superencrypted-data".utf8))
/// let keys = xof.squeeze(32 + 16 + 32)
/// ```
public struct SHAKE256: Sendable {
    /// Bytes absorbed or squeezed per permutation (1600 − 2 × 256 bits).
    static let rate = 136

    private var state = [UInt64](repeating: 0, count: 25)
    /// Bytes of the current block absorbed so far.
    private var offset = 0
    private var squeezing = false

    public init() {}

    /// Adds input; call before the first ``squeeze(_:)``.
    public mutating func absorb(_ bytes: some Sequence<UInt8>) {
        precondition(!squeezing, "SHAKE256: absorb after squeeze")
        for byte in bytes {
            xorByte(byte, at: offset)
            offset += 1
            if offset == Self.rate {
                Self.permute(&state)
                offset = 0
            }
        }
    }

    /// The next `count` bytes of output.
    public mutating func squeeze(_ count: Int) -> [UInt8] {
        if !squeezing {
            // pad10*1 with SHAKE's domain bits 1111.
            xorByte(0x1F, at: offset)
            xorByte(0x80, at: Self.rate - 1)
            Self.permute(&state)
            offset = 0
            squeezing = true
        }
        var output: [UInt8] = []
        output.reserveCapacity(count)
        while output.count < count {
            if offset == Self.rate {
                Self.permute(&state)
                offset = 0
            }
            output.append(UInt8(truncatingIfNeeded: state[offset / 8] >> (8 * UInt64(offset % 8))))
            offset += 1
        }
        return output
    }

    /// SHAKE-256 of `input`, `count` bytes long.
    public static func hash(_ input: some Sequence<UInt8>, count: Int) -> [UInt8] {
        var xof = SHAKE256()
        xof.absorb(input)
        return xof.squeeze(count)
    }

    private mutating func xorByte(_ byte: UInt8, at position: Int) {
        state[position / 8] ^= UInt64(byte) << (8 * UInt64(position % 8))
    }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Rotation offsets ρ, indexed by lane x + 5y.
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    ]

    @inline(__always)
    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        count == 0 ? value : (value << count) | (value >> (64 - count))
    }

    /// Keccak-f[1600]: θ, ρ and π, χ, ι, 24 times.
    static func permute(_ a: inout [UInt64]) {
        var c = [UInt64](repeating: 0, count: 5)
        var b = [UInt64](repeating: 0, count: 25)
        for round in 0..<24 {
            for x in 0..<5 { c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] }
            for x in 0..<5 {
                let d = c[(x + 4) % 5] ^ rotate(c[(x + 1) % 5], 1)
                for y in stride(from: 0, to: 25, by: 5) { a[x + y] ^= d }
            }
            // B[y, 2x + 3y] = rot(A[x, y], r[x, y])
            for x in 0..<5 {
                for y in 0..<5 {
                    b[y + 5 * ((2 * x + 3 * y) % 5)] = rotate(a[x + 5 * y], rotations[x + 5 * y])
                }
            }
            for y in stride(from: 0, to: 25, by: 5) {
                for x in 0..<5 { a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]) }
            }
            a[0] ^= roundConstants[round]
        }
    }
}
