// The pull side: reads a byte source in 64 KiB chunks into one reused buffer and pushes each into an
// ActivityStream. A file's chunks are filled whole unless the input ends, so that chunk boundaries
// (and with them the offsets yajl reports) depend on the input alone; a pipe's are what arrived.

import SlipstreamCore
import SlipstreamInput
import SlipstreamJSON
import SlipstreamSummaries

/// Reads Terra Activity payloads from byte sources and hands each finished activity to a consumer.
///
/// One reader holds one 64 KiB buffer and can read many inputs, one after another. It is not
/// thread-safe: use one reader per thread.
public final class ActivityReader {
    /// Size of the chunks read from a source and fed to the stream.
    public static let chunkSize = 1 << 16
    private let buffer: UnsafeMutableRawBufferPointer
    /// How summaries are computed.
    public let options: SummaryOptions
    /// How much one read may hold.
    public let limits: ReadLimits
    /// False computes no summaries (records carry their columns only).
    public let summaries: Bool
    /// False reads FIT files whose CRCs do not match.
    public var checksFITCRC = true
    /// 2 stores a JSON payload's samples in a second thread while yajl parses on (``ActivityStream/parseThreads``).
    public var parseThreads = 1

    /// - Parameters:
    ///   - chunkSize: bytes fed at a time (tests use tiny ones to try every boundary).
    ///   - options: the knobs of the summaries.
    ///   - limits: how much one read may hold before it stops with kind `limitExceeded`.
    ///   - summaries: false for columns only.
    public init(
        chunkSize: Int = ActivityReader.chunkSize, options: SummaryOptions = SummaryOptions(),
        limits: ReadLimits = ReadLimits(),
        summaries: Bool = true
    ) {
        buffer = .allocate(byteCount: max(1, chunkSize), alignment: 16)
        self.options = options
        self.limits = limits
        self.summaries = summaries
    }

    deinit { buffer.deallocate() }

    /// Fills the whole buffer unless the input ends first; from a source whose bytes arrive over
    /// time, whatever one read gave (a pipe's chunk boundaries then depend on its timing, which can
    /// move the offset yajl gives an error in a token that straddles two chunks).
    private func fill(from source: inout some ByteSource) throws(SlipstreamError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
            if source.deliversAsItArrives { break }
        }
        return filled
    }

    /// Reads every payload in `source` (one, several concatenated, or one per line).
    /// - Parameters:
    ///   - source: the bytes; read to its end unless the input is malformed.
    ///   - consumer: receives activities as they finish, and problems as they are found.
    /// - Returns: what was read.
    /// - Throws: ``SlipstreamError`` with kind `malformedJSON` (located by line, column, byte and JSON
    ///   path), `inputUnreadable`, or whatever the consumer threw. Activities that ended before the
    ///   error have been handed to the consumer.
    public func read(_ source: inout some ByteSource, into consumer: some ActivityConsumer) throws(SlipstreamError)
        -> ReadReport
    {
        let stream = ActivityStream(
            source: source.name, options: options, limits: limits, summaries: summaries, checksFITCRC: checksFITCRC,
            consumer: consumer)
        stream.parseThreads = parseThreads
        while true {
            let count = try fill(from: &source)
            if count == 0 { break }
            try stream.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return try stream.finish()
    }

    /// Reads every payload in `source`, calling `body` with each finished activity in input order.
    /// - Parameters:
    ///   - problem: valid JSON that is not what an activity payload should be; reading goes on.
    /// - Throws: as ``read(_:into:)``; an error thrown by `body` stops the read and comes back as
    ///   kind `outputFailed`.
    @discardableResult
    public func forEachActivity(
        in source: inout some ByteSource, problem: (SlipstreamError) -> Void = { _ in },
        _ body: (ActivityRecord) throws -> Void
    ) throws(SlipstreamError) -> ReadReport {
        try withoutActuallyEscaping(body) { body throws(SlipstreamError) in
            try withoutActuallyEscaping(problem) { problem throws(SlipstreamError) in
                try read(&source, into: ClosureConsumer(activity: body, problem: problem))
            }
        }
    }

    /// Parses `source` with callbacks that do nothing and no line counting: the ceiling for any
    /// consumer of yajl events. Errors carry the byte offset only.
    /// - Returns: the number of bytes parsed.
    public func parseWithoutConsumer(_ source: inout some ByteSource) throws(SlipstreamError) -> Int {
        let check = JSONSyntaxCheck(source: source.name)
        var total = 0
        while true {
            let count = try fill(from: &source)
            if count == 0 { break }
            try check.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += count
        }
        try check.finish()
        return total
    }
}
