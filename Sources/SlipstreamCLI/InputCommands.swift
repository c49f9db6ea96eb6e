// summarize, batch and columns: one way of reading inputs (files, directories, archives, gzip,
// standard input, each read by its content), the same engine (BatchJob), different defaults.

import ArgumentParser
import Slipstream

/// What a command does when the user does not say: the only differences between summarize and batch.
struct RunDefaults {
    var jobs: Int
    var sourceTags: Bool
    var errorRecords: Bool
    var stats: Bool

    /// A filter: one payload after another, each activity written as soon as it is finished.
    static let filter = RunDefaults(jobs: 1, sourceTags: false, errorRecords: false, stats: false)
    /// Many inputs on every core, each activity tagged with its input, failures as records.
    static let batch = RunDefaults(jobs: FileSystem.processorCount, sourceTags: true, errorRecords: true, stats: true)
}

/// The inputs and how they are read.
struct InputOptions: ParsableArguments {
    @Argument(
        help:
            "Payload files, directories (walked for .json, .ndjson, .fit, their .gz and archives), archives and gzip files, read by their content; '-' or nothing: standard input."
    )
    var paths: [String] = []

    @Option(
        parsing: .unconditional,
        help: "Payloads read at once (default: 1 for summarize and columns, the number of cores for batch).")
    var jobs: Int?

    @Option(
        name: .customLong("read-ahead-mb"), parsing: .unconditional,
        help: ArgumentHelp(
            "Decompressed MB an archive's reader may hold for the workers (default: 32 per job).",
            discussion:
                "A tar.gz is read in order: to reach the next member while one is parsed, its rest waits here. Members larger than this are read less in parallel."
        ))
    var readAheadMB: Int?

    @Flag(help: "Write each payload's output as soon as it is done, not in input order.")
    var unordered = false

    @Option(
        name: .shortAndLong, help: "Write to FILE (renamed into place when the run is over) instead of standard output."
    )
    var output: String?

    @Flag(help: "Stop at the first payload that fails.")
    var failFast = false

    @Flag(
        inversion: .prefixedNo, help: "Tag each activity with its input in slipstream.source (default: on for batch).")
    var sourceTags: Bool?

    @Flag(
        inversion: .prefixedNo,
        help: "Write a failed payload's error into the output too, as a record or CSV row (default: on for batch).")
    var errorRecords: Bool?

    @Flag(
        inversion: .prefixedNo,
        help: "A progress line on a terminal and a final line on standard error (default: on for batch).")
    var stats: Bool?

    @Flag(name: .shortAndLong, help: "No progress line and no final line (--no-stats).")
    var quiet = false

    @Flag(
        help: "Read FIT files whose header or file CRC does not match (turns the check off; the data may be damaged).")
    var ignoreCRC = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Threads per JSON payload: 1, or 2 to store its samples in a second thread while yajl parses on.",
            discussion:
                "For one large payload on a machine with a core to spare; with several payloads, --jobs uses the cores better."
        ))
    var parseThreads: Int = 1

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be 1 or more, not \(jobs)") }
        if parseThreads != 1 && parseThreads != 2 {
            throw ValidationError("--parse-threads must be 1 or 2, not \(parseThreads)")
        }
        if let readAheadMB, readAheadMB < 1 || readAheadMB > 1 << 20 {
            throw ValidationError("--read-ahead-mb must be between 1 and 1048576, not \(readAheadMB)")
        }
    }

    /// Runs `job` over the inputs as the defaults say unless a flag says otherwise; throws the exit code.
    func run(_ configure: (inout BatchJob) throws -> Void, defaults: RunDefaults) throws {
        let jobs = jobs ?? defaults.jobs
        var job = BatchJob(
            paths: paths.isEmpty ? ["-"] : paths, jobs: jobs, ordered: !unordered, failFast: failFast,
            readAheadBytes: readAheadMB.map { $0 << 20 })
        job.tagsSource = sourceTags ?? defaults.sourceTags
        job.errorRecords = errorRecords ?? defaults.errorRecords
        job.limitName = ReadLimits.Key.flag
        job.ignoresFITCRC = ignoreCRC
        job.parseThreads = parseThreads
        try configure(&job)
        let stats = !quiet && (stats ?? defaults.stats)
        let code = BatchOutput.run(
            job, outputPath: output, stats: stats, showProgress: FileSystem.standardErrorIsTerminal,
            diagnostic: StandardError.writeLine)
        if code != 0 { throw ExitCode(code) }
    }
}

extension BatchFormat: ExpressibleByArgument {}
extension ColumnsFormat: ExpressibleByArgument {}

