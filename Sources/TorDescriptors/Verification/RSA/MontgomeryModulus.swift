/// An odd modulus prepared for Montgomery multiplication over 64-bit limbs.
///
/// Tor's RSA keys have public exponent 65537, so verifying a signature is 17 modular
/// multiplications; Montgomery form makes each one a single pass without division. Limbs are
/// little-endian (`limbs[0]` is least significant). Only public values pass through here, so
/// the code is not constant-time.
struct MontgomeryModulus: Sendable {
    let limbs: [UInt64]
    /// -n⁻¹ mod 2⁶⁴.
    let inverse: UInt64
    /// R² mod n with R = 2^(64·count): multiplying by it enters Montgomery form.
    let rSquared: [UInt64]

    var count: Int { limbs.count }

    /// - Precondition: the caller checked `limbs` is odd, has a non-zero top limb and is > 1.
    init(limbs: [UInt64]) {
        self.limbs = limbs
        // Newton's iteration doubles the correct low bits each step: 64 bits after 6 steps.
        var x: UInt64 = 1
        for _ in 0..<6 { x = x &* (2 &- limbs[0] &* x) }
        inverse = 0 &- x
        rSquared = MontgomeryModulus.computeRSquared(limbs: limbs, inverse: 0 &- x)
    }

    /// R² mod n as 2^(64k) in Montgomery form: start from R mod n (Montgomery one), then
    /// square-and-double over the bits of 64k. About a dozen multiplications instead of
    /// 64k shift-and-subtract steps.
    private static func computeRSquared(limbs: [UInt64], inverse: UInt64) -> [UInt64] {
        let k = limbs.count
        let modulus = MontgomeryModulus(uncheckedLimbs: limbs, inverse: inverse)
        // R mod n: start at the highest power of two below n and double the rest of the way.
        let topBits = 64 - limbs[k - 1].leadingZeroBitCount
        var one = [UInt64](repeating: 0, count: k)
        one[k - 1] = 1 << UInt64(topBits - 1)
        for _ in 0..<(64 - topBits + 1) { modulus.doubleInPlace(&one) }
        var x = one
        let exponent = 64 * k
        var started = false
        for bit in stride(from: exponent.bitWidth - exponent.leadingZeroBitCount - 1, through: 0, by: -1) {
            if started { x = modulus.multiply(x, x) }
            if (exponent >> bit) & 1 == 1 {
                modulus.doubleInPlace(&x)
                started = true
            }
        }
        return x
    }

    private init(uncheckedLimbs: [UInt64], inverse: UInt64) {
        self.limbs = uncheckedLimbs
        self.inverse = inverse
        self.rSquared = []
    }

    /// x ← 2x mod n, for x < n.
    func doubleInPlace(_ x: inout [UInt64]) {
        var carry: UInt64 = 0
        for i in 0..<count {
            let v = x[i]
            x[i] = (v << 1) | carry
            carry = v >> 63
        }
        if carry == 1 || !isLess(x, limbs) { subtractModulus(&x) }
    }

    /// a·b·R⁻¹ mod n for a, b < n (CIOS: interleaved multiply and reduce).
    func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let k = count
        var t = [UInt64](repeating: 0, count: k + 2)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                limbs.withUnsafeBufferPointer { n in
                    t.withUnsafeMutableBufferPointer { t in
                        for i in 0..<k {
                            // t += a·b[i]
                            var carry: UInt64 = 0
                            let bi = b[i]
                            for j in 0..<k {
                                let (hi, lo) = a[j].multipliedFullWidth(by: bi)
                                let (s1, c1) = t[j].addingReportingOverflow(lo)
                                let (s2, c2) = s1.addingReportingOverflow(carry)
                                t[j] = s2
                                carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                            }
                            let (s, c) = t[k].addingReportingOverflow(carry)
                            t[k] = s
                            t[k + 1] = c ? 1 : 0
                            // t += m·n, then shift one limb right (t[0] becomes zero).
                            let m = t[0] &* inverse
                            let (hi0, lo0) = m.multipliedFullWidth(by: n[0])
                            let (_, c0) = t[0].addingReportingOverflow(lo0)
                            carry = hi0 &+ (c0 ? 1 : 0)
                            for j in 1..<k {
                                let (hi, lo) = m.multipliedFullWidth(by: n[j])
                                let (s1, c1) = t[j].addingReportingOverflow(lo)
                                let (s2, c2) = s1.addingReportingOverflow(carry)
                                t[j - 1] = s2
                                carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                            }
                            let (s3, c3) = t[k].addingReportingOverflow(carry)
                            t[k - 1] = s3
                            t[k] = t[k + 1] &+ (c3 ? 1 : 0)
                        }
                    }
                }
            }
        }
        var result = Array(t[0..<k])
        if t[k] != 0 || !isLess(result, limbs) { subtractModulus(&result) }
        return result
    }

    /// x^e mod n for x < n, left-to-right square-and-multiply in Montgomery form.
    func power(_ x: [UInt64], exponent: [UInt8]) -> [UInt64] {
        let base = multiply(x, rSquared)
        var oneInForm = [UInt64](repeating: 0, count: count)
        oneInForm[0] = 1
        var acc = multiply(oneInForm, rSquared)
        var started = false   // squaring Montgomery one for leading zero bits is wasted work
        for byte in exponent {
            for bit in stride(from: 7, through: 0, by: -1) {
                if started { acc = multiply(acc, acc) }
                if (byte >> UInt8(bit)) & 1 == 1 {
                    acc = started ? multiply(acc, base) : base
                    started = true
                }
            }
        }
        return multiply(acc, oneInForm)   // leave Montgomery form: acc·1·R⁻¹
    }

    private func subtractModulus(_ x: inout [UInt64]) {
        var borrow = false
        for i in 0..<count {
            let (d1, b1) = x[i].subtractingReportingOverflow(limbs[i])
            let (d2, b2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            x[i] = d2
            borrow = b1 || b2
        }
    }

    /// a < b for equal-length little-endian limb arrays.
    func isLess(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        var i = a.count - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] }
            i -= 1
        }
        return false
    }
}
