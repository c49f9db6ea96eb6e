// Inputs as plain payload files, for tools that must read a payload file more than once (`bench`
// times each stage over the same bytes): directories are walked, and what an archive or a gzip file
// holds is decompressed to temporary files first, so that decompression is not what is timed.

import SlipstreamCore
import SlipstreamInput

public enum PayloadFiles {
    /// One payload file to read, and the name to show for it.
    public struct File: Sendable {
        public var path: String
        public var name: String
        /// Written here, to be removed by the caller.
        public var isTemporary: Bool

        public init(path: String, name: String, isTemporary: Bool) {
            self.path = path
            self.name = name
            self.isTemporary = isTemporary
        }
    }

    /// The payload files `paths` hold, in order: a JSON file as it is, each payload member of an
    /// archive or a compressed file decompressed to a temporary file, a directory's files by name.
    /// - Throws: ``SlipstreamError`` for an input that cannot be read or a damaged archive.
    public static func expand(_ paths: [String]) throws(SlipstreamError) -> [File] {
        var files: [File] = []
        for path in paths { try expand(path, &files) }
        return files
    }

    private static func expand(_ path: String, _ files: inout [File]) throws(SlipstreamError) {
        if FileSystem.kind(of: path) == .directory {
            for name in try FileSystem.contents(of: path) {
                let child = path.hasSuffix("/") ? path + name : path + "/" + name
                if FileSystem.kind(of: child) == .directory || BatchJob.NameKind(name) != .other {
                    try expand(child, &files)
                }
            }
            return
        }
        let (_, format) = try BatchJob.readHead(try FileSource(path: path))
        switch format ?? .json {
        case .json, .fit, .binary:  // binary: the stream says what it looks like
            files.append(File(path: path, name: path, isTemporary: false))
        case .gzip, .zstd, .bzip2, .xz, .zip, .tar:
            let archive = try ArchiveReader(path: path, layout: .any, compression: format)
            while let entry = try archive.nextEntry() {
                let single = archive.isSingleStream
                guard single || (entry.isRegularFile && BatchJob.NameKind(entry.path) == .json) else { continue }
                let copy = FileSystem.temporaryPath(named: "slipstream-bench-\(files.count)", extension: "json")
                let sink = try FileSink(path: copy)
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
                defer { buffer.deallocate() }
                while true {
                    let count = try archive.read(into: buffer)
                    if count == 0 { break }
                    try sink.write(Array(buffer[0..<count]))
                }
                try sink.flush()
                files.append(File(path: copy, name: single ? path : "\(path)!\(entry.path)", isTemporary: true))
                if single { break }
            }
        }
    }
}
