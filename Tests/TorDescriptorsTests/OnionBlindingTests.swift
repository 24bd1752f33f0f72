import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

@Suite struct OnionBlindingTests {
    static func hex(_ text: String) -> [UInt8] { Hex.decode(Array(text.utf8))! }

    /// rend-spec-v3 2.2.1's worked example.
    @Test func specTimePeriodExample() throws {
        let time = try #require(TorTimestamp(parsing: "2016-04-13 11:15:01"))
        let period = OnionTimePeriod(containing: time)
        #expect(period.number == 16903)
        #expect(period.start.description == "2016-04-12 12:00:00")
        #expect(period.end.description == "2016-04-13 12:00:00")
        #expect(period.next.start == period.end)
        #expect(period.previous.end == period.start)
        // The boundary belongs to the period it starts.
        #expect(OnionTimePeriod(containing: period.end).number == 16904)
        #expect(OnionTimePeriod(containing: TorTimestamp(secondsSince1970: period.end.secondsSince1970 - 1)).number == 16903)
    }

    @Test func periodLengthAndEarlyTimes() {
        let time = TorTimestamp(secondsSince1970: 1_460_546_101)
        #expect(OnionTimePeriod(containing: time, lengthMinutes: 60).number == (24_342_435 - 720) / 60)
        #expect(OnionTimePeriod(containing: TorTimestamp(secondsSince1970: -5)).number == 0)
        #expect(OnionTimePeriod(number: .max).end.secondsSince1970 == Int64.max)
    }

    /// tor's src/test/test_hs_common.c, test_blinding_basics: period 1234 of 1,440 minutes.
    @Test func torBlindingVector() throws {
        let identity = Self.hex("833990B085C1A688C1D4C8B1F6B56AFAF5A2ECA674449E1D704F83765CCB7BC6")
        let time = try #require(TorTimestamp(parsing: "1973-05-20 01:50:33"))
        let period = OnionTimePeriod(containing: time)
        #expect(period.number == 1234)
        #expect(try OnionAddress.blindingFactor(identityKey: identity, period: period)
                == Self.hex("379E50DB31FEE6775ABD0AF6FB7C371E060308F4F847DB09FE4CFE13AF602287"))
        let address = try OnionAddress(identityKey: identity)
        let blinded = try address.blindedKey(for: period)
        #expect(blinded == Self.hex("3A50BF210E8F9EE955AE0014F7A6917FB65EBF098A86305ABB508D1A7291B6D5"))
        #expect(try address.subcredential(blindedKey: blinded)
                == Self.hex("635D55907816E8D76398A675A50B1C2F3E36B42A5CA77BA3A0441285161AE07D"))
    }

    @Test func invalidKeysAreTypedErrors() {
        // y = 2^255 − 1 is not below p: no canonical point.
        var notCanonical = [UInt8](repeating: 0xFF, count: 32)
        notCanonical[31] = 0x7F
        #expect(throws: OnionAddressError.notACurvePoint) { try OnionAddress(identityKey: notCanonical) }
        // (0, −1) has order 2: a pure torsion point.
        var orderTwo = [UInt8](repeating: 0xFF, count: 32)
        orderTwo[0] = 0xEC
        orderTwo[31] = 0x7F
        #expect(throws: OnionAddressError.torsionComponent) { try OnionAddress(identityKey: orderTwo) }
        #expect(throws: OnionAddressError.notACurvePoint) { try OnionAddress.blind(notCanonical, by: [UInt8](repeating: 1, count: 32)) }
    }

    /// Decoding then encoding any valid point gives its bytes back, and the base point times
    /// the group order is the identity (checks the curve constants and the ladder).
    @Test func pointEncodingRoundTripsAndGroupOrder() throws {
        let basePoint = Self.hex("5866666666666666666666666666666666666666666666666666666666666666")
        let point = try #require(EdwardsPoint25519(encoded: basePoint))
        #expect(point.encoded == basePoint)
        #expect(point.isInPrimeOrderSubgroup)
        #expect(!point.isIdentity)
        #expect((EdwardsPoint25519.sqrtMinusOne * EdwardsPoint25519.sqrtMinusOne) == -FieldElement25519.one)
        // 2·B by the ladder equals B + B.
        var two = [UInt8](repeating: 0, count: 32)
        two[0] = 2
        #expect(point.multiplied(byLittleEndian: two).encoded == (point + point).encoded)
    }

    /// Stem's `_blinded_pubkey` (its own pure-Python Ed25519) multiplies real keys by our
    /// blinding factors; its addresses and subcredentials check the rest of the chain.
    @Test(.enabled(if: StemOracle.available, "Stem is not installed (python3 -m pip install stem==1.8.2)"))
    func blindedKeysAgreeWithStem() throws {
        let keys = try Self.stemKeys(count: 6)
        var lines: [String] = []
        var ours: [[UInt8]] = []
        for (index, key) in keys.enumerated() {
            let period = OnionTimePeriod(number: 20_000 + UInt64(index) * 37, lengthMinutes: index % 2 == 0 ? 1440 : 360)
            let factor = try OnionAddress.blindingFactor(identityKey: key, period: period)
            lines.append(Hex.encode(key, uppercase: false) + " " + Hex.encode(factor, uppercase: false))
            ours.append(try OnionAddress(identityKey: key).blindedKey(for: period))
        }
        let script = """
        import sys, binascii
        from stem.descriptor.hidden_service import _blinded_pubkey
        for line in sys.argv[1:]:
            key, factor = (binascii.unhexlify(x) for x in line.split())
            print(binascii.hexlify(_blinded_pubkey(key, factor)).decode())
        """
        let (status, output) = try StemOracle.python(["-c", script] + lines)
        try #require(status == 0, "python3/Stem failed")
        let stem = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        try #require(stem.count == keys.count)
        for (index, blinded) in ours.enumerated() {
            #expect(Hex.encode(blinded, uppercase: false) == stem[index], "key \(index)")
        }
    }

    /// Fresh Ed25519 public keys from python's `cryptography` (Stem's own dependency).
    static func stemKeys(count: Int) throws -> [[UInt8]] {
        let script = """
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        for _ in range(\(count)):
            print(Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex())
        """
        let (status, output) = try StemOracle.python(["-c", script])
        try #require(status == 0, "python3/cryptography failed")
        let keys = String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { Hex.decode(Array($0.utf8)) }
        try #require(keys.count == count)
        return keys
    }
}
