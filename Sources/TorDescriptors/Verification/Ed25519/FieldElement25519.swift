/// An element of GF(2^255 − 19), the field under Curve25519 and Ed25519, in five 51-bit limbs
/// (value = l0 + l1·2^51 + l2·2^102 + l3·2^153 + l4·2^204).
///
/// Only what the `ntor-onion-key-crosscert` check needs: turning a curve25519 `u` into the
/// Ed25519 `y` = (u − 1)/(u + 1). Public-key data only, so nothing here is constant-time.
///
/// Limb bounds (why the 64-bit carries cannot overflow): every operation returns limbs below
/// 2^51 + 2^14. With factors' limbs below 2^52, the largest 128-bit column of a product (the
/// lowest: one plain term and four ×19 terms) is below 77 · 2^104 < 2^111, so each column's carry
/// (sum >> 51) is below 2^60; the top column has no ×19 terms, so 19 times its carry is below 2^60.
struct FieldElement25519: Equatable, Sendable {
    static let mask: UInt64 = (1 << 51) - 1
    var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64

    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4) = (l0, l1, l2, l3, l4)
    }

    static let zero = FieldElement25519(0, 0, 0, 0, 0)
    static let one = FieldElement25519(1, 0, 0, 0, 0)
    /// 2p, limb by limb: added before subtracting so no limb goes negative.
    static let twoP = FieldElement25519(0xF_FFFF_FFFF_FFDA, 0xF_FFFF_FFFF_FFFE, 0xF_FFFF_FFFF_FFFE,
                                        0xF_FFFF_FFFF_FFFE, 0xF_FFFF_FFFF_FFFE)

    /// Reads 32 little-endian bytes, ignoring the top bit (as curve25519 keys are read);
    /// values from p to 2^255 − 1 are accepted and act as their residue.
    init(littleEndian bytes: some Collection<UInt8>) {
        precondition(bytes.count == 32)
        var words = [UInt64](repeating: 0, count: 4)
        for (index, byte) in bytes.enumerated() { words[index / 8] |= UInt64(byte) << UInt64((index % 8) * 8) }
        words[3] &= 0x7FFF_FFFF_FFFF_FFFF
        self.init(words[0] & Self.mask,
                  (words[0] >> 51 | words[1] << 13) & Self.mask,
                  (words[1] >> 38 | words[2] << 26) & Self.mask,
                  (words[2] >> 25 | words[3] << 39) & Self.mask,
                  words[3] >> 12)
    }

    /// The canonical 32-byte little-endian encoding (value fully reduced below p; top bit 0).
    var littleEndianBytes: [UInt8] {
        var h = reduced()
        // Now every limb is below 2^51, so the value is below 2^255; at most one p to remove.
        let isAtLeastP = h.l0 >= Self.mask - 18 && h.l1 == Self.mask && h.l2 == Self.mask
            && h.l3 == Self.mask && h.l4 == Self.mask
        if isAtLeastP { h = FieldElement25519(h.l0 - (Self.mask - 18), 0, 0, 0, 0) }
        let words: [UInt64] = [h.l0 | h.l1 << 51, h.l1 >> 13 | h.l2 << 38, h.l2 >> 26 | h.l3 << 25, h.l3 >> 39 | h.l4 << 12]
        var out = [UInt8](repeating: 0, count: 32)
        for index in 0..<32 { out[index] = UInt8(truncatingIfNeeded: words[index / 8] >> UInt64((index % 8) * 8)) }
        return out
    }

    /// Carries until every limb is below 2^51 (folding 2^255 back in as 19).
    func reduced() -> FieldElement25519 {
        var h = self
        repeat {
            var carry = h.l0 >> 51; h.l0 &= Self.mask
            h.l1 += carry; carry = h.l1 >> 51; h.l1 &= Self.mask
            h.l2 += carry; carry = h.l2 >> 51; h.l2 &= Self.mask
            h.l3 += carry; carry = h.l3 >> 51; h.l3 &= Self.mask
            h.l4 += carry; carry = h.l4 >> 51; h.l4 &= Self.mask
            h.l0 += carry * 19
        } while h.l0 > Self.mask
        return h
    }

    static func + (a: FieldElement25519, b: FieldElement25519) -> FieldElement25519 {
        FieldElement25519(a.l0 + b.l0, a.l1 + b.l1, a.l2 + b.l2, a.l3 + b.l3, a.l4 + b.l4).reduced()
    }

    static func - (a: FieldElement25519, b: FieldElement25519) -> FieldElement25519 {
        let a = a.reduced(), b = b.reduced()
        return FieldElement25519(a.l0 + twoP.l0 - b.l0, a.l1 + twoP.l1 - b.l1, a.l2 + twoP.l2 - b.l2,
                                 a.l3 + twoP.l3 - b.l3, a.l4 + twoP.l4 - b.l4).reduced()
    }

    static func * (a: FieldElement25519, b: FieldElement25519) -> FieldElement25519 {
        // Terms that pass 2^255 wrap around multiplied by 19 (2^255 ≡ 19).
        let b1x19 = b.l1 * 19, b2x19 = b.l2 * 19, b3x19 = b.l3 * 19, b4x19 = b.l4 * 19
        var c0 = Wide(a.l0, b.l0); c0.add(a.l1, b4x19); c0.add(a.l2, b3x19); c0.add(a.l3, b2x19); c0.add(a.l4, b1x19)
        var c1 = Wide(a.l0, b.l1); c1.add(a.l1, b.l0); c1.add(a.l2, b4x19); c1.add(a.l3, b3x19); c1.add(a.l4, b2x19)
        var c2 = Wide(a.l0, b.l2); c2.add(a.l1, b.l1); c2.add(a.l2, b.l0); c2.add(a.l3, b4x19); c2.add(a.l4, b3x19)
        var c3 = Wide(a.l0, b.l3); c3.add(a.l1, b.l2); c3.add(a.l2, b.l1); c3.add(a.l3, b.l0); c3.add(a.l4, b4x19)
        var c4 = Wide(a.l0, b.l4); c4.add(a.l1, b.l3); c4.add(a.l2, b.l2); c4.add(a.l3, b.l1); c4.add(a.l4, b.l0)
        var carry: UInt64
        let r0 = c0.lo & mask; carry = c0.shiftedRight51
        c1.add(carry); let r1 = c1.lo & mask; carry = c1.shiftedRight51
        c2.add(carry); let r2 = c2.lo & mask; carry = c2.shiftedRight51
        c3.add(carry); let r3 = c3.lo & mask; carry = c3.shiftedRight51
        c4.add(carry); let r4 = c4.lo & mask; carry = c4.shiftedRight51
        let low = r0 + carry * 19
        return FieldElement25519(low & mask, r1 + (low >> 51), r2, r3, r4)
    }

    func squared(times count: Int = 1) -> FieldElement25519 {
        var value = self
        for _ in 0..<count { value = value * value }
        return value
    }

    /// self^(p−2), which is 1/self for a nonzero self and 0 for zero (as tor's `fe_invert`).
    /// The exponent 2^255 − 21 is reached by the usual chain of 254 squarings and 11 products.
    func inverted() -> FieldElement25519 {
        let (z2_250, z11) = powerTwo250MinusOne()
        return z2_250.squared(times: 5) * z11                     // 2^255 − 32 + 11
    }

    /// self^((p−5)/8) = self^(2^252 − 3), the power a square root is built from (RFC 8032 5.1.3).
    func powerPMinus5Over8() -> FieldElement25519 {
        powerTwo250MinusOne().z2_250.squared(times: 2) * self     // 2^252 − 4 + 1
    }

    /// The shared start of both exponent chains: self^(2^250 − 1), and self^11 on the way.
    private func powerTwo250MinusOne() -> (z2_250: FieldElement25519, z11: FieldElement25519) {
        let z2 = self.squared()                                   // 2
        let z9 = z2.squared(times: 2) * self                      // 9
        let z11 = z9 * z2                                         // 11
        let z2_5 = z11.squared() * z9                             // 2^5 − 1
        let z2_10 = z2_5.squared(times: 5) * z2_5                 // 2^10 − 1
        let z2_20 = z2_10.squared(times: 10) * z2_10              // 2^20 − 1
        let z2_40 = z2_20.squared(times: 20) * z2_20              // 2^40 − 1
        let z2_50 = z2_40.squared(times: 10) * z2_10              // 2^50 − 1
        let z2_100 = z2_50.squared(times: 50) * z2_50             // 2^100 − 1
        let z2_200 = z2_100.squared(times: 100) * z2_100          // 2^200 − 1
        return (z2_200.squared(times: 50) * z2_50, z11)           // 2^250 − 1
    }

    /// A small constant (below 2^51).
    init(small value: UInt64) {
        precondition(value <= Self.mask)
        self.init(value, 0, 0, 0, 0)
    }

    static prefix func - (a: FieldElement25519) -> FieldElement25519 { .zero - a }

    var isZero: Bool { littleEndianBytes.allSatisfy { $0 == 0 } }

    /// Whether the canonical value is odd: the "sign" of x that Ed25519 stores in the top bit.
    var isOdd: Bool { littleEndianBytes[0] & 1 == 1 }

    static func == (a: FieldElement25519, b: FieldElement25519) -> Bool {
        a.littleEndianBytes == b.littleEndianBytes
    }
}

