// How the batch reaches its payloads: command-line paths and directories walked in name order;
// an archive found either way goes to BatchJob+Archives.swift.

import Dispatch
import SlipstreamCore
import SlipstreamSummaries
import SlipstreamStream
import SlipstreamOutput

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
                readFile(path, kind: kind, state)  // an archive found here is read as one named on the command line
            case .other, .missing: state.skip()
            }
        }
    }

    /// A file named on the command line is read as JSON unless its name says archive or gzip.
    func readFile(_ path: String, kind: NameKind, _ state: BatchState) {
        switch kind {
        case .archive:
            readArchive(path, state)
        case .json, .gzipJSON, .other:
            let gzip = kind == .gzipJSON
            let size = FileSystem.size(of: path)
            state.submit(source: path) { (reader: ActivityReader, consumer: BatchConsumer) throws(SlipstreamError) -> ReadReport in
                defer { state.addConsumedInputBytes(size) }
                let file = try FileSource(path: path)
                return try Self.parse(file, gzip: gzip, name: path, reader: reader, consumer: consumer)
            }
        }
    }
}
