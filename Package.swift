// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "TorDescriptors",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "TorDescriptors", targets: ["TorDescriptors"]),
        .library(name: "Decompression", targets: ["Decompression"]),
        .library(name: "TorArchives", targets: ["TorArchives"]),
        .library(name: "TorDirectory", targets: ["TorDirectory"]),
        .executable(name: "tordesc", targets: ["tordesc"]),
    ],
    dependencies: [
        // SHA-1/SHA-256 digests now, Ed25519 verification later (#5).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // zlib is the one library linked at build time (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // liblzma, libzstd and libbz2 are opened at run time by soname, with their few
        // prototypes declared in CCodecs' own header: building needs none of their -dev packages.
        .target(
            name: "CCodecs",
            path: "Sources/CCodecs",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        .target(
            name: "Decompression",
            dependencies: ["CZlib", "CCodecs"],
            path: "Sources/Decompression"
        ),
        .target(
            name: "TorArchives",
            // Crypto: incremental SHA-256 of CollecTor downloads as they stream to disk.
            dependencies: ["TorDescriptors", "Decompression", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/TorArchives"
        ),
        .target(
            name: "TorDescriptors",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/TorDescriptors"
        ),
        .target(
            name: "TorDirectory",
            dependencies: ["TorDescriptors", "Decompression"],
            path: "Sources/TorDirectory"
        ),
        .executableTarget(
            name: "tordesc",
            dependencies: [
                "TorDescriptors",
                "TorArchives",
                "TorDirectory",
                "Decompression",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/tordesc"
        ),
        .executableTarget(
            name: "TorDescriptorsBenchmarks",
            dependencies: ["TorDescriptors", "TorArchives", "Decompression"],
            path: "Benchmarks/TorDescriptorsBenchmarks"
        ),
        // Helpers the test targets share (running tordesc, replaying fuzz inputs, finding
        // external tools): a plain target, linked only into the test targets.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "TorDescriptorsTests",
            dependencies: ["TorDescriptors", "TestSupport"],
            path: "Tests/TorDescriptorsTests"
        ),
        .testTarget(
            name: "DecompressionTests",
            dependencies: ["Decompression", "TestSupport"],
            path: "Tests/DecompressionTests"
        ),
        .testTarget(
            name: "TorArchivesTests",
            dependencies: ["TorArchives", "TorDescriptors", "Decompression", "TestSupport"],
            path: "Tests/TorArchivesTests"
        ),
        .testTarget(
            name: "TorDirectoryTests",
            dependencies: ["TorDirectory", "TorDescriptors", "Decompression", "TestSupport"],
            path: "Tests/TorDirectoryTests"
        ),
    ]
)