/// Summaries in Terra's shape: shared by summarize and batch.
struct SummaryOutputOptions: ParsableArguments {
    @Option(
        help:
            "ndjson: one Activity per line; json: a Terra envelope per payload; csv: one row per activity (columns in the README)."
    )
    var format: BatchFormat = .ndjson

    @Flag(help: "Indent JSON output.")
    var pretty = false
}

struct Summarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",  // spelled out in each: derived from the type name, it costs ~2 ms at start-up
        abstract: "Write one summary per activity, in Terra's field names.",
        discussion: """
            Reads webhook envelopes, HTTP response envelopes, bare Activities, arrays of Activities, \
            or several of these concatenated or one per line, from files, directories, archives, gzip \
            or standard input (each told by its content). Writes NDJSON, one Terra Activity object per \
            activity without its sample arrays, plus a `slipstream` object. The same as `batch` but \
            for its defaults: one payload at a time, each activity written as soon as it is finished, \
            no slipstream.source, errors on standard error only, no final line.
            """
    )

    @OptionGroup var inputs: InputOptions
    @OptionGroup var summaries: SummaryOutputOptions

    @OptionGroup(title: "Summaries (docs/METRICS.md)")
    var metrics: MetricOptions

    @OptionGroup(title: "Limits (exceeding one is exit 65)")
    var limits: LimitOptions

    func run() throws {
        try inputs.run({ job in try configure(&job, summaries, metrics, limits) }, defaults: .filter)
    }
}

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Summarize many payloads (files, directories, archives) on every core.",
        discussion: """
            The same as `summarize` but for its defaults: --jobs is the number of cores, each activity \
            carries slipstream.source (the file, or archive.tar.gz!member.json), a payload that fails \
            becomes an error record in the output as well as a line on standard error, and a final line \
            says how it went. Directories are walked for .json, .ndjson, .fit, their .gz and archives (.tar, \
            .tar.gz, .tgz, .tar.zst, .tar.bz2, .tar.xz, .zip), whose .json, .ndjson, .fit and .gz \
            members are decompressed straight into the parser; other names are skipped and counted.
            """)

    @OptionGroup var inputs: InputOptions
    @OptionGroup var summaries: SummaryOutputOptions

    @OptionGroup(title: "Summaries (docs/METRICS.md)")
    var metrics: MetricOptions

    @OptionGroup(title: "Limits (exceeding one fails that payload)")
    var limits: LimitOptions

    func run() throws {
        try inputs.run({ job in try configure(&job, summaries, metrics, limits) }, defaults: .batch)
    }
}

private func configure(
    _ job: inout BatchJob, _ summaries: SummaryOutputOptions, _ metrics: MetricOptions, _ limits: LimitOptions
) throws {
    job.format = summaries.format
    job.pretty = summaries.pretty
    job.options = try metrics.summaryOptions()
    job.limits = limits.readLimits
}

struct Columns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "columns",
        abstract: "Write every activity's samples as a table, one row per instant (for pandas, DuckDB, spreadsheets).",
        discussion: """
            Columns: \(ColumnsWriter.header.joined(separator: ",")). \
            Rows are the union of the channels' timestamps in time order (UTC, microseconds, Z); a channel \
            with no sample at an instant leaves its cell empty (null in NDJSON). Inputs are read as by \
            `summarize`; no summaries are computed.
            """)

    @OptionGroup var inputs: InputOptions

    @Option(help: "csv (with a header) or ndjson (one object per row).")
    var format: ColumnsFormat = .csv

    @OptionGroup(title: "Limits (exceeding one is exit 65)")
    var limits: LimitOptions

    func run() throws {
        try inputs.run(
            { job in
                job.columns = format
                job.limits = limits.readLimits
            }, defaults: .filter)
    }
}

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract:
            "Write each payload as a Terra webhook delivers it, samples included (a FIT recording becomes Terra JSON).",
        discussion: """
            One line per payload (per FIT file): {"type":"activity","version":"2022-03-16","data":[...],"user":...}, \
            each activity with its metadata, device_data, every channel's samples, and the summary values \
            the input carried (a FIT session's totals) in Terra's fields. Activities are written as they \
            are decoded. `summarize` of the result gives what `summarize` of the input gives. Inputs are \
            read as by `summarize`.
            """)

    @OptionGroup var inputs: InputOptions

    @Flag(help: "Indent each activity.")
    var pretty = false

    @OptionGroup(title: "Limits (exceeding one is exit 65)")
    var limits: LimitOptions

    func run() throws {
        try inputs.run(
            { job in
                job.convertsToPayloads = true
                job.pretty = pretty
                job.limits = limits.readLimits
            }, defaults: .filter)
    }
}
