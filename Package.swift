// swift-tools-version: 6.1
import PackageDescription

// Stage modules, each depending only on those before it (docs/ARCHITECTURE.md):
// core -> JSON decoder, summaries -> stream -> output -> batch -> umbrella `Slipstream` -> CLI.
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
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYajl",
            pkgConfig: "yajl",
            providers: [.apt(["libyajl-dev"])]
        ),
        // yajl's callbacks in C: sample lists read into a tape, everything else forwarded to Swift.
        .target(name: "CSampleTape", dependencies: ["CYajl"]),
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Channels and the schema table, columns, records, errors, limits, timestamps, numbers, I/O.
        .target(name: "SlipstreamCore"),
        // Terra JSON behind the decoder seam: the only module that imports CYajl and CSampleTape.
        .target(name: "SlipstreamJSON", dependencies: ["CYajl", "CSampleTape", "SlipstreamCore"]),
        // FIT recordings behind the decoder seam: our own streaming decoder (and encoder).
        .target(name: "SlipstreamFIT", dependencies: ["SlipstreamCore"]),
        // Pure functions from columns to summaries.
        .target(
            name: "SlipstreamSummaries",
            dependencies: ["SlipstreamCore", .product(name: "RealModule", package: "swift-numerics")]
        ),
        // The push API: format detection, decoders, finishing activities (order, summaries).
        .target(name: "SlipstreamStream", dependencies: ["SlipstreamCore", "SlipstreamJSON", "SlipstreamFIT", "SlipstreamSummaries"]),
        // Writers: summaries as JSON, CSV rows, columns; the payload generator.
        .target(name: "SlipstreamOutput", dependencies: ["SlipstreamCore", "SlipstreamFIT", "SlipstreamSummaries", "SlipstreamStream"]),
        // Many inputs: walking, archives (the only module that imports CArchive), scheduling.
        .target(
            name: "SlipstreamBatch",
            dependencies: ["CArchive", "SlipstreamCore", "SlipstreamStream", "SlipstreamOutput", "SlipstreamSummaries"]
        ),
        // `import Slipstream`: the umbrella over the public API.
        .target(
            name: "Slipstream",
            dependencies: [
                "SlipstreamCore", "SlipstreamJSON", "SlipstreamFIT", "SlipstreamSummaries", "SlipstreamStream", "SlipstreamOutput",
                "SlipstreamBatch",
            ]
        ),
        // `slipstream serve`: the integration as an HTTP service (keys, users, ingest, storage, historical API).
        .target(
            name: "SlipstreamService",
            dependencies: [
                "Slipstream", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
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
                "SlipstreamService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SlipstreamTests",
            dependencies: [
                "Slipstream", "SlipstreamCore", "SlipstreamJSON", "SlipstreamFIT", "SlipstreamSummaries", "SlipstreamStream",
                "SlipstreamOutput", "SlipstreamBatch",
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SlipstreamServiceTests",
            dependencies: [
                "Slipstream", "SlipstreamService",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "SlipstreamCLITests",
            dependencies: ["SlipstreamCLI"]
        ),
    ]
)
