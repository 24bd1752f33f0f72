import Foundation
import Testing
@testable import TorDescriptors

/// Every key certificate of `../shared/corpus` (when present): counts from its SOURCES.md
/// (`dir-key-certificate-version` lines), strict parsing, identity digests, and signing keys
/// matched against the `directory-signature` lines of consensuses and votes of the same period.
@Suite("KeyCertificate corpus sweep (../shared/corpus)", .enabled(if: ProjectFiles.hasSharedCorpus, "../shared/corpus is absent"))
struct KeyCertificateCorpusTests {
    /// SOURCES.md: "N key certificates" per file; 68 in all.
    static let files: [(String, Int)] = [
        ("key-certs/2012-06-cached-certs", 8), ("key-certs/2012-10-cached-certs", 8), ("key-certs/2015-11-cached-certs", 9),
        ("key-certs/2017-03-cached-certs", 9), ("key-certs/2021-08-cached-certs", 10), ("key-certs/arti-authcert-all-2026", 17),
        ("key-certs/stem--cached-certs", 2), ("key-certs/stem--metrics_cert", 1), ("testnet/arti-shadow-chutney-000a/cached-certs", 4),
    ]

    static func certs(_ path: String, mode: ValidationMode = .lenient) throws -> [KeyCertificate] {
        let bytes = try ProjectFiles.shared(path)
        return try KeyCertificate.parseAll(bytes[...], mode: mode).map { try $0.get() }
    }

    @Test("all 68 certificates parse strictly; fingerprint = SHA-1 of the identity key; no byte lost")
    func everyCertificate() throws {
        var total = 0
        for (path, count) in Self.files {
            let bytes = try ProjectFiles.shared(path)
            let certs = try Self.certs(path, mode: .strict)
            #expect(certs.count == count, "\(path)")
            #expect(certs.map(\.rawBytes.count).reduce(0, +) == bytes.count, "\(path)")
            for cert in certs {
                #expect(cert.fingerprintMatchesIdentityKey, "\(path) line \(cert.firstLine)")
                #expect(cert.version == 3 && cert.published != nil && cert.expires != nil && cert.certification != nil)
                #expect(cert.published! < cert.expires!)
            }
            // Only Stem's 2008 certificate predates dir-key-crosscert.
            #expect(certs.filter { $0.crossCertificate == nil }.count == (path.hasSuffix("metrics_cert") ? 1 : 0))
            total += certs.count
        }
        #expect(total == 68)
    }

    /// Signatures whose (identity, signing-key digest) a certificate in `certs` has, valid at `time`.
    static func matches(_ signatures: [DirectorySignature], _ certs: [KeyCertificate], at time: TorTimestamp) -> Int {
        signatures.filter { signature in
            certs.contains { $0.fingerprint == signature.identity && $0.signingKeyDigest == signature.signingKeyDigest && $0.isValid(at: time) }
        }.count
    }

    @Test("certificate files hold the signing keys of their period's consensus signatures", arguments: [
        // (certs, consensus, signatures, matched): checked with Stem and a hash of the DER keys.
        ("key-certs/2012-06-cached-certs", "consensus/2012-06-18-21-00-00-cached-consensus", 7, 7),
        ("key-certs/2012-10-cached-certs", "consensus/2012-10-20-16-00-00-cached-consensus", 8, 7),
        ("key-certs/2021-08-cached-certs", "consensus/2021-08-29-19-00-00-cached-consensus", 9, 9),
        ("key-certs/arti-authcert-all-2026", "consensus/cropped--2026-07-27-10-00-00-consensus-arti-live", 9, 2),
        ("testnet/arti-shadow-chutney-000a/cached-certs", "testnet/arti-shadow-chutney-000a/cached-consensus", 4, 4),
    ])
    func signingKeysMatch(_ certsPath: String, _ consensusPath: String, _ signatures: Int, _ matched: Int) throws {
        let certs = try Self.certs(certsPath)
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.shared(consensusPath))
        let validAfter = try #require(consensus.header.validAfter)
        #expect(consensus.footer.signatures.count == signatures)
        #expect(Self.matches(consensus.footer.signatures, certs, at: validAfter) == matched)
    }

    @Test("tor26 signed the 2021-08-29 consensus with a certificate whose dir-key-published is 2021-09-01")
    func predatedCertificate() throws {
        let certs = try Self.certs("key-certs/2021-08-cached-certs")
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.shared("consensus/2021-08-29-19-00-00-cached-consensus"))
        let tor26 = try #require(consensus.footer.signatures.first { $0.identity.hex == "14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4" })
        #expect(tor26.signingKeyDigest.hex == "449F5E47D56BE38E931B90B2B8FB7E92B848D8E1")
        let cert = try #require(certs.first { $0.signingKeyDigest == tor26.signingKeyDigest })
        #expect(cert.published?.description == "2021-09-01 00:00:00")
        #expect(cert.published! > consensus.header.validAfter!)
        #expect(cert.isValid(at: consensus.header.validAfter!))
    }

    @Test("the certificate embedded in each of the 10 corpus votes parses strictly and names the vote's signing key")
    func votes() throws {
        let folder = ProjectFiles.sharedCorpus.appendingPathComponent("votes")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count == 10)
        for name in names {
            let bytes = try ProjectFiles.shared("votes/" + name)
            let cut = try #require(KeyCertificateTests.embeddedCertificate(bytes), "\(name)")
            let cert = try KeyCertificate(parsing: cut, mode: .strict)
            #expect(cert.fingerprintMatchesIdentityKey, "\(name)")
            // A vote is signed by its authority's current signing key.
            let text = String(decoding: bytes, as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("directory-signature ") {
                let words = line.split(separator: " ")
                #expect(String(words[words.count - 2]) == cert.fingerprint?.hex, "\(name)")
                #expect(String(words[words.count - 1]) == cert.signingKeyDigest?.hex, "\(name)")
            }
        }
    }
}

