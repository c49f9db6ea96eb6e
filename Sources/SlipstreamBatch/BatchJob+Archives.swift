// Archive members and gzip files as payloads: members read in order by this thread, piped to a
// worker when there are several jobs (ChunkPipe.swift), gzip decompressed straight into the reader.

import Dispatch
import SlipstreamCore
import SlipstreamInput
import SlipstreamStream

extension BatchJob {
    /// Reads an opened archive's members as payloads, in order; a single compressed stream (a
    /// `.json.gz`) is one payload. `reopenable`: the path, when a worker may open the file itself.
    func readArchive(_ archive: ArchiveReader, name: String, reopenable path: String?, _ state: BatchState) {
        let size = path.map(FileSystem.size(of:)) ?? 0
        var consumed = 0
        defer { state.addConsumedInputBytes(size - consumed) }
        let readAhead = ReadAhead(bytes: readAheadBytes, chunkSize: ActivityReader.chunkSize)
        var first = true
        while !state.shouldStop {
            let entry: ArchiveEntry?
            do {
                entry = try archive.nextEntry()
            } catch {
                state.submitFailure(error, source: name)
                return
            }
            guard let entry else { return }
            if first && archive.isSingleStream {
                readSingleStream(archive, name: name, reopenable: path, readAhead: readAhead, state)
                return
            }
            first = false
            let kind = NameKind(entry.path)
            guard entry.isRegularFile, kind == .json || kind == .gzipJSON else {
                if entry.isRegularFile { state.skip() }
                continue
            }
            readMember(archive, name: "\(name)!\(entry.path)", gzip: kind == .gzipJSON, readAhead: readAhead, state)
            let now = archive.compressedBytesRead
            state.addConsumedInputBytes(now - consumed)
            consumed = now
        }
    }

    /// One compressed payload: a worker decompresses a file itself; standard input is read here.
    private func readSingleStream(
        _ archive: ArchiveReader, name: String, reopenable path: String?, readAhead: ReadAhead, _ state: BatchState
    ) {
        guard let path, jobs > 1 else {
            return readMember(archive, name: name, gzip: false, readAhead: readAhead, state)
        }
        state.submit(source: name) { reader, consumer throws(SlipstreamError) in
            let stream = try ArchiveReader(path: path, layout: .compressedStream, compression: archive.compression)
            guard try stream.nextEntry() != nil else { return ReadReport() }
            return try Self.parse(stream, gzip: false, name: name, reader: reader, consumer: consumer)
        }
    }

    /// The current entry as a payload: parsed here with one job, else piped to a worker.
    private func readMember(
        _ archive: ArchiveReader, name: String, gzip: Bool, readAhead: ReadAhead, _ state: BatchState
    ) {
        if jobs == 1 {
            state.submit(source: name) { reader, consumer throws(SlipstreamError) in
                try Self.parse(archive, gzip: gzip, name: name, reader: reader, consumer: consumer)
            }
        } else {
            let pipe = ChunkPipe(name: name, readAhead: readAhead)
            state.submit(source: name) { reader, consumer throws(SlipstreamError) in
                defer { pipe.close() }
                return try Self.parse(pipe.reader(), gzip: gzip, name: name, reader: reader, consumer: consumer)
            }
            pump(archive, into: pipe)
        }
    }

    /// Copies the current member into the pipe, or its failure.
    func pump(_ archive: ArchiveReader, into pipe: ChunkPipe) {
        while true {
            var chunk = pipe.readAhead.take()
            do {
                let count = try chunk.withUnsafeMutableBytes { buffer throws(SlipstreamError) in
                    try archive.read(into: buffer)
                }
                if count == 0 {
                    pipe.readAhead.give(chunk)
                    pipe.finish()
                    return
                }
                // The worker has stopped reading (its payload failed): the rest of the member is skipped.
                if !pipe.push(chunk, count: count) {
                    while try chunk.withUnsafeMutableBytes({ buffer throws(SlipstreamError) in
                        try archive.read(into: buffer)
                    }) > 0 {}
                    pipe.readAhead.give(chunk)
                    return
                }
            } catch {
                // The member's data is damaged. The archive may still go on (a zip's members stand
                // apart): the next header says, and the member's error says what it found.
                pipe.readAhead.give(chunk)
                pipe.fail(error as? SlipstreamError ?? SlipstreamError(.inputUnreadable, "\(error)", source: pipe.name))
                return
            }
        }
    }

    static func parse(
        _ source: some ByteSource, gzip: Bool, name: String, reader: ActivityReader, consumer: BatchConsumer
    ) throws(SlipstreamError) -> ReadReport {
        var input = NamedSource(source, name: name)
        guard gzip else { return try reader.read(&input, into: consumer) }
        var decompressed = try ArchiveReader(decompressing: input, name: name)
        guard try decompressed.nextEntry() != nil else { return ReadReport() }
        return try reader.read(&decompressed, into: consumer)
    }
}
/// Renames a source: the reader names errors after its source.
private struct NamedSource<Base: ByteSource>: ByteSource {
    var base: Base
    let name: String
    init(_ base: Base, name: String) {
        self.base = base
        self.name = name
    }
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        try base.read(into: buffer)
    }
    var deliversAsItArrives: Bool { base.deliversAsItArrives }
}
