// The only file that imports CYajl and CSampleTape. It owns the yajl handle and turns yajl's C
// callbacks into method calls on one concrete class, `PayloadRouter`.
//
// - yajl calls the C callbacks of CSampleTape. Outside sample lists they forward each event to the
//   Swift table below; inside a list the router handed over, C reads the samples and writes one
//   record each to a tape, which `storeTape` walks here in a loop (no C-to-Swift call per event).
// - The tables and the tape live at stable addresses: yajl and C keep the pointers.
// - The forward context is the router, passed unretained: the parser owns the router strongly and
//   frees the handle in `deinit`, so the router outlives every callback.
// - A Swift error cannot unwind through C frames: the router stores it and returns false, yajl
//   answers `yajl_status_client_canceled`, and `feed` throws the stored error.
// - Key and string pointers are valid only during the callback: the router copies what it keeps.
// - The router asks `currentOffset` where an event is: the offset is yajl's to tell.

import SlipstreamCore

internal import CSampleTape
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
    private let tape: UnsafeMutablePointer<sample_tape>
    /// Nil for the baseline parser whose callbacks do nothing.
    let router: PayloadRouter?
    /// Bytes of the input fed to yajl before the chunk being parsed.
    private(set) var bytesBeforeChunk = 0 {
        didSet { tape.pointee.bytes_before_chunk = Int64(bytesBeforeChunk) }
    }
    private var isParsing = false

    /// - Parameters:
    ///   - router: receives every event; nil parses with no-op callbacks written in C (the throughput ceiling).
    ///   - readsSamplesInC: sample lists are read by the C tape (the default); false leaves every
    ///     event to the router, the reference the tests compare the tape with.
    init(router: PayloadRouter?, readsSamplesInC: Bool = true) {
        self.router = router
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: Self.routingCallbacks())
        tape = .allocate(capacity: 1)
        sample_tape_init(tape)
        let routerContext = router.map { Unmanaged.passUnretained($0).toOpaque() }
        let handle: yajl_handle?
        if router == nil {
            handle = yajl_alloc(sample_tape_no_op_callbacks(), nil, nil)
        } else if readsSamplesInC {
            handle = yajl_alloc(sample_tape_callbacks(), nil, UnsafeMutableRawPointer(tape))
        } else {
            handle = yajl_alloc(callbacks, nil, routerContext)
        }
        guard let handle else { fatalError("yajl_alloc failed: out of memory") }
        self.handle = handle
        // Several payloads may follow one another (concatenated or one per line).
        _ = cyajl_config(handle, yajl_allow_multiple_values, 1)
        guard let router else { return }
        router.locate = { [unowned self] in self.currentOffset }
        guard readsSamplesInC else { return }
        tape.pointee.forward = UnsafePointer(callbacks)
        tape.pointee.forward_context = routerContext
        tape.pointee.handle = handle
        tape.pointee.max_depth = Int32(clamping: router.limits.maxDepth)
        tape.pointee.flush = { tape in YajlParser.storeTape(tape!) ? 1 : 0 }
        tape.pointee.depth_exceeded = { tape in
            let router = YajlParser.routerOf(tape!)
            YajlParser.adoptPosition(of: tape!)
            return router.exceeded(.maxDepth, "nesting deeper than \(router.limits.maxDepth) levels") ? 1 : 0
        }
        let tape = self.tape
        router.handOverSampleList = { [unowned router] channel in
            let key = router.valueKeys[channel]
            sample_tape_begin_list(
                tape, Int32(channel), UnsafeRawPointer(key.utf8Start).assumingMemoryBound(to: CChar.self), key.utf8CodeUnitCount,
                router.isCoordinate[channel] ? 1 : 0, Int32(clamping: router.depth))
        }
        router.syncHandedOverPosition = { Self.adoptPosition(of: tape) }
    }

    deinit {
        yajl_free(handle)
        callbacks.deinitialize(count: 1)
        callbacks.deallocate()
        sample_tape_destroy(tape)
        tape.deallocate()
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
        if status == yajl_status_ok && tape.pointee.used > 0 && !Self.storeTape(tape) {
            status = yajl_status_client_canceled
        }
        router?.events &+= Int(tape.pointee.events)
        tape.pointee.events = 0
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

// MARK: - The tape

extension YajlParser {
    fileprivate static func routerOf(_ tape: UnsafeMutablePointer<sample_tape>) -> PayloadRouter {
        Unmanaged<PayloadRouter>.fromOpaque(tape.pointee.forward_context).takeUnretainedValue()
    }

    /// Stores the tape's samples in the handed-over channel and empties it.
    /// - Returns: false when the router stopped the parse (a channel over its limit).
    static func storeTape(_ tape: UnsafeMutablePointer<sample_tape>) -> Bool {
        let router = routerOf(tape)
        let channel = Int(tape.pointee.channel)
        let bytes = UnsafeRawBufferPointer(start: tape.pointee.bytes, count: tape.pointee.used)
        tape.pointee.used = 0
        var position = 0
        while position < bytes.count {
            let header = bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)
            let length = Int(header >> 8)
            let text = UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 4 + length)])
            position += 4 + length
            let op = header & 0xFF
            if op & UInt32(SAMPLE_TAPE_PARSED) != 0 {
                let value = text.loadUnaligned(as: UInt64.self)
                switch sample_tape_op(rawValue: op & ~UInt32(SAMPLE_TAPE_PARSED)) {
                case SAMPLE_TAPE_TIME: router.sampleTime(Int64(bitPattern: value), hasOffset: text[8] != 0)
                case SAMPLE_TAPE_LONGITUDE: router.sampleLongitude(Double(bitPattern: value))
                case SAMPLE_TAPE_TIMER: router.sampleTimer(Double(bitPattern: value))
                default: router.sampleValue(Double(bitPattern: value))  // the value or a latitude
                }
                continue
            }
            switch sample_tape_op(rawValue: op) {
            case SAMPLE_TAPE_BEGIN: router.beginSample()
            case SAMPLE_TAPE_VALUE: router.sampleValue(text)
            case SAMPLE_TAPE_TIMER: router.sampleTimer(text)
            case SAMPLE_TAPE_LATITUDE: router.sampleValue(text)
            case SAMPLE_TAPE_LONGITUDE: router.sampleLongitude(text)
            case SAMPLE_TAPE_END:
                guard router.endSample(channel) else {
                    tape.pointee.active = 0  // the read stops at this sample, behind the reader
                    let offset = Int(text.loadUnaligned(as: Int64.self))
                    let element = Int(text.loadUnaligned(fromByteOffset: 8, as: Int32.self))
                    return router.channelFull(at: offset, element: element)
                }
            case SAMPLE_TAPE_DROPPED: router.sampleDropped(channel)
            default: preconditionFailure("an entry the tape does not write: \(op)")
            }
        }
        return true
    }

    /// Tells the router where the C reader is inside the handed-over list (for an error's path),
    /// after storing what the tape holds. The read stops after this.
    static func adoptPosition(of tape: UnsafeMutablePointer<sample_tape>) {
        guard tape.pointee.active != 0 else { return }
        _ = storeTape(tape)
        tape.pointee.active = 0
        let reader = tape.pointee
        let skippedKey = reader.has_skipped_key == 0 ? nil : UnsafeRawBufferPointer(start: reader.skipped_key, count: reader.skipped_key_length)
        let field: PayloadRouter.Slot =
            switch sample_tape_field(rawValue: UInt32(reader.field)) {
            case SAMPLE_TAPE_FIELD_TIME: .sampleTime
            case SAMPLE_TAPE_FIELD_VALUE: .sampleValue
            case SAMPLE_TAPE_FIELD_TIMER: .sampleTimer
            case SAMPLE_TAPE_FIELD_COORDINATES: .coordinates
            default: .skip
            }
        routerOf(tape).adoptHandedOverPosition(
            elements: Int(reader.elements), inSample: reader.state != Int32(SAMPLE_TAPE_IN_LIST.rawValue), field: field,
            keyPending: reader.key_pending != 0, coordinates: reader.state == Int32(SAMPLE_TAPE_IN_COORDINATES.rawValue) ? Int(reader.coordinates) : nil,
            skipDepth: Int(reader.skip_depth), nesting: Int(reader.nesting), skippedKey: skippedKey)
    }
}
