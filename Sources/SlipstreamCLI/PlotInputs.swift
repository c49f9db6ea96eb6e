// `plot`'s inputs, read as `summarize` reads them but one payload after another, each activity
// handed over whole: files and standard input told by their first bytes (JSON, FIT and gzipped
// payloads to the stream; tar, zip and other compressions member by member), directories walked
// in name order for the names `batch` reads.

import Slipstream

/// Reads payloads one after another and hands on each activity and each failure.
final class PlotInputs {
    private let reader: ActivityReader
    /// Each activity, with the name of its payload and its number there (from 1).
    private let activity: (ActivityRecord, _ source: String, _ number: Int) throws -> Void
    /// A payload that failed (its activities before the failure were handed on), or the output.
    private let failure: (SlipstreamError) -> Void
    /// Set by an output failure: nothing more is read.
    private(set) var stopped = false

    init(
        reader: ActivityReader, activity: @escaping (ActivityRecord, String, Int) throws -> Void,
        failure: @escaping (SlipstreamError) -> Void
    ) {
        self.reader = reader
        self.activity = activity
        self.failure = failure
    }

    /// Names a walked directory's file must end with to be read (as `batch` chooses them).
    static let inputSuffixes = [
        ".json", ".ndjson", ".fit", ".json.gz", ".ndjson.gz", ".fit.gz", ".tar", ".tar.gz", ".tgz", ".tar.zst",
        ".tzst", ".tar.bz2", ".tar.xz", ".zip",
    ]
    /// Names an archive's member must end with to be read.
    static let memberSuffixes = [".json", ".ndjson", ".fit", ".json.gz", ".ndjson.gz", ".fit.gz"]

    /// Reads what `path` holds; `-` is standard input.
    func read(_ path: String) {
        guard !stopped else { return }
        if path != "-" && FileSystem.kind(of: path) == .directory { return walk(path) }
        let name = path == "-" ? "<stdin>" : path
        do {
            let file = try FileSource(path: path)
            let (head, format) = try Self.head(of: file)
            let source = PrefixedSource(head, then: file)
            switch format ?? .json {
            case .json, .fit, .binary: payload(source, name: name)
            case .gzip, .zstd, .bzip2, .xz, .zip, .tar:
                try members(ArchiveReader(reading: source, name: name, layout: .any, compression: format), name: name)
            }
        } catch {
            failure(error)
        }
    }

    private func walk(_ directory: String) {
        let names: [String]
        do {
            names = try FileSystem.contents(of: directory)
        } catch {
            return failure(error)
        }
        for name in names where !stopped {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            switch FileSystem.kind(of: path) {
            case .directory: walk(path)
            case .file where Self.inputSuffixes.contains(where: name.lowercased().hasSuffix): read(path)
            default: continue
            }
        }
    }

    /// An archive's payload members in order, or its one stream when it is a compressed payload.
    private func members(_ archive: ArchiveReader, name: String) throws(SlipstreamError) {
        var first = true
        while !stopped, let entry = try archive.nextEntry() {
            if first && archive.isSingleStream {
                payload(archive, name: name)
                return
            }
            first = false
            guard entry.isRegularFile, Self.memberSuffixes.contains(where: entry.path.lowercased().hasSuffix) else {
                continue
            }
            // Past damage there is nothing more to read (and the damage is said once).
            if payload(archive, name: "\(name)!\(entry.path)") == .damagedArchive { return }
        }
    }

    /// One payload's activities; its failure reported, an output failure stops the run.
    /// - Returns: the kind of the failure, if any.
    @discardableResult
    private func payload(_ source: some ByteSource, name: String) -> SlipstreamError.Kind? {
        var named = NamedSource(base: source, name: name)
        var number = 0
        do {
            try reader.forEachActivity(in: &named, problem: reportProblem) { record in
                number += 1
                try activity(record, name, number)
            }
            return nil
        } catch {
            if error.kind == .outputFailed { stopped = true }
            failure(error)
            return error.kind
        }
    }

    private func reportProblem(_ error: SlipstreamError) { failure(error) }

    /// The first bytes of `file`, until they tell its format (at most ``InputFormat/bytesToTell``).
    private static func head(of file: FileSource) throws(SlipstreamError) -> ([UInt8], InputFormat?) {
        var head: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: InputFormat.bytesToTell, alignment: 1)
        defer { chunk.deallocate() }
        while head.count < InputFormat.bytesToTell {
            let wanted = UnsafeMutableRawBufferPointer(rebasing: chunk[0..<(InputFormat.bytesToTell - head.count)])
            let count = try file.read(into: wanted)
            if count == 0 { break }
            head += chunk[0..<count]
            if let format = head.withUnsafeBytes({ InputFormat.detect($0, isComplete: false) }) {
                return (head, format)
            }
        }
        return (head, head.withUnsafeBytes { InputFormat.detect($0, isComplete: true) })
    }
}

/// A source under another name: errors in an archive's member name the member.
private struct NamedSource<Base: ByteSource>: ByteSource {
    var base: Base
    let name: String
    var deliversAsItArrives: Bool { base.deliversAsItArrives }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        try base.read(into: buffer)
    }
}
