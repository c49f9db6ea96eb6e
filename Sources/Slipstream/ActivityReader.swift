// Drives one input through yajl: fixed 64 KiB chunks from a source into one reused buffer, each
// fed to the parser as it arrives. It also counts newlines per chunk (after the chunk parsed), so
// that an error's line and column can be told without keeping any earlier bytes.

/// What one read produced.
public struct ReadReport: Equatable, Sendable {
    public var bytes = 0
    public var payloads = 0
    public var activities = 0
    /// Problems handed to the consumer (valid JSON that is not an activity payload).
    public var problems = 0
}

/// Reads Terra Activity payloads from byte sources and hands each finished activity to a consumer.
///
/// One reader holds one 64 KiB buffer and can read many inputs, one after another. It is not
/// thread-safe: use one reader per thread.
public final class ActivityReader {
    /// Size of the chunks read from a source and fed to yajl.
    public static let chunkSize = 1 << 16
    private let buffer: UnsafeMutableRawBufferPointer
    /// How summaries are computed.
    public let options: SummaryOptions
    /// How much one read may hold.
    public let limits: ReadLimits

    /// - Parameters:
    ///   - chunkSize: bytes fed to yajl at a time (tests use tiny ones to try every boundary).
    ///   - options: the knobs of the summaries.
    ///   - limits: how much one read may hold before it stops with kind `limitExceeded`.
    public init(chunkSize: Int = ActivityReader.chunkSize, options: SummaryOptions = SummaryOptions(), limits: ReadLimits = ReadLimits()) {
        buffer = .allocate(byteCount: max(1, chunkSize), alignment: 16)
        self.options = options
        self.limits = limits
    }

    /// Fills the whole buffer unless the input ends first, so that chunk boundaries (and with them
    /// the offsets yajl reports) depend on the input alone, not on how a pipe delivered it.
    private func fill(from source: inout some ByteSource) throws(SlipstreamError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    deinit { buffer.deallocate() }

    /// Reads every payload in `source` (one, several concatenated, or one per line).
    /// - Parameters:
    ///   - source: the bytes; read to its end unless the JSON is malformed.
    ///   - consumer: receives activities as their objects close, and problems as they are found.
    /// - Returns: what was read.
    /// - Throws: ``SlipstreamError`` with kind `malformedJSON` (located by line, column, byte and JSON
    ///   path), `inputUnreadable`, or whatever the consumer threw. Activities that closed before the
    ///   error have been handed to the consumer.
    public func read(_ source: inout some ByteSource, into consumer: some ActivityConsumer) throws(SlipstreamError) -> ReadReport {
        let lines = LineCounter()
        let counter = CountingConsumer(consumer, lines: lines)
        let router = PayloadRouter(consumer: counter, options: options, limits: limits)
        router.sourceName = source.name
        let parser = YajlParser(router: router)
        var total = 0
        var bytesWithoutEvent = 0
        var sawToken = false  // anything but white space
        do {
            while true {
                let count = try fill(from: &source)
                if count == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                lines.current = chunk
                lines.currentStart = total
                if !sawToken { sawToken = chunk.contains { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } }
                let eventsBefore = router.events
                do {
                    // A UTF-8 byte-order mark (Windows tools write one) is not JSON: pass over it.
                    if total == 0, count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
                        parser.skip(3)
                        try parser.feed(UnsafeRawBufferPointer(rebasing: chunk[3...]))
                    } else {
                        try parser.feed(chunk)
                    }
                } catch let failure as YajlFailure {
                    router.releaseHeldBack()
                    throw lines.locate(failure, chunk: chunk, chunkStart: total, source: source.name, path: router.currentPath())
                } catch var error as SlipstreamError where error.kind == .limitExceeded {
                    router.releaseHeldBack()
                    if let offset = error.byteOffset {
                        (error.line, error.column) = lines.lineAndColumn(of: offset, chunk: chunk, chunkStart: total)
                    }
                    throw error
                }
                // Limits yajl cannot be asked to keep: a token it buffers across chunks, a payload's size.
                bytesWithoutEvent = router.events == eventsBefore ? bytesWithoutEvent + count : 0
                if bytesWithoutEvent > limits.maxTokenBytes {
                    router.releaseHeldBack()
                    throw limitError(
                        "no token ended within \(limits.maxTokenBytes) bytes (a string, number or run of white space that long)",
                        flag: "--max-token-bytes", at: total + count, chunk: chunk, chunkStart: total, lines: lines, source: source.name,
                        path: router.currentPath())
                }
                if router.hasOpenValue && total + count - router.payloadStart > limits.maxPayloadBytes {
                    router.releaseHeldBack()
                    throw limitError(
                        "a payload larger than \(limits.maxPayloadBytes) bytes", flag: "--max-payload-bytes",
                        at: router.payloadStart + limits.maxPayloadBytes, chunk: chunk, chunkStart: total, lines: lines,
                        source: source.name, path: router.currentPath())
                }
                lines.count(chunk, chunkStart: total)
                total += count
            }
            lines.current = nil
            lines.currentStart = total
            do {
                try parser.finish()
            } catch let failure as YajlFailure {
                router.releaseHeldBack()
                var error = lines.locate(failure, chunk: nil, chunkStart: total, source: source.name, path: router.currentPath())
                if error.message == "premature EOF" && !sawToken {
                    error.message = total == 0 ? "empty input: expected an activity payload" : "no JSON value in the input: expected an activity payload"
                    error.jsonPath = nil
                } else if error.message == "premature EOF" {
                    error.message = "unexpected end of input: the JSON value is not complete"
                }
                throw error
            }
        } catch let error as SlipstreamError {
            throw error
        } catch {
            throw SlipstreamError(.outputFailed, "\(error)", source: source.name)
        }
        return ReadReport(bytes: total, payloads: counter.payloads, activities: counter.activities, problems: counter.problems)
    }

