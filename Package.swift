// swift-tools-version: 6.1
import PackageDescription

// Targets by responsibility (docs/ARCHITECTURE.md draws them): the pipeline's stages, each depending
// only on those before it, under the umbrella `Slipstream`; the fixtures and the bench beside it; the
// service as storage, one target per database, secrets, delivery and the server; the CLI over all.
let package = Package(
    name: "Slipstream",
    products: [
        .library(name: "Slipstream", targets: ["Slipstream"]),
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
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CYajl", pkgConfig: "yajl", providers: [.apt(["libyajl-dev"])]),
        // yajl's callbacks in C: sample lists read into a tape, everything else forwarded to Swift.
        .target(name: "CSampleTape", dependencies: ["CYajl"]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // The pipeline, each stage depending only on those before it.
        // Channels and the schema table, columns, records, errors, limits, timestamps, numbers, JSON writing.
        .target(name: "SlipstreamCore"),
        // Where bytes come from: files, standard input, memory, gzip (the only importer of CZlib), what
        // an input is by its first bytes; output files, standard error, paths and process facts.
        .target(name: "SlipstreamInput", dependencies: ["CZlib", "SlipstreamCore"]),
        // Terra JSON behind the decoder seam: the only module that imports CYajl and CSampleTape.
        .target(name: "SlipstreamJSON", dependencies: ["CYajl", "CSampleTape", "SlipstreamCore"]),
        // FIT recordings behind the decoder seam: our own streaming decoder.
        .target(name: "SlipstreamFIT", dependencies: ["SlipstreamCore"]),
        // Pure functions from columns to summaries.
        .target(
            name: "SlipstreamSummaries",
            dependencies: ["SlipstreamCore", .product(name: "RealModule", package: "swift-numerics")]),
        // The push API: format detection, decoders, finishing activities (order, summaries).
        .target(
            name: "SlipstreamStream",
            dependencies: [
                "SlipstreamCore", "SlipstreamInput", "SlipstreamJSON", "SlipstreamFIT", "SlipstreamSummaries",
            ]),
        // Writers: summaries as JSON, CSV rows, columns.
        .target(name: "SlipstreamOutput", dependencies: ["SlipstreamCore", "SlipstreamSummaries"]),
        // Many inputs: walking, archives (the only module that imports CArchive), scheduling.
        .target(
            name: "SlipstreamBatch",
            dependencies: [
                "CArchive", "SlipstreamCore", "SlipstreamInput", "SlipstreamStream", "SlipstreamOutput",
                "SlipstreamSummaries",
            ]),
        // `import Slipstream`: the umbrella over the pipeline's public API.
        .target(
            name: "Slipstream",
            dependencies: [
                "SlipstreamCore", "SlipstreamInput", "SlipstreamJSON", "SlipstreamFIT", "SlipstreamSummaries",
                "SlipstreamStream",
                "SlipstreamOutput", "SlipstreamBatch",
            ]),

        // Made-up inputs for tests, benchmarks and `slipstream generate`: payloads, FIT files, the FIT encoder.
        .target(
            name: "SlipstreamFixtures", dependencies: ["SlipstreamCore", "SlipstreamFIT", "SlipstreamSummaries"]),
        // `slipstream bench`.
        .target(name: "SlipstreamBench", dependencies: ["Slipstream", "SlipstreamFixtures"]),

        // The service. Storage: models, the stores' protocols, the sample codec, the SQL schema.
        .target(name: "SlipstreamStorage", dependencies: ["SlipstreamCore", "SlipstreamSecrets"]),
        // Storage in one SQLite file: the only importer of GRDB.
        .target(
            name: "SlipstreamSQLite",
            dependencies: ["SlipstreamCore", "SlipstreamStorage", .product(name: "GRDB", package: "GRDB.swift")]),
        // Storage in PostgreSQL: the only importer of PostgresNIO; its client runs as a service.
        .target(
            name: "SlipstreamPostgres",
            dependencies: [
                "SlipstreamCore", "SlipstreamStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Keys, hashes and signatures: the only importer of swift-crypto.
        .target(name: "SlipstreamSecrets", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Webhooks: the delivery worker (the only importer of AsyncHTTPClient), Terra's events, the signed-body reader.
        .target(
            name: "SlipstreamDelivery",
            dependencies: [
                "SlipstreamCore", "SlipstreamStorage", "SlipstreamSecrets", "SlipstreamOutput",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Pictures of a ride as SVG: the route map (Web Mercator) and charts of each channel over time.
        .target(name: "SlipstreamPictures", dependencies: ["SlipstreamCore"]),
        // The web face's pages from their templates: the only importer of swift-mustache.
        .target(name: "SlipstreamWeb", dependencies: [.product(name: "Mustache", package: "swift-mustache")]),
        // `slipstream serve` and `webhooks listen` over HTTP: the only importer of Hummingbird and Prometheus.
        .target(
            name: "SlipstreamServer",
            dependencies: [
                "SlipstreamCore", "SlipstreamStream", "SlipstreamOutput", "SlipstreamStorage", "SlipstreamSecrets",
                "SlipstreamDelivery", "SlipstreamPictures", "SlipstreamWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        .executableTarget(
            name: "SlipstreamCLI",
            dependencies: [
                "Slipstream", "SlipstreamFixtures", "SlipstreamBench", "SlipstreamStorage", "SlipstreamSQLite",
                "SlipstreamPostgres",
                "SlipstreamSecrets", "SlipstreamDelivery", "SlipstreamServer", "SlipstreamPictures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        // Tests per target; the storage suite runs against SQLite, and PostgreSQL when CI starts one.
        .testTarget(name: "SlipstreamCoreTests", dependencies: ["Slipstream", "SlipstreamCore", "SlipstreamFixtures"]),
        .testTarget(name: "SlipstreamInputTests", dependencies: ["Slipstream"]),
        .testTarget(
            name: "SlipstreamJSONTests",
            dependencies: [
                "Slipstream",
                "SlipstreamCore",
                "SlipstreamFixtures",
                "SlipstreamJSON",
                "SlipstreamStream",
            ]),
        .testTarget(
            name: "SlipstreamFITTests",
            dependencies: [
                "Slipstream",
                "SlipstreamCore",
                "SlipstreamFIT",
                "SlipstreamFixtures",
                "SlipstreamOutput",
            ]),
        .testTarget(
            name: "SlipstreamSummariesTests",
            dependencies: [
                "Slipstream",
                "SlipstreamCore",
                "SlipstreamOutput",
                "SlipstreamStream",
                "SlipstreamSummaries",
            ]),
        .testTarget(name: "SlipstreamStreamTests", dependencies: ["Slipstream", "SlipstreamFixtures"]),
        .testTarget(
            name: "SlipstreamBatchTests",
            dependencies: [
                "Slipstream",
                "SlipstreamBatch",
                "SlipstreamCore",
                "SlipstreamFixtures",
                "SlipstreamInput",
                "SlipstreamOutput",
            ]),
        .testTarget(name: "SlipstreamStorageTests", dependencies: ["SlipstreamCore", "SlipstreamStorage"]),
        .testTarget(name: "SlipstreamDeliveryTests", dependencies: ["SlipstreamDelivery"]),
        .testTarget(name: "SlipstreamPicturesTests", dependencies: ["SlipstreamCore", "SlipstreamPictures"]),
        .testTarget(name: "SlipstreamWebTests", dependencies: ["SlipstreamWeb"]),
        .testTarget(
            name: "SlipstreamServerTests",
            dependencies: [
                "Slipstream", "SlipstreamDelivery", "SlipstreamPostgres", "SlipstreamSQLite", "SlipstreamSecrets",
                "SlipstreamServer",
                "SlipstreamStorage", "SlipstreamFixtures", "SlipstreamCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The outage tests make the drivers' own errors.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // Tests compute expected signatures with swift-crypto themselves, not with the code under test.
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(name: "SlipstreamCLITests", dependencies: ["SlipstreamCLI"]),
    ]
)
