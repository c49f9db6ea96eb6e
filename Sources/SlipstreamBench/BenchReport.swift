// The table (or JSON) `slipstream bench` prints: per input, each stage's MB/s, samples/s and peak
// memory, with its throughput as a ratio of the yajl no-op parse of the same bytes.

import FoundationEssentials

/// The results of one input.
public struct BenchInput: Sendable {
    public var name: String
    public var results: [StageResult]

    public init(name: String, results: [StageResult]) {
        self.name = name
        self.results = results
    }

    /// The stage's result, when it was measured (it ran, and applies to this input).
    func result(_ stage: BenchStage) -> StageResult? { results.first { $0.stage == stage && $0.isMeasured } }

    /// Throughput of `stage` divided by that of `reference`, when both ran: the median of the
    /// rounds' ratios when they ran in the same rounds, else the ratio of the medians.
    public func ratio(_ stage: BenchStage, to reference: BenchStage) -> Double? {
        guard let a = result(stage), let b = result(reference) else { return nil }
        let sameRounds = a.seconds.count == b.seconds.count && stage != .jsonDecoder && reference != .jsonDecoder
        guard sameRounds else { return b.medianSeconds / a.medianSeconds }
        let ratios = zip(b.seconds, a.seconds).map { $0 / $1 }.sorted()
        let middle = ratios.count / 2
        return ratios.count % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2
    }
}

public enum BenchReport {
    /// A plain-text table, one block per input.
    public static func table(_ inputs: [BenchInput], iterations: Int) -> String {
        var text = ""
        for input in inputs {
            let first = input.results.first { $0.isMeasured }
            let megabytes = Double(first?.bytes ?? 0) / 1_000_000
            text += "\(input.name): \(fixed(megabytes, 1)) MB, median of \(iterations)\n"
            let header = ["stage", "MB/s", "samples/s", "peak RSS", "vs yajl no-op"]
            var rows: [[String]] = [header]
            for result in input.results {
                if let failure = result.failure {
                    rows.append([result.stage.rawValue, "failed: \(failure)", "", "", ""])
                    continue
                }
                if let reason = result.notApplicable {
                    rows.append([result.stage.rawValue, "n/a: \(reason)", "", "", ""])
                    continue
                }
                rows.append([
                    result.stage.rawValue,
                    fixed(result.megabytesPerSecond, 1),
                    result.samples > 0 ? grouped(result.samplesPerSecond) : "-",
                    result.peakResidentBytes.map { "\(fixed(Double($0) / 1_048_576, 1)) MiB" } ?? "?",
                    input.ratio(result.stage, to: .yajlNoOp).map { "\(fixed($0, 2))x" } ?? "-",
                ])
            }
            text += render(rows)
            if let times = input.ratio(.summarize, to: .jsonDecoder) {
                text += "summarize is \(fixed(times, 1))x JSONDecoder\n"
            }
            text += "\n"
        }
        return text
    }

    struct StageJSON: Encodable {
        var stage: String
        var seconds: [Double]
        var median_seconds: Double?
        var bytes: Int
        var activities: Int
        var samples: Int
        var megabytes_per_second: Double?
        var samples_per_second: Double?
        var peak_rss_bytes: Int?
        var ratio_to_yajl_noop: Double?
        var error: String?
        var not_applicable: String?
    }

    struct InputJSON: Encodable {
        var input: String
        var iterations: Int
        var stages: [StageJSON]
        var summarize_vs_jsondecoder: Double?
    }

    /// One JSON object per input, one per line.
    public static func json(_ inputs: [BenchInput], iterations: Int) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var lines = ""
        for input in inputs {
            let stages = input.results.map { result in
                let ran = result.isMeasured
                return StageJSON(
                    stage: result.stage.rawValue, seconds: result.seconds,
                    median_seconds: ran ? result.medianSeconds : nil,
                    bytes: result.bytes, activities: result.activities, samples: result.samples,
                    megabytes_per_second: ran ? result.megabytesPerSecond : nil,
                    samples_per_second: ran && result.samples > 0 ? result.samplesPerSecond : nil,
                    peak_rss_bytes: result.peakResidentBytes,
                    ratio_to_yajl_noop: input.ratio(result.stage, to: .yajlNoOp),
                    error: result.failure, not_applicable: result.notApplicable)
            }
            let object = InputJSON(
                input: input.name, iterations: iterations, stages: stages,
                summarize_vs_jsondecoder: input.ratio(.summarize, to: .jsonDecoder))
            lines += String(decoding: try encoder.encode(object), as: UTF8.self) + "\n"
        }
        return lines
    }

    private static func render(_ rows: [[String]]) -> String {
        var widths = Array(repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var text = ""
        for row in rows {
            let cells = row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }
            text += cells.joined(separator: "  ") + "\n"
        }
        return text
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = abs(scaled % Int(scale))
        guard digits > 0 else { return "\(whole)" }
        let fractionText = String(fraction)
        return
            "\(scaled < 0 && whole == 0 ? "-" : "")\(whole).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)"
    }

    static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let digits = String(Int(value.rounded()))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
