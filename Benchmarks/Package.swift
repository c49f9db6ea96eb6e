// swift-tools-version: 6.1
// Benchmarks of the Slipstream pipeline (ordo-one/benchmark). Run from this folder:
//     swift package benchmark
//     swift package benchmark thresholds check      # malloc counts against Thresholds/
import PackageDescription

let package = Package(
    name: "SlipstreamBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Slipstream", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SlipstreamBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Slipstream", package: "Slipstream"),
                .product(name: "SlipstreamBench", package: "Slipstream"),
            ],
            path: "Benchmarks/SlipstreamBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
