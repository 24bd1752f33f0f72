import Foundation
import Testing
@testable import TorDescriptors

/// Effective families on real descriptors (checked against pairs the test finds by reading the
/// descriptors' text itself) and on small synthetic member lists for the rules real data lacks.
struct RelayFamiliesTests {
    static func members(_ bytes: [UInt8]) -> [FamilyMember] {
        ServerDescriptor.parseAll(bytes[...]).compactMap { try? $0.get() }.compactMap { FamilyMember(descriptor: $0) }
    }

    /// (fingerprint, fingerprints its `family` line names by `$HEX`), read with string splitting.
    static func handDeclarations(_ bytes: [UInt8]) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        var current: String?
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("fingerprint ") {
                current = line.dropFirst("fingerprint ".count).filter { $0 != " " }
                result[current!] = result[current!] ?? []
            } else if line.hasPrefix("family "), let current {
                for word in line.split(separator: " ").dropFirst() where word.hasPrefix("$") && word.count >= 41 {
                    result[current, default: []].insert(String(word.dropFirst().prefix(40)).uppercased())
                }
            }
        }
        return result
    }

    @Test("2020-02-29 server descriptors: related pairs are exactly the mutual $fingerprint declarations found by hand")
    func realDescriptorsMutualPairs() throws {
        let bytes = try ProjectFiles.corpus("server-descriptors/2020-02-29-10-05-00-server-descriptors")
        let families = RelayFamilies(members: Self.members(bytes))
        let hand = Self.handDeclarations(bytes)
        var mutualPairs = 0, oneSided = 0
        for (a, named) in hand {
            for b in named where b != a && hand[b] != nil {
                let fa = Fingerprint(hex: a)!, fb = Fingerprint(hex: b)!
                if hand[b]!.contains(a) {
                    mutualPairs += 1
                    #expect(families.areRelated(fa, fb), "\(a) and \(b) name each other")
                } else {
                    oneSided += 1
                    #expect(!families.areRelated(fa, fb), "\(a) names \(b), not back")
                }
            }
        }
        #expect(mutualPairs > 0, "the file holds mutual families")
        #expect(families.oneSided.count == oneSided)
        let relatedPairs = families.families.reduce(0) { sum, family in
            sum + family.members.reduce(0) { $0 + families.effectiveFamily(of: $1).count }
        }
        #expect(relatedPairs == mutualPairs, "every related ordered pair comes from a mutual declaration")
    }

    @Test("Akka and Ukko (2026): family-cert verified in both server descriptors, the same id the authorities put in their microdescriptors",
          .enabled(if: ProjectFiles.hasSharedCorpus, "needs ../shared/corpus for Ukko's descriptor and both microdescriptors"))
    func familyCertificatesOnRealRelays() throws {
        let members = try ["Akka", "Ukko"].flatMap { Self.members(try ProjectFiles.shared("server-descriptors/2026-07-arti-live--" + $0)) }
        #expect(members.count == 2)
        let microIDs = try ["Akka", "Ukko"].map { name in
            Microdescriptor.parseAll(try ProjectFiles.shared("microdescs/2026-07-arti-live--" + name)[...]).compactMap { try? $0.get() }.first?.familyIDs ?? []
        }
        for (member, ids) in zip(members, microIDs) {
            #expect(member.rejectedFamilyIDs.isEmpty, "\(member.nickname): \(member.rejectedFamilyIDs.map(\.reason))")
            #expect(!ids.isEmpty && member.familyIDs == ids, "\(member.nickname)")
        }
        // Without the family lines, the shared id alone relates them.
        let idOnly = members.map { FamilyMember(fingerprint: $0.fingerprint, nickname: $0.nickname, declared: [], familyIDs: $0.familyIDs) }
        let families = RelayFamilies(members: idOnly)
        #expect(families.areRelated(members[0].fingerprint, members[1].fingerprint))
        #expect(families.families.first?.familyIDs == members[0].familyIDs)
    }

    @Test("A family-cert with a flipped signature byte is rejected and relates nobody (edited copy of Akka's descriptor)")
    func tamperedFamilyCertificate() throws {
        var text = String(decoding: try ProjectFiles.corpus("server-descriptors/2026-07-arti-live--Akka"), as: UTF8.self)
        let start = try #require(text.range(of: "-----BEGIN FAMILY CERT-----\n"))
        let end = try #require(text.range(of: "-----END FAMILY CERT-----", range: start.upperBound..<text.endIndex))
        var body = Array(text[start.upperBound..<end.lowerBound].filter { $0 != "\n" })
        // The last base64 characters encode the signature: change one of them.
        let index = body.count - 6
        body[index] = body[index] == "A" ? "B" : "A"
        text.replaceSubrange(start.upperBound..<end.lowerBound, with: String(body) + "\n")
        let member = try #require(Self.members(Array(text.utf8)).first)
        #expect(member.familyIDs.isEmpty)
        #expect(member.rejectedFamilyIDs.count == 1)
    }

    @Test("Synthetic members: nicknames match case-insensitively, the relation is not transitive, one-sided and unknown entries are listed")
    func syntheticRules() throws {
        let fps = (1...5).map { Fingerprint(hex: String(repeating: String($0), count: 40))! }
        func entry(_ index: Int) -> Microdescriptor.FamilyEntry { .fingerprint(fps[index]) }
        let members = [
            FamilyMember(fingerprint: fps[0], nickname: "Alpha", declared: [entry(1), .nickname("gamma"), .other("$ABC")]),
            FamilyMember(fingerprint: fps[1], nickname: "Beta", declared: [entry(0), entry(2)]),
            FamilyMember(fingerprint: fps[2], nickname: "Gamma", declared: [entry(1), .fingerprintWithNickname(fps[3], nickname: "Delta", isNamed: false)]),
            FamilyMember(fingerprint: fps[3], nickname: "Delta", declared: [], familyIDs: ["ed25519:k"]),
            FamilyMember(fingerprint: fps[4], nickname: "Epsilon", declared: [], familyIDs: ["ed25519:k"]),
        ]
        let families = RelayFamilies(members: members)
        #expect(families.areRelated(fps[0], fps[1]) && families.areRelated(fps[1], fps[2]))
        #expect(!families.areRelated(fps[0], fps[2]), "Alpha names gamma by nickname, Gamma does not name Alpha")
        #expect(families.areRelated(fps[3], fps[4]), "shared family id")
        #expect(families.families.count == 2)
        let chain = try #require(families.family(of: fps[0]))
        #expect(chain.members == [fps[0], fps[1], fps[2]] && !chain.isComplete)
        #expect(families.family(of: fps[3])?.isComplete == true)
        #expect(families.effectiveFamily(of: fps[1]) == [fps[0], fps[2]])
        #expect(families.oneSided.map { [$0.declarer, $0.declared] } == [[fps[0], fps[2]], [fps[2], fps[3]]])
        #expect(families.unresolved.map(\.entry) == ["$ABC"])
    }

    @Test("ContactInfo: dizum's real contact line (2026 consensus) and the spec's rules for repeated keys and free text")
    func contactInfo() throws {
        let consensus = try NetworkStatusConsensus(parsing: try ProjectFiles.corpus("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"))
        let line = try #require(consensus.header.authorities.first { $0.nickname == "dizum" }?.contact)
        let info = ContactInfo(parsing: Array(line.utf8)[...])
        #expect(info.isSpecified && info.version == 2)
        #expect(info.email == "usura@sabotage.org" && info.abuse == "abuse@sabotage.net")
        #expect(info.url == "https://sabotage.net" && info.urlDomain == "sabotage.net" && info.proof == "uri-rsa")
        #expect(info["twitter"] == "adejoode" && info.freeText.isEmpty)
        let fingerprint = Fingerprint(hex: "E8A9C45EDE6D711294FADF8E7951F4DE6CA56B58")!
        #expect(info.proofLocation(for: fingerprint) == "https://sabotage.net/.well-known/tor-relay/rsa-fingerprint.txt")

        let plain = ContactInfo(parsing: Array("Random Person <nobody AT example dot com> URL:first url:second".utf8)[...])
        #expect(!plain.isSpecified && plain.url == "first", "keys compare case-insensitively, the first wins")
        #expect(plain.freeText == ["Random", "Person", "<nobody", "AT", "example", "dot", "com>"])
    }
}
