/// `slipstream summarize`: one input in, one summary per activity out, problems on the side.
public struct SummarizeJob: Sendable {
    public var inputPath: String
    public var format: OutputFormat
    public var pretty: Bool
    public var options: SummaryOptions
    public var limits = ReadLimits()

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
    /// - Returns: the exit code: 0, 65 (bad data, including valid JSON that is not an activity
    ///   payload), 66 (unreadable input) or 74 (output failed).
    public func run(diagnostic: (String) -> Void) -> Int32 {
        OneInputRun.run(inputPath: inputPath, options: options, limits: limits, diagnostic: diagnostic) { sink, problem in
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

    public init(inputPath: String = "-", format: ColumnsFormat = .csv) {
        self.inputPath = inputPath
        self.format = format
    }

    /// Runs the job, writing rows to standard output; exit codes as ``SummarizeJob/run(diagnostic:)``.
    public func run(diagnostic: (String) -> Void) -> Int32 {
        OneInputRun.run(inputPath: inputPath, options: SummaryOptions(), limits: limits, diagnostic: diagnostic) { sink, problem in
            ColumnsWriter(format: format, output: { bytes throws(SlipstreamError) in try sink.write(bytes) }, problem: problem)
        } finish: { _ in }
    }
}

/// Reads one input (a file or standard input) into a consumer writing to standard output.
enum OneInputRun {
    static func run<Consumer: ActivityConsumer>(
        inputPath: String, options: SummaryOptions, limits: ReadLimits, diagnostic: (String) -> Void,
        consumer makeConsumer: (FileSink, @escaping (SlipstreamError) -> Void) -> Consumer,
        finish: (Consumer) -> Void
    ) -> Int32 {
        let sink = FileSink()
        var problems = 0
        var failure: SlipstreamError?
        withoutActuallyEscaping(diagnostic) { diagnostic in
            let consumer = makeConsumer(sink) { error in
                problems += 1
                diagnostic("slipstream: \(error)")
            }
            do {
                var source = try FileSource(path: inputPath)
                _ = try ActivityReader(options: options, limits: limits).read(&source, into: consumer)
            } catch let error as SlipstreamError {
                failure = error
                finish(consumer)
            } catch {
                failure = SlipstreamError(.outputFailed, "\(error)")
            }
        }
        do {
            try sink.flush()
        } catch {
            if failure == nil { failure = error }
        }
        if let failure {
            diagnostic("slipstream: \(failure)")
            return failure.kind.exitCode
        }
        return problems > 0 ? 65 : 0
    }
}