/// Stem 1.8.2 as an oracle for every attribute of `stemJSON` on the bundled files.
@Suite("KeyCertificate and DetachedSignatures vs Stem", .enabled(if: StemOracle.available, "Stem is not installed"))
struct KeyCertificateStemTests {
    static let script = """
        import sys, json, stem.descriptor
        def s(v): return None if v is None else str(v)
        def sig(x): return {'method': x.method, 'identity': x.identity, 'key_digest': x.key_digest, 'signature': x.signature, 'flavor': x.flavor}
        for d in stem.descriptor.parse_file(sys.argv[2], sys.argv[1], validate=True):
            if sys.argv[1].startswith('dir-key'):
                out = {k: getattr(d, k) for k in ('version', 'address', 'dir_port', 'fingerprint', 'identity_key', 'signing_key', 'crosscert', 'certification')}
                out['published'] = s(d.published); out['expires'] = s(d.expires)
            else:
                out = {'consensus_digest': d.consensus_digest, 'valid_after': s(d.valid_after), 'fresh_until': s(d.fresh_until), 'valid_until': s(d.valid_until),
                       'additional_digests': [{'flavor': x.flavor, 'algorithm': x.algorithm, 'digest': x.digest} for x in d.additional_digests],
                       'additional_signatures': [sig(x) for x in d.additional_signatures], 'signatures': [sig(x) for x in d.signatures]}
            print(json.dumps(out))
        """

    @Test("every stemJSON attribute equals Stem's", arguments: [
        "key-certs/2012-06-cached-certs", "key-certs/arti-authcert-all-2026", "key-certs/stem--cached-certs",
        "key-certs/stem--metrics_cert", "detached-signatures/stem--detached_signatures",
    ])
    func matchesStem(_ relative: String) throws {
        let path = ProjectFiles.root.path + "/Resources/corpus/" + relative
        let isCert = relative.hasPrefix("key-certs")
        let stem = try StemOracle.python(["-c", Self.script, isCert ? "dir-key-certificate-3 1.0" : "detached-signature-3 1.0", path])
        #expect(stem.status == 0)
        let theirs = String(decoding: stem.output, as: UTF8.self).split(separator: "\n").map {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let bytes = try ProjectFiles.corpus(relative)
        let ours: [JSONValue] = isCert
            ? try KeyCertificate.parseAll(bytes[...]).map { try $0.get().stemJSON }
            : try DetachedSignatures.parseAll(bytes[...]).map { try $0.get().stemJSON }
        try #require(ours.count == theirs.count && !ours.isEmpty)
        for (index, (mine, stemObject)) in zip(ours, theirs).enumerated() {
            let mine = try #require(try JSONSerialization.jsonObject(with: Data(mine.serialized().utf8)) as? [String: Any])
            let stemObject = try #require(stemObject)
            #expect(Set(mine.keys) == Set(stemObject.keys))
            for (key, value) in stemObject {
                let a = try StemDifferentialTests.canonical(mine[key] ?? NSNull()), b = try StemDifferentialTests.canonical(value)
                #expect(a == b, "document \(index + 1), \(key): ours \(a), Stem's \(b)")
            }
        }
    }
}
