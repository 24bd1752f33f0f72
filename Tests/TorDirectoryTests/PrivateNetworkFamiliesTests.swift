import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory

/// Families on the private network: scripts/private-tor-network.sh makes relay0 and relay1 name
/// each other (MyFamily) and share a family key (FamilyId), and leaves relay2 alone.
@Suite(.enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"), .serialized)
struct PrivateNetworkFamiliesTests {
    @Test func relay0AndRelay1AreOneFamilyFromServerDescriptors() async throws {
        let client = try PrivateNet.client()
        let descriptors = try await client.serverDescriptors()
        let members = descriptors.compactMap { FamilyMember(descriptor: $0) }
        let byName = Dictionary(members.map { ($0.nickname, $0) }, uniquingKeysWith: { first, _ in first })
        let relay0 = try #require(byName["relay0"]), relay1 = try #require(byName["relay1"]), relay2 = try #require(byName["relay2"])
        // Each family-cert verified against the relay's own Ed25519 identity, one shared id.
        #expect(relay0.rejectedFamilyIDs.isEmpty && relay1.rejectedFamilyIDs.isEmpty)
        #expect(relay0.familyIDs.count == 1 && relay0.familyIDs == relay1.familyIDs)
        #expect(relay2.familyIDs.isEmpty && relay2.declared.isEmpty)
        #expect(relay0.declared.compactMap(\.fingerprint).contains(relay1.fingerprint))
        #expect(relay1.declared.compactMap(\.fingerprint).contains(relay0.fingerprint))

        let families = RelayFamilies(members: members)
        #expect(families.families.count == 1)
        let family = try #require(families.family(of: relay0.fingerprint))
        #expect(family.members == [relay0.fingerprint, relay1.fingerprint].sorted() && family.isComplete)
        #expect(family.familyIDs == relay0.familyIDs)
        #expect(families.oneSided.isEmpty)
        #expect(families.effectiveFamily(of: relay2.fingerprint).isEmpty)
        // Either tie alone is enough: the family id without the family lines, and the reverse.
        let idOnly = RelayFamilies(members: members.map { FamilyMember(fingerprint: $0.fingerprint, nickname: $0.nickname, declared: [], familyIDs: $0.familyIDs) })
        #expect(idOnly.areRelated(relay0.fingerprint, relay1.fingerprint))
        let linesOnly = RelayFamilies(members: members.map { FamilyMember(fingerprint: $0.fingerprint, nickname: $0.nickname, declared: $0.declared) })
        #expect(linesOnly.areRelated(relay0.fingerprint, relay1.fingerprint))
    }

    @Test func microdescriptorsWithTheConsensusGiveTheSameFamily() async throws {
        let client = try PrivateNet.client()
        let consensus = try await client.consensus(flavor: .microdesc)
        let micros = try await client.microdescriptors(for: consensus)
        let byDigest = Dictionary(micros.map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        let members = consensus.entries.compactMap { entry in
            entry.microdescriptorDigest.flatMap { byDigest[$0] }.map { FamilyMember(microdescriptor: $0, entry: entry) }
        }
        #expect(members.count == consensus.entries.count)
        let families = RelayFamilies(members: members)
        let names = families.families.map { $0.members.compactMap { families.members[$0]?.nickname }.sorted() }
        #expect(names == [["relay0", "relay1"]])
        // The authorities copied the verified family id into both microdescriptors.
        let relay0 = try #require(members.first { $0.nickname == "relay0" })
        #expect(relay0.familyIDs.count == 1 && families.families.first?.familyIDs == relay0.familyIDs)
        // Path selection works on the private network's consensus as on the public one. A young
        // network's first consensuses can weigh every relay 0 (one CI run got a middle total
        // of 0): the consensus is asked again until its relays carry weight, or time runs out.
        let total = try await PrivateNetworkOnionTests.eventually(40) {
            let current = try await client.consensus(flavor: .microdesc)
            guard let selection = PathSelection(current) else { throw DirectoryClientError.invalidRequest("no path selection") }
            let total = selection.total(of: current.entries.map(\.fingerprint))
            guard total.middleProbability > 0 else { throw DirectoryClientError.invalidRequest("no middle weight yet") }
            return total
        }
        #expect(abs(total.middleProbability - 1) < 1e-9)
    }
}
