import Foundation
import Testing
@testable import TorDescriptors

enum ServerFixtures {
    static func bytes(_ relative: String) throws -> [UInt8] { try ProjectFiles.corpus(relative) }
    static func descriptors(_ relative: String, mode: ValidationMode = .lenient) throws -> [ServerDescriptor] {
        try ServerDescriptor.parseAll(bytes(relative)[...], mode: mode).map { try $0.get() }
    }
    static func one(_ relative: String, mode: ValidationMode = .lenient) throws -> ServerDescriptor {
        let all = try descriptors(relative, mode: mode)
        try #require(all.count == 1)
        return all[0]
    }
}

// Expected values below were checked against Stem 1.8.2 (`parse_file(..., 'server-descriptor 1.0')`)
// and the file text.
@Suite struct ServerDescriptorTests {
    @Test func exampleDescriptor() throws {
        let d = try ServerFixtures.one("server-descriptors/stem--example_descriptor", mode: .strict)
        #expect(d.nickname == "caerSidi")
        #expect(d.address == IPAddress("71.35.133.197"))
        #expect(d.orPort == 9001 && d.socksPort == nil && d.dirPort == nil)
        #expect(d.fingerprint?.hex == "A7569A83B5706AB1B1A9CB52EFF7D2D32E4553EB")
        #expect(d.published?.description == "2012-03-01 17:15:27")
        #expect(d.platformString == "Tor 0.2.1.30 on Linux x86_64")
        #expect(d.torVersion == "0.2.1.30")
        #expect(d.operatingSystem == "Linux x86_64")
        #expect(d.uptime == 588217)
        #expect(d.contactString == "www.atagar.com/contact")
        #expect(d.averageBandwidth == 153600 && d.burstBandwidth == 256000 && d.observedBandwidth == 104590)
        #expect(d.linkProtocols == ["1", "2"] && d.circuitProtocols == ["1"])
        #expect(d.isHiddenServiceDir)
        #expect(d.extraInfoDigest?.hex == "D225B728768D7EA4B5587C13A7A9D22EBBEE6E66")
        #expect(d.exitPolicyLines == ["reject *:*"])
        #expect(d.family.count == 8 && d.family.first == "$0CE3CFB1E9CC47B63EA8869813BF6FAB7D4540C1")
        #expect(d.digest?.hex == "2C7B27BEAB04B4E2459D89CA6D5CD1CC5F95A689")
        #expect(d.signingKey.map(Digest.sha1) == d.fingerprint?.bytes)
        #expect(d.onionKey?.count == 140 && d.signature?.count == 128)
        #expect(d.onionKeyPEM?.hasPrefix("-----BEGIN RSA PUBLIC KEY-----\nMIGJAoGBAJv5IIWQ+WDWYUdyA/0L8qbIkEVH/cwryZWoIaPAzINfrw1WfNZGtBmg\n") == true)
        #expect(!d.isBridge && d.documentKind == .serverDescriptor)
        #expect(d.warnings.isEmpty && d.unrecognizedLines.isEmpty)
        #expect(d.annotations.map(\.name) == ["type"] && d.annotations[0].value == "server-descriptor 1.0")
    }

    @Test func oldDescriptorFrom2005() throws {
        let d = try ServerFixtures.one("server-descriptors/stem--old_descriptor", mode: .strict)
        #expect(d.nickname == "krypton")
        #expect(d.fingerprint?.hex == "3E2F63E2356F52318B536A12B6445373808A5D6C")   // from an `opt fingerprint` line
        #expect(d.isHibernating)
        #expect(d.torVersion == "0.1.0.14" && d.operatingSystem == "FreeBSD i386")
        #expect(d.ntorOnionKey == nil && d.identityCertificate == nil && d.protocols == nil)
        #expect(d.digest?.hex == "00BB5385C0DF28DC6765AC465D0CC7BC6A41AD33")
        #expect(d.readHistory?.end.description == "2005-12-16 18:00:48")
        #expect(d.readHistory?.interval == 900)
        #expect(d.readHistory?.values.prefix(3) == [20774, 489973, 510022])
        #expect(d.writeHistory?.values.last == 110668)
        #expect(d.exitPolicyLines.count == 20)
        #expect(d.exitPolicyLines.first == "reject 169.254.0.0/255.255.0.0:*")
        #expect(d.stemJSON.objectValue("exit_policy")?.hasPrefix("reject 169.254.0.0/16:*, reject 127.0.0.0/8:*") == true)
    }

