import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory

/// The built-in consensus check on real documents: the 2012-06-18 21:00 consensus and the
/// key certificates tor had cached in June 2012 (Resources/corpus).
@Suite struct QuorumCheckTests {
    static func documents() throws -> (NetworkStatusConsensus, [KeyCertificate], [DirectoryAuthority]) {
        let consensusBytes = try DirectoryFixtures.bytes("Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus")
        let consensus = try NetworkStatusConsensus(parsing: consensusBytes)
        let certificates = KeyCertificate.parseAll(try DirectoryFixtures.bytes("Resources/corpus/key-certs/2012-06-cached-certs")[...])
            .compactMap { try? $0.get() }
        // Trust the authorities the consensus itself lists (its dir-source lines).
        let authorities = consensus.header.authorities.filter { !$0.isLegacy }.map {
            DirectoryAuthority(nickname: $0.nickname, address: "\($0.address)", dirPort: $0.dirPort ?? 0, orPort: $0.orPort,
                               fingerprint: $0.identity, v3Identity: $0.identity, ipv6Address: nil, ipv6ORPort: nil, flags: [])
        }
        return (consensus, certificates, authorities)
    }

    @Test func realConsensusVerifiesAtItsValidAfter() throws {
        let (consensus, certificates, authorities) = try Self.documents()
        #expect(certificates.count == 8)
        #expect(consensus.footer.signatures.count == 7)
        let check = AuthorityQuorumCheck(now: consensus.header.validAfter!)
        try check.verify(consensus, certificates: certificates, authorities: authorities)
        // Every signer has its certificate in the June 2012 cache and every signature verifies.
        let report = consensus.verificationReport(certificates: certificates, authorities: AuthorityQuorumCheck.trusted(authorities),
                                                  at: consensus.header.validAfter!)
        #expect(report.isValid, "\(report)")
    }

    @Test func syntheticTamperedCopyOfTheRealConsensusFails() throws {
        let (consensus, certificates, authorities) = try Self.documents()
        // Change one digit of the first entry's bandwidth: every signature must now fail.
        var bytes = Array(consensus.rawBytes)
        let marker = Array("\nw Bandwidth=".utf8)
        let at = try #require((0..<bytes.count - marker.count).first { bytes[$0..<$0 + marker.count].elementsEqual(marker) }) + marker.count
        bytes[at] = bytes[at] == 0x39 ? 0x31 : bytes[at] + 1
        let tampered = try NetworkStatusConsensus(parsing: bytes)
        let check = AuthorityQuorumCheck(now: consensus.header.validAfter!)
        #expect(throws: ConsensusVerificationError.self) { try check.verify(tampered, certificates: certificates, authorities: authorities) }
    }

    @Test func expiredCertificatesDoNotCount() throws {
        let (consensus, certificates, authorities) = try Self.documents()
        // In 2014 every one of these certificates had expired (the latest expiry is 2013-05-29).
        let check = AuthorityQuorumCheck(now: TorTimestamp(parsing: "2014-01-01 00:00:00")!, tolerance: .max / 4)
        #expect(throws: ConsensusVerificationError.self) { try check.verify(consensus, certificates: certificates, authorities: authorities) }
    }
}
