// The batch's scheduling: payloads numbered in input order, read on up to `jobs` workers, their
// output written in order (or as finished) through one lock; what one payload produced.

import Dispatch
import SlipstreamCore
import SlipstreamInput
import SlipstreamOutput
import SlipstreamStream

/// Seconds on a monotonic clock, from the first call.
enum BatchClock {
    private static let origin = ContinuousClock.now
    static func now() -> Double {
        let elapsed = origin.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}

/// Receives one payload's activities and problems and turns them into output bytes: summaries
/// (NDJSON, a JSON envelope per payload, CSV rows) or columns.
final class BatchConsumer: ActivityConsumer {
    let source: String
    let job: BatchJob
    private let buffer = Buffer()
    private var summaries: SummaryWriter?
    private var columns: ColumnsWriter?
    private var payloads: TerraPayloadWriter?
    /// With one job the payload being read is the next to be written: its bytes and diagnostics go
    /// out as they come (a stream piped through `summarize` is not held until its end).
    private let direct: Direct?
    private(set) var activities = 0
    /// Problems read past, then the error that ended the read, if any.
    private(set) var errors: [SlipstreamError] = []
    /// What is worth saying but no failure (a response without activities).
    private(set) var notices: [SlipstreamError] = []

    struct Direct {
        var write: ([UInt8]) -> Void
        var say: (String) -> Void
    }

    /// The payload's output not yet written; with `direct`, written through once it holds 64 KiB
    /// (a long activity's rows of columns are not held whole).
    private final class Buffer {
        var bytes: [UInt8] = []
        var direct: (([UInt8]) -> Void)?

