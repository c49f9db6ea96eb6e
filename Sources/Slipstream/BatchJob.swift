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

/// The shape of `batch`'s output.
public enum BatchFormat: String, CaseIterable, Sendable {
    /// One Terra Activity object per line, tagged with `slipstream.source`; failures as error records.
    case ndjson
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
    /// Directory entries and archive members passed over for their name.
    public var skipped = 0
    /// Decompressed JSON bytes parsed.
    public var bytes = 0
    public var seconds = 0.0
    /// The batch stopped early: `--fail-fast`, or the output could not be written.
    public var stoppedEarly = false
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
            if lower.hasSuffix(".json") || lower.hasSuffix(".ndjson") {
                self = .json
            } else if lower.hasSuffix(".json.gz") || lower.hasSuffix(".ndjson.gz") {
                self = .gzipJSON
            } else if [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.bz2", ".tar.xz", ".zip"].contains(where: lower.hasSuffix) {
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
        if format == .csv { state.write(SummaryTable.header()) }

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
            case .missing:
                state.submitFailure(SlipstreamError(.inputUnreadable, "no such file or directory", source: path), source: path)
            case .file, .other:  // .other: standard input (`-`), a pipe, a device
                readFile(path, kind: NameKind(path), state)
            }
        }
        state.waitForAll()
        timer?.cancel()
        if let progress { progress(state.progress(since: started, finished: true)) }
        var report = state.report
        report.seconds = BatchClock.now() - started
        return report
    }

    /// Bytes on disk of what a path gives to read (for progress): a file's size, or the sizes of the
    /// payload files below a directory.
    private static func inputBytes(at path: String) -> Int {
        switch FileSystem.kind(of: path) {
        case .file: return FileSystem.size(of: path)
        case .directory:
            let names = (try? FileSystem.contents(of: path)) ?? []
            return names.reduce(0) { total, name in
                let child = path.hasSuffix("/") ? path + name : path + "/" + name
                let kind = FileSystem.kind(of: child)
                guard kind == .directory || [.json, .gzipJSON].contains(NameKind(name)) else { return total }
                return total + inputBytes(at: child)
            }
        case .other, .missing: return 0
        }
    }

    private func walk(directory: String, _ state: BatchState) {
        let names: [String]
        do {
            names = try FileSystem.contents(of: directory)
        } catch {
            state.submitFailure(error, source: directory)
            return
        }
        for name in names {
            if state.shouldStop { return }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            switch FileSystem.kind(of: path) {
            case .directory: walk(directory: path, state)
            case .file:
                if state.isOutput(path) { continue }
                let kind = NameKind(name)
                guard kind == .json || kind == .gzipJSON else {
                    state.skip()
                    continue
                }
                readFile(path, kind: kind, state)
            case .other, .missing: state.skip()
            }
        }
    }

    /// A file named on the command line is read as JSON unless its name says archive or gzip.
    private func readFile(_ path: String, kind: NameKind, _ state: BatchState) {
        switch kind {
        case .archive:
            readArchive(path, state)
        case .json, .gzipJSON, .other:
            let gzip = kind == .gzipJSON
            let size = FileSystem.size(of: path)
            state.submit(source: path) { (reader: ActivityReader, consumer: BatchConsumer) throws(SlipstreamError) -> ReadReport in
                defer { state.addConsumedInputBytes(size) }
                let file = try FileSource(path: path)
                return try Self.parse(file, gzip: gzip, name: path, reader: reader, consumer: consumer)
            }
        }
    }

    private func readArchive(_ path: String, _ state: BatchState) {
        let archive: ArchiveReader
        do {
            archive = try ArchiveReader(path: path, layout: .archive)
        } catch {
            state.submitFailure(error, source: path)
            return
        }
        var consumed = 0
        defer { state.addConsumedInputBytes(FileSystem.size(of: path) - consumed) }
        let readAhead = ReadAhead(bytes: readAheadBytes, chunkSize: ActivityReader.chunkSize)
        while !state.shouldStop {
            let entry: ArchiveEntry?
            do {
                entry = try archive.nextEntry()
            } catch {
                state.submitFailure(error, source: path)
                return
            }
            guard let entry else { return }
            let kind = NameKind(entry.path)
            guard entry.isRegularFile, kind == .json || kind == .gzipJSON else {
                if entry.isRegularFile { state.skip() }
                continue
            }
            let source = "\(path)!\(entry.path)"
            let gzip = kind == .gzipJSON
            if jobs == 1 {
                state.submit(source: source) { reader, consumer throws(SlipstreamError) in
                    try Self.parse(archive, gzip: gzip, name: source, reader: reader, consumer: consumer)
                }
            } else {
                let pipe = ChunkPipe(name: source, readAhead: readAhead)
                state.submit(source: source) { reader, consumer throws(SlipstreamError) in
                    defer { pipe.close() }
                    return try Self.parse(pipe.reader(), gzip: gzip, name: source, reader: reader, consumer: consumer)
                }
                if !pump(archive, into: pipe) { return }
            }
            let now = archive.compressedBytesRead
            state.addConsumedInputBytes(now - consumed)
            consumed = now
        }
    }

    /// Copies the current member into the pipe; false when the archive cannot be read further.
    private func pump(_ archive: ArchiveReader, into pipe: ChunkPipe) -> Bool {
        while true {
            var chunk = pipe.readAhead.take()
            do {
                let count = try chunk.withUnsafeMutableBytes { buffer throws(SlipstreamError) in try archive.read(into: buffer) }
                if count == 0 {
                    pipe.readAhead.give(chunk)
                    pipe.finish()
                    return true
                }
                // The worker has stopped reading (its payload failed): the rest of the member is skipped.
                if !pipe.push(chunk, count: count) {
                    while try chunk.withUnsafeMutableBytes({ buffer throws(SlipstreamError) in try archive.read(into: buffer) }) > 0 {}
                    pipe.readAhead.give(chunk)
                    return true
                }
            } catch {
                pipe.readAhead.give(chunk)
                pipe.fail(error as? SlipstreamError ?? SlipstreamError(.inputUnreadable, "\(error)", source: pipe.name))
                return false
            }
        }
    }

    static func parse(
        _ source: some ByteSource, gzip: Bool, name: String, reader: ActivityReader, consumer: BatchConsumer
    ) throws(SlipstreamError) -> ReadReport {
        var input = NamedSource(source, name: name)
        guard gzip else { return try reader.read(&input, into: consumer) }
        var decompressed = try ArchiveReader(decompressing: input, name: name)
        guard try decompressed.nextEntry() != nil else { return ReadReport() }
        return try reader.read(&decompressed, into: consumer)
    }
}

