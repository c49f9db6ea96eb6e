// Archive members travel from the thread that reads the archive to the worker that parses them
// through a pipe of chunks; the chunks come from one bounded pool (the read-ahead) per archive.

import Dispatch
import SlipstreamCore
import SlipstreamInput

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
        lock.withLock {
            $0.failure = error
            $0.ended = true
        }
        items.signal()
    }

    /// The reader is done, early or not: the chunk it had and those left unread go back to the
    /// read-ahead.
    func close() {
        let unread = lock.withLock { state -> [Chunk] in
            state.closed = true
            defer {
                state.chunks = []
                state.head = 0
                state.lent = nil
            }
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