    @inline(never)
    private func limitError(
        _ what: String, flag: String, at offset: Int, chunk: UnsafeRawBufferPointer, chunkStart: Int, lines: LineCounter,
        source: String, path: String?
    ) -> SlipstreamError {
        // Lines are known from the current chunk on; an offset before it is given by byte alone.
        let (line, column) = offset >= chunkStart ? lines.lineAndColumn(of: offset, chunk: chunk, chunkStart: chunkStart) : (nil, nil)
        return .limitExceeded(what, flag: flag, source: source, byteOffset: offset, line: line, column: column, jsonPath: path)
    }

    /// Parses `source` with callbacks that do nothing and no line counting: the ceiling for any
    /// consumer of yajl events. Errors carry the byte offset only.
    /// - Returns: the number of bytes parsed.
    public func parseWithoutConsumer(_ source: inout some ByteSource) throws(SlipstreamError) -> Int {
        let parser = YajlParser(router: nil)
        var total = 0
        do {
            while true {
                let count = try fill(from: &source)
                if count == 0 { break }
                try parser.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                total += count
            }
            try parser.finish()
        } catch let error as SlipstreamError {
            throw error
        } catch let failure as YajlFailure {
            throw SlipstreamError(.malformedJSON, failure.message, source: source.name, byteOffset: failure.byteOffset)
        } catch {
            throw SlipstreamError(.malformedJSON, "\(error)", source: source.name)
        }
        return total
    }
}

/// Newlines seen in the chunks parsed so far, to turn byte offsets into lines and columns.
final class LineCounter {
    var newlines = 0
    /// Offset of the last newline seen, -1 before the first.
    var lastNewline = -1
    /// The chunk being parsed and its offset, to locate problems reported during a callback.
    var current: UnsafeRawBufferPointer?
    var currentStart = 0

    func count(_ chunk: UnsafeRawBufferPointer, chunkStart: Int) {
        let found = Self.newlines(in: chunk)
        guard found > 0 else { return }
        newlines += found
        var i = chunk.count - 1
        while chunk[i] != 0x0A { i -= 1 }
        lastNewline = chunkStart + i
    }

    /// Counts 0x0A bytes eight at a time: a byte of `x ^ 0x0A…` is zero exactly where a newline is,
    /// and `~(((v & 0x7F…) + 0x7F…) | v | 0x7F…)` sets the high bit of exactly the zero bytes. Those
    /// bits, shifted to 0 or 1 per byte, are summed bytewise for up to 255 words, then across bytes.
    static func newlines(in chunk: UnsafeRawBufferPointer) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let evenBytes: UInt64 = 0x00FF_00FF_00FF_00FF
        var found = 0
        var i = 0
        let words = chunk.count / 8
        var done = 0
        while done < words {
            let batch = min(255, words - done)
            var perByte: UInt64 = 0
            for _ in 0..<batch {
                let v = chunk.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ (ones &* 0x0A)
                perByte &+= (~(((v & low7) &+ low7) | v | low7)) >> 7
                i &+= 8
            }
            let pairs = (perByte & evenBytes) &+ ((perByte >> 8) & evenBytes)
            found &+= Int((pairs &* 0x0001_0001_0001_0001) >> 48)
            done += batch
        }
        while i < chunk.count {
            if chunk[i] == 0x0A { found += 1 }
            i += 1
        }
        return found
    }

    @inline(never)
    func locate(_ failure: YajlFailure, chunk: UnsafeRawBufferPointer?, chunkStart: Int, source: String, path: String?)
        -> SlipstreamError
    {
        let (line, column) = lineAndColumn(of: failure.byteOffset, chunk: chunk, chunkStart: chunkStart)
        return SlipstreamError(
            .malformedJSON, failure.message, source: source, byteOffset: failure.byteOffset,
            line: line, column: column, jsonPath: path)
    }

    /// 1-based line and byte column of an offset inside, or at the end of, what was read so far.
    @inline(never)
    func lineAndColumn(of offset: Int, chunk: UnsafeRawBufferPointer?, chunkStart: Int) -> (Int, Int) {
        var line = newlines
        var last = lastNewline
        if let chunk {
            let end = min(chunk.count, max(0, offset - chunkStart))
            for i in 0..<end where chunk[i] == 0x0A {
                line += 1
                last = chunkStart + i
            }
        }
        return (line + 1, offset - last)
    }
}

/// Counts what passes through to the user's consumer.
private final class CountingConsumer<Wrapped: ActivityConsumer>: ActivityConsumer {
    let wrapped: Wrapped
    let lines: LineCounter
    var activities = 0
    var payloads = 0
    var problems = 0

    init(_ wrapped: Wrapped, lines: LineCounter) {
        self.wrapped = wrapped
        self.lines = lines
    }

    func columns(_ columns: ActivityColumns, of record: ActivityRecord) throws {
        try wrapped.columns(columns, of: record)
    }

    func activity(_ record: ActivityRecord) throws {
        activities += 1
        try wrapped.activity(record)
    }

    func payloadEnded(user: RawJSON?) throws {
        payloads += 1
        try wrapped.payloadEnded(user: user)
    }

    func problem(_ error: SlipstreamError) {
        problems += 1
        var located = error
        if let offset = error.byteOffset {
            (located.line, located.column) = lines.lineAndColumn(of: offset, chunk: lines.current, chunkStart: lines.currentStart)
        }
        wrapped.problem(located)
    }
}
