import Foundation
import Testing
@testable import TorDescriptors

/// Loads fixtures copied byte-exact from ../shared/corpus. Files named `stem--<sha1>` are
/// members of the corpus archives `archives/stem--extra-infos-2019-04-cropped.tar` (relays) and
/// `archives/stem--bridge-extra-infos-2019-03-cropped.tar` (bridges), extracted with `tar x`;
/// CollecTor names each such file after the descriptor's SHA-1 digest.
enum ExtraInfoFixtures {
    static func bytes(_ relative: String) throws -> [UInt8] { try ProjectFiles.corpus(relative) }

    static func parse(_ relative: String, mode: ValidationMode = .lenient) throws -> [ExtraInfoDescriptor] {
        let file = try bytes(relative)
        return try ExtraInfoDescriptor.parseAll(file[...], mode: mode).map { try $0.get() }
    }

    static func single(_ relative: String, mode: ValidationMode = .lenient) throws -> ExtraInfoDescriptor {
        let all = try parse(relative, mode: mode)
        try #require(all.count == 1)
        return all[0]
    }

    /// Lines that open an extra-info document, counted on the raw bytes.
    static func openingLines(_ file: [UInt8]) -> Int {
        let marker = Array("extra-info ".utf8)
        var count = file.starts(with: marker) ? 1 : 0
        for index in file.indices where file[index] == 0x0A && file[(index + 1)...].starts(with: marker) { count += 1 }
        return count
    }

    /// CollecTor tar members: file name is the lower-case SHA-1 digest.
    static let relayArchiveMembers = [
        "00a0a1fd235771fca64bd9974c2a16504624e6c0", "00a1b03ccd9edb1e698f620781c6b3f1ccca040a",
        "00a1ff23b135a59f7e767e72faf3ca24e85eb7cb", "0703431948928967e5e43685ae00d807eee59f82",
        "07378648956145ee68b078f0e1ed7e33cb1b02e2", "07444398123983f7ca7cc9afaf51b3acef7b2c0f",
        "07586435674392e69609266beb603ebbe99a290f",
    ]
    static let bridgeArchiveMembers = [
        "00a00ecda6a79a65639bd15324e49fb22f6acf97", "00a2a7a70d80e5ed3ce6b9f33b7932419112de1b",
        "00a2cdd4ba4df7d306ad4e9cd3f63008f23aebbb", "01a0b388da4d2539dbdd1314873963f862615def",
        "01a0c96aaac2a6753e71917f04b96f68b84e64ff", "01a0dddf41107f8167d48331d956855627eb2079",
    ]

    /// Every extra-info fixture with its document count (SOURCES.md counts `extra-info ` lines).
    static let files: [(path: String, count: Int, bridge: Bool)] = [
        ("extra-info/metrics-lib--2017-07-17-17-20-00-extra-infos", 6, false),
        ("extra-info/relay-2016-10-02-08-05-00-extra-infos", 9, false),
        ("extra-info/stem--extrainfo_descriptor_with_ed25519", 1, false),
        ("extra-info/stem--extrainfo_relay_descriptor", 1, false),
        ("bridge/bridge-2016-10-02-08-09-00-extra-infos", 10, true),
        ("bridge/metrics-lib--2017-07-17-17-09-00-extra-infos", 6, true),
        ("bridge/stem--bridge_extrainfo_descriptor_with_ed25519", 1, true),
        ("bridge/stem--extrainfo_bridge_descriptor", 1, true),
        ("bridge/stem--extrainfo_bridge_descriptor_multiple", 6, true),
    ] + relayArchiveMembers.map { ("extra-info/stem--" + $0, 1, false) }
      + bridgeArchiveMembers.map { ("bridge/stem--" + $0, 1, true) }
}

