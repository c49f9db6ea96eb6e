// The push API: an input's bytes are fed as they arrive (a file read, an HTTP request body, a
// decompressor), in chunks of any size. The first bytes choose the decoder (gzip is inflated first,
// and its first inflated bytes choose); what it decodes is finished here, the same way for every
// format, and handed to the consumer.
//
//     feed(chunk) -> [format chosen from the first bytes] -> decoder (TerraJSONDecoder)
//                 -> activityDecoded -> ActivityBuilder (time order, summaries) -> consumer.activity
//
// Envelope activities read before the envelope's `user` wait here until it is read (or their
// payload ends), so that every record reaches the consumer with its user.

import SlipstreamCore
import SlipstreamFIT
import SlipstreamInput
import SlipstreamJSON
import SlipstreamSummaries

/// What one read produced.
public struct ReadReport: Equatable, Sendable {
    public var bytes = 0
    public var payloads = 0
    public var activities = 0
    /// Problems handed to the consumer (valid input that is not an activity payload).
    public var problems = 0

    public init(bytes: Int = 0, payloads: Int = 0, activities: Int = 0, problems: Int = 0) {
        self.bytes = bytes
        self.payloads = payloads
        self.activities = activities
        self.problems = problems
    }
}

/// Decodes one input pushed to it chunk by chunk, handing each finished activity to a consumer.
///
/// ```swift
/// let stream = ActivityStream { record in print(record.summaryID ?? "-") }
/// try chunk.withUnsafeBytes { try stream.feed($0) }   // as many times as there are chunks
/// try stream.finish()
/// ```
/// Not thread-safe: one stream is fed by one thread at a time.
public final class ActivityStream {
    private let consumer: any ActivityConsumer
    private let builder: ActivityBuilder
    private let limits: ReadLimits
    private let source: String
    private let checksFITCRC: Bool
    private var decoder: (any ActivityDecoder)?
    /// Inflates the input when it is gzip: what comes out is fed as the input.
    private var inflater: GzipInflater?
    /// The first bytes, until they tell the format.
    private var prefix: [UInt8] = []
    private var held: [ActivityRecord] = []
    private var finished = false
    /// What was read so far.
    public private(set) var report = ReadReport()
    /// 2 stores a JSON payload's samples in a second thread while yajl parses on (worth it for
    /// large payloads); 1 reads in the calling thread. Set before the first chunk.
    public var parseThreads = 1

    /// - Parameters:
    ///   - source: the input's name, for errors (a path, `<stdin>`, an archive member).
    ///   - options: the knobs of the summaries.
    ///   - limits: how much the input may hold before the read stops with kind `limitExceeded`.
    ///   - summaries: false computes no summaries (the records' `summary` stays empty): for callers
    ///     that want the columns only.
    ///   - checksFITCRC: false reads a FIT file whose CRCs do not match.
    ///   - consumer: receives the finished activities and the problems.
    public init(
        source: String = "<stream>", options: SummaryOptions = SummaryOptions(), limits: ReadLimits = ReadLimits(),
        summaries: Bool = true, checksFITCRC: Bool = true, consumer: any ActivityConsumer
    ) {
        self.consumer = consumer
        self.builder = ActivityBuilder(options: options, summaries: summaries)
        self.limits = limits
        self.source = source
        self.checksFITCRC = checksFITCRC
    }

    /// A stream that calls `body` with each finished activity (its columns alive during the call).
    /// - Parameters:
    ///   - problem: valid input that is not what an activity payload should be; reading goes on.
    public convenience init(
        source: String = "<stream>", options: SummaryOptions = SummaryOptions(), limits: ReadLimits = ReadLimits(),
        summaries: Bool = true, checksFITCRC: Bool = true, problem: @escaping (SlipstreamError) -> Void = { _ in },
        _ body: @escaping (ActivityRecord) throws -> Void
    ) {
        self.init(
            source: source, options: options, limits: limits, summaries: summaries, checksFITCRC: checksFITCRC,
            consumer: ClosureConsumer(activity: body, problem: problem))
    }

    /// Decodes one chunk; nothing of it is kept after the call but what the activities hold.
    /// - Throws: ``SlipstreamError`` located by source, byte offset and, for JSON, line, column and
    ///   JSON path; kind `outputFailed` when the consumer threw something else. Activities that
    ///   ended before the error have been handed to the consumer; the stream takes no more bytes.
    public func feed(_ chunk: UnsafeRawBufferPointer) throws(SlipstreamError) {
        precondition(!finished, "ActivityStream fed after an error or after finish()")
        guard chunk.count > 0 else { return }
        if let inflater {
            try inflate(chunk, with: inflater)
            return
        }
        try feedDecoder(chunk)
    }

    private func feedDecoder(_ chunk: UnsafeRawBufferPointer) throws(SlipstreamError) {
        if let decoder {
            try decode { () throws(SlipstreamError) in try decoder.feed(chunk) }
            return
        }
        prefix.append(contentsOf: chunk)
        try startDecoderIfKnown(isComplete: false)
    }

