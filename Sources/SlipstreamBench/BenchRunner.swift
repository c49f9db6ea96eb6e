// `slipstream bench`: the same bytes through each stage of the pipeline, several times, in one process.

import FoundationEssentials
import Slipstream

/// A way to process a payload, from the ceiling (yajl doing nothing) to what users would write by hand.
public enum BenchStage: String, CaseIterable, Sendable {
    /// yajl with callbacks that return at once: the ceiling for any design built on yajl.
    case yajlNoOp = "yajl no-op"
    /// Parse into per-activity columns, no summaries (for a FIT file: decode it into columns).
    case columns
    /// Columns, summaries and NDJSON output (discarded): what `slipstream summarize` does.
    case summarize
    /// `summarize --parse-threads 2`: the samples stored in a second thread while yajl parses on.
    case summarizeTwoThreads = "summarize, 2 threads"
    /// Foundation's JSONDecoder into Codable structs, then plain means.
    case jsonDecoder = "JSONDecoder"
}

/// What one stage did with one input.
public struct StageResult: Sendable {
    public var stage: BenchStage
    /// Wall-clock seconds of each iteration.
    public var seconds: [Double]
    public var bytes: Int
    public var samples: Int
    public var activities: Int
    /// Peak resident set size during the stage, when Linux lets us measure it.
    public var peakResidentBytes: Int?
    /// Why the stage could not run (e.g. JSONDecoder rejected the payload).
    public var failure: String?
    /// Why the stage does not apply to this input (a JSON stage, a FIT file).
    public var notApplicable: String?

    /// It ran and applies to the input.
    public var isMeasured: Bool { failure == nil && notApplicable == nil && !seconds.isEmpty }

    /// The median iteration.
    public var medianSeconds: Double {
        let sorted = seconds.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    public var megabytesPerSecond: Double { Double(bytes) / 1_000_000 / medianSeconds }
    public var samplesPerSecond: Double { Double(samples) / medianSeconds }
}

/// Runs the stages over files.
public struct BenchRunner: Sendable {
    public var iterations: Int
    public var stages: [BenchStage]

    public init(iterations: Int = 3, stages: [BenchStage] = BenchStage.allCases) {
        self.iterations = max(1, iterations)
        self.stages = stages
    }

    /// Runs every stage on each file. JSONDecoder runs last, on every file after all other stages:
    /// the heap it grows stays with the process and would hide the other stages' peak memory.
    public func run(paths: [String]) -> [[StageResult]] {
        let streaming = stages.filter { $0 != .jsonDecoder }
        var results = paths.map { run(path: $0, stages: streaming) }
        if stages.contains(.jsonDecoder) {
            for (index, path) in paths.enumerated() {
                results[index] += run(path: path, stages: [.jsonDecoder])
            }
        }
        return results
    }

    /// What the first bytes of the file say it is.
    static func format(of path: String) -> InputFormat? {
        guard let file = try? FileSource(path: path) else { return nil }
        var head = [UInt8](repeating: 0, count: InputFormat.bytesToTell)
        let count =
            (try? head.withUnsafeMutableBytes { (buffer) throws(SlipstreamError) in try file.read(into: buffer) }) ?? 0
        return head.prefix(count).withUnsafeBytes { InputFormat.detect($0, isComplete: true) }
    }

    /// Runs `stages` on `path` in rounds: one warm-up round, then `iterations` rounds, each running
    /// every stage once in turn, so that the machine's drift in speed reaches every stage alike (the
    /// ratios are taken round by round). A FIT file runs the stages that read any input (columns,
    /// summarize); the JSON-only ones say they do not apply.
    func run(path: String, stages: [BenchStage]) -> [StageResult] {
        let isFIT = Self.format(of: path) == .fit
        var results = stages.map { stage in
            var result = StageResult(stage: stage, seconds: [], bytes: 0, samples: 0, activities: 0)
            if isFIT && (stage == .yajlNoOp || stage == .jsonDecoder || stage == .summarizeTwoThreads) {
                result.notApplicable = "a JSON stage; this is a FIT file"
            }
            return result
        }
        for round in 0...iterations {  // round 0 warms up: page cache, allocator
            for index in results.indices where results[index].notApplicable == nil && results[index].failure == nil {
                ProcessMemory.resetPeak()
                do {
                    let clock = ContinuousClock()
                    var outcome = (bytes: 0, samples: 0, activities: 0)
                    let elapsed = try clock.measure { outcome = try results[index].stage.run(path: path) }
                    if round > 0 {
                        results[index].seconds.append(
                            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                        (results[index].bytes, results[index].samples, results[index].activities) = outcome
                    }
                } catch {
                    results[index].failure = "\(error)"
                }
                if let peak = ProcessMemory.peakResidentBytes() {
                    results[index].peakResidentBytes = max(results[index].peakResidentBytes ?? 0, peak)
                }
            }
        }
        return results
    }

}

extension BenchStage {
    /// Runs the stage once over the file at `path`: bytes read, samples stored, activities finished.
    public func run(path: String) throws -> (bytes: Int, samples: Int, activities: Int) {
        switch self {
        case .yajlNoOp:
            var source = try FileSource(path: path)
            return (try ActivityReader().parseWithoutConsumer(&source), 0, 0)
        case .columns:
            var source = try FileSource(path: path)
            let counter = SampleCounter(summaries: nil)
            let report = try ActivityReader(summaries: false).read(&source, into: counter)
            return (report.bytes, counter.samples, report.activities)
        case .summarize, .summarizeTwoThreads:
            var source = try FileSource(path: path)
            var written = 0
            let writer = SummaryWriter(output: { written += $0.count }, problem: { _ in })
            let counter = SampleCounter(summaries: writer)
            let reader = ActivityReader()
            reader.parseThreads = self == .summarize ? 1 : 2
            let report = try reader.read(&source, into: counter)
            guard written > 0 || report.activities == 0 else { throw BenchFailure("no summary written") }
            return (report.bytes, counter.samples, report.activities)
        case .jsonDecoder:
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let outcome = try CodableComparison.run(bytes)
            guard outcome.checksum.isFinite else { throw BenchFailure("non-finite checksum") }
            return (bytes.count, outcome.samples, outcome.activities)
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Counts stored samples, passing activities on to a summary writer when there is one.
final class SampleCounter: ActivityConsumer {
    private let summaries: SummaryWriter?
    private(set) var samples = 0

    init(summaries: SummaryWriter?) { self.summaries = summaries }

    func activity(_ record: ActivityRecord) throws {
        for column in record.columns.columns { samples += column.count }
        try summaries?.activity(record)
    }
    func payloadEnded(user: RawJSON?) throws { try summaries?.payloadEnded(user: user) }
    func problem(_ error: SlipstreamError) { summaries?.problem(error) }
}
