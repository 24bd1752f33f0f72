import Testing
@testable import TorDescriptors

/// Edge cases on SYNTHETIC documents: hand-written for these tests, not edited real descriptors.
@Suite struct ServerDescriptorEdgeCaseTests {
    /// A synthetic minimal relay descriptor; `lines` replaces or extends its body.
    static func synthetic(router: String = "router synthetic 192.0.2.1 9001 0 0",
                          published: String = "published 2020-01-01 00:00:00",
                          extra: [String] = []) -> [UInt8] {
        let lines = [router, published, "bandwidth 1000 2000 500"] + extra + [
            "signing-key", "-----BEGIN RSA PUBLIC KEY-----", SyntheticRSAKeys.signing1024, "-----END RSA PUBLIC KEY-----",
            "reject *:*",
            "router-signature", "-----BEGIN SIGNATURE-----", "AAAA", "-----END SIGNATURE-----",
        ]
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    @Test func syntheticMinimalPassesStrict() throws {
        let d = try ServerDescriptor(parsing: Self.synthetic(), mode: .strict)
        #expect(d.nickname == "synthetic" && d.orPort == 9001)
        #expect(d.published?.description == "2020-01-01 00:00:00")
        #expect(d.signingKey == SyntheticRSAKeys.der(SyntheticRSAKeys.signing1024))
        let text = String(decoding: Self.synthetic(), as: UTF8.self)
        let signed = text[..<text.range(of: "router-signature\n")!.upperBound]
        #expect(d.digest?.bytes == Digest.sha1(Array(signed.utf8)))
    }

    @Test func syntheticMissingRouterThrowsEvenWhenLenient() {
        let bytes = Array("published 2020-01-01 00:00:00\nbandwidth 1 2 3\n".utf8)
        #expect(throws: DescriptorParseError(document: .serverDescriptor, line: 1, keyword: "router", failure: .missingKeyword)) {
            _ = try ServerDescriptor(parsing: bytes)
        }
    }

