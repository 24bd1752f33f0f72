import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory

/// Which directories the client asks, and in which order (no network): tor's bootstrap
/// preference (fallbacks, then authorities) and a consensus's V2Dir mirrors.
@Suite struct DirectoryRoutesTests {
    static let listText = """
        DirAuthority auth0 orport=5000 v3ident=0123456789ABCDEF0123456789ABCDEF01234567 10.0.0.1:7000 1111111111111111111111111111111111111111
        DirAuthority bridgeauth bridge orport=5001 10.0.0.2:7001 2222222222222222222222222222222222222222
        DirAuthority auth1 orport=5002 v3ident=89ABCDEF0123456789ABCDEF0123456789ABCDEF 10.0.0.3:7002 3333333333333333333333333333333333333333
        FallbackDir 192.0.2.1:0 orport=443 id=4444444444444444444444444444444444444444
        FallbackDir 192.0.2.2:0 orport=9001 id=5555555555555555555555555555555555555555 ipv6=[2001:db8::2]:9002
        """

    @Test func bootstrapAsksFallbacksThenVotingAuthoritiesOverORPorts() throws {
        let list = try DirectoryList(parsing: Self.listText)
        let routes = list.bootstrapRoutes
        #expect(routes.map(\.description) == [
            "192.0.2.1:443=" + String(repeating: "4", count: 40),
            "192.0.2.2:9001=" + String(repeating: "5", count: 40),
            "[2001:db8::2]:9002=" + String(repeating: "5", count: 40),
            "auth0 10.0.0.1:5000=" + String(repeating: "1", count: 40),
            "auth1 10.0.0.3:5002=" + String(repeating: "3", count: 40),
        ])
        let configuration = DirectoryClient.Configuration(bootstrapFrom: list)
        #expect(configuration.endpoints == routes.map(\.endpoint))
        for route in routes { #expect(configuration.orportIdentities[route.endpoint] == route.fingerprint) }
        // The authorities that verify the consensus are the list's, bootstrap or not.
        #expect(configuration.authorities == list.authorities)
    }

    @Test func dirPortsComeAfterORPortsAndOnlyForUnknownIdentities() throws {
        let list = try DirectoryList(parsing: Self.listText)
        var configuration = DirectoryClient.Configuration(list: list)
        let extra = try #require(DirectoryEndpoint("198.51.100.7:80"))
        let duplicate = list.bootstrapRoutes[0].endpoint
        configuration.use(orports: list.bootstrapRoutes, dirPorts: [extra, duplicate])
        #expect(configuration.endpoints == list.bootstrapRoutes.map(\.endpoint) + [extra])
        #expect(configuration.orportIdentities[extra] == nil)
    }

    @Test func theBundledListBootstrapsFromEveryFallbackThenTheVotingAuthorities() {
        let list = DirectoryList.tor
        let routes = list.bootstrapRoutes
        let ipv6 = list.fallbacks.filter { $0.ipv6Address != nil && $0.ipv6ORPort != nil }.count
        let voting = list.authorities.filter { !$0.isBridgeAuthority }
        #expect(routes.count == list.fallbacks.count + ipv6 + voting.count)
        #expect(Array(routes.prefix(list.fallbacks.count).map(\.fingerprint)) == list.fallbacks.map(\.fingerprint))
        #expect(Array(routes.suffix(voting.count).map(\.fingerprint)) == voting.map(\.fingerprint))
        #expect(routes.allSatisfy { $0.endpoint.port != 0 })
    }

    /// The cropped live consensus: four V2Dir relays (one an authority) and one exit without
    /// V2Dir. The expectation is read from the raw `r`/`s`/`w` lines, not from the parser.
    @Test func mirrorsOfARealConsensusAreV2DirRelaysByBandwidthAuthoritiesLast() throws {
        let path = "Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"
        let consensus = try NetworkStatusConsensus(parsing: try DirectoryFixtures.bytes(path))
        struct Raw { var nickname = "", address = "", orPort = "", flags: [Substring] = [], bandwidth = 0 }
        var raws: [Raw] = []
        for line in try DirectoryFixtures.text(path).split(separator: "\n") {
            let words = line.split(separator: " ")
            switch words.first {
            case "r": raws.append(Raw(nickname: String(words[1]), address: String(words[6]), orPort: String(words[7])))
            case "s": raws[raws.count - 1].flags = Array(words.dropFirst())
            case "w": raws[raws.count - 1].bandwidth = Int(words[1].dropFirst("Bandwidth=".count)) ?? 0
            default: break
            }
        }
        let mirrors = raws.filter { ["Running", "Valid", "V2Dir"].allSatisfy($0.flags.contains) }
        let expected = mirrors.filter { !$0.flags.contains("Authority") }.sorted { $0.bandwidth > $1.bandwidth }
            + mirrors.filter { $0.flags.contains("Authority") }
        #expect(mirrors.count == 4 && raws.count == 5)

        let routes = DirectoryClient.mirrorRoutes(in: consensus)
        #expect(routes.map { $0.endpoint.description } == expected.map { "\($0.nickname) \($0.address):\($0.orPort)" })
        for route in routes {
            #expect(consensus.entries.first { $0.nickname == route.endpoint.nickname }?.fingerprint == route.fingerprint)
        }

        var configuration = DirectoryClient.Configuration(list: .tor)
        configuration.requestTimeout = .seconds(7)
        let mirrorsConfiguration = configuration.usingMirrors(of: consensus)
        #expect(mirrorsConfiguration.endpoints == routes.map(\.endpoint))
        #expect(mirrorsConfiguration.requestTimeout == .seconds(7))
        #expect(mirrorsConfiguration.authorities == configuration.authorities)
        for route in routes { #expect(mirrorsConfiguration.orportIdentities[route.endpoint] == route.fingerprint) }
    }

    /// A relay whose fingerprint is a listed authority's goes last even without the
    /// `Authority` flag.
    @Test func aListedAuthorityFingerprintGoesLastToo() throws {
        let path = "Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"
        let consensus = try NetworkStatusConsensus(parsing: try DirectoryFixtures.bytes(path))
        let lisdex = try #require(consensus.entries.first { $0.nickname == "lisdex" })
        let fake = DirectoryAuthority(nickname: "x", address: "10.0.0.9", dirPort: 80, orPort: 443, fingerprint: lisdex.fingerprint,
                                      v3Identity: nil, ipv6Address: nil, ipv6ORPort: nil, flags: [])
        let routes = DirectoryClient.mirrorRoutes(in: consensus, authorities: [fake])
        #expect(routes.suffix(2).map(\.endpoint.nickname).contains("lisdex"))
        #expect(routes.prefix(2).allSatisfy { $0.endpoint.nickname != "lisdex" })
    }

    @Test func aConsensusWithoutMirrorsKeepsTheEndpoints() throws {
        let path = "Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live"
        var text = try DirectoryFixtures.text(path)
        text = text.replacingOccurrences(of: " V2Dir", with: "")
        let consensus = try NetworkStatusConsensus(parsing: Array(text.utf8))
        #expect(DirectoryClient.mirrorRoutes(in: consensus).isEmpty)
        let configuration = DirectoryClient.Configuration(list: .tor)
        #expect(configuration.usingMirrors(of: consensus).endpoints == configuration.endpoints)
    }
}
