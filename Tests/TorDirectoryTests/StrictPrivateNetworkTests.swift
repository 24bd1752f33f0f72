import Decompression
import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory

/// Every document kind a real tor 0.4.9 network serves over its DirPort, in every content coding,
/// passes `.strict` exactly as served (issue 23: strict mode must accept what tor itself serves).
@Suite(.enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"), .serialized)
struct StrictPrivateNetworkTests {
    /// Fetches `path` and parses the body as `type` in strict mode; returns how many documents.
    static func strictCount(_ client: DirectoryClient, _ path: String, as type: DescriptorType,
                            endpoint: DirectoryEndpoint? = nil) async throws -> Int {
        var client = client
        if let endpoint { client.configuration.endpoints = [endpoint] }
        let response = try await client.query(path: path)
        let results = AnyDescriptor.parseAll(response.body[...], as: type, mode: .strict)
        for case .failure(let error) in results {
            Issue.record("\(path) (\(response.contentEncoding)): \(error)")
        }
        return results.count
    }

    @Test(arguments: PrivateNet.encodings)
    func everyServedDocumentIsStrictValid(encoding: CompressionFormat) async throws {
        let list = try PrivateNet.list()
        let client = try PrivateNet.client(encodings: [encoding])
        let documents: [(String, DescriptorType, Int)] = [
            ("/tor/status-vote/current/consensus", .networkStatusConsensus, 1),
            ("/tor/status-vote/current/consensus-microdesc", .networkStatusMicrodescConsensus, 1),
            ("/tor/server/all", .serverDescriptor, 6),
            ("/tor/server/authority", .serverDescriptor, 1),
            ("/tor/extra/all", .extraInfo, 6),
            ("/tor/keys/all", .keyCertificate, 3),
        ]
        for (path, type, atLeast) in documents {
            let count = try await Self.strictCount(client, path, as: type)
            #expect(count >= atLeast, "\(path)")
        }
        // Each authority's own vote, strict-valid; a majority must serve one (an authority that
        // missed this voting round under load answers 404 until the next).
        var votes = 0
        for authority in list.authorities {
            do {
                let count = try await Self.strictCount(client, "/tor/status-vote/current/authority", as: .networkStatusVote,
                                                       endpoint: authority.dirEndpoint)
                #expect(count == 1)
                votes += count
            } catch let error as DirectoryClientError {
                // Only "not served" is tolerated; a vote that fails strict parsing is not.
                guard "\(error)".contains("404") else { throw error }
            }
        }
        #expect(votes * 2 > list.authorities.count, "only \(votes) of \(list.authorities.count) authorities served their vote")
        // Microdescriptors by the digests the microdesc consensus lists.
        let consensus = try await client.consensus(flavor: .microdesc)
        let digests = consensus.entries.compactMap(\.microdescriptorDigest)
        let path = "/tor/micro/d/" + digests.map { $0.base64.trimmingTrailingEquals }.joined(separator: "-")
        #expect(try await Self.strictCount(client, path, as: .microdescriptor) == digests.count)
    }

    @Test func detachedSignaturesAreStrictValid() async throws {
        // Served only in the ~2 s before each new consensus (every 10 s here): poll, bounded.
        let client = try PrivateNet.client { $0.maxAttempts = 3 }
        var checked = false
        for _ in 0..<120 where !checked {
            if let response = try? await client.query(path: "/tor/status-vote/next/consensus-signatures") {
                let results = AnyDescriptor.parseAll(response.body[...], as: .detachedSignature, mode: .strict)
                for case .failure(let error) in results { Issue.record("\(error)") }
                checked = !results.isEmpty
            } else {
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        #expect(checked, "no detached signatures served within ~30 s")
    }
}
