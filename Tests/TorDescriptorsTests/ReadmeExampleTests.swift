import Foundation
import Testing
import TorDescriptors

/// The README's library example, run on bundled files, so the example keeps compiling and
/// keeps meaning what it says.
@Suite struct ReadmeExampleTests {
    @Test func libraryExample() throws {
        let bytes = try ProjectFiles.corpus("server-descriptors/stem--metrics_server_desc_multiple")
        var printed: [String] = []
        let destination = IPAddress("1.2.3.4")!   // IPAddress("…") is nil for a mistyped address
        for result in ServerDescriptor.parseAll(bytes[...], mode: .lenient) {
            switch result {
            case .success(let relay):
                printed.append("\(relay.nickname) \(relay.fingerprint?.hex ?? "-") \(relay.digest?.hex ?? "-") \(relay.exitPolicy?.canExit(to: destination, port: 443) ?? false)")
            case .failure(let error):
                Issue.record("line \(error.line): \(error)")
            }
        }
        #expect(printed.count == 2)

        let policy = try ExitPolicy("accept *:80, accept *:443, reject *:*")
        #expect(policy.canExit(to: destination, port: 443))
        #expect(!policy.canExit(port: 22))
        #expect(policy.summary == "accept 80,443")

        let consensusBytes = try ProjectFiles.corpus("consensus/2012-06-18-21-00-00-cached-consensus")
        let consensus = try NetworkStatusConsensus(parsing: consensusBytes)
        let exits = consensus.entries.filter { $0.flags.contains(.exit) }
        #expect(consensus.entries.count == 2993)
        #expect(!exits.isEmpty && exits.count < consensus.entries.count)
        #expect(consensus.entry(for: exits[0].fingerprint)?.nickname == exits[0].nickname)
        #expect(consensus.validAfter?.description == "2012-06-18 21:00:00")
    }
}
