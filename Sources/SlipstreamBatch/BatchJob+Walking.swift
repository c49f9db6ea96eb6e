// How the batch reaches its payloads: command-line paths and directories walked in name order
// (names choose which files of a directory are inputs); the first bytes of each say how to read
// it, and an archive or compressed stream goes to BatchJob+Archives.swift.

import Dispatch
import SlipstreamCore
import SlipstreamInput

extension BatchJob {
    /// Bytes on disk of what a path gives to read (for progress): a file's size, or the sizes of the
    /// payload files below a directory.
    static func inputBytes(at path: String) -> Int {
        switch FileSystem.kind(of: path) {
        case .file: return FileSystem.size(of: path)
        case .directory:
            let names = (try? FileSystem.contents(of: path)) ?? []
            return names.reduce(0) { total, name in
                let child = path.hasSuffix("/") ? path + name : path + "/" + name
                let kind = FileSystem.kind(of: child)
                guard kind == .directory || NameKind(name) != .other else { return total }
                return total + inputBytes(at: child)
            }
        case .other, .missing: return 0
        }
    }

    func walk(directory: String, _ state: BatchState) {
        let names: [String]
        do {
            names = try FileSystem.contents(of: directory)
        } catch {
            state.submitFailure(error, source: directory)
            return
        }
        for name in names {
            if state.shouldStop { return }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            switch FileSystem.kind(of: path) {
            case .directory: walk(directory: path, state)
            case .file:
                if state.isOutput(path) { continue }
                let kind = NameKind(name)
                guard kind != .other else {
                    state.skip()
                    continue
                }
                readInput(path, state)  // the name chose it; its content says how to read it
            case .other, .missing: state.skip()
            }
        }
    }

    /// Reads what a path holds as its first bytes say, not as its name says: a payload (JSON, or
    /// FIT, which the stream names), a compressed payload (`.json.gz`), or an archive of payloads.
    /// `-` is standard input; a pipe or a device is read once, its first bytes replayed.
    func readInput(_ path: String, _ state: BatchState) {
        let name = path == "-" ? "<stdin>" : path
        let file: FileSource
        var head: [UInt8] = []
        var told: InputFormat?
        do {
            file = try FileSource(path: path)
            (head, told) = try Self.readHead(file)
        } catch {
            state.submitFailure(error, source: name)
            return
        }
        var format = told ?? .json
        // An empty tar is all zeros, with no magic to find: a name that says archive is believed
        // (libarchive reads a JSON file so named as one plain stream all the same).
        if format == .json || format == .binary, NameKind(path) == .archive { format = .tar }
        let reopens = path != "-" && FileSystem.kind(of: path) == .file
        switch format {
        case .json, .fit, .binary:  // binary: the stream says what it looks like
            let size = reopens ? FileSystem.size(of: path) : 0
            // A file is opened again by the worker that reads it; standard input goes on from its head.
            let replay = reopens ? nil : PrefixedSource(head, then: file)
            state.submit(source: name) { reader, consumer throws(SlipstreamError) in
                defer { state.addConsumedInputBytes(size) }
                if let replay {
                    return try Self.parse(replay, gzip: false, name: name, reader: reader, consumer: consumer)
                }
                return try Self.parse(
                    try FileSource(path: path), gzip: false, name: name, reader: reader, consumer: consumer)
            }
        case .gzip, .zstd, .bzip2, .xz, .zip, .tar:
            do {
                let archive =
                    reopens
                    ? try ArchiveReader(path: path, layout: .any, compression: format)
                    : try ArchiveReader(
                        reading: PrefixedSource(head, then: file), name: name, layout: .any, compression: format)
                readArchive(archive, name: name, reopenable: reopens ? path : nil, state)
            } catch {
                state.submitFailure(error, source: name)
            }
        }
    }

    /// Reads the start of an input until its format can be told: from a pipe, no more than what
    /// has arrived when it can (a filter answers the first payload before the next one is sent).
    static func readHead(_ file: FileSource) throws(SlipstreamError) -> ([UInt8], InputFormat?) {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: InputFormat.bytesToTell, alignment: 1)
        defer { chunk.deallocate() }
        var head: [UInt8] = []
        while head.count < InputFormat.bytesToTell {
            let count = try file.read(
                into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<(InputFormat.bytesToTell - head.count)]))
            if count == 0 { return (head, head.withUnsafeBytes { InputFormat.detect($0, isComplete: true) }) }
            head += chunk[0..<count]
            if let format = head.withUnsafeBytes({ InputFormat.detect($0, isComplete: false) }) {
                return (head, format)
            }
        }
        return (head, head.withUnsafeBytes { InputFormat.detect($0, isComplete: true) })
    }
}
