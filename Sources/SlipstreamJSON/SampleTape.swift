// The Swift side of the C sample tape (CSampleTape): its records stored in the router's columns,
// in the parsing thread or, with two parse threads, in a second one while yajl parses on; and the
// C reader's position given to the router when an error needs a path.
//
// With a storing thread the router's columns and sample state belong to that thread while a list
// is read (no Swift event reaches the router then: C reads the whole list); the parsing thread
// waits for it (`drain`) at the list's end and before any error. A channel found full is reported
// by the parsing thread, at the sample that filled it, in the chunk where it happened (lines are
// known there only): a chunk's end waits for the storer when the list could have filled it.

internal import CSampleTape
import SlipstreamCore

/// Records written by C, owned by whoever stores them next.
struct TapeBuffer: @unchecked Sendable {
    var bytes: UnsafeMutablePointer<UInt8>
    var used: Int
    var capacity: Int
    var channel: Int
}

/// The sample that found its channel full: where it closed and its 1-based place in the list.
struct FullChannel: Sendable {
    var offset: Int
    var element: Int
}

final class SampleTape {
    let pointer: UnsafeMutablePointer<sample_tape>
    private unowned(unsafe) let router: PayloadRouter
    private let storer: TapeStorer?
    /// Samples the handed-over list's channel can still take: while the list has fewer elements,
    /// none of them can find it full, and the end of a chunk need not wait for the storer.
    private var room = 0

    /// - Parameter threads: 2 stores the records in a second thread.
    init(router: PayloadRouter, threads: Int) {
        self.router = router
        pointer = .allocate(capacity: 1)
        sample_tape_init(pointer)
        storer = threads > 1 ? TapeStorer(router: router) : nil
        if storer != nil {
            pointer.pointee.flush_bytes = 16 * 1024
            pointer.pointee.parses_values = 0  // the storing thread parses them
        }
        pointer.pointee.forward_context = Unmanaged.passUnretained(router).toOpaque()
        pointer.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        pointer.pointee.max_depth = Int32(clamping: router.limits.maxDepth)
        pointer.pointee.flush = { tape in SampleTape.of(tape!).flush() ? 1 : 0 }
        pointer.pointee.depth_exceeded = { tape in
            let owner = SampleTape.of(tape!)
            owner.adoptPosition()
            return owner.router.exceeded(.maxDepth, "nesting deeper than \(owner.router.limits.maxDepth) levels")
                ? 1 : 0
        }
        let pointer = self.pointer
        router.handOverSampleList = { [unowned self, unowned router] channel in
            // The storer is idle: the list before ended with a drain.
            room = router.limits.maxSamplesPerChannel - router.activity.columns.columns[channel].count
            let key = router.valueKeys[channel]
            sample_tape_begin_list(
                pointer, Int32(channel), UnsafeRawPointer(key.utf8Start).assumingMemoryBound(to: CChar.self),
                key.utf8CodeUnitCount,
                router.isCoordinate[channel] ? 1 : 0, Int32(clamping: router.depth))
        }
        router.syncHandedOverPosition = { [unowned self] in self.adoptPosition() }
    }

    deinit {
        storer?.stop()
        sample_tape_destroy(pointer)
        pointer.deallocate()
    }

    fileprivate static func of(_ tape: UnsafeMutablePointer<sample_tape>) -> SampleTape {
        Unmanaged<SampleTape>.fromOpaque(tape.pointee.owner).takeUnretainedValue()
    }

    /// C's call: the tape is full enough, or the list ended.
    private func flush() -> Bool {
        guard let storer else { return storeInPlace() }
        handOver(to: storer)
        guard pointer.pointee.active == 0 else { return true }  // a full channel is told after a drain
        storer.drain()
        return reportFull(storer)
    }

    /// After each chunk's parse. A full channel is reported in the chunk where it happened (where
    /// lines are known), so the storer is waited for when the list could have filled it.
    func chunkEnded() -> Bool {
        guard let storer else { return storeInPlace() }
        handOver(to: storer)
        if pointer.pointee.active != 0 && Int(pointer.pointee.elements) < room { return true }
        storer.drain()
        return reportFull(storer)
    }

    /// The records written since the last call, as a buffer; the tape starts over in the same memory.
    private func takeRecords() -> TapeBuffer? {
        guard pointer.pointee.used > 0 else { return nil }
        defer { pointer.pointee.used = 0 }
        return TapeBuffer(
            bytes: pointer.pointee.bytes, used: pointer.pointee.used, capacity: pointer.pointee.capacity,
            channel: Int(pointer.pointee.channel))
    }

