/// `slipstream summarize`: one input in, one summary per activity out, problems on the side.
public struct SummarizeJob: Sendable {
    public var inputPath: String
    public var format: OutputFormat
    public var pretty: Bool
    public var options: SummaryOptions

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
        let sink = FileSink()
        var problems = 0
        var failure: SlipstreamError?
        withoutActuallyEscaping(diagnostic) { diagnostic in
            let writer = SummaryWriter(
                format: format, pretty: pretty, prefer: options.prefer, output: { bytes throws(SlipstreamError) in try sink.write(bytes) },
                problem: { error in
                    problems += 1
                    diagnostic("slipstream: \(error)")
                })
            do {
                var source = try FileSource(path: inputPath)
                _ = try ActivityReader(options: options).read(&source, into: writer)
            } catch let error as SlipstreamError {
                failure = error
                try? writer.flushHeld()
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
