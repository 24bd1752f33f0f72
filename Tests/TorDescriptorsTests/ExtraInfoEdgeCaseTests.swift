import Foundation
import Testing
@testable import TorDescriptors

/// Edge cases. Every document built here is SYNTHETIC (hand-written, not an edited real
/// document) and every test using one is named `synthetic…`; the malformed non-ASCII document is
/// real (Stem's test data, copied byte-exact).
@Suite struct ExtraInfoEdgeCaseTests {
    /// A synthetic relay extra-info: `lines` go between `published` (line 2) and
    /// `router-signature`, so the first of them is line 3.
    static func synthetic(_ lines: [String]) -> [UInt8] {
        let text = ["extra-info SyntheticRelay 0123456789ABCDEF0123456789ABCDEF01234567",
                    "published 2020-01-02 03:04:05"] + lines
            + ["router-signature", "-----BEGIN SIGNATURE-----", "AAAA", "-----END SIGNATURE-----"]
        return Array((text.joined(separator: "\n") + "\n").utf8)
    }

    /// The strict error for a synthetic document, or `nil` if it parsed.
    static func strictError(_ bytes: [UInt8]) -> DescriptorParseError? {
        do throws(DescriptorParseError) {
            _ = try ExtraInfoDescriptor(parsing: bytes, mode: .strict)
            return nil
        } catch {
            return error
        }
    }

    static func isMalformedArguments(_ error: DescriptorParseError?) -> Bool {
        if case .malformedArguments = error?.failure { return true }
        return false
    }

    // MARK: Every statistics line