    /// Tells the stream its input has ended.
    /// - Returns: what was read.
    /// - Throws: as ``feed(_:)``, for example when the input ended inside a value.
    @discardableResult
    public func finish() throws(SlipstreamError) -> ReadReport {
        precondition(!finished, "ActivityStream finished twice or after an error")
        if let inflater {
            try decode { () throws(SlipstreamError) in try Self.typed(source) { try inflater.finish() } }
        }
        if decoder == nil { try startDecoderIfKnown(isComplete: true) }
        try decode { () throws(SlipstreamError) in try decoder!.finish() }
        finished = true
        report.bytes = decoder!.bytesFed
        return report
    }

    /// Chooses the decoder once the first bytes tell the format (at least three bytes, so that a
    /// byte-order mark arrives whole), then feeds it what was held.
    private func startDecoderIfKnown(isComplete: Bool) throws(SlipstreamError) {
        let format = prefix.withUnsafeBytes { InputFormat.detect($0, isComplete: isComplete) }
        guard let format, prefix.count >= 3 || isComplete else { return }
        let decoder: any ActivityDecoder
        switch format {
        case .json: decoder = TerraJSONDecoder(sink: self, source: source, limits: limits, parseThreads: parseThreads)
        case .fit: decoder = FITDecoder(sink: self, source: source, limits: limits, checksCRC: checksFITCRC)
        case .gzip where inflater == nil:
            let inflater = GzipInflater(source: source)
            self.inflater = inflater
            let bytes = prefix
            prefix = []
            try bytes.withUnsafeBytes { b in Result { () throws(SlipstreamError) in try inflate(b, with: inflater) } }
                .get()
            return
        default:
            finished = true
            throw SlipstreamError(.unsupportedFormat, unreadable(format), source: source, byteOffset: 0)
        }
        self.decoder = decoder
        let bytes = prefix
        prefix = []
        try decode { () throws(SlipstreamError) in
            try bytes.withUnsafeBytes { b in Result { () throws(SlipstreamError) in try decoder.feed(b) } }.get()
        }
    }

    /// Why the stream cannot read an input of this format: the stream reads one payload's bytes; the
    /// commands (SlipstreamBatch) open archives and compressed files first.
    private func unreadable(_ format: InputFormat) -> String {
        if format == .binary {
            return "not Terra JSON or FIT: looks like " + prefix.withUnsafeBytes { InputFormat.describeBinary($0) }
        }
        return
            "looks like \(format.rawValue) data, not Terra JSON or FIT: decompress or unpack it first (the slipstream commands read archives)"
    }

    /// Inflates a chunk of gzip and feeds the decoder what comes out.
    private func inflate(_ chunk: UnsafeRawBufferPointer, with inflater: GzipInflater) throws(SlipstreamError) {
        try decode { () throws(SlipstreamError) in
            try Self.typed(source) {
                try inflater.inflate(chunk) { plain throws(SlipstreamError) in try self.feedDecoder(plain) }
            }
        }
    }

    /// Runs `body`, whose errors are ``SlipstreamError``s but untyped.
    private static func typed(_ source: String, _ body: () throws -> Void) throws(SlipstreamError) {
        do { try body() } catch { throw outputError(error, source: source) }
    }

    /// Runs a decoder call; on an error, hands on what waited for a user and stops the stream.
    private func decode(_ body: () throws(SlipstreamError) -> Void) throws(SlipstreamError) {
        do {
            try body()
        } catch {
            finished = true
            do {
                try releaseHeld(userID: nil, providerName: nil)
            } catch {
                throw Self.outputError(error, source: source)
            }
            throw error
        }
    }

    private func releaseHeld(userID: String?, providerName: String?) throws {
        guard !held.isEmpty else { return }
        let records = held
        held.removeAll()
        for var record in records {
            record.userID = userID
            record.providerName = providerName
            report.activities += 1
            try consumer.activity(record)
        }
    }

    private static func outputError(_ error: any Error, source: String) -> SlipstreamError {
        error as? SlipstreamError ?? SlipstreamError(.outputFailed, "\(error)", source: source)
    }
}

extension ActivityStream: DecodedActivitySink {
    public func activityDecoded(_ activity: inout DecodedActivity) throws {
        let record = builder.finish(&activity)
        if activity.awaitsUser {
            held.append(record)
        } else {
            report.activities += 1
            try consumer.activity(record)
        }
    }

    public func userRead(userID: String?, providerName: String?) throws {
        try releaseHeld(userID: userID, providerName: providerName)
    }

    public func payloadEnded(user: RawJSON?, discardsActivities: Bool) throws {
        if discardsActivities { held.removeAll() }
        try releaseHeld(userID: nil, providerName: nil)
        report.payloads += 1
        try consumer.payloadEnded(user: user)
    }

    public func typeRead(_ type: String) {
        consumer.typeRead(type)
    }

    public func problem(_ error: SlipstreamError) {
        report.problems += 1
        consumer.problem(error)
    }
}

final class ClosureConsumer: ActivityConsumer {
    let onActivity: (ActivityRecord) throws -> Void
    let onProblem: (SlipstreamError) -> Void

    init(activity: @escaping (ActivityRecord) throws -> Void, problem: @escaping (SlipstreamError) -> Void) {
        onActivity = activity
        onProblem = problem
    }

    func activity(_ record: ActivityRecord) throws { try onActivity(record) }
    func problem(_ error: SlipstreamError) { onProblem(error) }
}
