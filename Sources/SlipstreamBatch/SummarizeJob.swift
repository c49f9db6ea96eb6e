// `summarize` and `columns`: one input in, its activities out on standard output.

import SlipstreamCore
import SlipstreamSummaries
import SlipstreamStream
import SlipstreamOutput

/// How a run over one input ended: the error that stopped it, if any, and the problems read past
/// (notices, such as a response without activities, are not counted).
public struct RunOutcome: Sendable, Equatable {
    public var failure: SlipstreamError?
    public var problems = 0

    public init(failure: SlipstreamError? = nil, problems: Int = 0) {
        self.failure = failure
        self.problems = problems
    }
}

/// `slipstream summarize`: one input in, one summary per activity out, problems on the side.
public struct SummarizeJob: Sendable {
    public var inputPath: String
    public var format: OutputFormat
    public var pretty: Bool
    public var options: SummaryOptions
    public var limits = ReadLimits()
    /// How errors name a limit (the CLI: by its flag).
    public var limitName: @Sendable (ReadLimits.Key) -> String = { "ReadLimits.\($0.rawValue)" }

    /// - Parameters:
    ///   - inputPath: a file, or `-` for standard input.
    ///   - format: NDJSON (one Activity per line) or a Terra envelope per payload.
    ///   - pretty: indent the output.
    ///   - options: the knobs of the summaries.
    public init(inputPath: String = "-", format: OutputFormat = .ndjson, pretty: Bool = false, options: SummaryOptions = SummaryOptions()) {
        self.inputPath = inputPath
        self.format = format
        self.pretty = pretty
        self.options = options
    }

    /// Runs the job, writing summaries to standard output and one line per problem to `diagnostic`.
    /// - Returns: the error that stopped the run (also written to `diagnostic`) and the problems read past.
    public func run(diagnostic: (String) -> Void) -> RunOutcome {
        OneInputRun(inputPath: inputPath, options: options, limits: limits, summaries: true, limitName: limitName).run(
            diagnostic: diagnostic
        ) { sink, problem in
            SummaryWriter(
                format: format, pretty: pretty, prefer: options.prefer,
                output: { bytes throws(SlipstreamError) in try sink.write(bytes) }, problem: problem)
        } finish: { writer in
            try? writer.flushHeld()
        }
    }
}

/// `slipstream columns`: one input in, its activities' samples out as rows.
public struct ColumnsJob: Sendable {
    public var inputPath: String
    public var format: ColumnsFormat
    public var limits = ReadLimits()
    /// How errors name a limit (the CLI: by its flag).
    public var limitName: @Sendable (ReadLimits.Key) -> String = { "ReadLimits.\($0.rawValue)" }

    public init(inputPath: String = "-", format: ColumnsFormat = .csv) {
        self.inputPath = inputPath
        self.format = format
    }

    /// Runs the job, writing rows to standard output; outcome as ``SummarizeJob/run(diagnostic:)``.
    /// Computes no summaries.
    public func run(diagnostic: (String) -> Void) -> RunOutcome {
        OneInputRun(inputPath: inputPath, options: SummaryOptions(), limits: limits, summaries: false, limitName: limitName).run(
            diagnostic: diagnostic
        ) { sink, problem in
            ColumnsWriter(format: format, output: { bytes throws(SlipstreamError) in try sink.write(bytes) }, problem: problem)
        } finish: { _ in }
    }
}

/// Reads one input (a file or standard input) into a consumer writing to standard output.
struct OneInputRun {
    var inputPath: String
    var options: SummaryOptions
    var limits: ReadLimits
    var summaries: Bool
    var limitName: (ReadLimits.Key) -> String

    func run<Consumer: ActivityConsumer>(
        diagnostic: (String) -> Void, consumer makeConsumer: (FileSink, @escaping (SlipstreamError) -> Void) -> Consumer,
        finish: (Consumer) -> Void
    ) -> RunOutcome {
        let sink = FileSink()
        var outcome = RunOutcome()
        withoutActuallyEscaping(diagnostic) { diagnostic in
            let consumer = makeConsumer(sink) { error in
                if !error.kind.isNotice { outcome.problems += 1 }
                diagnostic("slipstream: \(error.namingLimit(limitName))")
            }
            do throws(SlipstreamError) {
                var source = try FileSource(path: inputPath)
                _ = try ActivityReader(options: options, limits: limits, summaries: summaries).read(&source, into: consumer)
            } catch {
                outcome.failure = error
                finish(consumer)
            }
        }
        do throws(SlipstreamError) {
            try sink.flush()
        } catch {
            if outcome.failure == nil { outcome.failure = error }
        }
        if let failure = outcome.failure {
            outcome.failure = failure.namingLimit(limitName)
            diagnostic("slipstream: \(outcome.failure!)")
        }
        return outcome
    }
}
