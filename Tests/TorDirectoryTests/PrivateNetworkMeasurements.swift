import Decompression
import Foundation
import Testing
import TorDescriptors
@testable import TorDirectory

/// End-to-end timings against the private network, printed for the report: fetch, decode,
/// parse and verify the microdesc consensus, then fetch, decode, parse and digest-check all its
/// microdescriptors, per content coding (median of 5 runs). Asserts only that every run worked.
@Suite(.enabled(if: PrivateNet.isAvailable, "needs TORDESC_PRIVATE_NET (scripts/test-private-network.sh)"), .serialized)
struct PrivateNetworkMeasurements {
    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    @Test func consensusAndMicrodescriptorsPerCompression() async throws {
        var lines = ["coding      answered    consensus bytes (wire/decoded)  download  decode  parse  verify  | consensus total  micro total  (ms, median of 5)"]
        for encoding in PrivateNet.encodings {
            let client = try PrivateNet.client(encodings: [encoding]) { $0.maxConcurrentRequests = 4 }
            var rows: [(download: Double, decode: Double, parse: Double, verify: Double, total: Double, micro: Double)] = []
            var last: DirectoryClient.ConsensusDownload?
            for _ in 0..<5 {
                let started = ContinuousClock.now
                let download = try await client.consensusDownload(flavor: .microdesc)
                let consensusDone = ContinuousClock.now
                let micro = try await client.microdescriptors(for: download.consensus)
                #expect(micro.count == download.consensus.entries.count)
                let r = download.response
                rows.append((Self.ms(r.downloadTime), Self.ms(r.decodeTime), Self.ms(download.parseTime), Self.ms(download.verifyTime),
                             Self.ms(consensusDone - started), Self.ms(ContinuousClock.now - consensusDone)))
                last = download
            }
            func median(_ values: [Double]) -> String { String(format: "%7.2f", values.sorted()[values.count / 2]) }
            let r = last!.response
            lines.append("\(encoding.contentEncoding.padding(toLength: 11, withPad: " ", startingAt: 0)) "
                         + "\(r.contentEncoding.padding(toLength: 11, withPad: " ", startingAt: 0)) "
                         + "\(String(r.encodedSize).padding(toLength: 6, withPad: " ", startingAt: 0))/\(r.body.count)"
                         + "                     \(median(rows.map(\.download))) \(median(rows.map(\.decode))) \(median(rows.map(\.parse)))"
                         + " \(median(rows.map(\.verify)))  | \(median(rows.map(\.total)))          \(median(rows.map(\.micro)))")
        }
        print(lines.joined(separator: "\n"))
    }
}
