import ArgumentParser
import Slipstream
import SlipstreamBench
import SlipstreamFixtures

@main
struct SlipstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipstream",
        abstract:
            "Summarize Terra Activity payloads and FIT recordings (workouts from wearables), streaming, in bounded memory; or serve them as Terra's API.",
        discussion: """
            Exit codes: 0 ok, 64 usage, 65 bad input data (malformed JSON, not an activity payload, \
            a limit exceeded, a damaged archive; batch: any payload failed), 66 input not found or \
            unreadable, 74 output error.
            """,
        version: "0.1.0",
        subcommands: [
            Summarize.self, Batch.self, Columns.self, Convert.self, Plot.self, Generate.self, Bench.self, Serve.self,
            Developers.self, Deliveries.self, Webhooks.self,
        ]
    )

    /// ArgumentParser's own `main`, on the main thread. Its default runs a synchronous command
    /// (summarize, batch, ...) on a worker of the global pool, where the command's waits held one
    /// of the two workers a 2-core machine has: `batch --jobs 2` parsed on one core (1.0x).
    @MainActor static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

extension SummaryOptions.Zeros: ExpressibleByArgument {}
extension SummaryOptions.Preference: ExpressibleByArgument {}

/// The `ReadLimits` as flags.
struct LimitOptions: ParsableArguments {
    @Option(name: .customLong("max-depth"), parsing: .unconditional, help: "Nesting of arrays and objects.")
    var maxDepth = ReadLimits().maxDepth

    @Option(
        name: .customLong("max-token-bytes"), parsing: .unconditional,
        help: "Bytes of one string, key or number, or of white space between tokens.")
    var maxTokenBytes = ReadLimits().maxTokenBytes

    @Option(name: .customLong("max-samples"), parsing: .unconditional, help: "Samples in one channel of one activity.")
    var maxSamples = ReadLimits().maxSamplesPerChannel

    @Option(name: .customLong("max-payload-bytes"), parsing: .unconditional, help: "Bytes of one top-level JSON value.")
    var maxPayloadBytes = ReadLimits().maxPayloadBytes

    func validate() throws {
        for (flag, value) in [
            ("--max-depth", maxDepth), ("--max-token-bytes", maxTokenBytes), ("--max-samples", maxSamples),
            ("--max-payload-bytes", maxPayloadBytes),
        ] where value < 1 {
            throw ValidationError("\(flag) must be 1 or more, not \(value)")
        }
    }

    var readLimits: ReadLimits {
        var limits = ReadLimits()
        limits.maxDepth = maxDepth
        limits.maxTokenBytes = maxTokenBytes
        limits.maxSamplesPerChannel = maxSamples
        limits.maxPayloadBytes = maxPayloadBytes
        return limits
    }
}

/// The `SummaryOptions` knobs as flags.
struct MetricOptions: ParsableArguments {
    @Option(
        name: .customLong("max-hr"), parsing: .unconditional,
        help: "Max heart rate (bpm) for zones; default: the payload's user_max_hr_bpm.")
    var maxHeartRate: Double?

    @Option(name: .customLong("hr-zones"), help: "Lower bounds of zones 1-5, percent of max HR, ascending.")
    var heartRateZones = "50,60,70,80,90"

    @Option(
        name: .customLong("elevation-hysteresis"), parsing: .unconditional,
        help: "Meters an altitude must move to count as gain or loss.")
    var elevationHysteresis = 2.0

    @Option(
        name: .customLong("ftp"), parsing: .unconditional,
        help: "Functional threshold power (W), for intensity factor and TSS.")
    var functionalThresholdPower: Double?

    @Option(name: .customLong("power-zeros"), help: "Zeros in the average power.")
    var powerZeros: SummaryOptions.Zeros = .include

    @Option(
        name: .customLong("cadence-zeros"),
        help:
            "Zeros (coasting) in the average cadence. Default: excluded, but included for rowing (stroke rate over the whole piece)."
    )
    var cadenceZeros: SummaryOptions.Zeros?

    @Option(
        name: .customLong("moving-threshold"), parsing: .unconditional,
        help: "Speed (km/h) at or above which a sample counts as moving.")
    var movingThreshold = 1.0

    @Option(
        name: .customLong("pause-gap"), parsing: .unconditional,
        help: "Seconds between samples above which the interval is a pause.")
    var pauseGap = 10.0

    @Option(
        name: .customLong("polyline-tolerance"), parsing: .unconditional,
        help: "Douglas-Peucker tolerance (m) for the summary polyline.")
    var polylineTolerance = 5.0

    @Option(help: "Whose values fill Terra's summary fields when the payload carried its own.")
    var prefer: SummaryOptions.Preference = .computed

    func validate() throws {
        _ = try summaryOptions()
    }

