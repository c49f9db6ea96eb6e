// The Terra JSON decoder behind the decoder seam: chunks of any size go to yajl, whose events the
// router turns into decoded activities. Here are the limits yajl cannot keep itself (a token that
// never ends, a payload too large), the byte-order mark, and the location of every error: byte
// offset, line and column (newlines are counted per chunk after it parsed) and JSON path.

import SlipstreamCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes Terra Activity JSON: a webhook envelope, an HTTP response envelope, a bare Activity, an
/// array of Activities, or several of these concatenated or one per line.
public final class TerraJSONDecoder: ActivityDecoder {
    private let router: PayloadRouter
    private let parser: YajlParser
    private let lines = LineCounter()
    private let limits: ReadLimits
    private let source: String
    public private(set) var bytesFed = 0
    private var bytesWithoutEvent = 0
    /// Anything but white space has been fed.
    private var sawToken = false

    /// - Parameters:
    ///   - sink: receives the decoded activities and the problems; not kept alive by the decoder
    ///     (the sink usually owns its decoder).
    ///   - source: the input's name, for errors.
    ///   - limits: how much one input may hold.
    /// - Parameter parseThreads: 2 stores the samples in a second thread while yajl parses on (for
    ///   large payloads: the hand-over costs more than it saves on small ones); 1 reads in one thread.
    public convenience init(
        sink: any DecodedActivitySink, source: String, limits: ReadLimits = ReadLimits(), parseThreads: Int = 1
    ) {
        self.init(sink: sink, source: source, limits: limits, readsSamplesInC: true, parseThreads: parseThreads)
    }

    /// - Parameter readsSamplesInC: false reads sample lists event by event in Swift: the reference
    ///   the tests and the fuzzer hold the C tape to.
    @_spi(Reference)
    public init(
        sink: any DecodedActivitySink, source: String, limits: ReadLimits, readsSamplesInC: Bool, parseThreads: Int = 1
    ) {
        router = PayloadRouter(sink: sink, lines: lines, sourceName: source, limits: limits)
        parser = YajlParser(router: router, readsSamplesInC: readsSamplesInC, parseThreads: parseThreads)
        self.limits = limits
        self.source = source
    }

    public var payloadsBegun: Int { router.payloadsBegun }

    public func feed(_ chunk: UnsafeRawBufferPointer) throws(SlipstreamError) {
        let count = chunk.count
        guard count > 0 else { return }
        // yajl's lexer takes a raw form feed for white space; JSON does not (RFC 8259, section 2),
        // and inside a string it must be escaped: a raw 0x0C is never valid. What precedes it is read.
        if let formFeed = firstOffset(of: 0x0C, in: chunk) {
            if formFeed > 0 { try feed(UnsafeRawBufferPointer(rebasing: chunk[..<formFeed])) }
            throw formFeedError()
        }
        let total = bytesFed
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
            throw located(failure, chunk: chunk)
        } catch var error as SlipstreamError {
            if error.kind == .limitExceeded, let offset = error.byteOffset {
                (error.line, error.column) = lines.lineAndColumn(of: offset, chunk: chunk, chunkStart: total)
            }
            throw error
        } catch {
            throw SlipstreamError(.outputFailed, "\(error)", source: source)
        }
        // Limits yajl cannot be asked to keep: a token it buffers across chunks, a payload's size.
        bytesWithoutEvent = router.events == eventsBefore ? bytesWithoutEvent + count : 0
        if bytesWithoutEvent > limits.maxTokenBytes {
            throw limitError(
                .maxTokenBytes,
                "no token ended within \(limits.maxTokenBytes) bytes (a string, number or run of white space that long)",
                at: total + count, chunk: chunk)
        }
        if router.hasOpenValue && total + count - router.payloadStart > limits.maxPayloadBytes {
            throw limitError(
                .maxPayloadBytes, "a payload larger than \(limits.maxPayloadBytes) bytes",
                at: router.payloadStart + limits.maxPayloadBytes,
                chunk: chunk)
        }
        lines.count(chunk, chunkStart: total)
        bytesFed += count
    }

    public func finish() throws(SlipstreamError) {
        lines.current = nil
        lines.currentStart = bytesFed
        do {
            try parser.finish()
        } catch let failure as YajlFailure {
            var error = located(failure, chunk: nil)
            if error.message == "premature EOF" && !sawToken {
                error.message =
                    bytesFed == 0
                    ? "empty input: expected an activity payload"
                    : "no JSON value in the input: expected an activity payload"
                error.jsonPath = nil
            } else if error.message == "premature EOF" {
                error.message = "unexpected end of input: the JSON value is not complete"
            }
            throw error
        } catch let error as SlipstreamError {
            throw error
        } catch {
            throw SlipstreamError(.outputFailed, "\(error)", source: source)
        }
    }

    /// A raw form feed at the next byte to be fed.
    @inline(never)
    private func formFeedError() -> SlipstreamError {
        let (line, column) = lines.lineAndColumn(of: bytesFed, chunk: nil, chunkStart: bytesFed)
        return SlipstreamError(
            .malformedJSON, "a raw form feed (0x0C) is not JSON white space, and in a string it must be written \\f",
            source: source, byteOffset: bytesFed, line: line, column: column, jsonPath: router.currentPath())
    }

    @inline(never)
    private func located(_ failure: YajlFailure, chunk: UnsafeRawBufferPointer?) -> SlipstreamError {
        let (line, column) = lines.lineAndColumn(of: failure.byteOffset, chunk: chunk, chunkStart: bytesFed)
        return SlipstreamError(
            .malformedJSON, failure.message, source: source, byteOffset: failure.byteOffset, line: line, column: column,
            jsonPath: router.currentPath())
    }

    @inline(never)
    private func limitError(_ limit: ReadLimits.Key, _ what: String, at offset: Int, chunk: UnsafeRawBufferPointer)
        -> SlipstreamError
    {
        // Lines are known from the current chunk on; an offset before it is given by byte alone.
        let (line, column) =
            offset >= bytesFed ? lines.lineAndColumn(of: offset, chunk: chunk, chunkStart: bytesFed) : (nil, nil)
        return .limitExceeded(
            what, limit: limit, source: source, byteOffset: offset, line: line, column: column,
            jsonPath: router.currentPath())
    }
}

/// yajl with callbacks that do nothing: the ceiling for any consumer of its events (`slipstream bench`).
public final class JSONSyntaxCheck {
    private let parser = YajlParser(router: nil)
    private var source: String

    public init(source: String) { self.source = source }

    /// - Throws: ``SlipstreamError`` of kind `malformedJSON`, located by byte offset only.
    public func feed(_ chunk: UnsafeRawBufferPointer) throws(SlipstreamError) {
        do { try parser.feed(chunk) } catch { throw failure(error) }
    }

    public func finish() throws(SlipstreamError) {
        do { try parser.finish() } catch { throw failure(error) }
    }

    private func failure(_ error: any Error) -> SlipstreamError {
        if let failure = error as? YajlFailure {
            return SlipstreamError(.malformedJSON, failure.message, source: source, byteOffset: failure.byteOffset)
        }
        return SlipstreamError(.malformedJSON, "\(error)", source: source)
    }
}

/// Offset of the first `byte` in `buffer` (libc's `memchr`, vectorized), nil when there is none.
@inline(__always)
private func firstOffset(of byte: UInt8, in buffer: UnsafeRawBufferPointer) -> Int? {
    guard let base = buffer.baseAddress, let found = memchr(base, Int32(byte), buffer.count) else { return nil }
    return UnsafeRawPointer(found) - base
}
