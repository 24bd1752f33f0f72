// swift-tools-version: 6.1
// Fuzz targets for TorDescriptors, kept out of the main package so `swift build` at the root
// never needs libFuzzer. Build and run through `scripts/fuzz.sh` (see its header), which passes
// `-Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld`.
import PackageDescription

/// One executable per entry point of `FuzzEntryPoints` (Tests/TorDescriptorsTests/FuzzEntryPoints.swift) and of
/// the I/O layers' entry points.
let targetNames = [
    "tokenizer", "server-descriptor", "extra-info", "microdescriptor", "consensus",
    "microdesc-consensus", "vote", "key-certificate", "detached-signatures",
    "bridge-network-status", "consensus-diff", "exit-policy", "ed25519-certificate",
    "rsa-public-key", "any-descriptor", "exit-list", "bandwidth-file",
    "onion-address",
    "onion-service-descriptor", "onion-service-decrypt", "line-endings", "authority-history", "network-status-2",
    "directory",
    "bridge-pool-assignment", "webstats", "torperf", "snowflake-stats", "bridgedb-metrics",
    // Analysis inputs: tor's GeoIP files (Tests/TorDescriptorsTests/AnalysisFuzzEntryPoints.swift).
    "geoip",
    // The address index tordesc lookup caches (Tests/TorDescriptorsTests/AddressLookupFuzzEntryPoints.swift).
    "lookup-index",
    // Hex and base64 digest text (Tests/TorDescriptorsTests/DigestFuzzEntryPoints.swift).
    "digest-text",
    // I/O layers (entry points in Tests/{Decompression,TorArchives,TorDirectory}Tests/*FuzzEntryPoints.swift; the HTTP ones need only TorWire).
    "decompress-gzip", "decompress-deflate", "decompress-xz", "decompress-lzma", "decompress-zstd",
    "decompress-bzip2", "tar", "archive-reader", "http-response", "http-reader",
    // The ORPort link layer (Tests/TorWireTests/LinkFuzzEntryPoints.swift).
    "link-cells", "certs-cell", "ntor-extended2",
    // The ControlPort reply reader and its events (Tests/TorWireTests/LinkFuzzEntryPoints.swift).
    "control-reply", "control-event",
]

let package = Package(
    name: "TorDescriptorsFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "TorDescriptors", path: "..")],
    targets: [
        .target(
            name: "FuzzTargets",
            dependencies: [
                .product(name: "TorDescriptors", package: "TorDescriptors"),
                .product(name: "Decompression", package: "TorDescriptors"),
                .product(name: "TorArchives", package: "TorDescriptors"),
                .product(name: "TorWire", package: "TorDescriptors"),
            ],
            path: "Sources/FuzzTargets"
        ),
    ] + targetNames.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzTargets"], path: "Sources/fuzz-\(name)")
    }
)