    @Test func ed25519Descriptor() throws {
        let d = try ServerFixtures.one("server-descriptors/stem--server_descriptor_with_ed25519", mode: .strict)
        #expect(d.nickname == "destiny")
        #expect(d.digest?.hex == "B5E441051D139CCD84BC765D130B01E44DAC29AD")
        let cert = try #require(d.identityCertificate)
        #expect(cert.certType == 4 && cert.certifiedKeyType == 1)
        #expect(cert.expiration.description == "2015-08-28 17:00:00")
        #expect(Hex.encode(cert.certifiedKey, uppercase: false) == "a5b61a80440f522363703a7fa18da81125e40f377c3d996bdba91a47b9d491aa")
        #expect(cert.signingKey == d.masterKeyEd25519)
        #expect(Base64.encode(d.masterKeyEd25519 ?? [], padded: false) == "Z6a1UabSK+N21j6NnyM6N7jssH6DK68qa6W5uB4QpGQ")
        let ntor = try #require(d.ntorOnionKeyCrosscert)
        #expect(ntor.certType == 10 && ntor.extensions.isEmpty)
        #expect(ntor.certifiedKey == d.masterKeyEd25519)
        #expect(d.ntorOnionKeyCrosscertSign == 0)
        #expect(d.ed25519Signature?.count == 64 && d.onionKeyCrosscert?.count == 128)
        #expect(d.orAddresses == [ORAddress(address: IPAddress("2a01:608:ffff:ff07::1:23")!, port: 9003)])
        #expect(d.extraInfoDigestSHA256?.base64 == "r+roMxhsjd1GPpn5knQoBvtE9Rhsv8zQHCqiYL6u2CA")
        #expect(Set(d.family) == ["$379FB450010D17078B3766C2273303C358C3A442", "$3EB46C1D8D8B1C0BBCB6E4F08301EF68B7F5308D",
                                  "$B0279A521375F3CB2AE210BDBFC645FDD2E1973A", "$EC116BCB80565A408CE67F8EC3FE3B0B02C3A065"])
        // The Ed25519-signed part ends with "router-sig-ed25519 ".
        let signed = try #require(d.ed25519SignedContent)
        #expect(String(decoding: signed.suffix(19), as: UTF8.self) == "router-sig-ed25519 ")
    }

    @Test func currentDescriptorWithFamilyCert() throws {
        let d = try ServerFixtures.one("server-descriptors/2026-07-arti-live--Akka", mode: .strict)
        #expect(d.digest?.hex == "87546A572A0D110518E52722C106C9647F0E95D6")
        #expect(d.protocols?.versions(of: "Relay") == [2, 3, 4, 5, 6])
        #expect(d.protocols?.supports("Conflux", version: 1) == true)
        #expect(d.allowsTunnelledDirRequests && d.isHiddenServiceDir)
        #expect(d.ntorOnionKeyCrosscertSign == 1)
        #expect(d.identityCertificate?.expiration.description == "2026-08-24 04:00:00")
        // family-cert: type 12, certifies this relay's master key, signed by the family key
        // (values decoded by hand from the object: Stem 1.8.2 rejects type 12).
        let family = try #require(d.familyCertificates.first)
        #expect(d.familyCertificates.count == 1)
        #expect(family.certType == Ed25519Certificate.CertType.familyIdentity)
        #expect(family.certifiedKey == d.masterKeyEd25519)
        #expect(family.expiration.description == "2026-08-26 09:00:00")
        #expect(family.signingKey.map { Hex.encode($0, uppercase: false) } == "c62442e1f614ca3de944ec877809b97507ab6d4307acb91e389a46db5bdf7f8e")
        #expect(d.orAddresses.first?.description == "[2a01:4f9:2a:2145::2]:443")
    }

    @Test func exitPolicyAndIPv6Policy() throws {
        let d = try ServerFixtures.one("server-descriptors/2026-07-arti-live--d2d4", mode: .strict)
        #expect(d.digest?.hex == "C714FB0C9BFFF7CC13750CE570B72B0D1E39233A")
        #expect(d.exitPolicyLines.prefix(3) == ["reject 0.0.0.0/8:*", "reject 169.254.0.0/16:*", "reject 127.0.0.0/8:*"])
        #expect(d.exitPolicyLines.last == "reject *:*")
        #expect(d.exitPolicyLines.count == 104)
        #expect(d.ipv6Policy?.hasPrefix("accept 20-23,43,53,79-81,88,110,") == true)
        #expect(d.family == ["$50485E03CA39D393BD54D315CEBA65E6DD0FDDB9", "$FAF0A8829E39063669FA609B904E0FB8D5E1F23F"])
    }

    @Test func collectorFileNamedByDigest() throws {
        let d = try ServerFixtures.one("server-descriptors/collector-2014-11-88827c73d5fd35e9638f820c44187ccdf8403b0f", mode: .strict)
        #expect(d.nickname == "Karlstad2")
        #expect(d.digest?.hex == "88827C73D5FD35E9638F820C44187CCDF8403B0F")
    }

    @Test func multiDescriptorFiles() throws {
        let relays = try ServerFixtures.descriptors("server-descriptors/relay-2016-10-02-16-05-00-server-descriptors", mode: .strict)
        #expect(relays.count == 10)
        #expect(relays.map(\.nickname).prefix(3) == ["impedance", "OneMan", "Unnamed"])
        #expect(relays.last?.digest?.hex == "E381CE74A1A592F6D375706665ABA6D4D22923F1")
        #expect(relays[3].dirPort == 9030 && relays[3].ntorOnionKeyCrosscertSign == 1)
        #expect(relays[7].orAddresses.first?.port == 2342)
        let multiple = try ServerFixtures.descriptors("server-descriptors/stem--metrics_server_desc_multiple")
        #expect(multiple.map(\.digest?.hex) == ["6DDB996FB1F2CFC804D608B432FA6E9A5E90161D", "027E77D6715C6145E9A78C48CA8994CEBCE3EBA6"])
        let metricsLib = try ServerFixtures.descriptors("server-descriptors/metrics-lib--2017-07-17-17-20-00-server-descriptors", mode: .strict)
        #expect(metricsLib.map(\.nickname) == ["WinterNight0", "tortomofterelay", "Ajorcel", "CookieNode"])
    }

    @Test func sanitizedBridgeDescriptors() throws {
        let old = try ServerFixtures.one("bridge/stem--bridge_descriptor", mode: .strict)
        #expect(old.isBridge && old.documentKind == .bridgeServerDescriptor)
        #expect(old.digest?.hex == "00F1CD29AD308A59A9AB5A88B49ECB46E0F215FD")     // the router-digest line
        #expect(old.address == IPAddress("10.18.111.71"))
        #expect(old.cachesExtraInfo && old.signingKey == nil && old.signature == nil)

        let ed = try ServerFixtures.one("bridge/stem--bridge_descriptor_with_ed25519", mode: .strict)
        #expect(ed.digest?.hex == "402AC6E2BB371923E637A1D23C2D8EA55D6EB7D5")
        #expect(ed.routerDigestSHA256?.base64 == "OB/fqLD8lYmjti09R+xXH/D4S2qlizxdZqtudnsunxE")
        #expect(ed.orAddresses.first?.address == IPAddress("fd9f:2e19:3bcf::3d:b3f9"))
        #expect(ed.stemJSON.objectValue("ed25519_certificate_hash") == "lgIuiAJCoXPRwWoHgG4ZAoKtmrv47aPr4AsbmESj8AA")

        let file = try ServerFixtures.descriptors("bridge/metrics-lib--2017-07-17-17-09-00-server-descriptors", mode: .strict)
        #expect(file.count == 13 && file.allSatisfy(\.isBridge))
        #expect(file[9].nickname == "default" && file[9].digest?.hex == "249286501104CBDDE4A78E469ED16CDBA1A1F5FF")
        let collector = try ServerFixtures.descriptors("bridge/bridge-2016-10-02-16-09-00-server-descriptors", mode: .strict)
        #expect(collector.count == 8)
        #expect(collector.last?.digest?.hex == "A8A5509AD1393C8F36ABD2D8F0DE1BB751926872")
    }

    @Test func bridgeOptionWithoutAnnotation() throws {
        let bytes = try ServerFixtures.bytes("bridge/stem--bridge_descriptor")
        // Dropping the annotation line still yields a bridge: router-digest is enough.
        let body = bytes[(bytes.firstIndex(of: 0x0A)! + 1)...]
        let detected = try ServerDescriptor(parsing: body)
        #expect(detected.isBridge && detected.annotations.isEmpty)
        let forced = try ServerDescriptor(parsing: DocumentSlice(bytes: body, firstLine: 2), mode: .lenient, isBridge: true)
        #expect(forced.isBridge)
    }

    @Test func negativeUptimeFromOldTor() throws {
        // tor 0.1.1.25 predates the 0.1.2.7 fix, so strict accepts the negative value (as Stem does).
        let d = try ServerFixtures.one("malformed/stem--negative_uptime", mode: .strict)
        #expect(d.uptime == -31081285)
        #expect(d.torVersion == "0.1.1.25")
        #expect(d.digest?.hex == "284979361612B14BEBDF3D01B7973412CAAD5489")
    }

    @Test func carriageReturnsInContact() throws {
        // The contact line holds a whole PGP key joined with lone CRs: one line, kept byte-exact.
        let d = try ServerFixtures.one("malformed/stem--cr_in_contact_line", mode: .strict)
        #expect(d.nickname == "pogonip")
        #expect(d.digest?.hex == "DEF5878C5FE864CBE48510E85327E1D30F7AA971")
        let contact = try #require(d.contactString)
        #expect(contact.hasPrefix("jie1 at pacbell dot net -----BEGIN PGP PUBLIC KEY BLOCK-----\rVersion: GnuPG v1 dot 4 dot 7 (Darwin)\r\r"))
        #expect(contact.hasSuffix("\r-----END PGP PUBLIC KEY BLOCK-----"))
    }

    @Test func nonASCIIContactPassesStrict() throws {
        let d = try ServerFixtures.one("malformed/stem--non-ascii_descriptor", mode: .strict)
        #expect(d.nickname == "Coruscant")
        #expect(d.contactString == "1024D/04D2E818 Lénaïc Huard <lenaic dot huard AT laposte dot net>")
        #expect(d.contact?.contains(0xC3) == true)
        #expect(d.digest?.hex == "F0CE398F63E2A1A2B391DD92D3859C70C5AFB21E")
    }

    @Test func rawBytesKeepAnnotations() throws {
        let bytes = try ServerFixtures.bytes("server-descriptors/stem--example_descriptor")
        let d = try ServerDescriptor(parsing: bytes)
        #expect(Array(d.rawBytes) == bytes)
        #expect(d.firstLine == 1)
        #expect(d.signedContent?.first == UInt8(ascii: "r"))
    }
}

extension JSONValue {
    /// A string member of an object, for tests.
    func objectValue(_ key: String) -> String? {
        guard case .object(let pairs) = self, let value = pairs.first(where: { $0.0 == key })?.1,
              case .string(let text) = value else { return nil }
        return text
    }
}
