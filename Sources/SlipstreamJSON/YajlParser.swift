// The only file that imports CYajl. It owns the yajl handle and turns yajl's C callbacks into
// method calls on one concrete class, `PayloadRouter`.
//
// - The callbacks table is allocated once at a stable address: yajl keeps the pointer.
// - `ctx` is the router, passed unretained: the parser owns the router strongly and frees the
//   handle in `deinit`, so the router outlives every callback.
// - A Swift error cannot unwind through C frames: the router stores it and returns false, yajl
//   answers `yajl_status_client_canceled`, and `feed` throws the stored error.
// - Key and string pointers are valid only during the callback: the router copies what it keeps.
// - The router asks `currentOffset` where an event is: the offset is yajl's to tell.

import SlipstreamCore

internal import CYajl

/// Where a failed parse stopped and why, as yajl reports it.
struct YajlFailure: Error {
    /// Offset of the failing byte from the start of the input.
    var byteOffset: Int
    var message: String
}

final class YajlParser {
    private let handle: yajl_handle
    private let callbacks: UnsafeMutablePointer<yajl_callbacks>
    /// Nil for the baseline parser whose callbacks do nothing.
    let router: PayloadRouter?
    /// Bytes of the input fed to yajl before the chunk being parsed.
    private(set) var bytesBeforeChunk = 0
    private var isParsing = false

    /// - Parameter router: receives every event; nil parses with no-op callbacks (the throughput ceiling).
    init(router: PayloadRouter?) {
        self.router = router
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: router == nil ? Self.noOpCallbacks() : Self.routingCallbacks())
        let context = router.map { Unmanaged.passUnretained($0).toOpaque() }
        guard let handle = yajl_alloc(callbacks, nil, context) else {
            fatalError("yajl_alloc failed: out of memory")
        }
        self.handle = handle
        // Several payloads may follow one another (concatenated or one per line).
        _ = cyajl_config(handle, yajl_allow_multiple_values, 1)
        router?.locate = { [unowned self] in self.currentOffset }
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
        let status = cyajl_parse(handle, chunk.baseAddress, chunk.count)
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

    /// Callbacks that accept everything and keep nothing; numbers stay raw text (no strtod).
    private static func noOpCallbacks() -> yajl_callbacks {
        var table = yajl_callbacks()
        table.yajl_null = { _ in 1 }
        table.yajl_boolean = { _, _ in 1 }
        table.yajl_number = { _, _, _ in 1 }
        table.yajl_string = { _, _, _ in 1 }
        table.yajl_start_map = { _ in 1 }
        table.yajl_map_key = { _, _, _ in 1 }
        table.yajl_end_map = { _ in 1 }
        table.yajl_start_array = { _ in 1 }
        table.yajl_end_array = { _ in 1 }
        return table
    }
}

/// Calls `body` on the router behind `ctx` without retaining it (the parser keeps it alive).
@inline(__always)
private func withRouter(_ context: UnsafeMutableRawPointer?, _ body: (PayloadRouter) -> Bool) -> Int32 {
    Unmanaged<PayloadRouter>.fromOpaque(context.unsafelyUnwrapped)._withUnsafeGuaranteedRef(body) ? 1 : 0
}
