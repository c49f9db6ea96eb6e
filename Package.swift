// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Slipstream",
    products: [
        .library(name: "Slipstream", targets: ["Slipstream"]),
        .library(name: "SlipstreamBench", targets: ["SlipstreamBench"]),
        .executable(name: "slipstream", targets: ["SlipstreamCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CYajl",
            pkgConfig: "yajl",
            providers: [.apt(["libyajl-dev"])]
        ),
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .target(
            name: "Slipstream",
            dependencies: ["CYajl", "CArchive", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .target(
            name: "SlipstreamBench",
            dependencies: ["Slipstream"]
        ),
        .executableTarget(
            name: "SlipstreamCLI",
            dependencies: [
                "Slipstream",
                "SlipstreamBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SlipstreamTests",
            dependencies: ["Slipstream"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SlipstreamCLITests",
            dependencies: ["SlipstreamCLI"]
        ),
    ]
)