    private func storeInPlace() -> Bool {
        guard let records = takeRecords(), let full = router.storeTape(records) else { return true }
        return stop(at: full)
    }

    /// Gives the records to the storer; the tape goes on in an empty buffer it gives back.
    private func handOver(to storer: TapeStorer) {
        guard let records = takeRecords() else { return }
        let fresh = storer.exchange(records)
        pointer.pointee.bytes = fresh.bytes
        pointer.pointee.capacity = fresh.capacity
    }

    private func reportFull(_ storer: TapeStorer) -> Bool {
        guard let full = storer.takeFull() else { return true }
        return stop(at: full)
    }

    /// The read stops at a sample that found its channel full (the reader may be past it).
    private func stop(at full: FullChannel) -> Bool {
        pointer.pointee.active = 0
        return router.channelFull(at: full.offset, element: full.element)
    }

    /// Tells the router where the C reader is inside the handed-over list (for an error's path),
    /// after storing what the tape holds. The read stops after this.
    func adoptPosition() {
        guard pointer.pointee.active != 0 else { return }
        if let storer {
            handOver(to: storer)
            storer.drain()
            if let full = storer.takeFull() {  // it came first in the input: its error is the one
                _ = stop(at: full)
                return
            }
        } else if !storeInPlace() {
            return
        }
        pointer.pointee.active = 0
        let reader = pointer.pointee
        let skippedKey =
            reader.has_skipped_key == 0
            ? nil : UnsafeRawBufferPointer(start: reader.skipped_key, count: reader.skipped_key_length)
        let field: PayloadRouter.Slot =
            switch sample_tape_field(rawValue: UInt32(reader.field)) {
            case SAMPLE_TAPE_FIELD_TIME: .sampleTime
            case SAMPLE_TAPE_FIELD_VALUE: .sampleValue
            case SAMPLE_TAPE_FIELD_TIMER: .sampleTimer
            case SAMPLE_TAPE_FIELD_COORDINATES: .coordinates
            default: .skip
            }
        router.adoptHandedOverPosition(
            elements: Int(reader.elements), inSample: reader.state != Int32(SAMPLE_TAPE_IN_LIST.rawValue), field: field,
            keyPending: reader.key_pending != 0,
            coordinates: reader.state == Int32(SAMPLE_TAPE_IN_COORDINATES.rawValue) ? Int(reader.coordinates) : nil,
            skipDepth: Int(reader.skip_depth), nesting: Int(reader.nesting), skippedKey: skippedKey)
    }
}

extension PayloadRouter {
    /// Stores a tape's samples in their channel. Returns the sample that found the channel full, if one did.
    func storeTape(_ buffer: TapeBuffer) -> FullChannel? {
        let channel = buffer.channel
        let bytes = UnsafeRawBufferPointer(start: buffer.bytes, count: buffer.used)
        var position = 0
        while position < bytes.count {
            let header = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let length = Int(header >> 8)
            let text = UnsafeRawBufferPointer(rebasing: bytes[(position + 8)..<(position + 8 + length)])
            position += 8 + length
            let op = UInt32(header & 0xFF)
            if op & UInt32(SAMPLE_TAPE_PARSED) != 0 {
                let value = text.loadUnaligned(as: UInt64.self)
                switch sample_tape_op(rawValue: op & ~UInt32(SAMPLE_TAPE_PARSED)) {
                case SAMPLE_TAPE_TIME: sampleTime(Int64(bitPattern: value), hasOffset: text[8] != 0)
                case SAMPLE_TAPE_LONGITUDE: sampleLongitude(Double(bitPattern: value))
                case SAMPLE_TAPE_TIMER: sampleTimer(Double(bitPattern: value))
                default: sampleValue(Double(bitPattern: value))  // the value or a latitude
                }
                continue
            }
            switch sample_tape_op(rawValue: op) {
            case SAMPLE_TAPE_BEGIN: beginSample()
            case SAMPLE_TAPE_TIME: sampleTime(text)
            case SAMPLE_TAPE_VALUE, SAMPLE_TAPE_LATITUDE: sampleValue(text)
            case SAMPLE_TAPE_TIMER: sampleTimer(text)
            case SAMPLE_TAPE_LONGITUDE: sampleLongitude(text)
            case SAMPLE_TAPE_END:
                if !endSample(channel) {
                    return FullChannel(
                        offset: Int(text.loadUnaligned(as: Int64.self)),
                        element: Int(text.loadUnaligned(fromByteOffset: 8, as: Int32.self)))
                }
            case SAMPLE_TAPE_DROPPED: sampleDropped(channel)
            default: preconditionFailure("an entry the tape does not write: \(op)")
            }
        }
        return nil
    }
}
