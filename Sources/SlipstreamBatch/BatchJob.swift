// `slipstream batch`: many payloads (files, directories, archives) summarized on every core.
//
// The main thread walks the inputs in order and numbers each payload (a file, or an archive
// member). With one job it reads each payload itself. With N jobs a payload that is a file is
// handed whole to a worker, which opens and reads it; an archive is read by the main thread (a
// tar.gz is one compressed stream and can only be read in order) and each member's decompressed
// bytes go through a pipe to the worker that parses it, in buffers of one read-ahead per archive
// (bounded in all). At most N payloads are being read at once, so memory is bounded by N activities
// and the read-ahead whatever the size of the archive; a read payload waiting for an earlier one
// to be written holds only its output bytes (at most 4N payloads are numbered and not yet written).
// Output goes out in input order (or as finished, unordered), through one lock.

import Dispatch
import SlipstreamCore
import SlipstreamInput
import SlipstreamOutput
import SlipstreamSummaries

/// The shape of the summaries a run writes.
public enum BatchFormat: String, CaseIterable, Sendable {
    /// One Terra Activity object per line; failures as error records.
    case ndjson
    /// A Terra envelope `{"type":"activity","user":…,"data":[…]}` per payload; failures as error records.
    case json
    /// One row per activity (``SummaryTable``); failures as rows with the error columns filled.
    case csv
}

/// What a batch did, for the final line and the exit code.
public struct BatchReport: Equatable, Sendable {
    /// Files and archive members read as payloads.
    public var payloads = 0
    public var activities = 0
    /// Payloads with an error (malformed JSON, not an activity payload, damaged or unreadable).
    public var failed = 0
    /// Of the failed, inputs that could not be found or read at all.
    public var unreadable = 0
    /// Directory entries and archive members passed over for their name.
    public var skipped = 0
    /// Decompressed JSON bytes parsed.
    public var bytes = 0
    public var seconds = 0.0
    /// The batch stopped early: `--fail-fast`, or the output could not be written.
    public var stoppedEarly = false
    /// Why the output could not be written, when it could not.
    public var outputError: SlipstreamError?

    public init(
        payloads: Int = 0, activities: Int = 0, failed: Int = 0, unreadable: Int = 0, skipped: Int = 0, bytes: Int = 0,
        seconds: Double = 0, stoppedEarly: Bool = false
    ) {
        self.payloads = payloads
        self.activities = activities
        self.failed = failed
        self.unreadable = unreadable
        self.skipped = skipped
        self.bytes = bytes
        self.seconds = seconds
        self.stoppedEarly = stoppedEarly
    }
}

public struct BatchJob: Sendable {
    public var paths: [String]
    public var jobs: Int
    public var ordered: Bool
    public var format: BatchFormat
    public var failFast: Bool
    public var options: SummaryOptions
    public var limits = ReadLimits()
    /// Decompressed bytes the thread reading an archive may hold ahead of the workers, in all.
    /// Members behind one being read can only be reached by reading past it, so its unparsed bytes
    /// wait here; a member larger than this makes the reader wait (the batch goes on, less in parallel).
    public var readAheadBytes: Int
    /// The batch's own output files (the output and its temporary file): passed over with a note if
    /// a walked directory or the command line holds them, never read as payloads.
    public var outputPaths: [String] = []
    /// How errors name a limit (the CLI: by its flag).
    public var limitName: @Sendable (ReadLimits.Key) -> String = { "ReadLimits.\($0.rawValue)" }
    /// Each activity says where it came from (`slipstream.source`, or the CSV's `source` column).
    public var tagsSource = true
    /// A payload that fails becomes a record in the output too (NDJSON and JSON: an error object;
    /// CSV: a row with the error columns), besides its line on the diagnostic channel.
    public var errorRecords = true
    /// Indent JSON output.
    public var pretty = false
    /// Write the samples as rows (``ColumnsWriter``) instead of summaries; no summaries are computed.
    public var columns: ColumnsFormat?
    /// Read FIT files whose header or file CRC does not match.
    public var ignoresFITCRC = false
    /// Threads per JSON payload: 2 stores its samples in a second thread while yajl parses on.
    public var parseThreads = 1
    /// Write each payload as a Terra webhook delivers it, samples included (``TerraPayloadWriter``),
    /// instead of summaries; no summaries are computed.
    public var convertsToPayloads = false

    public init(
        paths: [String], jobs: Int = FileSystem.processorCount, ordered: Bool = true, format: BatchFormat = .ndjson,
        failFast: Bool = false, options: SummaryOptions = SummaryOptions(), readAheadBytes: Int? = nil
    ) {
        self.paths = paths
        self.jobs = max(1, jobs)
        self.ordered = ordered
        self.format = format
        self.failFast = failFast
        self.options = options
        self.readAheadBytes = readAheadBytes ?? Self.defaultReadAheadPerJob * self.jobs
    }

    /// 32 MiB: room for the rest of a ten-hour ride (~26 MB of JSON) while another is parsed.
    public static let defaultReadAheadPerJob = 32 << 20

    /// How a name is read: as a payload (and how), as an archive of payloads, or not at all.
    enum NameKind: Equatable {
        case json, gzipJSON, archive, other

        init(_ name: String) {
            let lower = name.lowercased()
            if lower.hasSuffix(".json") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".fit") {
                self = .json
            } else if lower.hasSuffix(".json.gz") || lower.hasSuffix(".ndjson.gz") || lower.hasSuffix(".fit.gz") {
                self = .gzipJSON
            } else if [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.bz2", ".tar.xz", ".zip"].contains(
                where: lower.hasSuffix)
            {
                self = .archive
            } else {
                self = .other
            }
        }
    }

    /// Runs the batch: output through `output`, one line per failure to `diagnostic`, and the state
    /// of the run to `progress` (called from a timer thread every `progressInterval` seconds when given).
    public func run(
        output: @escaping @Sendable ([UInt8]) throws(SlipstreamError) -> Void,
        diagnostic: @escaping @Sendable (String) -> Void,
        progress: (@Sendable (BatchProgress) -> Void)? = nil, progressInterval: Double = 0.2
    ) -> BatchReport {
        let started = BatchClock.now()
        let state = BatchState(job: self, output: output, diagnostic: diagnostic)
        if let columns {
            if columns == .csv { state.write(ColumnsWriter.headerRow()) }
        } else if format == .csv {
            state.write(SummaryTable.header())
        }

        var timer: DispatchSourceTimer?
        if let progress {
            let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "slipstream.progress"))
            source.schedule(deadline: .now() + progressInterval, repeating: progressInterval)
            source.setEventHandler { progress(state.progress(since: started)) }
            source.resume()
            timer = source
        }

        state.addInputBytes(paths.reduce(0) { $0 + Self.inputBytes(at: $1) })
        for path in paths {
            if state.shouldStop { break }
            if state.isOutput(path) { continue }
            switch path == "-" ? .other : FileSystem.kind(of: path) {
            case .directory:
                walk(directory: path, state)
            case .file, .other, .missing:  // .other: standard input (`-`), a pipe, a device; .missing: opening says why
                readInput(path, state)
            }
        }
        state.waitForAll()
        timer?.cancel()
        if let progress { progress(state.progress(since: started, finished: true)) }
        var report = state.report
        report.outputError = state.outputError
        report.seconds = BatchClock.now() - started
        return report
    }
}