/// A 128-bit accumulator built from 64-bit halves (`UInt128` needs macOS 15).
private struct Wide {
    var hi: UInt64, lo: UInt64

    @inline(__always) init(_ a: UInt64, _ b: UInt64) { (hi, lo) = a.multipliedFullWidth(by: b) }

    @inline(__always) mutating func add(_ a: UInt64, _ b: UInt64) {
        let (h, l) = a.multipliedFullWidth(by: b)
        let (sum, overflow) = lo.addingReportingOverflow(l)
        lo = sum
        hi = hi &+ h &+ (overflow ? 1 : 0)
    }

    @inline(__always) mutating func add(_ a: UInt64) {
        let (sum, overflow) = lo.addingReportingOverflow(a)
        lo = sum
        hi &+= overflow ? 1 : 0
    }

    /// The value shifted right by 51 bits; below 2^64 by the bounds in `FieldElement25519`.
    @inline(__always) var shiftedRight51: UInt64 { hi << 13 | lo >> 51 }
}

/// Tor's map from a curve25519 (Montgomery) public key to the Ed25519 (Edwards) public key of
/// the same secret, used to check `ntor-onion-key-crosscert` (dir-spec appendix C).
///
/// ```swift
/// let key = Ed25519KeyConversion.ed25519PublicKey(fromCurve25519: descriptor.ntorOnionKey!, signBit: 1)
/// ```
public enum Ed25519KeyConversion {
    /// The Edwards y = (u − 1)/(u + 1) mod 2^255 − 19, little-endian, with `signBit` (0 or 1)
    /// as the top bit: the sign of x, which the `u` coordinate alone does not determine.
    /// Like tor, the top bit of `u` is ignored and u = −1 (where u + 1 has no inverse) gives y = 0.
    /// Returns `nil` unless `curve25519Key` is 32 bytes.
    public static func ed25519PublicKey(fromCurve25519 curve25519Key: some Collection<UInt8>, signBit: Int) -> [UInt8]? {
        guard curve25519Key.count == 32 else { return nil }
        let u = FieldElement25519(littleEndian: curve25519Key)
        let y = (u - .one) * (u + .one).inverted()
        var bytes = y.littleEndianBytes
        bytes[31] |= UInt8(signBit & 1) << 7
        return bytes
    }
}
