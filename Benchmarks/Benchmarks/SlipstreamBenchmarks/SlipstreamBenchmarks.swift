// Throughput, wall clock and malloc counts of each pipeline stage on generated payloads of
// ~2.5 MB, ~25 MB and ~200 MB, plus timestamp parsing and summaries over prebuilt columns.
// `batch_tgz100_jobs1`/`_jobs2` and `batch_tgz10x10h_jobs1`/`_jobs2`: `slipstream batch` over a tar.gz
// of 100 one-hour payloads, and of 10 ten-hour payloads.
// Malloc-count thresholds live in ../Thresholds (`swift package benchmark thresholds check`).

import Benchmark
import Foundation
import Slipstream
import SlipstreamBench

let sizes: [(name: String, options: GeneratorOptions)] = [
    ("small", BenchPayloads.small), ("medium", BenchPayloads.medium), ("large", BenchPayloads.large),
]

/// Generated once per process, on first use.
nonisolated(unsafe) var payloadPaths: [String: String] = [:]

func payloadPath(_ size: String) throws -> String {
    if let path = payloadPaths[size] { return path }
    let path = try BenchPayloads.file(sizes.first { $0.name == size }!.options)
    payloadPaths[size] = path
    return path
}

/// Generated once per process, on first use: the jobs 1 and jobs 2 benchmarks share one archive.
nonisolated(unsafe) var archivePaths: [String: String] = [:]

/// A `.tar.gz` of `count` payloads of one activity of `seconds` (seeds 1...count; one hour is
/// ~2.5 MB of JSON), written into the temporary directory; returns its path. Here, not in
/// SlipstreamBench: `Process` needs all of Foundation, which the CLI would then load at every start.
func archive(payloads count: Int, seconds: Int = 3600) throws -> String {
    let key = "\(count)x\(seconds)"
    if let path = archivePaths[key] { return path }
    let directory = FileSystem.temporaryPath(named: "slipstream-archive-\(count)x\(seconds)", extension: "d")
    try FileManager.default.createDirectory(atPath: directory + "/rides", withIntermediateDirectories: true)
    for seed in 1...count {
        try BenchPayloads.write(GeneratorOptions(seconds: seconds, activities: 1, seed: UInt64(seed)), to: directory + "/rides/ride-\(seed).json")
    }
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tar.arguments = ["tar", "-czf", "rides.tar.gz", "rides"]
    tar.currentDirectoryURL = URL(fileURLWithPath: directory)
    try tar.run()
    tar.waitUntilExit()
    try FileManager.default.removeItem(atPath: directory + "/rides")
    guard tar.terminationStatus == 0 else { throw SlipstreamError(.outputFailed, "tar failed", source: directory) }
    archivePaths[key] = directory + "/rides.tar.gz"
    return directory + "/rides.tar.gz"
}

/// Input bytes per second, in MB/s: the throughput users compare (Benchmark's own counts iterations).
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

/// Names without spaces: the thresholds tool writes `a_b.p90.json` but looks for `a b.p90.json`.
func slug(_ stage: BenchStage) -> String {
    switch stage {
    case .yajlNoOp: "yajl_noop"
    case .columns: "columns"
    case .summarize: "summarize"
    case .summarizeTwoThreads: "summarize_2threads"
    case .jsonDecoder: "jsondecoder"
    }
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [megabytesPerSecond, .wallClock, .mallocCountTotal, .peakMemoryResident]
    let thresholds: [BenchmarkMetric: BenchmarkThresholds] = [
        // Counts move by up to ~10% between runs (array growth follows malloc_usable_size); one
        // allocation per sample would add thousands. The static check compares p90 values.
        .mallocCountTotal: BenchmarkThresholds(relative: [.p90: 15.0])
    ]

    for (size, _) in sizes {
        for stage in BenchStage.allCases {
            // JSONDecoder holds the whole payload and its object graph: ~900 MB on the large one.
            let iterations = size == "large" ? 3 : 10
            Benchmark(
                "\(slug(stage))_\(size)",
                configuration: .init(
                    metrics: metrics, timeUnits: .milliseconds, warmupIterations: 1,
                    maxDuration: .seconds(30), maxIterations: iterations, thresholds: thresholds)
            ) { benchmark, path in
                let clock = ContinuousClock()
                let start = clock.now
                let outcome = try stage.run(path: path)
                let elapsed = (clock.now - start).components
                let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
                benchmark.measurement(megabytesPerSecond, Int((Double(outcome.bytes) / 1e6 / seconds).rounded()))
                blackHole(outcome)
            } setup: {
                try payloadPath(size)
            }
        }
    }

    Benchmark(
        "timestamp_parse_x100000",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput], timeUnits: .microseconds, thresholds: thresholds)
    ) { benchmark in
        let texts = ["2022-10-20T10:00:01.250000+02:00", "2024-05-04T07:30:00Z", "2024-05-04T07:30:00.123-0800"]
            .map { Array($0.utf8) }
        for _ in benchmark.scaledIterations {
            var total: Int64 = 0
            for i in 0..<100_000 {
                texts[i % 3].withUnsafeBytes { total &+= Timestamp.parse($0)?.microseconds ?? 0 }
            }
            blackHole(total)
        }
    }

    Benchmark(
        "summaries_over_prebuilt_columns_medium",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput], timeUnits: .microseconds, thresholds: thresholds)
    ) { benchmark, columns in
        for _ in benchmark.scaledIterations {
            for activity in columns {
                blackHole(Summarizer.summarize(activity, startTime: nil, endTime: nil))
            }
        }
    } setup: {
        try BenchPayloads.columns(of: try payloadPath("medium"))
    }

    // The same archive with one job and with two: the ratio of their wall clocks is the speed-up.
    // 100 one-hour rides, and 10 ten-hour rides (~26 MB each: the read-ahead must hold the rest of
    // one while the next is parsed).
    for (name, payloads, seconds) in [("tgz100", 100, 3600), ("tgz10x10h", 10, 36_000)] {
        for jobs in [1, 2] {
            Benchmark(
                "batch_\(name)_jobs\(jobs)",
                configuration: .init(
                    metrics: [megabytesPerSecond, .wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                    warmupIterations: 1, maxDuration: .seconds(60), maxIterations: 7)
            ) { benchmark, path in
                let job = BatchJob(paths: [path], jobs: jobs)
                let report = job.run(output: { blackHole($0) }, diagnostic: { _ in })
                precondition(report.payloads == payloads && report.failed == 0)
                benchmark.measurement(megabytesPerSecond, Int((Double(report.bytes) / 1e6 / report.seconds).rounded()))
            } setup: {
                try archive(payloads: payloads, seconds: seconds)
            }
        }
    }
}