    @Test func syntheticBadPublished() throws {
        let bytes = Self.synthetic(published: "published 2020-13-01 00:00:00")
        let lenient = try ServerDescriptor(parsing: bytes)
        #expect(lenient.published == nil)
        #expect(lenient.warnings.count == 1)
        #expect(lenient.warnings.first?.line == 2 && lenient.warnings.first?.keyword == "published")
        let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: bytes, mode: .strict) }
        #expect(error.line == 2 && error.keyword == "published" && error.document == .serverDescriptor)
        guard case .malformedArguments = error.failure else { Issue.record("wrong failure \(error)"); return }
    }

    @Test func syntheticBadPortThrows() throws {
        let bytes = Self.synthetic(router: "router synthetic 192.0.2.1 99999 0 0")
        let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: bytes) }
        #expect(error.line == 1 && error.keyword == "router")
        #expect(error.failure == .malformedArguments("ORPort out of range: 99999"))
    }

    @Test func syntheticObjectWithWrongEndName() throws {
        var text = String(decoding: Self.synthetic(), as: UTF8.self)
        text = text.replacingOccurrences(of: "-----END RSA PUBLIC KEY-----", with: "-----END SIGNATURE-----")
        let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: Array(text.utf8)) }
        // signing-key is line 4, BEGIN line 5, body 6, the bad END line 7.
        #expect(error.line == 7 && error.keyword == "signing-key")
        guard case .malformedObject = error.failure else { Issue.record("wrong failure \(error)"); return }
    }

    @Test func syntheticUnterminatedObject() throws {
        let bytes = Array("router synthetic 192.0.2.1 9001 0 0\nbandwidth 1 2 3\nrouter-signature\n-----BEGIN SIGNATURE-----\nAAAA\n".utf8)
        let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: bytes) }
        #expect(error.line == 4 && error.keyword == "router-signature")
        guard case .malformedObject = error.failure else { Issue.record("wrong failure \(error)"); return }
    }

    @Test func syntheticDuplicatePublished() throws {
        let bytes = Self.synthetic(extra: ["published 2020-01-02 00:00:00"])
        let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: bytes, mode: .strict) }
        #expect(error == DescriptorParseError(document: .serverDescriptor, line: 4, keyword: "published", failure: .duplicateKeyword))
        // Lenient keeps the later value and does not complain.
        #expect(try ServerDescriptor(parsing: bytes).published?.description == "2020-01-02 00:00:00")
    }

    @Test func syntheticNonASCIINickname() throws {
        let bytes = Self.synthetic(router: "router synth\u{E9}tic 192.0.2.1 9001 0 0")
        let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: bytes, mode: .strict) }
        #expect(error.line == 1 && error.keyword == "router")
        #expect(error.failure == .nonASCII(line: "router synth\\xC3\\xA9tic 192.0.2.1 9001 0 0"))
        #expect(try ServerDescriptor(parsing: bytes).nickname == "synth\u{E9}tic")
    }

    @Test func syntheticBridgeErrorsNameBridgeKind() throws {
        let bytes = Array("@type bridge-server-descriptor 1.2\nrouter synthetic 10.0.0.1 9001 0 0\npublished nonsense\nbandwidth 1 2 3\nreject *:*\n".utf8)
        let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: bytes, mode: .strict) }
        #expect(error.document == .bridgeServerDescriptor && error.line == 3)
    }

    @Test func syntheticStrictOnlyRules() throws {
        let cases: [([String], String)] = [
            (["fingerprint 0000 0000 0000 0000 0000 0000 0000 0000 0000 0001"], "fingerprint"),   // not SHA-1 of the key
            (["hibernating 2"], "hibernating"),
            (["accept 192.0.2.1/33:80"], "accept"),
            (["ipv6-policy accept *"], "ipv6-policy"),
            (["caches-extra-info yes"], "caches-extra-info"),
            (["ntor-onion-key-crosscert 2"], "ntor-onion-key-crosscert"),
        ]
        for (extra, keyword) in cases {
            let bytes = Self.synthetic(extra: extra)
            let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: bytes, mode: .strict) }
            #expect(error.keyword == keyword && error.line == 4, "\(extra)")
            #expect(throws: Never.self) { _ = try ServerDescriptor(parsing: bytes) }
        }
    }

    @Test func syntheticUnknownKeywordsKeptInOrder() throws {
        let bytes = Self.synthetic(extra: ["future-thing 1 2", "opt another-one", "future-blob", "-----BEGIN BLOB-----", "AAAA", "-----END BLOB-----"])
        let d = try ServerDescriptor(parsing: bytes, mode: .strict)
        #expect(d.unrecognizedLines.map(\.keyword) == ["future-thing", "another-one", "future-blob"])
        #expect(d.unrecognizedLines[0].arguments == "1 2" && d.unrecognizedLines[0].line == 4)
        #expect(d.unrecognizedLines[2].object == "-----BEGIN BLOB-----\nAAAA\n-----END BLOB-----\n")
    }

    @Test func syntheticOverloadAndExtras() throws {
        let bytes = Self.synthetic(extra: ["overload-general 1 2020-01-01 00:00:00", "eventdns 1", "hidden-service-dir",
                                           "bridge-distribution-request moat", "or-address 192.0.2.7:443"])
        let d = try ServerDescriptor(parsing: bytes, mode: .strict)
        #expect(d.overloadGeneral == OverloadGeneral(version: 1, timestamp: TorTimestamp(parsing: "2020-01-01 00:00:00")!))
        #expect(d.eventDNS == true && d.isHiddenServiceDir && d.hiddenServiceDirVersions.isEmpty && d.bridgeDistributionRequest == "moat")
        #expect(d.orAddresses.first?.description == "192.0.2.7:443")
    }

    /// dir-spec once allowed `hidden-service-dir` version numbers; tor's table says `NO_ARGS`, so
    /// strict mode refuses them (no real descriptor in the corpus has any) and lenient reads them.
    @Test func hiddenServiceDirVersionsAreLenientOnly() throws {
        let bytes = Self.synthetic(extra: ["hidden-service-dir 2 3"])
        #expect(try ServerDescriptor(parsing: bytes).hiddenServiceDirVersions == [2, 3])
        let error = try #require(throws: DescriptorParseError.self) { _ = try ServerDescriptor(parsing: bytes, mode: .strict) }
        #expect(error.keyword == "hidden-service-dir" && error.failure == .malformedArguments("takes no arguments"))
    }

    @Test func syntheticBrokenMiddleDocumentKeepsNeighbours() throws {
        let good = Self.synthetic()
        let broken = Self.synthetic(router: "router broken 192.0.2.1 nine 0 0")
        let file = good + broken + good
        let results = ServerDescriptor.parseAll(file[...])
        #expect(results.count == 3)
        #expect((try? results[0].get())?.nickname == "synthetic")
        #expect((try? results[2].get())?.nickname == "synthetic")
        guard case .failure(let error) = results[1] else { Issue.record("middle document parsed"); return }
        #expect(error.line == 13 && error.keyword == "router")   // 12 lines per synthetic document
        #expect((try? results[2].get())?.firstLine == 25)
    }
}