@Suite struct ExtraInfoCorpusTests {
    @Test(arguments: ExtraInfoFixtures.files.map(\.path))
    func everyRealFileParsesWithTheRightCountInBothModes(path: String) throws {
        let expected = try #require(ExtraInfoFixtures.files.first { $0.path == path })
        let file = try ExtraInfoFixtures.bytes(path)
        #expect(ExtraInfoFixtures.openingLines(file) == expected.count)
        for mode in [ValidationMode.lenient, .strict] {
            let results = ExtraInfoDescriptor.parseAll(file[...], mode: mode)
            #expect(results.count == expected.count)
            for result in results {
                let descriptor = try result.get()
                #expect(descriptor.isBridge == expected.bridge)
                #expect(descriptor.warnings.isEmpty)
                #expect(descriptor.unrecognizedLines.isEmpty)
                #expect(descriptor.published != nil)
                #expect(descriptor.digest != nil)
            }
        }
    }

    @Test func slicesKeepAnnotationsRawBytesAndFileLineNumbers() throws {
        let all = try ExtraInfoFixtures.parse("extra-info/relay-2016-10-02-08-05-00-extra-infos")
        #expect(all.map(\.nickname) == ["HarryHasASpareVPS", "grepular1", "DeepBlueOcean", "torexit42", "relay0",
                                        "Eisregen", "Blackmesa", "DeepBlueOcean", "relay0"])
        #expect(all[0].firstLine == 1)
        #expect(all[1].firstLine == 23)   // `@type extra-info 1.0` before `extra-info grepular1` on line 24
        #expect(all[1].annotations == [Annotation(name: "type", value: "extra-info 1.0", line: 23)])
        #expect(all[1].rawBytes.starts(with: Array("@type extra-info 1.0\nextra-info grepular1 ".utf8)))
        #expect(all[1].fingerprint.hex == "0F408EA9DE6B40D695A4206B73ACBDE747DED7A4")
        let file = try ExtraInfoFixtures.bytes("extra-info/relay-2016-10-02-08-05-00-extra-infos")
        #expect(all.map(\.rawBytes.count).reduce(0, +) == file.count)
    }

    @Test func relayHistoriesAndDigests() throws {
        // Values read from the file; digests as Stem 1.8.2 computes them.
        let ninja = try ExtraInfoFixtures.single("extra-info/stem--extrainfo_relay_descriptor", mode: .strict)
        #expect(ninja.nickname == "NINJA")
        #expect(ninja.fingerprint.hex == "B2289C3EAB83ECD6EB916A2F481A02E6B76A0A48")
        #expect(ninja.published?.description == "2012-05-05 17:03:50")
        let write = try #require(ninja.writeHistory)
        #expect(write.end.description == "2012-05-05 17:02:45")
        #expect(write.interval == 900)
        #expect(write.values.count == 28)
        #expect(Array(write.values.prefix(3)) == [1_082_368, 19_456, 50_176])
        #expect(write.values.last == 16_678_912)
        #expect(write.start.description == "2012-05-05 10:02:45")
        #expect(ninja.readHistory?.values.first == 3_309_568)
        #expect(ninja.readHistory?.values.last == 8_186_880)
        #expect(ninja.dirReadHistory?.values.suffix(2) == [28_672, 30_720])
        #expect(ninja.dirWriteHistory?.values.suffix(2) == [894_976, 8_610_816])
        #expect(ninja.ipv6ReadHistory == nil)
        #expect(ninja.digest?.hex == "00A57A9AAB5EA113898E2DD02A755E31AFC27227")
        #expect(ninja.sha256Digest?.base64 == "n2+wh6uM+lbKnhbkOog2jv9X5tPytlrFdO+I+auSmME")
        #expect(ninja.signature?.count == 128)
    }

    @Test func relayWithEd25519() throws {
        let relay = try ExtraInfoFixtures.single("extra-info/stem--extrainfo_descriptor_with_ed25519", mode: .strict)
        #expect(relay.nickname == "silverfoxden")
        let certificate = try #require(relay.identityEd25519Certificate)
        #expect(certificate.count == 140)
        #expect(Array(certificate.prefix(4)) == [0x01, 0x04, 0x00, 0x06])   // version 1, type 4 (signing key)
        #expect(relay.ed25519Signature == "g6Zg7Er8K7C1etmt7p20INE1ExIvMRPvhwt6sjbLqEK+EtQq8hT+86hQ1xu7cnz6bHee+Zhhmcc4JamV4eiMAw")
        #expect(relay.geoipDBDigest?.hex == "6882B8663F74C23E26E3C2274C24CAB2E82D67A2")
        #expect(relay.geoip6DBDigest?.hex == "F063BD5247EB9829E6B9E586393D7036656DAF44")
        let statsEnd = try #require(TorTimestamp(parsing: "2015-08-22 11:58:30"))
        #expect(relay.dirStats == StatsPeriod(end: statsEnd, interval: 86_400))
        // `dirreq-v3-ips ` with nothing after it is present and empty, not absent.
        #expect(relay.dirV3IPs?.isEmpty == true)
        #expect(relay.dirV2IPs == nil)
        #expect(relay.dirV3Responses?.keys == DirResponse.allCases)
        #expect(relay.dirV3Responses?.allSatisfy { $0.count == 0 } == true)
        #expect(relay.dirV3ResponsesUnknown?.isEmpty == true)
        #expect(relay.dirV3DirectDownloads?.keys == [.complete, .timeout, .running])
        #expect(relay.readHistory?.values == [20_449_280, 23_888_896, 9_099_264, 7_185_408, 8_880_128, 13_230_080])
        #expect(relay.digest?.hex == "062CC821A3C643B5E02AC5C250C88958210A114B")
        #expect(relay.sha256Digest?.base64 == "37bmesl/iCY+KFFPRrI5HV7EA73E+5KypFCmdEEG6g0")
    }

    @Test func archiveMembersAreNamedByTheirDigest() throws {
        for name in ExtraInfoFixtures.relayArchiveMembers {
            let relay = try ExtraInfoFixtures.single("extra-info/stem--" + name)
            #expect(!relay.isBridge)
            #expect(relay.routerDigest == nil)
            #expect(relay.digest?.hex == name.uppercased())   // computed SHA-1
        }
        for name in ExtraInfoFixtures.bridgeArchiveMembers {
            let bridge = try ExtraInfoFixtures.single("bridge/stem--" + name)
            #expect(bridge.isBridge)
            #expect(bridge.digest?.hex == name.uppercased())  // the router-digest line
        }
    }

    @Test func relayHiddenServiceAndPaddingStatistics() throws {
        let relay = try ExtraInfoFixtures.single("extra-info/stem--00a1ff23b135a59f7e767e72faf3ca24e85eb7cb", mode: .strict)
        #expect(relay.readHistory?.values == [424_420_992_000, 226_472_752_128, 576_772_734_976, 618_877_414_400, 718_997_326_848])
        #expect(relay.readHistory?.interval == 86_400)
        #expect(relay.hiddenServiceStats?.end.description == "2019-04-11 09:23:32")
        #expect(relay.hiddenServiceStats?.interval == 86_400)
        let rendezvous = try #require(relay.hiddenServiceRendezvousCells)
        #expect(rendezvous.value == 50_787_587)
        #expect(rendezvous.deltaF == 2048)
        #expect(rendezvous.epsilon == 0.30)
        #expect(rendezvous.binSize == 1024)
        #expect(rendezvous.attributes.map(\.key) == ["delta_f", "epsilon", "bin_size"])
        #expect(relay.hiddenServiceDirOnionsSeen?.value == 45)
        #expect(relay.hiddenServiceDirOnionsSeen?.binSize == 8)
        let padding = try #require(relay.paddingCounts)
        #expect(padding.end.description == "2019-04-11 09:23:46")
        #expect(padding.interval == 86_400)
        #expect(padding.counts.keys == ["bin-size", "write-drop", "write-pad", "write-total", "read-drop", "read-pad",
                                        "read-total", "enabled-read-pad", "enabled-read-total", "enabled-write-pad",
                                        "enabled-write-total", "max-chanpad-timers"])
        #expect(padding.counts.map(\.count) == [10_000, 0, 960_000, 1_010_000, 0, 650_000, 1_338_840_000,
                                                10_000, 1_590_000, 360_000, 360_000, 221])
        #expect(relay.dirV3Responses?.count(for: .notModified) == 5448)
        #expect(relay.dirV3TunneledDownloads?.count(for: .md) == 698_907)
        #expect(relay.dirV3TunneledDownloads?.count(for: .max) == 5_530_862)
        #expect(relay.dirV3Requests?.count(for: "us") == 232)
        #expect(relay.dirV3IPs?.first?.key == "us")
        #expect(relay.sha256Digest?.base64 == "unqgWX3oam/NZmNzSk+xF9eqwCxLmaqMykIjeK65cQs")
    }

    @Test func bridgeWithNegativeHiddenServiceValue() throws {
        let bridge = try ExtraInfoFixtures.single("bridge/stem--01a0dddf41107f8167d48331d956855627eb2079", mode: .strict)
        #expect(bridge.hiddenServiceRendezvousCells?.value == -7405)   // Laplace noise: negative is legal here
        #expect(bridge.hiddenServiceDirOnionsSeen?.value == 31)
        #expect(bridge.paddingCounts?.counts.count(for: "enabled-read-total") == 140_000)
        #expect(bridge.paddingCounts?.counts.count(for: "max-chanpad-timers") == 11)
        #expect(bridge.transports == [PluggableTransport(name: "obfs4", address: nil, port: nil, arguments: [])])
        #expect(bridge.ipVersions?.dictionary == ["v4": 48, "v6": 0])
        #expect(bridge.ipTransports?.keys == ["obfs4"])
        #expect(bridge.bridgeIPs?.count == 14)
        #expect(bridge.bridgeIPs?.first == StatCounts.Entry(key: "us", count: 16))
        #expect(bridge.masterKeyEd25519 == "24uodJBOEAOSyjGo++ROGkFXaNprswJYI9N4+4WBxto")
        #expect(bridge.routerDigestSHA256?.base64 == "FHbr8XesczZkwPtn9JWS2TCKHk/IT4KblTk2BsoTYpU")
        #expect(bridge.sha256Digest != nil)
        #expect(bridge.signature == nil)
    }

    @Test func oldBridgeWithV2DirectoryStatistics() throws {
        let bridge = try ExtraInfoFixtures.single("bridge/stem--extrainfo_bridge_descriptor", mode: .strict)
        #expect(bridge.nickname == "ec2bridgereaac65a3")
        #expect(bridge.annotations.first?.value == "bridge-extra-info 1.0")
        #expect(bridge.dirV2Responses?.keys == [.ok, .unavailable, .notFound, .notModified, .busy])
        #expect(bridge.dirV3Responses?.count(for: .ok) == 72)
        #expect(bridge.dirV3Responses?.count(for: .notEnoughSigs) == 0)
        let tunneled = try #require(bridge.dirV3TunneledDownloads)
        #expect(tunneled.keys == [.complete, .timeout, .running, .min, .d1, .d2, .q1, .d3, .d4, .md,
                                  .d6, .d7, .q3, .d8, .d9, .max])
        #expect(tunneled.count(for: .md) == 70_626)
        #expect(tunneled.count(for: .max) == 32_136_142)
        #expect(bridge.dirV3TunneledDownloadsUnknown?.isEmpty == true)
        #expect(bridge.dirV2TunneledDownloads?.dictionary == [.complete: 0, .timeout: 0, .running: 0])
        #expect(bridge.dirV2IPs?.isEmpty == true)
        #expect(bridge.bridgeIPs?.count == 16)
        #expect(bridge.bridgeIPs?.count(for: "??") == 8)
        #expect(bridge.bridgeIPs?.count(for: "cn") == 16)
        #expect(bridge.bridgeStats?.end.description == "2012-06-07 06:33:53")
        #expect(bridge.writeHistory?.values.count == 96)
        #expect(bridge.digest?.hex == "00A2AECCEAD3FEE033CFE29893387143146728EC")
        #expect(bridge.sha256Digest == nil)
    }

    @Test func sanitizedBridgeWithScrubbedTransports() throws {
        let bridge = try ExtraInfoFixtures.single("bridge/stem--bridge_extrainfo_descriptor_with_ed25519", mode: .strict)
        #expect(bridge.transports.map(\.name) == ["scramblesuit", "obfs3", "obfs4"])
        #expect(bridge.transports.allSatisfy { $0.address == nil && $0.port == nil })
        #expect(bridge.ipTransports?.keys == ["<OR>", "obfs3", "obfs4"])
        #expect(bridge.dirV3Requests?.keys == ["ie", "in", "kz", "nl", "qa"])
        #expect(bridge.masterKeyEd25519 == "VigmhxML9uw8CT1XeGqZ8KLMhKk6AOKnChQt24usBbI")
        #expect(bridge.digest?.hex == "3DBE6840376F3EC277002396832788DB2FB38393")
        #expect(bridge.sha256Digest?.base64 == "7DSOQz9eGgjDX6GT7qcrVViK8yqJD4aoEnuhdAgYtgA")
    }

    @Test func bridgeDigestsMatchTheBridgeServerDescriptor() throws {
        // bridge/metrics-lib--2017-07-17-17-09-00-server-descriptors line 134 (read from the corpus):
        // extra-info-digest 7E7474F0350F5490ABD5A8189FFFE2D3698ED78A TWliWLwkFCviVpBZrkmM8Xzs3eKgXgjp6GfLvl+khSs
        let all = try ExtraInfoFixtures.parse("bridge/metrics-lib--2017-07-17-17-09-00-extra-infos", mode: .strict)
        let bridge = try #require(all.first { $0.nickname == "Dallaslitai" })
        #expect(bridge.digest?.hex == "7E7474F0350F5490ABD5A8189FFFE2D3698ED78A")
        #expect(bridge.sha256Digest?.base64 == "TWliWLwkFCviVpBZrkmM8Xzs3eKgXgjp6GfLvl+khSs")
        #expect(bridge.ipTransports?.dictionary == ["<OR>": 8, "obfs4": 8])
        #expect(bridge.dirReadHistory?.values == [18_432, 0, 4096, 4096, 0, 30_720])
    }

    @Test func stemJSONUsesStemNamesAndFormats() throws {
        let ninja = try ExtraInfoFixtures.single("extra-info/stem--extrainfo_relay_descriptor")
        guard case .object(let pairs) = ninja.stemJSON else { Issue.record("not an object"); return }
        let json = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        #expect(json["nickname"] == .string("NINJA"))
        #expect(json["published"] == .string("2012-05-05 17:03:50"))
        #expect(json["read_history_end"] == .string("2012-05-05 17:02:45"))
        #expect(json["read_history_interval"] == .int(900))
        #expect(json["dir_write_history_interval"] == .int(900))
        #expect(json["transport"] == .object([]))
        #expect(json["hs_rend_cells_attr"] == .object([]))
        #expect(json["dir_v3_requests"] == .null)
        #expect(json["digest"] == .string("00A57A9AAB5EA113898E2DD02A755E31AFC27227"))
        guard case .string(let signature) = json["signature"] else { Issue.record("no signature"); return }
        #expect(signature.hasPrefix("-----BEGIN SIGNATURE-----\nK5FSywk7"))
        #expect(signature.hasSuffix("-----END SIGNATURE-----"))

        let bridge = try ExtraInfoFixtures.single("bridge/stem--bridge_extrainfo_descriptor_with_ed25519")
        let text = bridge.stemJSON.serialized()
        #expect(text.contains(#""ip_transports":{"<OR>":8,"obfs3":8,"obfs4":8}"#))
        #expect(text.contains(#""transport":{"scramblesuit":[null,null,null],"obfs3":[null,null,null],"obfs4":[null,null,null]}"#))
        #expect(text.contains(#""dir_v3_responses":{"ok":8,"not-enough-sigs":0,"unavailable":0,"not-found":0,"not-modified":0,"busy":0}"#))
        #expect(text.contains(#""ed25519_certificate_hash":"VigmhxML9uw8CT1XeGqZ8KLMhKk6AOKnChQt24usBbI""#))
    }
}
