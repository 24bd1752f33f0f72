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
        .library(name: "CollecTor", targets: ["CollecTor"]),
        // For Fuzz/ (the HTTP and link-layer fuzz targets); the sans-I/O protocol pieces.
        .library(name: "TorWire", targets: ["TorWire"]),
        .executable(name: "tordesc", targets: ["tordesc"]),
    ],
    dependencies: [
        // SHA-1/SHA-256 digests now, Ed25519 verification later (#5).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // One network stack (#16): TCP, TLS (DirPort, ORPort, CollecTor HTTPS).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
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
            dependencies: ["TorDescriptors", "Decompression"],
            path: "Sources/TorArchives"
        ),
        .target(
            name: "TorDescriptors",
            // _CryptoExtras: AES-256-CTR for onion-service descriptor layers (rend-spec-v3).
            dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")],
            path: "Sources/TorDescriptors"
        ),
        // Sans-I/O protocol pieces (no NIO, fuzzable): HTTP/1.x request/response, tor cells,
        // the link handshake, circuit and stream state machines.
        .target(
            name: "TorWire",
            dependencies: [
                "TorDescriptors", "Decompression",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/TorWire"
        ),
        // The SwiftNIO drivers that move TorWire's bytes: TCP and TLS connections, HTTP, ORPort.
        .target(
            name: "TorNetwork",
            dependencies: [
                "TorWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // TLSUserEvent (the handshake-done event): already built as a part of NIOSSL.
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/TorNetwork"
        ),
        // The CollecTor client (index, mirroring downloads) over TorNetwork's HTTPS; its own target so
        // that TorArchives (the fuzz package, the benchmark) never links NIO.
        .target(
            name: "CollecTor",
            dependencies: [
                "TorArchives", "TorWire", "TorNetwork", "Decompression",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/CollecTor"
        ),
        .target(
            name: "TorDirectory",
            dependencies: ["TorDescriptors", "Decompression", "TorWire", "TorNetwork",
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/TorDirectory"
        ),
        .executableTarget(
            name: "tordesc",
            dependencies: [
                "TorDescriptors",
                "TorArchives",
                "TorDirectory",
                "TorNetwork",
                "CollecTor",
                "Decompression",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
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
            dependencies: ["TorArchives", "CollecTor", "TorNetwork", "TorWire", "TorDescriptors", "Decompression", "TestSupport",
                           .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/TorArchivesTests"
        ),
        .testTarget(
            name: "TorWireTests",
            // Crypto: the ntor test computes the relay's side from the formulas.
            dependencies: ["TorWire", "TorDescriptors", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/TorWireTests"
        ),
        .testTarget(
            name: "TorDirectoryTests",
            dependencies: ["TorDirectory", "TorNetwork", "TorWire", "TorDescriptors", "Decompression", "TestSupport"],
            path: "Tests/TorDirectoryTests"
        ),
    ]
)
