import Foundation
import Testing
@testable import TorDescriptors

/// The curve25519 → Ed25519 key map and Ed25519 certificate checks.
struct Ed25519VerificationTests {
    /// (u, y) pairs computed independently with Python integers:
    /// u' = int.from_bytes(u, 'little') & (2^255 − 1); y = (u' − 1) · (u' + 1)^(p − 2) mod p, little-endian.
    /// Edge cases: 0, 1, p − 1 (u + 1 = p ≡ 0, so y = 0 as in tor), p, p + 1, 2^255 − 1, all-ones
    /// (top bit ignored), 9 (the base point: y = 4/5), then six random values.
    static let vectors: [(String, String)] = [
        ("0000000000000000000000000000000000000000000000000000000000000000", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        ("0100000000000000000000000000000000000000000000000000000000000000", "0000000000000000000000000000000000000000000000000000000000000000"),
        ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "0000000000000000000000000000000000000000000000000000000000000000"),
        ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        ("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "0000000000000000000000000000000000000000000000000000000000000000"),
        ("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "c66b28afa1bc86f21aca6b28afa1bc86f21aca6b28afa1bc86f21aca6b28af21"),
        ("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "c66b28afa1bc86f21aca6b28afa1bc86f21aca6b28afa1bc86f21aca6b28af21"),
        ("0900000000000000000000000000000000000000000000000000000000000000", "5866666666666666666666666666666666666666666666666666666666666666"),
        ("9f41bd5bcbb0f1d7bda6ec8707d777c6f13fa60de6281c5f78de3f618b1a923f", "ca8f8d6f422313a16a854d2a4d5888310564eafaac42b68ade4bf60f37508e18"),
        ("03bb3768472eeadec46328c3cc12239e9e71202100f8df0135c637f5fb2adf2a", "351d036cb9b0e2ba373048cf9aa7d75cf254a0d7912389d67729ebdd3a750366"),
        ("4a50f6328ae0ada0342ef0f7b032f7f7e4624c055c6a2aef254310544dd19a96", "14065dc6f46b5b6735437984072a51704a4f5ca30a9ca658d2304b4e7206876b"),
        ("0098adb556104f5ad14e7bb2502f7b78b42d0e41f9f005f3bf5bd867048cc96b", "fe48c2147047a0a48c612e23912660bf47af90e158a9a98afe3f1d425a217500"),
        ("5d6094d702730bb52e9ff4f4321ec13eedd1f17658835ae48640c6761b96bfc7", "610a7dbbf79f0ed5f099342848cbe68303902b05506bbee2600d19226265314b"),
        ("cc5edc4b096ef2fa173557839c5ceb255746ecb38b174faf514e2dcc14a026b8", "854d03f7dc3c525a1a9685491c6eebff206d98091c0244f4f59b781f02940a36"),
    ]

    static func hex(_ text: String) -> [UInt8] { Hex.decode(text.utf8)! }

    @Test("curve25519 u → Ed25519 y matches Python big-integer arithmetic, with both sign bits")
    func conversionVectors() throws {
        for (u, y) in Self.vectors {
            let expected = Self.hex(y)
            #expect(Ed25519KeyConversion.ed25519PublicKey(fromCurve25519: Self.hex(u), signBit: 0) == expected, "u = \(u)" as Comment)
            var negative = expected
            negative[31] |= 0x80
            #expect(Ed25519KeyConversion.ed25519PublicKey(fromCurve25519: Self.hex(u), signBit: 1) == negative)
        }
        #expect(Ed25519KeyConversion.ed25519PublicKey(fromCurve25519: [UInt8](repeating: 1, count: 31), signBit: 0) == nil)
    }

    @Test("field arithmetic: inverse times value is one, for values with large limbs")
    func fieldInverse() {
        for u in Self.vectors.map({ Self.hex($0.0) }) {
            let x = FieldElement25519(littleEndian: u)
            if x.littleEndianBytes == FieldElement25519.zero.littleEndianBytes { continue }
            #expect((x * x.inverted()).littleEndianBytes == FieldElement25519.one.littleEndianBytes)
            #expect(((x - x) + x).littleEndianBytes == x.littleEndianBytes)
        }
    }
}