    func summaryOptions() throws -> SummaryOptions {
        var options = SummaryOptions()
        if let maxHeartRate {
            guard maxHeartRate > 0 else { throw ValidationError("--max-hr must be above 0") }
            options.maxHeartRate = maxHeartRate
        }
        let bounds = heartRateZones.split(separator: ",").map { Double($0.filter { $0 != " " }) }
        guard !bounds.isEmpty, bounds.allSatisfy({ $0 != nil && $0! > 0 }),
            zip(bounds, bounds.dropFirst()).allSatisfy({ $0! < $1! })
        else {
            throw ValidationError("--hr-zones takes ascending percentages above 0, e.g. 50,60,70,80,90")
        }
        options.heartRateZoneBounds = bounds.map { $0! }
        guard elevationHysteresis >= 0 else { throw ValidationError("--elevation-hysteresis must be 0 or more") }
        options.elevationHysteresis = elevationHysteresis
        if let functionalThresholdPower {
            guard functionalThresholdPower > 0 else { throw ValidationError("--ftp must be above 0") }
            options.functionalThresholdPower = functionalThresholdPower
        }
        options.powerZeros = powerZeros
        options.cadenceZeros = cadenceZeros
        guard movingThreshold >= 0 else { throw ValidationError("--moving-threshold must be 0 or more") }
        options.movingThresholdKilometersPerHour = movingThreshold
        guard pauseGap > 0 else { throw ValidationError("--pause-gap must be above 0") }
        options.pauseGapSeconds = pauseGap
        guard polylineTolerance >= 0 else { throw ValidationError("--polyline-tolerance must be 0 or more") }
        options.polylineToleranceMeters = polylineTolerance
        options.prefer = prefer
        return options
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic, realistic ride payload (1 Hz samples, pauses, coasting) to standard output.")

    @Option(parsing: .unconditional, help: "Recorded seconds per activity.")
    var seconds = 3600

    @Option(parsing: .unconditional, help: "Activities in the payload.")
    var activities = 1

    @Option(parsing: .unconditional, help: "Seed: the same seed writes the same bytes.")
    var seed: UInt64 = 1

    @Flag(help: "Indent the payload.")
    var pretty = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, fit }

    @Option(
        help:
            "json: a Terra webhook payload; fit: a FIT recording as a head unit writes it (compressed timestamps, timer pauses, one session per activity)."
    )
    var format: Format = .json

    @Flag(
        help:
            "FIT: the sessions before the records, each timestamped at its start (as current Garmin watches write them)."
    )
    var summaryFirst = false

    @Flag(
        help:
            "FIT: the first activity's heart rate stored by a strap (as in a swim): its records carry none, and two FIT files of hr messages follow, chained."
    )
    var strapHeartRate = false

    func validate() throws {
        guard seconds >= 0 else { throw ValidationError("--seconds must be 0 or more, not \(seconds)") }
        guard activities >= 0 else { throw ValidationError("--activities must be 0 or more, not \(activities)") }
        guard format == .fit || !(summaryFirst || strapHeartRate) else {
            throw ValidationError("--summary-first and --strap-heart-rate are for --format fit")
        }
    }

    func run() throws {
        let sink = FileSink()
        var options = GeneratorOptions(seconds: seconds, activities: activities, seed: seed, pretty: pretty)
        options.summaryFirst = summaryFirst
        options.strapHeartRate = strapHeartRate
        do {
            switch format {
            case .json: try PayloadGenerator.generate(options) { try sink.write($0) }
            case .fit: try sink.write(FITGenerator.ride(options))
            }
            try sink.flush()
        } catch {
            StandardError.writeLine("slipstream: \(error)")
            throw ExitCode((error as? SlipstreamError)?.kind.exitCode ?? 74)
        }
    }
}

struct Bench: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Measure throughput and memory: yajl no-op parse, columns, summarize and JSONDecoder on the same bytes.",
        discussion: """
            The stages take turns: a warm-up round, then --iterations rounds in which each stage reads the \
            file from the start once, so that a drift in the machine's speed reaches all of them alike. The \
            table gives the median; the ratio to the no-op parse is the median of the rounds' ratios. With no FILE, a payload is generated (--seconds, --activities) into a temporary file. \
            Directories, archives and gzip files are read as by `summarize`: each payload they hold is \
            decompressed to a temporary file first, so that decompression is not timed.
            """)

    @Argument(help: "Payload files, directories, archives or gzip files; none: a generated one.")
    var files: [String] = []

    @Option(parsing: .unconditional, help: "Timed runs per stage.")
    var iterations = 3

    @Option(help: "table or json (one object per input and line).")
    var format: Format = .table

    @Flag(help: "Leave out JSONDecoder (it needs the whole payload in memory, several times its size).")
    var noDecoder = false

    @Option(parsing: .unconditional, help: "Generated payload: recorded seconds per activity.")
    var seconds = 36000

    @Option(parsing: .unconditional, help: "Generated payload: activities.")
    var activities = 1

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be 1 or more, not \(iterations)") }
        guard seconds >= 1, activities >= 1 else {
            throw ValidationError("--seconds and --activities must be 1 or more")
        }
    }

    func run() throws {
        var inputs: [PayloadFiles.File]
        if files.isEmpty {
            let path = try BenchPayloads.file(GeneratorOptions(seconds: seconds, activities: activities, seed: 1))
            inputs = [
                PayloadFiles.File(path: path, name: "generated (\(activities) x \(seconds) s)", isTemporary: true)
            ]
        } else {
            do {
                inputs = try PayloadFiles.expand(files)
            } catch {
                StandardError.writeLine("slipstream: \(error)")
                throw ExitCode(error.kind.exitCode)
            }
        }
        defer { for input in inputs where input.isTemporary { FileSystem.remove(input.path) } }

        let runner = BenchRunner(
            iterations: iterations, stages: BenchStage.allCases.filter { !noDecoder || $0 != .jsonDecoder })
        let results = zip(inputs, runner.run(paths: inputs.map(\.path))).map { input, stages in
            BenchInput(name: input.name, results: stages)
        }
        let text =
            format == .table
            ? BenchReport.table(results, iterations: iterations) : try BenchReport.json(results, iterations: iterations)
        print(text, terminator: "")
    }
}
