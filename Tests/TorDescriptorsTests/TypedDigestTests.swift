import Foundation
import Testing
@testable import TorDescriptors

/// `SHA1DigestValue` / `SHA256DigestValue` read from text, and the typed digests of documents
/// meeting each other: a server descriptor and the `r` line naming it, a microdescriptor and
/// its `m` line. Synthetic inputs are built from byte counts, not copied from documents.
@Suite struct TypedDigestTests {
    /// Bytes 0x01, 0x12, 0x23, ...: every nibble value appears, so a case or nibble-order
    /// mistake changes the value.
    static func sample(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 0x11 &+ 1) } }

    // MARK: Hex

    @Test(arguments: [20, 32])
    func hexInEitherCaseGivesTheBytes(count: Int) throws {
        let bytes = Self.sample(count)
        let upper = Hex.encode(bytes), lower = Hex.encode(bytes, uppercase: false)
        #expect(upper != lower)
        if count == 20 {
            let value = try #require(SHA1DigestValue(hex: upper))
            #expect(value.bytes == bytes && value.hex == upper)
            #expect(SHA1DigestValue(hex: lower) == value)
            #expect(SHA1DigestValue(hex: Array(lower.utf8)[...]) == value)   // a slice of a document
        } else {
            let value = try #require(SHA256DigestValue(hex: upper))
            #expect(value.bytes == bytes && value.hex == upper)
            #expect(SHA256DigestValue(hex: lower) == value)
            #expect(SHA256DigestValue(hex: Array(lower.utf8)[...]) == value)
        }
    }

    @Test func hexOfTheWrongLengthOrWithABadCharacterIsNil() {
        let sha1 = Hex.encode(Self.sample(20)), sha256 = Hex.encode(Self.sample(32))
        for bad in [String(sha1.dropLast()), sha1 + "0", String(sha1.dropLast(2)), "", sha256,
                    "G" + sha1.dropFirst(), String(sha1.dropLast()) + " ", "-" + sha1.dropFirst()] {
            #expect(SHA1DigestValue(hex: bad) == nil, "\(bad)")
        }
        for bad in [String(sha256.dropLast()), sha256 + "0", String(sha256.dropLast(2)), "", sha1,
                    String(sha256.dropLast()) + "z", "0x" + sha256.dropFirst(2)] {
            #expect(SHA256DigestValue(hex: bad) == nil, "\(bad)")
        }
    }

    // MARK: Base64

    @Test(arguments: [20, 32])
    func base64PaddedOrNotGivesTheBytes(count: Int) throws {
        let bytes = Self.sample(count)
        let padded = Base64.encode(bytes, padded: true), unpadded = Base64.encode(bytes, padded: false)
        #expect(padded == unpadded + "=")
        if count == 20 {
            let value = try #require(SHA1DigestValue(base64: unpadded))
            #expect(value.bytes == bytes && value.base64 == unpadded)
            #expect(SHA1DigestValue(base64: padded) == value)
        } else {
            let value = try #require(SHA256DigestValue(base64: unpadded))
            #expect(value.bytes == bytes && value.base64 == unpadded)
            #expect(SHA256DigestValue(base64: padded) == value)
        }
    }

    @Test func base64OfTheWrongLengthOrWithABadCharacterIsNil() {
        let sha1 = Base64.encode(Self.sample(20), padded: false), sha256 = Base64.encode(Self.sample(32), padded: false)
        for bad in [String(sha1.dropLast()), sha1 + "A", sha1 + "==", "", sha256, Base64.encode(Self.sample(21)),
                    "!" + sha1.dropFirst(), String(sha1.dropLast()) + "=", "=" + sha1.dropFirst(), sha1 + "\n"] {
            #expect(SHA1DigestValue(base64: bad) == nil, "\(bad)")
        }
        for bad in [String(sha256.dropLast()), sha256 + "A", sha256 + "==", "", sha1,
                    "-" + sha256.dropFirst(), String(sha256.dropLast()) + "="] {
            #expect(SHA256DigestValue(base64: bad) == nil, "\(bad)")
        }
    }

    @Test func bytesInitTakesExactlyItsLength() {
        #expect(SHA1DigestValue(bytes: Self.sample(20))?.bytes == Self.sample(20))
        #expect(SHA256DigestValue(bytes: Self.sample(32))?.bytes == Self.sample(32))
        #expect(SHA1DigestValue(bytes: Self.sample(21)) == nil && SHA256DigestValue(bytes: Self.sample(31)) == nil)
    }

    @Test func fuzzEntryPointHoldsOnEveryForm() throws {
        let target = try #require(FuzzEntryPoints.targets["digest-text"])
        for count in [20, 32] {
            let bytes = Self.sample(count)
            for text in [Hex.encode(bytes), Hex.encode(bytes, uppercase: false), Base64.encode(bytes, padded: false),
                         Base64.encode(bytes), "", "=", String(repeating: "A", count: 27) + "B"] {
                target(Array(text.utf8))   // traps on a broken invariant
            }
        }
    }

    // MARK: Documents meeting each other

    /// The arti-live relays whose server descriptor and microdescriptor are bundled with the
    /// two flavors of the consensus they were listed in.
    static let liveRelays = ["d2d4", "Akka"]

    @Test(arguments: liveRelays)
    func serverDescriptorDigestIsTheRLineDigest(name: String) throws {
        let descriptor = try ServerDescriptor(parsing: try ProjectFiles.corpus("server-descriptors/2026-07-arti-live--" + name), mode: .strict)
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"))
        let entry = try #require(consensus.entries.first { $0.fingerprint == descriptor.fingerprint })
        #expect(entry.nickname == name)
        let digest = try #require(descriptor.digest)
        #expect(entry.descriptorDigest == digest)
        #expect(digest.bytes == Digest.sha1(try #require(descriptor.signedContent)))
    }

    @Test(arguments: liveRelays)
    func microdescriptorDigestIsTheMLineDigest(name: String) throws {
        let micro = try Microdescriptor(parsing: try ProjectFiles.corpus("microdescs/2026-07-arti-live--" + name), mode: .strict)
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live"))
        let entry = try #require(consensus.entries.first { $0.nickname == name })
        #expect(entry.microdescriptorDigest == micro.digest)
        #expect(consensus.entries.filter { $0.microdescriptorDigest == micro.digest }.count == 1)
    }

    @Test func serverDescriptorNamesItsExtraInfoByTypedDigest() throws {
        let descriptor = try ServerDescriptor(parsing: try ProjectFiles.corpus("server-descriptors/2026-07-arti-live--d2d4"), mode: .strict)
        let text = try #require(String(decoding: descriptor.rawBytes, as: UTF8.self)
            .split(separator: "\n").first { $0.hasPrefix("extra-info-digest ") })
        let words = text.split(separator: " ").map(String.init)
        #expect(descriptor.extraInfoDigest == SHA1DigestValue(hex: words[1]))
        #expect(descriptor.extraInfoDigestSHA256 == SHA256DigestValue(base64: words[2]))
        #expect(descriptor.extraInfoDigest != nil && descriptor.extraInfoDigestSHA256 != nil)
    }

    @Test func syntheticAdditionalDigestIsTypedOnlyForSHA256OfItsLength() throws {
        let full = Hex.encode(Self.sample(32))
        func parsed(_ line: String) throws -> AdditionalDigest {
            let text = KeyCertificateSyntheticTests.syntheticDetached
                .replacingOccurrences(of: "additional-digest microdesc sha256 00FF", with: line)
            return try #require(try DetachedSignatures(parsing: Array(text.utf8), mode: .strict).additionalDigests.first)
        }
        let sha256 = try parsed("additional-digest microdesc sha256 " + full)
        #expect(sha256.digest == SHA256DigestValue(bytes: Self.sample(32)) && sha256.bytes == Self.sample(32))
        let unknown = try parsed("additional-digest microdesc sha3-256 " + full)
        #expect(unknown.digest == nil && unknown.bytes == Self.sample(32))
        let short = try parsed("additional-digest microdesc sha256 00FF")
        #expect(short.digest == nil && short.bytes == [0x00, 0xFF])
    }

    // MARK: Lenient text that is not a digest

    @Test func syntheticMalformedExtraInfoDigestsAreNilWithAWarning() throws {
        let sha1 = Hex.encode(Self.sample(20))
        let bytes = ExtraInfoEdgeCaseTests.synthetic([
            "geoip-db-digest " + sha1.dropLast(),                                   // line 3: 39 digits
            "geoip6-db-digest " + sha1.lowercased(),                                // line 4: fine, lower case
        ])
        let lenient = try ExtraInfoDescriptor(parsing: bytes)
        #expect(lenient.geoipDBDigest == nil)
        #expect(lenient.warnings.map(\.line) == [3] && lenient.warnings.first?.keyword == "geoip-db-digest")
        #expect(lenient.geoip6DBDigest == SHA1DigestValue(hex: sha1))
        #expect(ExtraInfoEdgeCaseTests.strictError(bytes)?.line == 3)
        // Stem's JSON keeps the line as written (lower case), as before the typed property.
        let json = lenient.stemJSON.serialized()
        #expect(json.contains("\"geoip6_db_digest\":\"\(sha1.lowercased())\""))
    }

    @Test func syntheticOverPaddedBridgeRouterDigestIsAWarning() throws {
        let sha256 = Base64.encode(Self.sample(32), padded: false)
        let text = ["@type bridge-extra-info 1.3",
                    "extra-info SyntheticBridge 0123456789ABCDEF0123456789ABCDEF01234567",
                    "published 2020-01-02 03:04:05",
                    "router-digest-sha256 " + sha256 + "==",
                    "router-digest " + Hex.encode(Self.sample(20)), ""].joined(separator: "\n")
        let lenient = try ExtraInfoDescriptor(parsing: Array(text.utf8))
        #expect(lenient.isBridge)
        #expect(lenient.routerDigestSHA256 == nil && lenient.sha256Digest == nil)
        #expect(lenient.warnings.map(\.keyword) == ["router-digest-sha256"])
        #expect(lenient.digest == SHA1DigestValue(bytes: Self.sample(20)))
    }
}
