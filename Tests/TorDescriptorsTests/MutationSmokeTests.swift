import Foundation
import Testing
@testable import TorDescriptors

/// A deterministic mutation smoke test: real documents with random byte flips, truncations,
/// duplicated and deleted lines and hostile tokens, parsed leniently and strictly, with the
/// derived values read. A Swift trap here would crash the test run, so passing means no input
/// in the set crashes a parser. (Coverage-guided fuzzing is issue #10; this guards the basics.)
@Suite struct MutationSmokeTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 17
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
    }

    static let hostileTokens: [String] = [
        "\0", "\u{FF}", "\r", "\n\n", "-----BEGIN X-----\n", "-----END X", "-----END X-----\n", "=", "99999999999999999999",
        "-1", "65536", "99999-12-31 23:59:59", "9999-99-99 99:99:99", "[::", "::ffff:1.2.3.4", "$", "1-", "-", ",", "=,",
        "opt ", "@type server-descriptor 1.0\n", "router ", "onion-key\n", "p accept 1-65536\n", "accept *:*\n",
        "reject 255.255.255.255/33:*\n", "r a b c 2020-01-01 00:00:00 1.2.3.4 1 1\n", "s \n", "w Bandwidth=\n",
    ]

    static func mutate(_ input: [UInt8], _ generator: inout Generator) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + generator.below(4)) {
            guard !bytes.isEmpty else { return Array(hostileTokens[generator.below(hostileTokens.count)].utf8) }
            let position = generator.below(bytes.count)
            switch generator.below(6) {
            case 0: bytes[position] ^= UInt8(truncatingIfNeeded: 1 << generator.below(8))
            case 1: bytes.removeSubrange(position..<bytes.count)
            case 2: bytes.insert(contentsOf: Array(hostileTokens[generator.below(hostileTokens.count)].utf8), at: position)
            case 3: bytes.removeSubrange(position..<min(bytes.count, position + generator.below(64)))
            case 4:
                let end = min(bytes.count, position + generator.below(200))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            }
        }
        return bytes
    }

    /// Parse and touch every derived value that decodes lazily.
    static func exercise(_ bytes: [UInt8], as type: DescriptorType) {
        for mode in [ValidationMode.lenient, .strict] {
            for result in AnyDescriptor.parseAll(bytes[...], as: type, mode: mode) {
                guard case .success(let document) = result else { continue }
                _ = document.stemJSONLines.map { $0.serialized() }
                _ = document.summaryLines
                switch document {
                case .serverDescriptor(let relay):
                    _ = (relay.exitPolicy?.summary, relay.exitPolicyV6, relay.onionKey, relay.signingKey, relay.identityCertificate,
                         relay.digest, relay.protocols, relay.ntorOnionKey, relay.masterKeyEd25519, relay.family)
                case .extraInfo(let extra):
                    _ = (extra.digest, extra.sha256Digest, extra.signature, extra.identityEd25519Certificate)
                case .microdescriptor(let micro):
                    _ = (micro.exitPolicy.canExit(port: 443), micro.exitPolicyV6, micro.onionKey, micro.family, micro.protocols, micro.identifiers)
                case .consensus(let consensus):
                    for entry in consensus.entries.prefix(50) { _ = (entry.exitPolicy.canExit(port: 80), entry.protocols) }
                    _ = (consensus.signedDigestSHA1, consensus.signedDigestSHA256)
                case .keyCertificate(let certificate):
                    _ = (certificate.signingKeyDigest, certificate.fingerprintMatchesIdentityKey, certificate.signedDigest)
                case .detachedSignatures(let signatures):
                    _ = (signatures.consensusDigest?.hex, signatures.additionalDigests.map(\.digest))
                case .vote(let vote):
                    _ = (vote.keyCertificate?.signingKeyDigest, vote.entries.prefix(50).map(\.microdescriptorLines))
                case .bridgeNetworkStatus(let status):
                    for entry in status.entries.prefix(50) { _ = (entry.exitPolicy.canExit(port: 80), entry.protocols) }
                case .networkStatusV2(let status):
                    _ = (status.verificationReport(), status.entries.prefix(50).map(\.flags))
                case .relayDirectory(let directory):
                    _ = (directory.verificationReport(), directory.digest, directory.stemJSONEntries)
                case .consensusDiff(let diff):
                    _ = diff.commands.count
                case .exitList(let list):
                    _ = list.entries.prefix(50).map(\.stemJSON)
                case .bandwidthFile(let file):
                    _ = (file.sha256, file.relays.prefix(50).map(\.keyValues), file.stemJSON)
                case .onionServiceDescriptor(let descriptor):
                    _ = descriptor.verificationReport(at: Date(timeIntervalSince1970: 1_700_000_000))
                case .bridgedbMetrics(let document):
                    _ = document.stemJSON
                case .snowflakeStats(let document):
                    _ = document.stemJSON
                case .torperf(let document):
                    _ = document.stemJSON
                case .webServerAccessLog(let document):
                    _ = document.stemJSON
                case .bridgePoolAssignment(let list):
                    _ = list.entries.prefix(50).map { $0.detail("ring") }
                }
            }
        }
    }

    static let seeds: [(String, DescriptorType)] = [
        ("server-descriptors/2026-07-arti-live--d2d4", .serverDescriptor),
        ("server-descriptors/stem--old_descriptor", .serverDescriptor),
        ("bridge/stem--bridge_descriptor_with_ed25519", .bridgeServerDescriptor),
        ("extra-info/stem--00a0a1fd235771fca64bd9974c2a16504624e6c0", .extraInfo),
        ("bridge/stem--extrainfo_bridge_descriptor", .bridgeExtraInfo),
        ("microdescs/2026-07-arti-live--d2d4", .microdescriptor),
        ("microdescs/stem--cached-microdescs", .microdescriptor),
        ("consensus/cropped--2026-07-27-10-00-00-consensus-arti-live", .networkStatusConsensus),
        ("microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live", .networkStatusMicrodescConsensus),
        ("key-certs/stem--cached-certs", .keyCertificate),
        ("votes/cropped--2026-07-27-10-00-00-vote-tor26-arti-live", .networkStatusVote),
        ("detached-signatures/stem--detached_signatures", .detachedSignature),
        ("bridge/cropped--metrics-lib--20170717-170645-1D8F3A91C37C5D1C4C19B1AD1D0CFBE8BF72D8E1", .bridgeNetworkStatus),
        ("exit-lists/cropped--metrics-lib--2017-07-17-17-02-00", .exitList),
        ("bandwidth/stem--bandwidth_file_v1.4", .bandwidthFile),
        ("bandwidth/stem--bandwidth_file_v1.0", .bandwidthFile),
        ("bridge-pool-assignments/excerpt--collector-formats--2011-03-13-14-38-03", .bridgePoolAssignment),
        ("torperf/metrics-lib--op-nl-5242880-2017-07-17.tpf", .torperf),
        ("snowflakes/metrics-lib--example_metrics.log", .snowflakeStats),
        ("bridgedb-metrics/excerpt--metrics-lib--2019-09-17-00-33-44-bridgedb-metrics", .bridgedbMetrics),
    ]

    @Test("mutated real documents never crash a parser", arguments: 0..<seeds.count)
    func mutations(_ index: Int) throws {
        let (path, type) = Self.seeds[index]
        let original = try ProjectFiles.corpus(path)
        let iterations = Int(ProcessInfo.processInfo.environment["TORDESC_MUTATIONS"] ?? "") ?? 300
        var generator = Generator(state: UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<iterations {
            Self.exercise(Self.mutate(original, &generator), as: type)
        }
    }
}