    @Test func syntheticDocumentWithEveryRemainingStatisticsLine() throws {
        // Values read from the text below; shares, cell lists, exit maps and the digest were
        // checked against Stem 1.8.2 on the same bytes.
        let bytes = Self.synthetic([
            "read-history 2020-01-02 00:00:00 (3600 s) 10,20,30",
            "ipv6-read-history 2020-01-02 00:00:00 (3600 s) 1,2",
            "ipv6-write-history 2020-01-02 00:00:00 (3600 s)",
            "transport obfs4 192.0.2.7:443 cert=abc,iat-mode=0",
            "transport meek [2001:db8::1]:8080",
            "dirreq-stats-end 2020-01-01 12:00:00 (86400 s)",
            "dirreq-v3-share 0.42%",
            "dirreq-v2-share 12.5%",
            "dirreq-v3-resp ok=16,busy=4,future-status=8",
            "dirreq-v3-direct-dl complete=4,q1=100,zz=7",
            "entry-stats-end 2020-01-01 12:00:00 (86400 s)",
            "entry-ips de=16,a1=8,??=8",
            "cell-stats-end 2020-01-01 12:00:00 (86400 s)",
            "cell-processed-cells 4517.84,38.01,7.01,3.22,2.00,1.00,1.00,1.00,1.00,1.00",
            "cell-queued-cells 0.30,0.01,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00",
            "cell-time-in-queue 14,2,0,0,0,0,0,0,0,0",
            "cell-circuits-per-decile 2413",
            "conn-bi-direct 2020-01-01 12:00:00 (86400 s) 43,12,7,3",
            "ipv6-conn-bi-direct 2020-01-01 12:00:00 (86400 s) 5,0,1,2",
            "exit-stats-end 2020-01-01 12:00:00 (86400 s)",
            "exit-kibibytes-written 80=128,443=4096,other=96",
            "exit-kibibytes-read 80=16,443=512,other=8",
            "exit-streams-opened 80=12,443=40,other=4",
            "hidserv-v3-stats-end 2020-01-01 12:00:00 (86400 s)",
            "hidserv-rend-v3-relayed-cells -3 delta_f=2048 epsilon=0.30 bin_size=1024",
            "hidserv-dir-v3-onions-seen 12 delta_f=8 epsilon=0.30 bin_size=8",
            "overload-ratelimits 1 2020-01-01 10:00:00 1048576 2097152 3 4",
            "overload-fd-exhausted 1 2020-01-01 11:00:00",
            "future-keyword some arguments",
            "-----BEGIN FUTURE OBJECT-----", "AAAA", "-----END FUTURE OBJECT-----",
        ])
        let extra = try ExtraInfoDescriptor(parsing: bytes, mode: .strict)
        #expect(extra.warnings.isEmpty)
        #expect(extra.readHistory?.values == [10, 20, 30])
        #expect(extra.ipv6ReadHistory?.values == [1, 2])
        #expect(extra.ipv6WriteHistory?.values == [])
        #expect(extra.ipv6WriteHistory?.interval == 3600)
        #expect(extra.transports == [
            PluggableTransport(name: "obfs4", address: IPAddress("192.0.2.7"), port: 443, arguments: ["cert=abc,iat-mode=0"]),
            PluggableTransport(name: "meek", address: IPAddress("2001:db8::1"), port: 8080, arguments: []),
        ])
        #expect(extra.dirV3Share == 0.0042)
        #expect(extra.dirV2Share == 0.125)
        #expect(extra.dirV3Responses?.dictionary == [.ok: 16, .busy: 4])
        #expect(extra.dirV3ResponsesUnknown?.dictionary == ["future-status": 8])
        #expect(extra.dirV3DirectDownloads?.dictionary == [.complete: 4, .q1: 100])
        #expect(extra.dirV3DirectDownloadsUnknown?.dictionary == ["zz": 7])
        #expect(extra.entryIPs?.keys == ["de", "a1", "??"])
        #expect(extra.cellProcessedCells == [4517.84, 38.01, 7.01, 3.22, 2, 1, 1, 1, 1, 1])
        #expect(extra.cellQueuedCells?.prefix(2) == [0.3, 0.01])
        #expect(extra.cellTimeInQueue?.prefix(2) == [14, 2])
        #expect(extra.cellCircuitsPerDecile == 2413)
        #expect(extra.connBiDirect?.below == 43)
        #expect(extra.connBiDirect?.read == 12)
        #expect(extra.connBiDirect?.write == 7)
        #expect(extra.connBiDirect?.both == 3)
        #expect(extra.ipv6ConnBiDirect?.below == 5)
        #expect(extra.exitStats?.interval == 86_400)
        #expect(extra.exitKibibytesWritten?.keys == [.port(80), .port(443), .other])
        #expect(extra.exitKibibytesWritten?.count(for: .port(443)) == 4096)
        #expect(extra.exitKibibytesRead?.count(for: .other) == 8)
        #expect(extra.exitStreamsOpened?.count(for: .port(80)) == 12)
        #expect(extra.hiddenServiceV3Stats?.end.description == "2020-01-01 12:00:00")
        #expect(extra.hiddenServiceV3RendezvousCells?.value == -3)
        #expect(extra.hiddenServiceV3DirOnionsSeen?.value == 12)
        #expect(extra.hiddenServiceV3DirOnionsSeen?.epsilon == 0.3)
        let overloadTime = try #require(TorTimestamp(parsing: "2020-01-01 10:00:00"))
        #expect(extra.overloadRateLimits == OverloadRateLimits(
            version: 1, time: overloadTime,
            rateLimit: 1_048_576, burstLimit: 2_097_152, readOverloadCount: 3, writeOverloadCount: 4))
        #expect(extra.overloadFDExhausted?.time.description == "2020-01-01 11:00:00")
        #expect(extra.unrecognizedLines.count == 1)
        #expect(extra.unrecognizedLines.first?.keyword == "future-keyword")
        #expect(extra.unrecognizedLines.first?.arguments == "some arguments")
        #expect(extra.unrecognizedLines.first?.line == 31)
        #expect(extra.unrecognizedLines.first?.object?.hasPrefix("-----BEGIN FUTURE OBJECT-----") == true)
        #expect(extra.digest?.hex == "B0ECC93C1993C8669CBC2BCD6FBB243136649B3F")
    }

    @Test func syntheticCRLFDocumentParses() throws {
        let text = "extra-info SyntheticRelay 0123456789ABCDEF0123456789ABCDEF01234567\r\npublished 2020-01-02 03:04:05\r\n"
            + "read-history 2020-01-02 00:00:00 (3600 s) 10,20,30\r\nrouter-signature\r\n"
            + "-----BEGIN SIGNATURE-----\r\nAAAA\r\n-----END SIGNATURE-----\r\n"
        let extra = try ExtraInfoDescriptor(parsing: Array(text.utf8), mode: .strict)
        #expect(extra.readHistory?.values == [10, 20, 30])
        #expect(extra.signature == [0, 0, 0])
    }

    // MARK: Malformed values: typed errors in strict, warnings in lenient

    @Test(arguments: [
        "read-history 2020-01-02 00:00:00 (x s) 1,2",
        "read-history 2020-01-02 00:00:00 (0 s) 1,2",
        "read-history 2020-01-02 00:00:00 900 1,2",
        "read-history 2020-01-02 00:00:00 (900 sec) 1,2",
        "read-history 2020-01-02 (900 s) 1,2",
    ])
    func syntheticBadHistoryInterval(line: String) throws {
        let bytes = Self.synthetic([line])
        let error = try #require(Self.strictError(bytes))
        #expect(error.line == 3)
        #expect(error.keyword == "read-history")
        #expect(error.document == .extraInfo)
        #expect(Self.isMalformedArguments(error))

        let lenient = try ExtraInfoDescriptor(parsing: bytes)
        #expect(lenient.readHistory == nil)
        #expect(lenient.warnings.map(\.line) == [3])
        #expect(lenient.published?.description == "2020-01-02 03:04:05")
    }

    @Test(arguments: [
        ("write-history 2020-01-02 00:00:00 (900 s) 5,-2,7", "write-history"),
        ("cell-circuits-per-decile -4", "cell-circuits-per-decile"),
        ("dirreq-v3-reqs us=-8", "dirreq-v3-reqs"),
        ("conn-bi-direct 2020-01-01 12:00:00 (86400 s) 1,-1,0,0", "conn-bi-direct"),
        ("exit-streams-opened 443=-4", "exit-streams-opened"),
        ("dirreq-v3-share -1.5%", "dirreq-v3-share"),
    ])
    func syntheticNegativeValueWhereNotAllowed(line: String, keyword: String) throws {
        let bytes = Self.synthetic([line])
        let error = try #require(Self.strictError(bytes))
        #expect(error.line == 3)
        #expect(error.keyword == keyword)
        #expect(Self.isMalformedArguments(error))
        let lenient = try ExtraInfoDescriptor(parsing: bytes)
        #expect(lenient.warnings.count == 1)
        #expect(lenient.writeHistory == nil && lenient.cellCircuitsPerDecile == nil && lenient.dirV3Requests == nil)
        #expect(lenient.connBiDirect == nil && lenient.exitStreamsOpened == nil && lenient.dirV3Share == nil)
    }

    @Test(arguments: [
        ("dirreq-v3-resp ok=8,busy", "dirreq-v3-resp"),
        ("dirreq-v3-direct-dl complete=x", "dirreq-v3-direct-dl"),
        ("bridge-ips usa=8", "bridge-ips"),
        ("bridge-ip-versions v4=8,=2", "bridge-ip-versions"),
        ("exit-kibibytes-read 80=4,http=8", "exit-kibibytes-read"),
        ("padding-counts 2020-01-01 00:00:00 (86400 s) bin-size", "padding-counts"),
        ("hidserv-dir-onions-seen 12 epsilon", "hidserv-dir-onions-seen"),
        ("dirreq-v3-ips us=8,,de=8", "dirreq-v3-ips"),
        ("transport obfs4 192.0.2.7:99999", "transport"),
    ])
    func syntheticMalformedKeyValueMaps(line: String, keyword: String) throws {
        let bytes = Self.synthetic([line])
        let error = try #require(Self.strictError(bytes))
        #expect(error.line == 3)
        #expect(error.keyword == keyword)
        #expect(Self.isMalformedArguments(error))
        let lenient = try ExtraInfoDescriptor(parsing: bytes)
        #expect(lenient.warnings.first?.keyword == keyword)
        #expect(lenient.dirV3Responses == nil && lenient.bridgeIPs == nil && lenient.paddingCounts == nil)
        #expect(lenient.transports.isEmpty && lenient.hiddenServiceDirOnionsSeen == nil && lenient.dirV3IPs == nil)
    }

    @Test func syntheticDuplicateStatsLine() throws {
        let bytes = Self.synthetic([
            "dirreq-stats-end 2020-01-01 12:00:00 (86400 s)",
            "dirreq-stats-end 2020-01-01 18:00:00 (86400 s)",
        ])
        let error = try #require(Self.strictError(bytes))
        #expect(error.line == 4)
        #expect(error.keyword == "dirreq-stats-end")
        #expect(error.failure == .duplicateKeyword)

        let lenient = try ExtraInfoDescriptor(parsing: bytes)
        #expect(lenient.dirStats?.end.description == "2020-01-01 12:00:00")   // the first one, as Stem
        #expect(lenient.warnings.map(\.line) == [4])
        #expect(lenient.warnings.first?.failure == .duplicateKeyword)
    }

    // MARK: Structure

    @Test func syntheticStrictStructureRules() throws {
        let noSignature = Array("extra-info SyntheticRelay 0123456789ABCDEF0123456789ABCDEF01234567\npublished 2020-01-02 03:04:05\n".utf8)
        let missing = try #require(Self.strictError(noSignature))
        #expect(missing.failure == .missingKeyword)
        #expect(missing.keyword == "router-signature")
        #expect(try ExtraInfoDescriptor(parsing: noSignature).digest == nil)

        let twice = try #require(Self.strictError(Self.synthetic(["published 2020-01-02 03:04:06"])))
        #expect(twice.failure == .duplicateKeyword)
        #expect(twice.line == 3)

        var trailing = Self.synthetic([])
        trailing += Array("future-keyword 1\n".utf8)
        let notLast = try #require(Self.strictError(trailing))
        #expect(notLast.keyword == "router-signature")
        #expect(notLast.line == 3)
        if case .misplacedKeyword = notLast.failure {} else { Issue.record("expected misplacedKeyword, got \(notLast)") }

        let signatureNotEd = try #require(Self.strictError(Self.synthetic([
            "router-sig-ed25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])))
        #expect(signatureNotEd.keyword == "router-sig-ed25519")
    }

    @Test func syntheticUnidentifiableDocumentsThrowEvenWhenLenient() throws {
        let noOpening = Array("published 2020-01-02 03:04:05\nread-history 2020-01-02 00:00:00 (900 s) 1\n".utf8)
        #expect(throws: DescriptorParseError.self) { try ExtraInfoDescriptor(parsing: noOpening) }
        let badNickname = Array("extra-info Not-A-Nickname 0123456789ABCDEF0123456789ABCDEF01234567\npublished 2020-01-02 03:04:05\n".utf8)
        #expect(throws: DescriptorParseError.self) { try ExtraInfoDescriptor(parsing: badNickname) }
        let badFingerprint = Array("extra-info Relay 0123456789ABCDEF\npublished 2020-01-02 03:04:05\n".utf8)
        #expect(throws: DescriptorParseError.self) { try ExtraInfoDescriptor(parsing: badFingerprint) }
    }

    @Test func syntheticBrokenDocumentBetweenRealOnesKeepsTheOthers() throws {
        // Real documents, unedited, around a synthetic broken one (unusable fingerprint).
        let first = try ExtraInfoFixtures.bytes("extra-info/stem--extrainfo_relay_descriptor")
        let broken = Array("extra-info SyntheticBroken NOT-A-FINGERPRINT\npublished 2020-01-02 03:04:05\n".utf8)
        let last = try ExtraInfoFixtures.bytes("extra-info/stem--extrainfo_descriptor_with_ed25519")
        let file = first + broken + last
        let results = ExtraInfoDescriptor.parseAll(file[...])
        #expect(results.count == 3)
        let brokenLine = first.filter { $0 == 0x0A }.count + 1
        if case .failure(let error) = results[1] {
            #expect(error.line == brokenLine)
            #expect(error.keyword == "extra-info")
        } else {
            Issue.record("middle document should fail")
        }
        #expect((try? results[0].get())?.nickname == "NINJA")
        let third = try results[2].get()
        #expect(third.nickname == "silverfoxden")
        #expect(third.firstLine == brokenLine + 2)
        #expect(third.digest?.hex == "062CC821A3C643B5E02AC5C250C88958210A114B")
    }

    // MARK: The real non-ASCII document

    @Test func realNonASCIIRequestsFailStrictAndParseLenient() throws {
        let bytes = try ExtraInfoFixtures.bytes("malformed/stem--extrainfo_nonascii_v3_reqs")
        let error = try #require(Self.strictError(bytes))
        #expect(error.line == 17)
        #expect(error.keyword == "dirreq-v3-reqs")
        #expect(error.document == .extraInfo)
        guard case .nonASCII(let line) = error.failure else { Issue.record("expected nonASCII, got \(error)"); return }
        #expect(line.hasPrefix(#"dirreq-v3-reqs S\xFF=4026597208,S\xFF=4026597208,"#))
        #expect(line.contains(#"\xA5\xFE=4026591624,6\x16=4026537520"#))
        #expect(line.hasSuffix("us=8"))
        #expect(error.description.contains("line 17"))

        let lenient = try ExtraInfoDescriptor(parsing: bytes)
        #expect(lenient.nickname == "newton")
        #expect(lenient.dirV3Requests == nil)                  // as Stem without validation
        #expect(lenient.dirV3IPs?.dictionary == ["us": 8])
        #expect(lenient.warnings.map(\.line) == [17])
        #expect(lenient.warnings.first?.keyword == "dirreq-v3-reqs")
        #expect(lenient.rawBytes.contains(0xFF))
        #expect(lenient.rawBytes.count == bytes.count)
        #expect(lenient.hiddenServiceDirOnionsSeen?.value == -21)
        #expect(lenient.hiddenServiceRendezvousCells?.value == 5238)
        #expect(lenient.digest?.hex == "6338B632C68FA0758F30FF077407E813191ACBB7")
        #expect(lenient.sha256Digest?.base64 == "5lofpueDEUlfN8t2XD1VieAsDDfpvbhOvrggFgSKi1E")
    }
}
