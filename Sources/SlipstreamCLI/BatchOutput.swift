// `slipstream batch`'s own output: the file written under a temporary name and renamed into place,
// the progress line on a terminal, the final line, and the exit code.

import Slipstream

/// The progress line on standard error: redrawn in place, cleared before any other line.
private final class ProgressLine: Sendable {
    private let drawn = Locked(false)

    func draw(_ progress: BatchProgress) {
        drawn.withLock { drawn in
            StandardError.write("\r\u{1B}[K" + (progress.finished ? "" : BatchOutput.progressLine(progress)))
            drawn = !progress.finished
        }
    }

    func clear(then body: () -> Void) {
        drawn.withLock { drawn in
            if drawn { StandardError.write("\r\u{1B}[K") }
            drawn = false
            body()
        }
    }
}

/// Output sink shared by the batch's threads. `@unchecked Sendable`: the batch writes to it only
/// while holding its own lock, one payload at a time.
private final class SharedSink: @unchecked Sendable {
    let sink: FileSink
    init(_ sink: FileSink) { self.sink = sink }
}

enum BatchOutput {
    /// Runs the batch as the `batch` command does: output to standard output or to `outputPath`
    /// (written to a temporary file beside it, renamed when the batch has run to its end, removed on
    /// interrupt or output error), a progress line on a terminal, a final line.
    /// - Returns: the exit code: 0; 74 when the output failed, else 66 when an input could not be
    ///   found or read, else 65 when any payload failed.
    static func run(
        _ batch: BatchJob, outputPath: String?, stats: Bool, showProgress: Bool,
        diagnostic: @escaping @Sendable (String) -> Void
    ) -> Int32 {
        let temporary = outputPath.map { "\($0).slipstream-\(FileSystem.processID).partial" }
        var job = batch
        job.outputPaths += [outputPath, temporary].compactMap { $0 }
        let sink: SharedSink
        do {
            sink = SharedSink(
                try temporary.map { path throws(SlipstreamError) in try FileSink(path: path) } ?? FileSink())
        } catch {
            diagnostic("slipstream: \(error)")
            return error.kind.exitCode
        }
        if let temporary { Interrupts.removeOnInterrupt(temporary) }
        defer { if temporary != nil { Interrupts.forgetOnInterrupt() } }

        let drawsProgress = showProgress && stats
        let filter = job.jobs == 1
        let line = ProgressLine()
        let progress: (@Sendable (BatchProgress) -> Void)? = drawsProgress ? { @Sendable in line.draw($0) } : nil
        let report = job.run(
            output: { bytes throws(SlipstreamError) in
                try sink.sink.write(bytes)
                // One job is a filter: what is finished goes out now, not when a buffer fills.
                if filter { try sink.sink.flush() }
            },
            diagnostic: { text in line.clear { diagnostic(text) } },
            progress: progress)

        var outputError = report.outputError
        do { try sink.sink.flush() } catch { if outputError == nil { outputError = error } }
        if let temporary, let outputPath {
            if outputError == nil {
                do { try FileSystem.rename(temporary, to: outputPath) } catch { outputError = error }
            }
            if outputError != nil { FileSystem.remove(temporary) }
        }
        if stats { diagnostic("slipstream: " + finalLine(report)) }
        if let outputError {
            diagnostic("slipstream: \(outputError)")
            return 74
        }
        return report.unreadable > 0 ? 66 : report.failed > 0 ? 65 : 0
    }

    /// `12/40+ payloads, 1 failed, 431.2 MB/s, 38%, ETA 0:07` (`+`: archives still being read).
    static func progressLine(_ p: BatchProgress) -> String {
        var text = "\(p.payloadsDone)/\(counted(p.payloadsFound, "payload"))"
        if p.failed > 0 { text += ", \(p.failed) failed" }
        text += ", \(formatted(p.bytesPerSecond / 1e6)) MB/s"
        if p.inputBytesTotal > 0 {
            text += ", \(min(100, p.inputBytesDone * 100 / p.inputBytesTotal))%"
        }
        if let left = p.secondsLeft {
            let seconds = Int(left.rounded())
            text += ", ETA \(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)"
        }
        return text
    }

    /// `100 payloads, 800 activities, 2 failed in 3.1 s (412.5 MB/s)`, then what was skipped or stopped.
    static func finalLine(_ r: BatchReport) -> String {
        let rate = r.seconds > 0 ? Double(r.bytes) / r.seconds / 1e6 : 0
        var text =
            "\(counted(r.payloads, "payload")), \(counted(r.activities, "activity", "activities")), \(r.failed) failed in \(formatted(r.seconds)) s (\(formatted(rate)) MB/s)"
        if r.skipped > 0 { text += "; \(r.skipped) skipped (not .json, .ndjson, .fit, their .gz or an archive)" }
        if r.stoppedEarly { text += "; stopped early" }
        return text
    }

    /// `1 payload`, `2 payloads`.
    private static func counted(_ count: Int, _ one: String, _ many: String? = nil) -> String {
        "\(count) \(count == 1 ? one : many ?? one + "s")"
    }

    private static func formatted(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "0.0" }
        let whole = Int(tenths) / 10, fraction = abs(Int(tenths) % 10)
        return "\(whole).\(fraction)"
    }
}