/// Seconds on a monotonic clock, from the first call.
enum BatchClock {
    private static let origin = ContinuousClock.now
    static func now() -> Double {
        let elapsed = origin.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}

/// What a progress line shows.
public struct BatchProgress: Sendable {
    public var payloadsDone: Int
    /// Payloads found so far (archives are counted as they are read).
    public var payloadsFound: Int
    public var failed: Int
    /// JSON bytes parsed per second.
    public var bytesPerSecond: Double
    /// Bytes of the input files (compressed, as on disk) read so far, and in all.
    public var inputBytesDone: Int
    public var inputBytesTotal: Int
    public var elapsedSeconds: Double
    public var finished: Bool

    /// Seconds left, from the share of the input files read so far; nil before anything is known.
    public var secondsLeft: Double? {
        guard inputBytesTotal > 0, inputBytesDone > 0, elapsedSeconds > 0 else { return nil }
        let share = min(1, Double(inputBytesDone) / Double(inputBytesTotal))
        return elapsedSeconds * (1 - share) / share
    }
}

/// Renames a source: the reader names errors after its source.
private struct NamedSource<Base: ByteSource>: ByteSource {
    var base: Base
    let name: String
    init(_ base: Base, name: String) {
        self.base = base
        self.name = name
    }
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        try base.read(into: buffer)
    }
}

/// Receives one payload's activities and problems and turns them into output bytes.
final class BatchConsumer: ActivityConsumer {
    let source: String
    let format: BatchFormat
    private let buffer = Buffer()
    private let writer: SummaryWriter
    private(set) var activities = 0
    /// Problems read past, then the error that ended the read, if any.
    private(set) var errors: [SlipstreamError] = []

    private final class Buffer { var bytes: [UInt8] = [] }

