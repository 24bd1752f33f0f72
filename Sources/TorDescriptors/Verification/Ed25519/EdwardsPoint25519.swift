/// A point of the Ed25519 curve −x² + y² = 1 + d·x²·y² in extended coordinates
/// (x = X/Z, y = Y/Z, x·y = T/Z), with the few operations onion-service key blinding needs:
/// decoding, scalar multiplication, encoding (RFC 8032 section 5.1).
///
/// Public-key data only (onion addresses, blinded keys), so nothing here is constant-time.
struct EdwardsPoint25519: Sendable {
    var x: FieldElement25519, y: FieldElement25519, z: FieldElement25519, t: FieldElement25519

    /// d = −121665/121666.
    static let d = -FieldElement25519(small: 121665) * FieldElement25519(small: 121666).inverted()
    static let twoD = d + d
    /// A square root of −1: 2^((p−1)/4), since 2 is not a square modulo p.
    static let sqrtMinusOne: FieldElement25519 = {
        let two = FieldElement25519(small: 2)
        return two.powerPMinus5Over8().squared() * two            // 2^(2^253 − 5)
    }()
    static let identity = EdwardsPoint25519(x: .zero, y: .one, z: .one, t: .zero)

    /// The group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
    static let groupOrder: [UInt8] = [
        0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    init(x: FieldElement25519, y: FieldElement25519, z: FieldElement25519, t: FieldElement25519) {
        (self.x, self.y, self.z, self.t) = (x, y, z, t)
    }

    /// Decodes a 32-byte public key: y little-endian with x's sign in the top bit. `nil` when y
    /// is not below p, when no x exists for y, or for the non-canonical "negative zero" x
    /// (RFC 8032 5.1.3).
    init?(encoded bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        let raw = Array(bytes)
        let signBit = raw[31] >> 7
        let y = FieldElement25519(littleEndian: raw)
        var canonical = raw
        canonical[31] &= 0x7F
        guard y.littleEndianBytes == canonical else { return nil }
        let ySquared = y * y
        let u = ySquared - .one
        let v = Self.d * ySquared + .one
        // x = u·v³·(u·v⁷)^((p−5)/8), then fixed up by √−1 when it squares to −u/v.
        let v3 = v * v * v
        var x = u * v3 * (u * v3 * v3 * v).powerPMinus5Over8()
        let check = v * x * x
        if check == u {
            // x is a root.
        } else if check == -u {
            x = x * Self.sqrtMinusOne
        } else {
            return nil
        }
        if x.isZero && signBit == 1 { return nil }
        if x.isOdd != (signBit == 1) { x = -x }
        self.init(x: x, y: y, z: .one, t: x * y)
    }

    /// y with x's sign in the top bit.
    var encoded: [UInt8] {
        let zInverse = z.inverted()
        let affineX = x * zInverse, affineY = y * zInverse
        var bytes = affineY.littleEndianBytes
        if affineX.isOdd { bytes[31] |= 0x80 }
        return bytes
    }

    var isIdentity: Bool { x.isZero && y == z }

    /// The unified addition of Hisil–Wong–Carter–Dawson for a = −1: complete on this curve,
    /// so it also doubles.
    static func + (p: EdwardsPoint25519, q: EdwardsPoint25519) -> EdwardsPoint25519 {
        let a = (p.y - p.x) * (q.y - q.x)
        let b = (p.y + p.x) * (q.y + q.x)
        let c = p.t * twoD * q.t
        let zz = p.z * q.z
        let d = zz + zz
        let e = b - a, f = d - c, g = d + c, h = b + a
        return EdwardsPoint25519(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    /// scalar·self for a 32-byte little-endian scalar (all 256 bits used), by double-and-add.
    func multiplied(byLittleEndian scalar: [UInt8]) -> EdwardsPoint25519 {
        var result = Self.identity
        for bit in stride(from: scalar.count * 8 - 1, through: 0, by: -1) {
            result = result + result
            if scalar[bit / 8] >> UInt8(bit % 8) & 1 == 1 { result = result + self }
        }
        return result
    }

    /// Whether ℓ·self is the identity: the point has no small-order (torsion) component, the
    /// check tor makes on every onion address (rend-spec-v3 2.2.7).
    var isInPrimeOrderSubgroup: Bool { multiplied(byLittleEndian: Self.groupOrder).isIdentity }
}
