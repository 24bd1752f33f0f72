import Testing
@testable import TorDescriptors

/// The typed exit policies of parsed documents agree with each other: a relay's full policy
/// summarises to the `p` line tor published in its microdescriptor.
@Suite struct DescriptorExitPolicyTests {
    @Test("d2d4's descriptor policy summarises to its microdescriptor's p and p6 lines (2026, real)")
    func descriptorMatchesMicrodescriptor() throws {
        let relay = try ServerDescriptor(parsing: ProjectFiles.corpus("server-descriptors/2026-07-arti-live--d2d4"))
        let micro = try Microdescriptor(parsing: ProjectFiles.corpus("microdescs/2026-07-arti-live--d2d4"))
        #expect(relay.ntorOnionKey == micro.ntorOnionKey)
        let policy = try #require(relay.exitPolicy)
        #expect(policy.rules.count == relay.exitPolicyLines.count)
        #expect(policy.summary == micro.exitPolicyText)
        #expect(relay.exitPolicyV6?.description == micro.exitPolicyV6Text)
        #expect(policy.canExit(to: IPAddress("93.184.216.34")!, port: 443))
        #expect(!policy.canExit(to: IPAddress("93.184.216.34")!, port: 25))
        #expect(micro.exitPolicy.canExit(port: 443) && !micro.exitPolicy.canExit(port: 25))
    }

    @Test("every bundled 2020 relay has a readable policy, and exits are those whose policy allows exiting")
    func everyPolicyParses() throws {
        let bytes = try ProjectFiles.corpus("server-descriptors/2020-02-29-10-05-00-server-descriptors")
        let relays = ServerDescriptor.parseAll(bytes[...]).compactMap { try? $0.get() }
        #expect(relays.count == 587)
        let policies = relays.compactMap(\.exitPolicy)
        #expect(policies.count == relays.count)
        let exits = policies.filter(\.isExitingAllowed)
        #expect(exits.count > 0 && exits.count < relays.count)
        // A policy that is just `reject *:*` never allows exiting.
        for (relay, policy) in zip(relays, policies) where relay.exitPolicyLines == ["reject *:*"] {
            #expect(!policy.isExitingAllowed)
        }
    }

    @Test("consensus entries' p lines as typed micro policies (2012 ns consensus, real)")
    func consensusEntryPolicies() throws {
        let consensus = try NetworkStatusConsensus(parsing: ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus"))
        let withSummary = consensus.entries.filter { $0.exitPolicySummary != nil }
        #expect(withSummary.count == consensus.entries.count)
        for entry in withSummary {
            // The typed policy prints back to the line tor wrote.
            #expect(entry.exitPolicy.description == entry.exitPolicySummary)
        }
        let web = consensus.entries.filter { $0.exitPolicy.canExit(port: 443) }
        #expect(web.count > 0 && web.count < consensus.entries.count)
    }
}