    init(source: String, format: BatchFormat, prefer: SummaryOptions.Preference) {
        self.source = source
        self.format = format
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

    func problem(_ error: SlipstreamError) { fail(error) }

    func fail(_ error: SlipstreamError) {
        errors.append(error)
        switch format {
        case .ndjson: buffer.bytes.append(contentsOf: SummaryWriter.errorRecord(error, source: source))
        case .csv: buffer.bytes.append(contentsOf: SummaryTable.errorRow(error, source: source))
        }
    }
}

/// One payload's finished output.
private struct PayloadResult: Sendable {
    var bytes: [UInt8]
    var activities: Int
    var jsonBytes: Int
    var errors: [SlipstreamError]
}

/// The batch's shared state: the payload counter, the slots, the output order, the report.
/// `@unchecked Sendable`: every mutable field is behind `lock`; the semaphores and `group` are thread-safe.
private final class BatchState: @unchecked Sendable {
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
        let consumer = BatchConsumer(source: source, format: job.format, prefer: job.options.prefer)
        var jsonBytes = 0
        do {
            jsonBytes = try read(reader, consumer).bytes
        } catch {
            consumer.fail(error)
        }
        return PayloadResult(bytes: consumer.bytes, activities: consumer.activities, jsonBytes: jsonBytes, errors: consumer.errors)
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
        if !result.errors.isEmpty {
            shared.report.failed += 1
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
private struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The chunk buffers of one archive's pipes, and the bound on them. The archive thread takes a
/// buffer (waiting while the read-ahead is used up), fills it and pushes it into a pipe; the worker
/// gives it back once parsed. Buffers are reused: no allocation, zeroing or cross-thread free per
/// chunk (these cost --jobs 2 a few percent of its time, in page faults and memset).
final class ReadAhead: Sendable {
    let chunkSize: Int
    private let free = Locked<[[UInt8]]>([])
    /// One unit per buffer out of the free list.
    private let room: DispatchSemaphore

    init(bytes: Int, chunkSize: Int) {
        self.chunkSize = chunkSize
        room = DispatchSemaphore(value: max(2, bytes / chunkSize))
    }

    /// A buffer of `chunkSize` bytes, contents unspecified; to be given back exactly once.
    func take() -> [UInt8] {
        room.wait()
        if let chunk = free.withLock({ $0.popLast() }) { return chunk }
        return [UInt8](unsafeUninitializedCapacity: chunkSize) { _, count in count = chunkSize }
    }

    func give(_ chunk: [UInt8]) {
        free.withLock { $0.append(chunk) }
        room.signal()
    }
}

/// The decompressed bytes of one archive member, from the thread that reads the archive to the worker
/// that parses them, in buffers of the archive's ``ReadAhead``.
/// `@unchecked Sendable`: all state is behind `lock`; the semaphore is thread-safe.
final class ChunkPipe: @unchecked Sendable {
    let name: String
    let readAhead: ReadAhead
    private let items = DispatchSemaphore(value: 0)
    private let lock = Locked(State())

    /// A read-ahead buffer and how many of its bytes are the member's.
    struct Chunk {
        var bytes: [UInt8]
        var count: Int
    }

    private struct State {
        var chunks: [Chunk] = []
        var head = 0
        var ended = false
        var failure: SlipstreamError?
        var closed = false
        /// The chunk the reader is copying from; given back at its next call, or at `close`.
        var lent: Chunk?
    }

    init(name: String, readAhead: ReadAhead) {
        self.name = name
        self.readAhead = readAhead
    }

    /// Hands the first `count` bytes of a buffer to the reader; false when the reader has closed the
    /// pipe (and wants no more; the buffer is still the caller's).
    func push(_ bytes: [UInt8], count: Int) -> Bool {
        let open = lock.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.chunks.append(Chunk(bytes: bytes, count: count))
            return true
        }
        if open { items.signal() }
        return open
    }

    func finish() {
        lock.withLock { $0.ended = true }
        items.signal()
    }

    func fail(_ error: SlipstreamError) {
        lock.withLock { $0.failure = error; $0.ended = true }
        items.signal()
    }

    /// The reader is done, early or not: the chunk it had and those left unread go back to the
    /// read-ahead.
    func close() {
        let unread = lock.withLock { state -> [Chunk] in
            state.closed = true
            defer { state.chunks = []; state.head = 0; state.lent = nil }
            return Array(state.chunks[state.head...]) + (state.lent.map { [$0] } ?? [])
        }
        for chunk in unread { readAhead.give(chunk.bytes) }
    }

    /// The next chunk, lent until the next call; nil at the end. The caller drops its copy of the
    /// previous one first, so that the buffer goes back unshared (a shared one would be copied when
    /// the archive thread refills it).
    fileprivate func next() throws(SlipstreamError) -> Chunk? {
        if let previous = lock.withLock({ state -> Chunk? in
            defer { state.lent = nil }
            return state.lent
        }) {
            readAhead.give(previous.bytes)
        }
        while true {
            items.wait()
            let result: Result<Chunk?, SlipstreamError>? = lock.withLock { state in
                if state.head < state.chunks.count {
                    let chunk = state.chunks[state.head]
                    state.chunks[state.head].bytes = []
                    state.head += 1
                    if state.head > 64 {
                        state.chunks.removeFirst(state.head)
                        state.head = 0
                    }
                    state.lent = chunk
                    return .success(chunk)
                }
                if let failure = state.failure { return .failure(failure) }
                if state.ended { return .success(nil) }
                return nil
            }
            switch result {
            case .success(let chunk)?:
                if chunk == nil { items.signal() }
                return chunk
            case .failure(let error)?:
                items.signal()
                throw error
            case nil:
                continue
            }
        }
    }

    func reader() -> PipeSource { PipeSource(pipe: self) }
}

/// Reads a ``ChunkPipe`` as a byte source.
struct PipeSource: ByteSource {
    let pipe: ChunkPipe
    var name: String { pipe.name }
    private var chunk: ChunkPipe.Chunk?
    private var offset = 0
    private var ended = false