        func append(_ more: [UInt8]) {
            bytes.append(contentsOf: more)
            if let direct, bytes.count >= 1 << 16 {
                direct(bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
    }

    init(source: String, job: BatchJob, direct: Direct?) {
        self.source = source
        self.job = job
        self.direct = direct
        let buffer = buffer
        buffer.direct = direct?.write
        let output: ([UInt8]) throws -> Void = { buffer.append($0) }
        if job.convertsToPayloads {
            payloads = TerraPayloadWriter(pretty: job.pretty, output: output, problem: { _ in })
        } else if let format = job.columns {
            columns = ColumnsWriter(format: format, writesHeader: false, output: output, problem: { _ in })
        } else if job.format != .csv {
            let writer = SummaryWriter(
                format: job.format == .json ? .json : .ndjson, pretty: job.pretty, prefer: job.options.prefer,
                output: output,
                problem: { _ in })
            if job.tagsSource { writer.source = source }
            summaries = writer
        }
    }

    /// The bytes not yet written.
    var bytes: [UInt8] { buffer.bytes }

    func activity(_ record: ActivityRecord) throws {
        activities += 1
        if let payloads {
            try payloads.activity(record)
        } else if let columns {
            try columns.activity(record)
        } else if let summaries {
            try summaries.activity(record)
        } else {
            buffer.bytes.append(contentsOf: SummaryTable.row(record, source: job.tagsSource ? source : ""))
        }
        writeDirectly()
    }

    func payloadEnded(user: RawJSON?) throws {
        try summaries?.payloadEnded(user: user)
        try payloads?.payloadEnded(user: user)
        writeDirectly()
    }

    func problem(_ error: SlipstreamError) {
        guard error.kind.isNotice else { return fail(error) }
        notices.append(error)
        direct?.say("slipstream: \(error)")
    }

    func fail(_ error: SlipstreamError) {
        let error = error.namingLimit(job.limitName)
        errors.append(error)
        direct?.say("slipstream: \(error)")
        guard job.errorRecords, job.columns == nil, !job.convertsToPayloads else { return }
        let tag = job.tagsSource ? source : ""
        switch job.format {
        case .ndjson, .json: buffer.bytes.append(contentsOf: SummaryWriter.errorRecord(error, source: tag))
        case .csv: buffer.bytes.append(contentsOf: SummaryTable.errorRow(error, source: tag))
        }
        writeDirectly()
    }

    /// The read stopped at an error: the activities of its payload that a JSON envelope still holds go out.
    func finish() {
        try? summaries?.flushHeld()
        writeDirectly()
    }

    private func writeDirectly() {
        guard let direct, !buffer.bytes.isEmpty else { return }
        direct.write(buffer.bytes)
        buffer.bytes.removeAll(keepingCapacity: true)
    }
}

/// One payload's finished output.
struct PayloadResult: Sendable {
    var bytes: [UInt8]
    var activities: Int
    var jsonBytes: Int
    var errors: [SlipstreamError]
    var notices: [SlipstreamError]
    /// The diagnostics were said as they came (one job).
    var said: Bool
}

/// The batch's shared state: the payload counter, the slots, the output order, the report.
/// `@unchecked Sendable`: every mutable field is behind `lock`; the semaphores and `group` are thread-safe.
final class BatchState: @unchecked Sendable {
    let job: BatchJob
    private let output: @Sendable ([UInt8]) throws(SlipstreamError) -> Void
    private let diagnostic: @Sendable (String) -> Void
    /// Payloads being read: at most `jobs`. A slot is given back as soon as its payload is read,
    /// not when it is written, so that a finished payload waiting for an earlier one does not
    /// leave a core idle.
    private let slots: DispatchSemaphore
    /// Payloads numbered but not yet written (read, or finished and waiting for their turn): a
    /// few per job, each holding only its output bytes.
    private let window: DispatchSemaphore
    private let group = DispatchGroup()
    private let queue = DispatchQueue(label: "slipstream.batch", attributes: .concurrent)
    private let lock = Locked(Shared())
    static let windowPerJob = 4

    private struct Shared {
        var report = BatchReport()
        var nextIndex = 0
        var nextToWrite = 0
        var finished: [Int: PayloadResult] = [:]
        var stop = false
        var inputBytesTotal = 0
        var inputBytesDone = 0
        var outputError: SlipstreamError?
    }

    /// The files `outputPaths` name at the start (the output may be there from an earlier run).
    private let outputFiles: Set<FileIdentity>

    init(
        job: BatchJob, output: @escaping @Sendable ([UInt8]) throws(SlipstreamError) -> Void,
        diagnostic: @escaping @Sendable (String) -> Void
    ) {
        self.job = job
        outputFiles = Set(job.outputPaths.compactMap(FileSystem.identity(of:)))
        self.output = output
        self.diagnostic = diagnostic
        slots = DispatchSemaphore(value: job.jobs)
        window = DispatchSemaphore(value: job.jobs * Self.windowPerJob)
    }

    var shouldStop: Bool { lock.withLock { $0.stop } }
    var report: BatchReport { lock.withLock { $0.report } }
    var outputError: SlipstreamError? { lock.withLock { $0.outputError } }

    func skip() { lock.withLock { $0.report.skipped += 1 } }

    /// True, with a note on standard error, for a path that names the batch's own output.
    func isOutput(_ path: String) -> Bool {
        guard !outputFiles.isEmpty, let identity = FileSystem.identity(of: path), outputFiles.contains(identity) else {
            return false
        }
        diagnostic("slipstream: \(path): passed over: it is this batch's output")
        return true
    }
    func addInputBytes(_ count: Int) { lock.withLock { $0.inputBytesTotal += count } }
    func addConsumedInputBytes(_ count: Int) { lock.withLock { $0.inputBytesDone += count } }

    func progress(since started: Double, finished: Bool = false) -> BatchProgress {
        let elapsed = BatchClock.now() - started
        return lock.withLock { shared in
            BatchProgress(
                payloadsDone: shared.nextToWrite, payloadsFound: shared.nextIndex, failed: shared.report.failed,
                bytesPerSecond: elapsed > 0 ? Double(shared.report.bytes) / elapsed : 0,
                inputBytesDone: shared.inputBytesDone, inputBytesTotal: shared.inputBytesTotal,
                elapsedSeconds: elapsed, finished: finished)
        }
    }

    /// Writes bytes that belong to no payload (the CSV header).
    func write(_ bytes: [UInt8]) {
        lock.withLock { shared in
            do throws(SlipstreamError) { try output(bytes) } catch {
                shared.outputError = error
                shared.stop = true
            }
        }
    }

    /// A payload that failed before it could be read (an input that does not exist, a damaged archive).
    func submitFailure(_ error: SlipstreamError, source: String) {
        submit(source: source) { _, _ throws(SlipstreamError) -> ReadReport in throw error }
    }

    /// Numbers a payload and reads it: here with one job, on a worker with more. Waits for a slot.
    func submit(source: String, read: @escaping (ActivityReader, BatchConsumer) throws(SlipstreamError) -> ReadReport) {
        window.wait()
        slots.wait()
        let index = lock.withLock { shared in
            defer { shared.nextIndex += 1 }
            return shared.nextIndex
        }
        let work = UnsafeTransfer(read)
        let body: @Sendable () -> Void = { [self] in
            let result = run(source: source, read: work.value)
            slots.signal()
            deliver(index, result)
        }
        if job.jobs == 1 {
            body()
        } else {
            queue.async(group: group, execute: body)
        }
    }

    private func run(source: String, read: (ActivityReader, BatchConsumer) throws(SlipstreamError) -> ReadReport)
        -> PayloadResult
    {
        let reader = ActivityReader(
            options: job.options, limits: job.limits, summaries: job.columns == nil && !job.convertsToPayloads)
        reader.checksFITCRC = !job.ignoresFITCRC
        reader.parseThreads = job.parseThreads
        // One job reads payloads in order: the one being read is the next to write, so it writes as it goes.
        let direct = job.jobs == 1 ? BatchConsumer.Direct(write: { [self] in write($0) }, say: diagnostic) : nil
        let consumer = BatchConsumer(source: source, job: job, direct: direct)
        var jsonBytes = 0
        do {
            jsonBytes = try read(reader, consumer).bytes
        } catch {
            consumer.finish()  // the activities read before the error, then the error
            consumer.fail(error)
        }
        return PayloadResult(
            bytes: consumer.bytes, activities: consumer.activities, jsonBytes: jsonBytes, errors: consumer.errors,
            notices: consumer.notices, said: direct != nil)
    }

    private func deliver(_ index: Int, _ result: PayloadResult) {
        lock.withLock { shared in
            if job.ordered {
                shared.finished[index] = result
                while let next = shared.finished.removeValue(forKey: shared.nextToWrite) {
                    emit(next, &shared)
                }
            } else {
                emit(result, &shared)
            }
        }
    }

    private func emit(_ result: PayloadResult, _ shared: inout Shared) {
        shared.nextToWrite += 1
        shared.report.payloads += 1
        shared.report.activities += result.activities
        shared.report.bytes += result.jsonBytes
        if !result.said { for notice in result.notices { diagnostic("slipstream: \(notice)") } }
        if !result.errors.isEmpty {
            shared.report.failed += 1
            if result.errors.contains(where: { $0.kind == .inputUnreadable }) { shared.report.unreadable += 1 }
            if !result.said { for error in result.errors { diagnostic("slipstream: \(error)") } }
            if job.failFast {
                shared.stop = true
                shared.report.stoppedEarly = true
            }
        }
        if shared.outputError == nil {
            do throws(SlipstreamError) { try output(result.bytes) } catch {
                shared.outputError = error
                shared.stop = true
                shared.report.stoppedEarly = true
            }
        }
        window.signal()
    }

    func waitForAll() {
        group.wait()
    }
}

/// Carries a non-Sendable closure to the one worker that runs it. Safe because the closure is run
/// exactly once, by that worker, and the main thread does not touch what it captures meanwhile
/// (an archive is read by the main thread only when jobs is 1, and then nothing runs on a worker).
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
