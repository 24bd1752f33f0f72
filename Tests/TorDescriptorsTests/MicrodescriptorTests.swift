import Foundation
import Testing
@testable import TorDescriptors

/// The large cache files live only in ../shared/corpus (too big to copy).
enum MicroFixtures {
    static func bytes(_ relative: String) throws -> [UInt8] { try ProjectFiles.corpus(relative) }
    static var hasSharedCorpus: Bool { ProjectFiles.hasSharedCorpus }
    static func shared(_ relative: String) throws -> [UInt8] { try ProjectFiles.shared(relative) }
}

@Suite struct MicrodescriptorTests {
    // Expected values below were checked against the file text and Stem 1.8.2
    // (`Microdescriptor.digest()`, `identifiers`, `or_addresses`, `get_annotation_lines()`).

    @Test func stemCachedMicrodescs() throws {
        let bytes = try MicroFixtures.bytes("microdescs/stem--cached-microdescs")
        let micros = try Microdescriptor.parseAll(bytes[...]).map { try $0.get() }
        #expect(micros.count == 3)
        #expect(micros.map(\.firstLine) == [1, 8, 17])
        #expect(micros.map(\.lastListed?.description) == ["2013-02-24 00:18:36", "2013-02-24 00:18:37", "2013-02-24 00:18:36"])
        #expect(micros.map(\.digest.base64) == [
            "UPBrN0HDguw7sN45oxlMa5p4NzQtFGoi69Lj4GGFJYc",
            "6kfAWySRUVjrLHmdI3ZkPGXf4gyw8nruh/3bE0J1mY8",
            "uhCGfIM6RbeD1Z/C6e9ct41+NIl9EbpgP8wG7uZT2Rw",
        ])
        #expect(micros[0].digest.hex == "50F06B3741C382EC3BB0DE39A3194C6B9A7837342D146A22EBD2E3E061852587")
        // The digest excludes the annotation, rawBytes includes it.
        #expect(micros[0].rawBytes.starts(with: Array("@last-listed".utf8)))
        #expect(micros[0].rawBytes[micros[0].contentRange].starts(with: Array("onion-key\n".utf8)))

        #expect(micros[0].ntorOnionKey == nil)
        #expect(micros[0].onionKey?.count == 140)           // DER of a 1024-bit RSA key
        #expect(micros[0].onionKeyPEM?.hasPrefix("-----BEGIN RSA PUBLIC KEY-----\nMIGJAoGBAMhPQtZPaxP3ukybV5Lfo") == true)
        #expect(micros[0].onionKeyPEM?.hasSuffix("AgMBAAE=\n-----END RSA PUBLIC KEY-----") == true)

        #expect(micros[1].ntorOnionKeyBase64 == "r5572HzD+PMPBbXlZwBhsm6YEbxnYgis8vhZ1jmdI2k=")
        #expect(micros[1].ntorOnionKey == Base64.decode(Array("r5572HzD+PMPBbXlZwBhsm6YEbxnYgis8vhZ1jmdI2k=".utf8)))
        #expect(micros[1].ntorOnionKey?.count == 32)
        #expect(micros[1].family == [.fingerprint(Fingerprint(hex: "6141629FA0D15A6AEAEF3A1BEB76E64C767B3174")!)])

        #expect(micros[2].orAddresses == [.init(address: IPAddress("2001:6b0:7:125::242")!, port: 9001)])
        #expect(micros[2].orAddresses.first?.description == "[2001:6b0:7:125::242]:9001")
        #expect(micros[2].exitPolicyText == "accept 80,443")
        #expect(micros[2].exitPolicyV6Text == nil && micros[2].exitPolicy.canExit(port: 443) && !micros[2].exitPolicy.canExit(port: 22))
        #expect(micros.allSatisfy { $0.warnings.isEmpty && $0.unrecognizedLines.isEmpty })

        // No bytes lost between documents.
        #expect(Array(micros.map(\.rawBytes).joined()) == bytes)
        for micro in micros { _ = try Microdescriptor(parsing: DocumentSlice(bytes: micro.rawBytes, firstLine: micro.firstLine), mode: .strict) }
    }

    /// The five 2026 microdescriptors each match an `m` line of the cropped 2026-07-27 10:00
    /// microdesc consensus (cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live, lines 47–74).
    @Test(arguments: [
        ("lisdex", "vtKpzB+Vw6LlETW6txvAH+1G6gJIl6x1D/N3NZdPK24"),
        ("moria1", "3/USjOwgkJJ8l49JlpCnSiXLByanULxEoeUwRj5+P0s"),
        ("Ukko", "PSFWDSIK+sMS6+fkLrc7PSZ6L0Rkscbz2WcmKCDIdOQ"),
        ("d2d4", "mSR+4lUpkjOhKMUQWHdxwJQOQYPb0J1dmWsyw48+Bt0"),
        ("Akka", "DT8j0UcSuHr0xhwGrfng1922N+n4h6/3rhvmPcWqulo"),
    ])
    func digestMatchesConsensus(name: String, mLine: String) throws {
        let bytes = try MicroFixtures.bytes("microdescs/2026-07-arti-live--" + name)
        let micro = try Microdescriptor(parsing: bytes, mode: .strict)
        #expect(micro.digest == SHA256DigestValue(base64: mLine))
        #expect(micro.digest.bytes == Digest.sha256(bytes))   // no annotations: the whole file
    }

    @Test func d2d4Fields() throws {
        let micro = try Microdescriptor(parsing: try MicroFixtures.bytes("microdescs/2026-07-arti-live--d2d4"), mode: .strict)
        #expect(micro.annotations.isEmpty && micro.lastListed == nil)
        #expect(micro.ntorOnionKeyBase64 == "6xXRR08fb9zL1JFuXqdfU1a1s2mzgAai2pSynTuAwng")
        #expect(micro.ntorOnionKey?.prefix(4) == [0xEB, 0x15, 0xD1, 0x47])
        #expect(micro.ed25519Identity?.prefix(4) == [0x49, 0x27, 0x04, 0x57])
        #expect(micro.ed25519Identity?.count == 32)
        #expect(micro.rsa1024Identity == nil)
        #expect(micro.familyStrings == ["$50485E03CA39D393BD54D315CEBA65E6DD0FDDB9", "$FAF0A8829E39063669FA609B904E0FB8D5E1F23F"])
        #expect(micro.exitPolicyText?.hasPrefix("accept 20-23,43,53,79-81,88,") == true)
        #expect(micro.exitPolicyText?.hasSuffix(",9999-10000,11371,19294,19638") == true)
        #expect(micro.exitPolicyV6Text == micro.exitPolicyText)
        #expect(micro.exitPolicy.canExit(port: 443) && micro.exitPolicyV6?.canExit(port: 443) == true && !micro.exitPolicy.canExit(port: 25))
        #expect(micro.identifiers.map(\.type) == ["ed25519"])
    }

    @Test func familyIDs() throws {
        let micro = try Microdescriptor(parsing: try MicroFixtures.bytes("microdescs/2026-07-arti-live--Akka"), mode: .strict)
        #expect(micro.familyIDs == ["ed25519:xiRC4fYUyj3pROyHeAm5dQerbUMHrLkeOJpG21vff44"])
        #expect(micro.family.count == 2)
        #expect(micro.unrecognizedLines.isEmpty)
    }

    @Test func collectorFileWithTypeAnnotations() throws {
        let bytes = try MicroFixtures.bytes("microdescs/metrics-lib--2017-07-17-17-20-00-micro")
        let results = Microdescriptor.parseAll(bytes[...], mode: .strict)
        #expect(results.count == 14)
        let micros = try results.map { try $0.get() }
        #expect(micros.allSatisfy { $0.annotations.map(\.name) == ["type"] && $0.annotations[0].value == "microdescriptor 1.0" })
        #expect(micros[0].rsa1024Identity == Fingerprint(hex: "42A21829E0177C775A29986B844E122A25EE3C95"))
        #expect(micros[0].digest.base64 == "/jQrBtx413NvWDZt47XMEfySDzca+AmoDTFcydeJMVk")
        #expect(micros[1].ed25519Identity == Base64.decode(Array("6FEPaO0qQ+XC/VWJOg17RGHUZxwjYZ7FEApvyezZzVg".utf8)))
        #expect(micros[2].digest.base64 == "+CDDDnOMQfb2NzamzQj/BqZI/J5kcnpJQN567HzV2bM")
    }

    @Test func stemJSONUsesStemNames() throws {
        let bytes = try MicroFixtures.bytes("microdescs/stem--cached-microdescs")
        let micros = try Microdescriptor.parseAll(bytes[...]).map { try $0.get() }
        guard case .object(let pairs) = micros[2].stemJSON else { Issue.record("not an object"); return }
        let json = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        #expect(json["or_addresses"] == .array([.array([.string("2001:6b0:7:125::242"), .int(9001), .bool(true)])]))
        #expect(json["exit_policy"] == .string("accept 80,443"))
        #expect(json["exit_policy_v6"] == .null)
        #expect(json["ntor_onion_key"] == .null)
        #expect(json["digest"] == .string("uhCGfIM6RbeD1Z/C6e9ct41+NIl9EbpgP8wG7uZT2Rw"))
        #expect(json["last_listed"] == .string("2013-02-24 00:18:36"))
        // Stem reads an absent `p` line as `reject 1-65535`.
        guard case .object(let first) = micros[0].stemJSON else { Issue.record("stemJSON is not an object"); return }
        #expect(first.first { $0.0 == "exit_policy" }?.1 == .string("reject 1-65535"))
    }

    // MARK: Synthetic documents (hand-written edge cases, not edited real documents)

    static let syntheticKey = "6xXRR08fb9zL1JFuXqdfU1a1s2mzgAai2pSynTuAwng"

    @Test func syntheticWithoutOnionKey() throws {
        // Synthetic: a post-TAP microdescriptor that opens with ntor-onion-key.
        let text = "ntor-onion-key \(Self.syntheticKey)\nid ed25519 \(Self.syntheticKey)\n"
                 + "ntor-onion-key \(Self.syntheticKey)=\np reject 1-65535\n"
        let results = Microdescriptor.parseAll(Array(text.utf8)[...])
        #expect(results.count == 2)
        let first = try results[0].get()
        #expect(first.onionKey == nil && first.ntorOnionKey?.count == 32 && first.ed25519Identity?.count == 32)
        #expect(try results[1].get().exitPolicyText == "reject 1-65535")
        #expect(try results[1].get().firstLine == 3)
        // The spec still requires the onion-key line (its key is optional).
        #expect(throws: DescriptorParseError.self) { try Microdescriptor(parsing: Array(text.utf8), mode: .strict) }
        let keyless = try Microdescriptor(parsing: Array("onion-key\nntor-onion-key \(Self.syntheticKey)\n".utf8), mode: .strict)
        #expect(keyless.onionKey == nil && keyless.onionKeyPEM == nil)
    }

    @Test func syntheticMalformedValuesLenientVersusStrict() throws {
        // Synthetic: each known keyword with a bad value.
        let text = "onion-key\nntor-onion-key AAAA\na 10.0.0.1\na [::1]:9001\na ::1:9001\np accept 80-\np6 allow 80\n"
                 + "id ed25519 !!!!\nid rsa1024 QqIYKeAXfHdaKZhrhE4SKiXuPJU\nid rsa1024 QqIYKeAXfHdaKZhrhE4SKiXuPJU\n"
        let micro = try Microdescriptor(parsing: Array(text.utf8))
        #expect(micro.ntorOnionKey == nil && micro.exitPolicyText == nil && micro.exitPolicyV6Text == nil && !micro.exitPolicy.isExitingAllowed && micro.ed25519Identity == nil)
        // Lenient accepts a bare IPv6 `a` address too.
        #expect(micro.orAddresses.map(\.description) == ["[::1]:9001", "[::1]:9001"])
        #expect(micro.rsa1024Identity == Fingerprint(hex: "42A21829E0177C775A29986B844E122A25EE3C95"))
        #expect(micro.warnings.map(\.line) == [2, 3, 6, 7, 8, 10])
        #expect(micro.warnings.map(\.keyword) == ["ntor-onion-key", "a", "p", "p6", "id", "id"])
        #expect(micro.warnings.last?.failure == .duplicateKeyword)

        do {
            _ = try Microdescriptor(parsing: Array(text.utf8), mode: .strict)
            Issue.record("strict mode accepted a malformed ntor-onion-key")
        } catch {
            #expect(error.line == 2 && error.keyword == "ntor-onion-key")
        }
        do {
            _ = try Microdescriptor(parsing: Array("onion-key\na ::1:9001\n".utf8), mode: .strict)
            Issue.record("strict mode accepted an IPv6 address without brackets")
        } catch {
            #expect(error.line == 2 && error.keyword == "a")
        }
    }

    @Test func syntheticStrictKeywordRules() {
        func strictError(_ text: String) -> DescriptorParseError? {
            do { _ = try Microdescriptor(parsing: Array(text.utf8), mode: .strict); return nil } catch { return error }
        }
        // Synthetic documents, one rule each.
        #expect(strictError("onion-key\np accept 80\np accept 443\n")?.failure == .duplicateKeyword)
        #expect(strictError("onion-key\np accept 80\np accept 443\n")?.line == 3)
        #expect(strictError("onion-key\nfamily a\nfamily b\n")?.failure == .duplicateKeyword)
        #expect(strictError("onion-key extra\n")?.failure == .malformedArguments("takes no arguments"))
        #expect(strictError("onion-key\nonion-key\n")?.failure == .duplicateKeyword)
        #expect(strictError("onion-key\nfamily \u{e9}t\u{e9}\n")?.failure == .nonASCII(line: "family \\xC3\\xA9t\\xC3\\xA9"))
        #expect(strictError("onion-key\n-----BEGIN RSA PUBLIC KEY-----\nAAAA\u{e9}\n-----END RSA PUBLIC KEY-----\n")?.line == 3)
        #expect(strictError("onion-key\n-----BEGIN ED25519 CERT-----\nAAAA\n-----END ED25519 CERT-----\n") != nil)
        #expect(strictError("onion-key\np accept 80\n-----BEGIN X-----\nAAAA\n-----END X-----\n")?.keyword == "p")
        // Unknown keywords are allowed even in strict mode, and kept.
        #expect(strictError("onion-key\nfuture-thing 1 2\n") == nil)
        let micro = try? Microdescriptor(parsing: Array("onion-key\nfuture-thing 1 2\n-----BEGIN X-----\nAAAA\n-----END X-----\n".utf8))
        #expect(micro?.unrecognizedLines.map(\.keyword) == ["future-thing"])
        #expect(micro?.unrecognizedLines.first?.arguments == "1 2")
        #expect(micro?.unrecognizedLines.first?.object == "-----BEGIN X-----\nAAAA\n-----END X-----\n")
    }

    @Test func syntheticFamilyEntryForms() throws {
        // Synthetic: every family form the spec names, plus one it does not.
        let fp = "6141629FA0D15A6AEAEF3A1BEB76E64C767B3174"
        let micro = try Microdescriptor(parsing: Array("onion-key\nfamily $\(fp) $\(fp)=Nick $\(fp)~nick2 Moria1 $ABC ed:x\n".utf8))
        let fingerprint = Fingerprint(hex: fp)!
        #expect(micro.family == [
            .fingerprint(fingerprint),
            .fingerprintWithNickname(fingerprint, nickname: "Nick", isNamed: true),
            .fingerprintWithNickname(fingerprint, nickname: "nick2", isNamed: false),
            .nickname("Moria1"), .other("$ABC"), .other("ed:x"),
        ])
        #expect(micro.family.map(\.description) == micro.familyStrings)
    }

    @Test func syntheticLastListedAnnotation() throws {
        // Synthetic: a malformed @last-listed is a warning in lenient mode, an error in strict mode.
        let text = "@last-listed 2013-02-30 00:00:00\nonion-key\n"
        let micro = try Microdescriptor(parsing: Array(text.utf8))
        #expect(micro.lastListed == nil && micro.warnings.first?.keyword == "@last-listed")
        #expect(throws: DescriptorParseError.self) { try Microdescriptor(parsing: Array(text.utf8), mode: .strict) }
        let good = try Microdescriptor(parsing: Array("@source \"x\"\n@last-listed 2024-02-29 23:59:59\nonion-key\n".utf8), mode: .strict)
        #expect(good.lastListed?.description == "2024-02-29 23:59:59")
    }

    @Test func syntheticPolicySummarySyntax() {
        func valid(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return Microdescriptor.isPolicySummary(bytes[...], 0..<bytes.count)
        }
        #expect(valid("accept 80,443") && valid("reject 1-65535") && valid("accept 1-2,4,6-65535"))
        #expect(!valid("accept 80-") && !valid("accept ,80") && !valid("accept 80,") && !valid("accept 443-80"))
        #expect(!valid("accept 65536") && !valid("allow 80") && !valid("accept") && !valid("accept 80 443"))
    }

    // MARK: Whole corpus (large tor cache files are read from the shared corpus, not copied)

    @Test(.enabled(if: MicroFixtures.hasSharedCorpus), arguments: [
        ("2015-11-cached-microdescs", 6744), ("2015-11-cached-microdescs.new", 1809),
        ("2017-03-cached-microdescs", 7701), ("2017-03-cached-microdescs.new", 1875),
        ("2021-08-cached-microdescs.new", 994), ("2026-07-arti-live--Akka", 1), ("2026-07-arti-live--Ukko", 1),
        ("2026-07-arti-live--d2d4", 1), ("2026-07-arti-live--lisdex", 1), ("2026-07-arti-live--moria1", 1),
        ("metrics-lib--2017-07-17-17-20-00-micro", 14), ("stem--cached-microdescs", 3),
    ])
    func corpusFileParsesStrict(name: String, count: Int) throws {
        let bytes = try MicroFixtures.shared("microdescs/" + name)
        let results = Microdescriptor.parseAll(bytes[...], mode: .strict)
        #expect(results.count == count)
        let micros = results.compactMap { try? $0.get() }
        #expect(micros.count == count)
        #expect(Array(micros.map(\.rawBytes).joined()) == bytes)
        #expect(micros.allSatisfy { $0.warnings.isEmpty && $0.unrecognizedLines.isEmpty })
        if name.contains("cached-microdescs") {
            #expect(micros.allSatisfy { $0.lastListed != nil })
        }
    }

    /// Share of a tor cache's microdescriptors referenced by `m` lines of the consensus tor held
    /// with it; measured once and pinned, so a digest change shows up as a count change.
    @Test(.enabled(if: MicroFixtures.hasSharedCorpus), arguments: [
        ("2021-08-cached-microdescs.new", "2021-08-29-19-00-00-cached-microdesc-consensus", 857),
        ("2017-03-cached-microdescs", "2017-03-10-10-00-00-cached-microdesc-consensus", 5811),
        ("2017-03-cached-microdescs.new", "2017-03-10-10-00-00-cached-microdesc-consensus", 1520),
        ("2015-11-cached-microdescs", "2015-11-10-05-00-00-cached-microdesc-consensus", 4911),
        ("2015-11-cached-microdescs.new", "2015-11-10-05-00-00-cached-microdesc-consensus", 1715),
    ])
    func corpusDigestsMatchConsensus(micro: String, consensus: String, matches: Int) throws {
        let consensusText = String(decoding: try MicroFixtures.shared("microdesc-consensus/" + consensus), as: UTF8.self)
        let mLines = Set(consensusText.split(separator: "\n").filter { $0.hasPrefix("m ") }.map { String($0.dropFirst(2)) })
        let bytes = try MicroFixtures.shared("microdescs/" + micro)
        let digests = Microdescriptor.parseAll(bytes[...]).compactMap { try? $0.get().digest.base64 }
        #expect(digests.filter { mLines.contains($0) }.count == matches)
    }
}
