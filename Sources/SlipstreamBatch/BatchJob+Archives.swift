// Archive members and gzip files as payloads: members read in order by this thread, piped to a
// worker when there are several jobs (ChunkPipe.swift), gzip decompressed straight into the reader.

import Dispatch
import SlipstreamCore
import SlipstreamSummaries
import SlipstreamStream
import SlipstreamOutput

extension BatchJob {
    func readArchive(_ path: String, _ state: BatchState) {
        let archive: ArchiveReader
        do {
            archive = try ArchiveReader(path: path, layout: .archive)
        } catch {
            state.submitFailure(error, source: path)
            return
        }
        var consumed = 0
        defer { state.addConsumedInputBytes(FileSystem.size(of: path) - consumed) }
        let readAhead = ReadAhead(bytes: readAheadBytes, chunkSize: ActivityReader.chunkSize)
        while !state.shouldStop {
            let entry: ArchiveEntry?
            do {
                entry = try archive.nextEntry()
            } catch {
                state.submitFailure(error, source: path)
                return
            }
            guard let entry else { return }
            let kind = NameKind(entry.path)
            guard entry.isRegularFile, kind == .json || kind == .gzipJSON else {
                if entry.isRegularFile { state.skip() }
                continue
            }
            let source = "\(path)!\(entry.path)"
            let gzip = kind == .gzipJSON
            if jobs == 1 {
                state.submit(source: source) { reader, consumer throws(SlipstreamError) in
                    try Self.parse(archive, gzip: gzip, name: source, reader: reader, consumer: consumer)
                }
            } else {
                let pipe = ChunkPipe(name: source, readAhead: readAhead)
                state.submit(source: source) { reader, consumer throws(SlipstreamError) in
                    defer { pipe.close() }
                    return try Self.parse(pipe.reader(), gzip: gzip, name: source, reader: reader, consumer: consumer)
                }
                pump(archive, into: pipe)
            }
            let now = archive.compressedBytesRead
            state.addConsumedInputBytes(now - consumed)
            consumed = now
        }
    }

    /// Copies the current member into the pipe, or its failure.
    func pump(_ archive: ArchiveReader, into pipe: ChunkPipe) {
        while true {
            var chunk = pipe.readAhead.take()
            do {
                let count = try chunk.withUnsafeMutableBytes { buffer throws(SlipstreamError) in try archive.read(into: buffer) }
                if count == 0 {
                    pipe.readAhead.give(chunk)
                    pipe.finish()
                    return
                }
                // The worker has stopped reading (its payload failed): the rest of the member is skipped.
                if !pipe.push(chunk, count: count) {
                    while try chunk.withUnsafeMutableBytes({ buffer throws(SlipstreamError) in try archive.read(into: buffer) }) > 0 {}
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
}