    init(pipe: ChunkPipe) { self.pipe = pipe }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        while offset == chunk?.count ?? 0 {
            chunk = nil
            offset = 0
            guard !ended, let next = try pipe.next() else {
                ended = true
                return 0
            }
            chunk = next
        }
        let current = chunk!
        let count = min(buffer.count, current.count - offset)
        current.bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// Output sink shared by the batch's threads. `@unchecked Sendable`: the batch writes to it only
/// while holding its own lock, one payload at a time.
/// The progress line on standard error: redrawn in place, cleared before any other line.
private final class ProgressLine: Sendable {
    private let drawn = Locked(false)

    func draw(_ progress: BatchProgress) {
        drawn.withLock { drawn in
            StandardError.write("\r\u{1B}[K" + (progress.finished ? "" : BatchJob.progressLine(progress)))
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

private final class SharedSink: @unchecked Sendable {
    let sink: FileSink
    init(_ sink: FileSink) { self.sink = sink }
}

extension BatchJob {
    /// Runs the batch as the `batch` command does: output to standard output or to `outputPath`
    /// (written to a temporary file beside it, renamed when the batch has run to its end, removed on
    /// interrupt or output error), a progress line on a terminal, a final line.
    /// - Returns: the exit code: 0, 65 when any payload failed, 74 when the output failed.
    public func run(outputPath: String?, quiet: Bool, showProgress: Bool, diagnostic: @escaping @Sendable (String) -> Void) -> Int32 {
        let temporary = outputPath.map { "\($0).slipstream-\(FileSystem.processID).partial" }
        var job = self
        job.outputPaths += [outputPath, temporary].compactMap { $0 }
        let sink: SharedSink
        do {
            sink = SharedSink(try temporary.map { path throws(SlipstreamError) in try FileSink(path: path) } ?? FileSink())
        } catch {
            diagnostic("slipstream: \(error)")
            return error.kind.exitCode
        }
        if let temporary { FileSystem.removeOnInterrupt(temporary) }
        defer { if temporary != nil { FileSystem.forgetOnInterrupt() } }

        let drawsProgress = showProgress && !quiet
        let line = ProgressLine()
        let progress: (@Sendable (BatchProgress) -> Void)? = drawsProgress ? { @Sendable in line.draw($0) } : nil
        let report = job.run(
            output: { bytes throws(SlipstreamError) in try sink.sink.write(bytes) },
            diagnostic: { text in line.clear { diagnostic(text) } },
            progress: progress)

        var outputError: SlipstreamError?
        do { try sink.sink.flush() } catch { outputError = error }
        if let temporary, let outputPath {
            if outputError == nil {
                do { try FileSystem.rename(temporary, to: outputPath) } catch { outputError = error }
            }
            if outputError != nil { FileSystem.remove(temporary) }
        }
        if !quiet { diagnostic("slipstream: " + Self.finalLine(report)) }
        if let outputError {
            diagnostic("slipstream: \(outputError)")
            return 74
        }
        return report.failed > 0 ? 65 : 0
    }

    /// `12/40+ payloads, 1 failed, 431.2 MB/s, 38%, ETA 0:07` (`+`: archives still being read).
    static func progressLine(_ p: BatchProgress) -> String {
        var text = "\(p.payloadsDone)/\(p.payloadsFound) payloads"
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
        var text = "\(r.payloads) payloads, \(r.activities) activities, \(r.failed) failed in \(formatted(r.seconds)) s (\(formatted(rate)) MB/s)"
        if r.skipped > 0 { text += "; \(r.skipped) skipped (not .json, .ndjson or .json.gz)" }
        if r.stoppedEarly { text += "; stopped early" }
        return text
    }

    private static func formatted(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "0.0" }
        let whole = Int(tenths) / 10, fraction = abs(Int(tenths) % 10)
        return "\(whole).\(fraction)"
    }
}
