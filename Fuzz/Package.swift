// swift-tools-version: 6.1
// libFuzzer target over the reader, the summaries and the writers. Build and run with
// scripts/fuzz.sh SECONDS (it passes -sanitize=fuzzer,address and -parse-as-library: libFuzzer
// brings its own main).
import PackageDescription

let package = Package(
    name: "SlipstreamFuzz",
    dependencies: [.package(name: "Slipstream", path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzSlipstream",
            dependencies: [.product(name: "Slipstream", package: "Slipstream")]
        )
    ]
)
