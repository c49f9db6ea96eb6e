// The storing thread of `--parse-threads 2` (see SampleTape.swift for when the two threads meet).

internal import CSampleTape
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The second thread: stores the tape buffers handed to it, in order, and gives them back.
///
/// A ring of `slots` buffers between two counters: the parsing thread fills a slot and counts it
/// `handed`, the storing thread stores it and counts it `stored`. Neither blocks in the kernel
/// while the other is busy: at a tape every ~20 µs a futex wake-up per hand-over cost more than
/// the storing it moved (this VM: 30% of the run in the scheduler). Each side spins 2,000 rounds,
/// then yields (so that with more threads than cores, e.g. `--jobs 2`, the others run), then
/// sleeps in 50 µs steps, so an idle storer costs next to nothing.
final class TapeStorer: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<TapeBuffer>
    private let slotCount: Int
    private let handed = Atomic<Int>(0)
    private let stored = Atomic<Int>(0)
    private let quitting = Atomic<Bool>(false)
    private let running = Atomic<Bool>(true)
    /// Written by the storing thread before it counts the buffer stored; read after.
    private var full: FullChannel?
    /// Touched by the storing thread alone, between drains (see the top of the file).
    private unowned(unsafe) let router: PayloadRouter

    /// Each slot starts with an empty buffer of 20 KiB: with the tape's own, the memory is bounded.
    init(router: PayloadRouter, slots: Int = 4) {
        self.router = router
        slotCount = slots
        self.slots = .allocate(capacity: slots)
        for index in 0..<slots {
            (self.slots + index).initialize(
                to: TapeBuffer(bytes: sample_tape_buffer(20 << 10), used: 0, capacity: 20 << 10, channel: 0))
        }
        // A thread of its own: on dispatch's pool it waited, with batch's workers holding the pool's
        // threads, until the pool grew (--jobs 2 --parse-threads 2: 7.9 s instead of 0.6 s).
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<TapeStorer>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard created == 0 else { fatalError("pthread_create failed: \(created)") }
        pthread_detach(thread)
    }

    private func run() {
        var next = 0
        while true {
            Self.wait { handed.load(ordering: .acquiring) > next || quitting.load(ordering: .relaxed) }
            if handed.load(ordering: .acquiring) == next { break }  // quitting, nothing left
            let slot = slots + next % slotCount
            if full == nil { full = router.storeTape(slot.pointee) }
            slot.pointee.used = 0
            next += 1
            stored.store(next, ordering: .releasing)
        }
        running.store(false, ordering: .releasing)
    }

    /// Spins, then yields, then sleeps until `condition` holds.
    private static func wait(until condition: () -> Bool) {
        var rounds = 0
        while !condition() {
            rounds += 1
            if rounds < 2_000 { continue }
            if rounds < 20_000 { sched_yield() } else { usleep(50) }
        }
    }

    /// Hands `buffer` over and returns an empty one (waiting for one to come back if all are out).
    func exchange(_ buffer: TapeBuffer) -> TapeBuffer {
        let count = handed.load(ordering: .relaxed)
        Self.wait { count - stored.load(ordering: .acquiring) < slotCount }
        let slot = slots + count % slotCount
        let fresh = slot.pointee
        slot.pointee = buffer
        handed.store(count + 1, ordering: .releasing)
        return fresh
    }

    /// Returns when everything handed over is stored.
    func drain() {
        let count = handed.load(ordering: .relaxed)
        Self.wait { stored.load(ordering: .acquiring) == count }
    }

    /// The sample that found its channel full, once; call after `drain`.
    func takeFull() -> FullChannel? {
        defer { full = nil }
        return full
    }

    /// Ends the thread and frees the buffers.
    func stop() {
        quitting.store(true, ordering: .releasing)
        Self.wait { !running.load(ordering: .acquiring) }
        for index in 0..<slotCount { sample_tape_release(slots[index].bytes) }
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }
}
