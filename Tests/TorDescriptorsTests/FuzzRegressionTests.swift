import Foundation
import Testing
import TestSupport
import TorDescriptors

/// Replays every input the fuzzers ever crashed on (kept by `scripts/fuzz.sh` in
/// `FuzzRegressions/<target>/`) through the same entry point, invariants included.
@Suite struct FuzzRegressionTests {
    static let folder = ProjectFiles.root.appendingPathComponent("Tests/TorDescriptorsTests/FuzzRegressions")

    static func inputs() -> [(target: String, file: URL)] { FuzzRegressions.inputs(in: folder) }

    @Test("every saved crashing input now passes its fuzz entry point")
    func replay() throws {
        let replayed = try FuzzRegressions.replay(in: Self.folder, entryPoints: FuzzEntryPoints.targets)
        #expect(replayed > 0, "no saved inputs under \(Self.folder.path): was the folder moved?")
    }

    @Test("regression folders are named after fuzz targets")
    func folderNames() throws {
        let names = Set(Self.inputs().map(\.target))
        #expect(names.isSubset(of: Set(FuzzEntryPoints.names)))
    }

    @Test("each entry point runs on a real document of its type without tripping an invariant")
    func entryPointsOnRealDocuments() throws {
        let samples: [String: String] = [
            "tokenizer": "server-descriptors/stem--example_descriptor",
            "server-descriptor": "server-descriptors/metrics-lib--2017-07-17-17-20-00-server-descriptors",
            "extra-info": "extra-info/metrics-lib--2017-07-17-17-20-00-extra-infos",
            "microdescriptor": "microdescs/metrics-lib--2017-07-17-17-20-00-micro",
            "consensus": "consensus/cropped--2026-07-27-10-00-00-consensus-arti-live",
            "microdesc-consensus": "microdesc-consensus/cropped--2026-07-27-10-00-00-consensus-microdesc-arti-live",
            "vote": "votes/cropped--stem--metrics_vote",
            "key-certificate": "key-certs/stem--cached-certs",
            "detached-signatures": "detached-signatures/stem--detached_signatures",
            "bridge-network-status": "bridge/stem--bridge_network_status",
            "consensus-diff": "consensus-diffs/diff-cache-1009--ns-2021-08-29T17-to-2021-08-29T19",
            "any-descriptor": "microdescs/stem--cached-microdescs",
            "exit-list": "exit-lists/stem--2018-11-01-00-02-01",
            "bandwidth-file": "bandwidth/stem--bandwidth_file_v1.4",
            "bridge-pool-assignment": "bridge-pool-assignments/excerpt--collector-formats--2011-03-13-14-38-03",
            "torperf": "torperf/metrics-lib--op-nl-5242880-2017-07-17.tpf",
            "snowflake-stats": "snowflakes/metrics-lib--example_metrics.log",
            "bridgedb-metrics": "bridgedb-metrics/excerpt--metrics-lib--2019-09-17-00-33-44-bridgedb-metrics",
        ]
        for (target, file) in samples {
            FuzzEntryPoints.targets[target]!(try ProjectFiles.corpus(file))
        }
        FuzzEntryPoints.targets["exit-policy"]!(Array("accept *:80, reject 10.0.0.0/8:*, reject *:*".utf8))
        FuzzEntryPoints.targets["onion-address"]!(Array("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.ONION".utf8))
        FuzzEntryPoints.targets["geoip"]!([0] + Array(GeoIPDatabaseTests.syntheticIPv4.utf8))
        FuzzEntryPoints.targets["geoip"]!([1] + Array(GeoIPDatabaseTests.syntheticIPv6.utf8))
        #expect(!FuzzEntryPoints.diffBase.isEmpty)
    }
}
