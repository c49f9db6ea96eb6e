// The batch's scheduling: payloads numbered in input order, read on up to `jobs` workers, their
// output written in order (or as finished) through one lock; what one payload produced.

import Dispatch
import SlipstreamCore
import SlipstreamSummaries
import SlipstreamStream
import SlipstreamOutput

/// Seconds on a monotonic clock, from the first call.
enum BatchClock {
    private static let origin = ContinuousClock.now
    static func now() -> Double {
        let elapsed = origin.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}

/// Receives one payload's activities and problems and turns them into output bytes.
final class BatchConsumer: ActivityConsumer {
    let source: String
    let format: BatchFormat
    let limitName: (ReadLimits.Key) -> String
    private let buffer = Buffer()
    private let writer: SummaryWriter
    private(set) var activities = 0
    /// Problems read past, then the error that ended the read, if any.
    private(set) var errors: [SlipstreamError] = []
    /// What is worth saying but no failure (a response without activities).
    private(set) var notices: [SlipstreamError] = []

    private final class Buffer { var bytes: [UInt8] = [] }

    init(source: String, format: BatchFormat, prefer: SummaryOptions.Preference, limitName: @escaping (ReadLimits.Key) -> String) {
        self.source = source
        self.format = format
        self.limitName = limitName
        let buffer = buffer
        writer = SummaryWriter(prefer: prefer, output: { buffer.bytes.append(contentsOf: $0) }, problem: { _ in })
        writer.source = source
    }

    var bytes: [UInt8] { buffer.bytes }

    func activity(_ record: ActivityRecord) throws {
        activities += 1
        switch format {
        case .ndjson: try writer.activity(record)
        case .csv: buffer.bytes.append(contentsOf: SummaryTable.row(record, source: source))
        }
    }

    func problem(_ error: SlipstreamError) {
        if error.kind.isNotice { notices.append(error) } else { fail(error) }
    }

    func fail(_ error: SlipstreamError) {
        let error = error.namingLimit(limitName)
        errors.append(error)
        switch format {
        case .ndjson: buffer.bytes.append(contentsOf: SummaryWriter.errorRecord(error, source: source))
        case .csv: buffer.bytes.append(contentsOf: SummaryTable.errorRow(error, source: source))
        }
    }
}

/// One payload's finished output.
struct PayloadResult: Sendable {
    var bytes: [UInt8]
    var activities: Int
    var jsonBytes: Int
    var errors: [SlipstreamError]
    var notices: [SlipstreamError]
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

    init(job: BatchJob, output: @escaping @Sendable ([UInt8]) throws(SlipstreamError) -> Void, diagnostic: @escaping @Sendable (String) -> Void) {
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
        guard !outputFiles.isEmpty, let identity = FileSystem.identity(of: path), outputFiles.contains(identity) else { return false }
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
            do throws(SlipstreamError) { try output(bytes) } catch { shared.outputError = error; shared.stop = true }
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
            let result = Self.run(source: source, job: job, read: work.value)
            slots.signal()
            deliver(index, result)
        }
        if job.jobs == 1 {
            body()
        } else {
            queue.async(group: group, execute: body)
        }
    }

    private static func run(
        source: String, job: BatchJob, read: (ActivityReader, BatchConsumer) throws(SlipstreamError) -> ReadReport
    ) -> PayloadResult {
        let reader = ActivityReader(options: job.options, limits: job.limits)
        let consumer = BatchConsumer(source: source, format: job.format, prefer: job.options.prefer, limitName: job.limitName)
        var jsonBytes = 0
        do {
            jsonBytes = try read(reader, consumer).bytes
        } catch {
            consumer.fail(error)
        }
        return PayloadResult(bytes: consumer.bytes, activities: consumer.activities, jsonBytes: jsonBytes, errors: consumer.errors, notices: consumer.notices)
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
        for notice in result.notices { diagnostic("slipstream: \(notice)") }
        if !result.errors.isEmpty {
            shared.report.failed += 1
            if result.errors.contains(where: { $0.kind == .inputUnreadable }) { shared.report.unreadable += 1 }
            for error in result.errors { diagnostic("slipstream: \(error)") }
            if job.failFast { shared.stop = true; shared.report.stoppedEarly = true }
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
