import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

@Suite struct OnionAddressTests {
    /// rend-spec-v3 section 6's example addresses.
    static let specExamples = [
        "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion",
        "sp3k262uwy4r2k3ycr5awluarykdpag6a7y33jxop4cs2lu5uz5sseqd.onion",
        "xa4r2iadxm55fbnqgwwi5mymqdcofiu3w6rpbtqn7b2dyn7mgwj64jyd.onion",
    ]

    @Test(arguments: specExamples)
    func specExampleRoundTrips(_ text: String) throws {
        let address = try OnionAddress(text)
        #expect(address.identityKey.count == 32)
        #expect(address.hostname == text)
        #expect(try OnionAddress(identityKey: address.identityKey) == address)
        // Upper case and no suffix name the same service.
        #expect(try OnionAddress(text.uppercased()) == address)
        #expect(try OnionAddress(String(text.dropLast(6))) == address)
        #expect(address.encoded == String(text.dropLast(6)))
    }

    @Test func changedCharacterFailsTheChecksum() throws {
        var bytes = Array(Self.specExamples[0].utf8)
        bytes[0] = bytes[0] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        #expect {
            try OnionAddress(utf8: bytes)
        } throws: { error in
            guard case .checksumMismatch = error as? OnionAddressError else { return false }
            return true
        }
    }

    @Test func otherVersionIsRefused() throws {
        let key = try OnionAddress(Self.specExamples[1]).identityKey
        let checksum = try OnionAddress.checksum(identityKey: key, version: 4)
        let text = OnionAddress.base32Encode(key + checksum + [4])
        #expect(throws: OnionAddressError.unsupportedVersion(4)) { try OnionAddress(text) }
    }

    @Test func malformedTextGetsTypedErrors() {
        #expect(throws: OnionAddressError.wrongLength(7)) { try OnionAddress("example.onion") }
        #expect(throws: OnionAddressError.wrongLength(0)) { try OnionAddress("") }
        #expect(throws: OnionAddressError.wrongLength(16)) { try OnionAddress("duskgytldkxiuqc6.onion") }
        let bad = "1" + Self.specExamples[2].dropFirst()
        #expect(throws: OnionAddressError.invalidCharacter(offset: 0, byte: UInt8(ascii: "1"))) { try OnionAddress(bad) }
        #expect(throws: OnionAddressError.keyLength(31)) { try OnionAddress(identityKey: [UInt8](repeating: 1, count: 31)) }
    }

    /// Addresses and subcredentials of random keys, computed by Stem at test time.
    @Test(.enabled(if: StemOracle.available, "Stem is not installed (python3 -m pip install stem==1.8.2)"))
    func agreesWithStem() throws {
        let script = """
        import os, binascii
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        from stem.descriptor.hidden_service import HiddenServiceDescriptorV3 as D
        for _ in range(16):
            key = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            blinded = os.urandom(32)
            print(binascii.hexlify(key).decode(), binascii.hexlify(blinded).decode(),
                  D.address_from_identity_key(key), binascii.hexlify(D._subcredential(key, blinded)).decode())
        """
        let (status, output) = try StemOracle.python(["-c", script])
        try #require(status == 0, "python3/Stem failed")
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        try #require(lines.count == 16)
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            let key = try #require(Hex.decode(Array(fields[0].utf8)))
            let blinded = try #require(Hex.decode(Array(fields[1].utf8)))
            let address = try OnionAddress(identityKey: key)
            #expect(address.hostname == fields[2])
            #expect(try OnionAddress(fields[2]).identityKey == key)
            #expect(Hex.encode(try address.subcredential(blindedKey: blinded), uppercase: false) == fields[3])
        }
    }
}
