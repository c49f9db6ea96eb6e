// The only file that imports CYajl. It owns the yajl handle and turns yajl's C callbacks into
// method calls on one concrete class, `PayloadRouter`.
//
// - yajl calls the C callbacks of CSampleTape. Outside sample lists they forward each event to the
//   Swift table below; inside a list the router handed over, C reads the samples and writes one
//   record each to a tape (SampleTape.swift), stored in a loop: no C-to-Swift call per event.
// - The tables and the tape live at stable addresses: yajl and C keep the pointers.
// - The forward context is the router, passed unretained: the parser owns the router strongly and
//   frees the handle in `deinit`, so the router outlives every callback.
// - A Swift error cannot unwind through C frames: the router stores it and returns false, yajl
//   answers `yajl_status_client_canceled`, and `feed` throws the stored error.
// - Key and string pointers are valid only during the callback: the router copies what it keeps.
// - The router asks `currentOffset` where an event is: the offset is yajl's to tell.

internal import CSampleTape
internal import CYajl
import SlipstreamCore

/// Where a failed parse stopped and why, as yajl reports it.
struct YajlFailure: Error {
    /// Offset of the failing byte from the start of the input.
    var byteOffset: Int
    var message: String
}

final class YajlParser {
    private let handle: yajl_handle
    private let callbacks: UnsafeMutablePointer<yajl_callbacks>
    private let tape: SampleTape?
    /// Nil for the baseline parser whose callbacks do nothing.
    let router: PayloadRouter?
    /// Bytes of the input fed to yajl before the chunk being parsed.
    private(set) var bytesBeforeChunk = 0 {
        didSet { tape?.pointer.pointee.bytes_before_chunk = Int64(bytesBeforeChunk) }
    }
    private var isParsing = false

    /// - Parameters:
    ///   - router: receives every event; nil parses with no-op callbacks written in C (the throughput ceiling).
    ///   - readsSamplesInC: sample lists are read by the C tape (the default); false leaves every
    ///     event to the router, the reference the tests compare the tape with.
    ///   - parseThreads: 2 stores the samples in a second thread while yajl parses on.
    init(router: PayloadRouter?, readsSamplesInC: Bool = true, parseThreads: Int = 1) {
        self.router = router
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: Self.routingCallbacks())
        tape = router.flatMap { readsSamplesInC ? SampleTape(router: $0, threads: parseThreads) : nil }
        let handle: yajl_handle?
        if let tape {
            handle = yajl_alloc(sample_tape_callbacks(), nil, UnsafeMutableRawPointer(tape.pointer))
        } else if let router {
            handle = yajl_alloc(callbacks, nil, Unmanaged.passUnretained(router).toOpaque())
        } else {
            handle = yajl_alloc(sample_tape_no_op_callbacks(), nil, nil)
        }
        guard let handle else { fatalError("yajl_alloc failed: out of memory") }
        self.handle = handle
        // Several payloads may follow one another (concatenated or one per line).
        _ = cyajl_config(handle, yajl_allow_multiple_values, 1)
        router?.locate = { [unowned self] in self.currentOffset }
        tape?.pointer.pointee.forward = UnsafePointer(callbacks)
        tape?.pointer.pointee.handle = handle
    }

    deinit {
        yajl_free(handle)
        callbacks.deinitialize(count: 1)
        callbacks.deallocate()
    }

    /// Offset from the start of the input of the byte yajl is at (valid during a callback too).
    var currentOffset: Int { bytesBeforeChunk + Int(yajl_get_bytes_consumed(handle)) }

    /// Parses one chunk. Corresponds to `yajl_parse`.
    /// - Throws: `YajlFailure` for malformed JSON; the router's own error when it stopped the parse.
    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        precondition(!isParsing, "YajlParser is not re-entrant")
        isParsing = true
        defer { isParsing = false }
        guard chunk.count > 0 else { return }
        var status = cyajl_parse(handle, chunk.baseAddress, chunk.count)
        if let tape {
            // Samples before a syntax error are stored too: one of them may have filled its channel,
            // which came first in the input and is the error to report.
            if status != yajl_status_client_canceled && !tape.chunkEnded() { status = yajl_status_client_canceled }
            router?.events &+= Int(tape.pointer.pointee.events)
            tape.pointer.pointee.events = 0
        }
        try check(status, chunk: chunk)
        bytesBeforeChunk += chunk.count
    }

    /// Passes over bytes that are not JSON (a byte-order mark) so that offsets still count them.
    func skip(_ count: Int) {
        bytesBeforeChunk += count
    }

    /// Tells yajl the input has ended. Corresponds to `yajl_complete_parse`.
    func finish() throws {
        precondition(!isParsing, "YajlParser is not re-entrant")
        isParsing = true
        defer { isParsing = false }
        try check(yajl_complete_parse(handle), chunk: nil)
    }

    /// Translates a `yajl_status`: the one place that does.
    private func check(_ status: yajl_status, chunk: UnsafeRawBufferPointer?) throws {
        if status == yajl_status_ok { return }
        if status == yajl_status_client_canceled, let error = router?.takePendingError() {
            throw error
        }
        let consumed = chunk == nil ? 0 : Int(yajl_get_bytes_consumed(handle))
        throw YajlFailure(byteOffset: bytesBeforeChunk + consumed, message: errorText())
    }

    /// Copies `yajl_get_error`'s text and releases it with `yajl_free_error`.
    private func errorText() -> String {
        guard let text = yajl_get_error(handle, 0, nil, 0) else { return "parse error" }
        defer { yajl_free_error(handle, text) }
        var message = String(cString: text)
        while message.last == "\n" || message.last == " " { message.removeLast() }
        if message.hasPrefix("parse error: ") { message.removeFirst("parse error: ".count) }
        if message.hasPrefix("lexical error: ") { message.removeFirst("lexical error: ".count) }
        return message
    }

    private static func routingCallbacks() -> yajl_callbacks {
        var table = yajl_callbacks()
        table.yajl_null = { ctx in withRouter(ctx) { $0.onNull() } }
        table.yajl_boolean = { ctx, value in withRouter(ctx) { $0.onBool(value != 0) } }
        table.yajl_number = { ctx, text, length in
            withRouter(ctx) { $0.onNumber(UnsafeRawBufferPointer(start: text, count: length)) }
        }
        table.yajl_string = { ctx, text, length in
            withRouter(ctx) { $0.onString(UnsafeRawBufferPointer(start: text, count: length)) }
        }
        table.yajl_start_map = { ctx in withRouter(ctx) { $0.onStartMap() } }
        table.yajl_map_key = { ctx, text, length in
            withRouter(ctx) { $0.onKey(UnsafeRawBufferPointer(start: text, count: length)) }
        }
        table.yajl_end_map = { ctx in withRouter(ctx) { $0.onEndMap() } }
        table.yajl_start_array = { ctx in withRouter(ctx) { $0.onStartArray() } }
        table.yajl_end_array = { ctx in withRouter(ctx) { $0.onEndArray() } }
        return table
    }
}

/// Calls `body` on the router behind `ctx` without retaining it (the parser keeps it alive).
@inline(__always)
private func withRouter(_ context: UnsafeMutableRawPointer?, _ body: (PayloadRouter) -> Bool) -> Int32 {
    Unmanaged<PayloadRouter>.fromOpaque(context.unsafelyUnwrapped)._withUnsafeGuaranteedRef(body) ? 1 : 0
}
