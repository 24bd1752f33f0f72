import Foundation
import Testing
import TorArchives
import TorDescriptors

/// Every archive of ../shared/corpus/archives (Stem's CollecTor test tarballs and compressed
/// blobs). Expected counts come from Stem 1.8.2 (`stem.descriptor.parse_file` on each tar,
/// and `tarfile` for the member list); Stem's entry counts are our documents' entry sums.
@Suite(.enabled(if: ArchiveFixtures.hasSharedArchives, "../shared/corpus is not present"))
struct ArchiveCorpusTests {
    struct Expected: Sendable, CustomStringConvertible {
        let file: String
        let documents: [DescriptorType: Int]
        var entries = 0
        var unknown = 0
        var description: String { file }
    }

    static let expected: [Expected] = [
        Expected(file: "stem--bandwidths-2019-05-cropped.tar", documents: [.bandwidthFile: 2], entries: 63),
        Expected(file: "stem--bridge-extra-infos-2019-03-cropped.tar", documents: [.bridgeExtraInfo: 6]),
        Expected(file: "stem--bridge-server-descriptors-2019-02-cropped.tar", documents: [.bridgeServerDescriptor: 4]),
        Expected(file: "stem--bridge-statuses-2019-05-cropped.tar", documents: [.bridgeNetworkStatus: 2], entries: 2593),
        Expected(file: "stem--certs-cropped.tar", documents: [.keyCertificate: 5]),
        Expected(file: "stem--compressed_bz2", documents: [.serverDescriptor: 1]),
        Expected(file: "stem--compressed_gzip", documents: [.serverDescriptor: 1]),
        Expected(file: "stem--compressed_identity", documents: [.serverDescriptor: 1]),
        Expected(file: "stem--compressed_lzma", documents: [.serverDescriptor: 1]),
        Expected(file: "stem--compressed_zstd", documents: [.serverDescriptor: 1]),
        Expected(file: "stem--consensuses-2018-06-cropped.tar", documents: [.networkStatusConsensus: 2], entries: 243),
        Expected(file: "stem--descriptor_archive.tar", documents: [.serverDescriptor: 3]),
        Expected(file: "stem--descriptor_archive.tar.bz2", documents: [.serverDescriptor: 3]),
        Expected(file: "stem--descriptor_archive.tar.gz", documents: [.serverDescriptor: 3]),
        Expected(file: "stem--exit-list-2018-11-cropped.tar", documents: [.exitList: 4], entries: 3713),
        Expected(file: "stem--extra-infos-2019-04-cropped.tar", documents: [.extraInfo: 7]),
        Expected(file: "stem--microdescs-2019-05-cropped.tar",
                 documents: [.microdescriptor: 3, .networkStatusMicrodescConsensus: 1], entries: 556),
        Expected(file: "stem--server-descriptors-2005-12-cropped.tar", documents: [.serverDescriptor: 5]),
    ]

    @Test func everyArchiveIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ArchiveFixtures.sharedArchives.path).sorted()
        #expect(files == Self.expected.map(\.file))
    }

    @Test(arguments: expected)
    func readsWithTheRightCounts(expected: Expected) throws {
        let path = ArchiveFixtures.sharedArchives.appendingPathComponent(expected.file).path
        var counts: [DescriptorType: Int] = [:]
        var entries = 0, unknown = 0
        for item in ArchiveFixtures.read([path]) {
            switch item.result {
            case .success(let document):
                counts[item.type!, default: 0] += 1
                switch document {
                case .consensus(let c): entries += c.entries.count
                case .bridgeNetworkStatus(let b): entries += b.entries.count
                case .exitList(let l): entries += l.entries.count
                case .bandwidthFile(let b): entries += b.relays.count
                default: break
                }
                #expect(item.source.path == path)
            case .failure(.unknownType):
                unknown += 1
                #expect(item.source.member != nil)
            case .failure(let error):
                Issue.record("\(item.source): \(error)")
            }
        }
        #expect(counts == expected.documents)
        #expect(entries == expected.entries)
        #expect(unknown == expected.unknown)
    }

    /// The four compressed blobs are the identity blob compressed: same descriptor, same bytes.
    @Test func compressedBlobsMatchTheIdentityOne() throws {
        let names = ["identity", "gzip", "bz2", "lzma", "zstd"].map {
            ArchiveFixtures.sharedArchives.appendingPathComponent("stem--compressed_\($0)").path
        }
        let items = ArchiveFixtures.read(names)
        #expect(items.count == 5)
        let digests = items.map { item -> SHA1DigestValue? in
            if case .success(.serverDescriptor(let d)) = item.result { return d.digest }
            return nil
        }
        #expect(Set(digests).count == 1)
        #expect(items.first?.firstLine == "router moria1 128.31.0.34 9101 0 9131")
        #expect(Set(items.compactMap { $0.document.map { Array($0.rawBytes) } }).count == 1)
    }

    @Test func membersCarryTheirNames() throws {
        let path = ArchiveFixtures.sharedArchives.appendingPathComponent("stem--consensuses-2018-06-cropped.tar").path
        let members = ArchiveFixtures.read([path]).map { $0.source.member }
        // Archive order (checked with `tar tf`): the 01-00 consensus comes before the 00-00 one.
        #expect(members == ["consensuses-2018-06/01/2018-06-01-01-00-00-consensus",
                            "consensuses-2018-06/01/2018-06-01-00-00-00-consensus"])
    }
}
