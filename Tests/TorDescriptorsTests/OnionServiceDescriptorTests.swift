import Crypto
import Foundation
import Testing
@testable import TorDescriptors

/// v3 onion-service descriptors against Stem 1.8.2: Stem creates descriptors (real blinded
/// keys, introduction points with every link specifier type) and decrypts them; we parse,
/// verify and decrypt the same bytes and must read the same values. Hostile variants are
/// derived from those descriptors, each labelled with what it breaks.
@Suite(.enabled(if: StemOracle.available, "Stem is not installed (python3 -m pip install stem==1.8.2)"))
struct OnionServiceDescriptorTests {
    /// One descriptor Stem made, with what Stem read from it.
    struct Made {
        let bytes: [UInt8]
        let oracle: [String: Any]
        var subcredential: [UInt8] { hexBytes(oracle["subcredential"] as! String) }
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    /// Stem's `create` run once per call into a fresh folder (a failing script fails the test).
    static func make(count: Int = 4) throws -> [Made] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onion-stem-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = ProjectFiles.root.path + "/Tests/StemOracle/onion_service.py"
        let (status, output) = try StemOracle.python([script, "create", folder.path, String(count)])
        try #require(status == 0, "onion_service.py create failed (is python3-cryptography installed?)")
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        try #require(lines.count == count)
        return try lines.map { line in
            let oracle = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: oracle["file"] as! String)))
            return Made(bytes: bytes, oracle: oracle)
        }
    }

    @Test("parse, verify and decrypt agree with Stem's decrypt(), field by field")
    func matchesStem() throws {
        for made in try Self.make() {
            let descriptor = try OnionServiceDescriptor(parsing: made.bytes[...], mode: .strict)
            let oracle = made.oracle
            #expect(descriptor.version == oracle["version"] as? Int)
            #expect(descriptor.lifetimeMinutes == oracle["lifetime"] as? Int)
            #expect(descriptor.revisionCounter == UInt64(oracle["revision_counter"] as! Int))
            #expect(descriptor.blindedKey.map { Base64.encode($0) } == oracle["blinded_key"] as? String)
            #expect(Base64.encode(descriptor.signingKey) == oracle["signing_key"] as? String)

            // The address from Stem decrypts too (OnionAddress derives the same subcredential).
            let address = try OnionAddress(oracle["address"] as! String)
            #expect(try descriptor.decrypt(address: address).inner.introductionPoints.count == (oracle["introduction_points"] as! [Any]).count)
            let report = descriptor.verificationReport(at: Date(), blindedKey: descriptor.blindedKey)
            #expect(report.isValid, "\(report)")
            #expect(report[.onionService(.signature)] == .passed)
            #expect(report[.onionService(.signingKeyCertificate)] == .passed)

            let decrypted = try descriptor.decrypt(subcredential: made.subcredential, mode: .strict)
            #expect(!decrypted.usedClientAuthorization)
            #expect(decrypted.inner.create2Formats == oracle["formats"] as? [Int])
            #expect(decrypted.inner.introAuthRequired ?? [] == oracle["intro_auth"] as? [String])
            #expect(decrypted.inner.isSingleOnionService == oracle["is_single_service"] as? Bool)
            #expect(decrypted.middle.authType == oracle["auth_type"] as? String)
            #expect(Base64.encode(decrypted.middle.ephemeralKey) == oracle["ephemeral_key"] as? String)
            #expect(decrypted.middle.clients.map { Base64.encode($0.id, padded: false) }.sorted() == oracle["clients"] as? [String])

            let points = oracle["introduction_points"] as! [[String: Any]]
            try #require(decrypted.inner.introductionPoints.count == points.count)
            for (ours, stems) in zip(decrypted.inner.introductionPoints, points) {
                #expect(ours.linkSpecifiers.map(\.description) == stems["link_specifiers"] as? [String])
                #expect(Base64.encode(ours.onionKey) == stems["onion_key_raw"] as? String)
                #expect(Base64.encode(ours.encKey) == stems["enc_key_raw"] as? String)
                #expect(Base64.encode(ours.authKeyCertificate.rawBytes) == stems["auth_key_cert"] as? String)
                #expect(Base64.encode(ours.encKeyCertificate.rawBytes) == stems["enc_key_cert"] as? String)
            }
            let points_report = decrypted.verificationReport(at: Date())
            #expect(points_report.isValid, "\(points_report)")
            #expect(points_report.checks.count == 2 * points.count)
        }
    }

    @Test("Stem's bundled test descriptor (Resources/corpus/onion-service): same values as Stem's decrypt()")
    func stemBundled() throws {
        let path = ProjectFiles.root.path + "/Resources/corpus/onion-service/stem--hidden_service_v3"
        // Stem's test suite names this descriptor's address (test/unit/descriptor/hidden_service_v3.py).
        let address = "sltib6sxkuxh2scmtuvd5w2g7pahnzkovefxpo4e4ptnkzl5kkq5h2ad.onion"
        let (status, output) = try StemOracle.python([ProjectFiles.root.path + "/Tests/StemOracle/onion_service.py", "decrypt", path, address])
        try #require(status == 0)
        let oracle = try JSONSerialization.jsonObject(with: output) as! [String: Any]
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let descriptor = try OnionServiceDescriptor(parsing: bytes[...], mode: .strict)
        #expect(descriptor.revisionCounter == UInt64(oracle["revision_counter"] as! Int))
        // Its certificate expired long ago: everything but the expiry verifies.
        let report = descriptor.verificationReport(at: Date())
        #expect(report.failures.map(\.id) == [.onionService(.signingKeyCertificateExpiry)])
        let before = Date(timeIntervalSince1970: TimeInterval(descriptor.signingKeyCertificate.expiration.secondsSince1970 - 3600))
        #expect(descriptor.verificationReport(at: before).isValid)
        let decrypted = try descriptor.decrypt(subcredential: Self.hexBytes(oracle["subcredential"] as! String), mode: .strict)
        #expect(decrypted.inner.create2Formats == oracle["formats"] as? [Int])
        #expect(decrypted.inner.introAuthRequired == oracle["intro_auth"] as? [String])
        #expect(decrypted.inner.isSingleOnionService == oracle["is_single_service"] as? Bool)
        #expect(decrypted.middle.clients.map { Base64.encode($0.id, padded: false) }.sorted() == oracle["clients"] as? [String])
        let points = oracle["introduction_points"] as! [[String: Any]]
        #expect(decrypted.inner.introductionPoints.map { $0.linkSpecifiers.map(\.description) } == points.map { $0["link_specifiers"] as! [String] })
        #expect(decrypted.inner.introductionPoints.map { Base64.encode($0.onionKey) } == points.map { $0["onion_key_raw"] as! String })
        #expect(decrypted.inner.introductionPoints.map { Base64.encode($0.authKeyCertificate.rawBytes) } == points.map { $0["auth_key_cert"] as! String })
        // The address path (OnionAddress's subcredential) reads the same.
        let byAddress = try descriptor.decrypt(address: try OnionAddress(address), mode: .strict)
        #expect(byAddress == decrypted)
    }

    @Test("tordesc parse --json reads Stem's descriptor with Stem's attribute names")
    func parseAll() throws {
        let made = try Self.make(count: 1)[0]
        let results = AnyDescriptor.parseAll(made.bytes[...], as: try #require(DescriptorType.detect(fileName: nil, bytes: made.bytes[...])))
        let document = try #require(try results.first?.get())
        guard case .onionServiceDescriptor(let descriptor) = document else { Issue.record("not an onion-service descriptor"); return }
        let json = document.stemJSON.serialized()
        #expect(json.contains("\"revision_counter\":\(descriptor.revisionCounter)"))
        #expect(json.contains("\"lifetime\":\(made.oracle["lifetime"] as! Int)"))
    }

    // MARK: - Hostile descriptors (derived from Stem's, each breaking one thing)

    /// The descriptor with `old` replaced by `new` once.
    static func replacing(_ bytes: [UInt8], _ old: String, _ new: String) throws -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: old))
        return Array(text.replacingCharacters(in: range, with: new).utf8)
    }

    @Test("a tampered byte fails the signature check, by name")
    func tamperedByte() throws {
        let made = try Self.make(count: 1)[0]
        let revision = made.oracle["revision_counter"] as! Int
        let tampered = try Self.replacing(made.bytes, "revision-counter \(revision)\n", "revision-counter \(revision + 1)\n")
        let descriptor = try OnionServiceDescriptor(parsing: tampered[...], mode: .strict)
        let report = descriptor.verificationReport(at: Date())
        #expect(report.failures.map(\.id) == [.onionService(.signature)])
        #expect(throws: VerificationError.self) { try descriptor.verify(at: Date()) }
        // The revision counter is part of the key derivation: the MAC no longer matches either.
        #expect(throws: OnionServiceDecryptionError.macMismatch(.superencrypted)) {
            try descriptor.decrypt(subcredential: made.subcredential)
        }
    }

    @Test("a wrong subcredential or a wrong blinded key is refused before decrypting")
    func wrongKeys() throws {
        let made = try Self.make(count: 1)[0]
        let descriptor = try OnionServiceDescriptor(parsing: made.bytes[...])
        var wrong = made.subcredential
        wrong[0] ^= 1
        #expect(throws: OnionServiceDecryptionError.macMismatch(.superencrypted)) { try descriptor.decrypt(subcredential: wrong) }
        #expect(throws: OnionServiceDecryptionError.badSubcredential(length: 31)) { try descriptor.decrypt(subcredential: Array(wrong.prefix(31))) }
        let report = descriptor.verificationReport(at: Date(), blindedKey: [UInt8](repeating: 1, count: 32))
        #expect(report.failures.map(\.id) == [.onionService(.blindedKey)])
        // The certificate's expiry is checked at the time given.
        let later = descriptor.verificationReport(at: Date(timeIntervalSinceNow: 400 * 86_400))
        #expect(later.failures.map(\.id) == [.onionService(.signingKeyCertificateExpiry)])
    }

    @Test("bad MAC, truncated layers, oversized fields: typed errors")
    func hostileLayers() throws {
        let made = try Self.make(count: 1)[0]
        let descriptor = try OnionServiceDescriptor(parsing: made.bytes[...])
        let blinded = try #require(descriptor.blindedKey)
        let subcredential = made.subcredential
        // A flipped ciphertext byte: the MAC check refuses it.
        var flipped = descriptor.superencrypted
        flipped[20] ^= 0x80
        #expect(throws: OnionServiceDecryptionError.macMismatch(.superencrypted)) {
            try OnionServiceLayerCipher.decrypt(flipped, layer: .superencrypted, secretData: blinded, subcredential: subcredential,
                                                revisionCounter: descriptor.revisionCounter)
        }
        // Salt and MAC with nothing between them (tor's minimum is one byte of ciphertext).
        #expect(throws: OnionServiceDecryptionError.layerTooShort(.superencrypted, bytes: 48)) {
            try OnionServiceLayerCipher.decrypt(Array(descriptor.superencrypted.prefix(48)), layer: .superencrypted, secretData: blinded,
                                                subcredential: subcredential, revisionCounter: descriptor.revisionCounter)
        }
        // A truncated inner layer: correctly encrypted, but its introduction point stops after one line.
        let cut = Array("create2-formats 2\nintroduction-point AQAGwAACAQ==\n".utf8)
        let blob = OnionServiceLayerCipher.encrypt(cut, layer: .encrypted, secretData: blinded, subcredential: subcredential,
                                                   revisionCounter: 1, salt: [UInt8](repeating: 9, count: 16))
        let plaintext = try OnionServiceLayerCipher.decrypt(blob, layer: .encrypted, secretData: blinded, subcredential: subcredential, revisionCounter: 1)
        #expect(plaintext == cut)
        #expect(throws: DescriptorParseError.self) { try OnionServiceInnerLayer(parsing: plaintext, mode: .strict) }
        let lenient = try OnionServiceInnerLayer(parsing: plaintext, mode: .lenient)
        #expect(lenient.introductionPoints.isEmpty && lenient.warnings.count == 1)
        // A link specifier whose length runs past the block.
        #expect(throws: LinkSpecifier.DecodingError.truncated(index: 0)) { try LinkSpecifier.decodeList([1, 0, 6, 1, 2]) }
        #expect(throws: LinkSpecifier.DecodingError.badLength(index: 0, type: 3, length: 2)) { try LinkSpecifier.decodeList([1, 3, 2, 1, 2]) }
        // Oversized: a document past the HSDir limit (strict), an object past the parse limit (both modes).
        let padding = String(repeating: "x", count: 60_000)
        let big = try Self.replacing(made.bytes, "descriptor-lifetime", "unknown-field \(padding)\ndescriptor-lifetime")
        #expect(throws: DescriptorParseError.self) { try OnionServiceDescriptor(parsing: big[...], mode: .strict) }
        #expect(try OnionServiceDescriptor(parsing: big[...], mode: .lenient).unrecognizedLines.count == 1)
        var limits = ParseLimits.default
        limits.maxObjectBytes = 1_000
        do {
            _ = try OnionServiceDescriptor(parsing: made.bytes[...], mode: .lenient(limits: limits))
            Issue.record("an object over maxObjectBytes parsed")
        } catch {
            #expect(error.failure == .limitExceeded(.objectBytes, limit: 1_000))
            #expect(error.keyword == "superencrypted")
        }
        // A revision counter past 64 bits, a lifetime outside 30–720 (strict), version 2.
        let huge = try Self.replacing(made.bytes, "revision-counter ", "revision-counter 18446744073709551616")
        #expect(throws: DescriptorParseError.self) { try OnionServiceDescriptor(parsing: huge[...]) }
        let long = try Self.replacing(made.bytes, "descriptor-lifetime 180", "descriptor-lifetime 721")
        #expect(throws: DescriptorParseError.self) { try OnionServiceDescriptor(parsing: long[...], mode: .strict) }
        #expect(try OnionServiceDescriptor(parsing: long[...]).verificationReport(at: Date()).failures.map(\.id) == [.onionService(.signature), .onionService(.lifetime)])
        let v2 = try Self.replacing(made.bytes, "hs-descriptor 3", "hs-descriptor 2")
        #expect(throws: DescriptorParseError.self) { try OnionServiceDescriptor(parsing: v2[...]) }
    }
}
