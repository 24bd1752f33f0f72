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
        // For Fuzz/ (the link-layer fuzz targets); the sans-I/O protocol pieces.
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
        // System compression libraries (Debian: zlib1g-dev liblzma-dev libzstd-dev libbz2-dev).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CLZMA", path: "Sources/CLZMA", providers: [.apt(["liblzma-dev"]), .brew(["xz"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(name: "CBZip2", path: "Sources/CBZip2", providers: [.apt(["libbz2-dev"])]),
        .target(
            name: "Decompression",
            dependencies: ["CZlib", "CLZMA", "CZstd", "CBZip2"],
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
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/TorNetwork"
        ),
        .target(
            name: "TorDirectory",
            dependencies: ["TorDescriptors", "Decompression", "TorWire", "TorNetwork"],
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
        .testTarget(
            name: "TorDescriptorsTests",
            dependencies: ["TorDescriptors"],
            path: "Tests/TorDescriptorsTests"
        ),
        .testTarget(
            name: "DecompressionTests",
            dependencies: ["Decompression"],
            path: "Tests/DecompressionTests"
        ),
        .testTarget(
            name: "TorArchivesTests",
            dependencies: ["TorArchives", "TorDescriptors", "Decompression"],
            path: "Tests/TorArchivesTests"
        ),
        .testTarget(
            name: "TorWireTests",
            dependencies: ["TorWire", "TorDescriptors"],
            path: "Tests/TorWireTests"
        ),
        .testTarget(
            name: "TorDirectoryTests",
            dependencies: ["TorDirectory", "TorNetwork", "TorWire", "TorDescriptors", "Decompression"],
            path: "Tests/TorDirectoryTests"
        ),
    ]
)
