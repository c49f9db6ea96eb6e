// Where payload bytes come from. A source fills the caller's buffer and says how much it wrote;
// it never reads the whole input at once. This file is the only one that calls libc's I/O.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read chunk by chunk.
public protocol ByteSource {
    /// The name errors use: a path, `<stdin>`, or an archive member.
    var name: String { get }
    /// Fills the start of `buffer`; returns the number of bytes written, 0 at the end of the input.
    /// - Throws: ``SlipstreamError`` of kind `inputUnreadable`.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int
    /// Bytes arrive over time (a pipe, a terminal, a socket): a reader should use what a read gave
    /// rather than wait to fill its buffer, so that a filter answers each payload as it comes.
    var deliversAsItArrives: Bool { get }
}

extension ByteSource {
    public var deliversAsItArrives: Bool { false }
}

/// A file or standard input, read with `read(2)`.
public final class FileSource: ByteSource {
    public let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var bytesRead = 0
    /// Not a regular file: standard input from a pipe or a terminal, a FIFO, a device.
    public let deliversAsItArrives: Bool

    /// Opens `path` for reading; `-` means standard input.
    /// - Throws: ``SlipstreamError`` of kind `inputUnreadable` when the file cannot be opened.
    public init(path: String) throws(SlipstreamError) {
        if path == "-" {
            self.name = "<stdin>"
            self.descriptor = 0
            self.ownsDescriptor = false
            var info = stat()
            deliversAsItArrives = fstat(0, &info) != 0 || (info.st_mode & S_IFMT) != S_IFREG
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SlipstreamError(.inputUnreadable, "cannot open: \(String(cString: strerror(errno)))", source: path)
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw SlipstreamError(.inputUnreadable, "is a directory", source: path)
        }
        self.name = path
        self.descriptor = fd
        self.ownsDescriptor = true
        deliversAsItArrives = (info.st_mode & S_IFMT) != S_IFREG
    }

    /// The whole content of the file at `path` (`-`: standard input), for callers that want the
    /// bytes in memory; the readers themselves never do this.
    /// - Throws: ``SlipstreamError`` of kind `inputUnreadable`.
    public static func readAll(path: String) throws(SlipstreamError) -> [UInt8] {
        let source = try FileSource(path: path)
        var bytes: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let count = try source.read(into: chunk)
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// Standard input.
    public static func standardInput() -> FileSource {
        try! FileSource(path: "-")
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        while true {
            let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 {
                bytesRead += count
                return count
            }
            if errno == EINTR { continue }
            throw SlipstreamError(
                .inputUnreadable, "read failed: \(String(cString: strerror(errno)))", source: name, byteOffset: bytesRead)
        }
    }
}

/// Bytes already in memory, handed out in chunks of at most `chunkSize` (tests feed 1 byte at a time).
public struct MemorySource: ByteSource {
    public let name: String
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var position = 0

    public init(_ bytes: [UInt8], name: String = "<memory>", chunkSize: Int = .max) {
        self.bytes = bytes
        self.name = name
        self.chunkSize = max(1, chunkSize)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        let count = min(buffer.count, chunkSize, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}

/// Bytes already read from a source (to tell its format), then the rest of the source.
public struct PrefixedSource<Base: ByteSource>: ByteSource {
    private var prefix: [UInt8]
    private var base: Base
    private var position = 0
    public var name: String { base.name }
    public var deliversAsItArrives: Bool { base.deliversAsItArrives }

    public init(_ prefix: [UInt8], then base: Base) {
        self.prefix = prefix
        self.base = base
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        guard position < prefix.count else { return try base.read(into: buffer) }
        let count = min(buffer.count, prefix.count - position)
        prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: count) }
        position += count
        return count
    }
}

/// Writes bytes to a file descriptor, buffered; errors are ``SlipstreamError`` of kind `outputFailed`.
public final class FileSink {
    private let descriptor: Int32
    private let name: String
    private var buffer: [UInt8] = []
    private let threshold = 1 << 16

    /// Standard output.
    public init() {
        descriptor = 1
        name = "<stdout>"
        buffer.reserveCapacity(threshold * 2)
    }

    /// Creates or truncates the file at `path`.
    /// - Throws: ``SlipstreamError`` of kind `outputFailed` when it cannot be opened.
    public init(path: String) throws(SlipstreamError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SlipstreamError(.outputFailed, "cannot create: \(String(cString: strerror(errno)))", source: path)
        }
        descriptor = fd
        name = path
        buffer.reserveCapacity(threshold * 2)
    }

    deinit {
        if descriptor > 2 { close(descriptor) }
    }

    public func write(_ bytes: [UInt8]) throws(SlipstreamError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= threshold { try flush() }
    }

    public func flush() throws(SlipstreamError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw SlipstreamError(.outputFailed, "write failed: \(reason)", source: name)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Offset of the first `byte` in `buffer` (libc's `memchr`, vectorized), nil when there is none.
@inline(__always)
package func firstOffset(of byte: UInt8, in buffer: UnsafeRawBufferPointer) -> Int? {
    guard let base = buffer.baseAddress, let found = memchr(base, Int32(byte), buffer.count) else { return nil }
    return UnsafeRawPointer(found) - base
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }

/// Standard error, unbuffered, for diagnostics.
public enum StandardError {
    public static func writeLine(_ text: String) { write(text + "\n") }

    public static func write(_ text: String) {
        var line = text
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// One file, whatever the path that names it.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
}

/// Files by path, beyond reading and writing them.
public enum FileSystem {
    /// Removes a file; true when it is gone.
    @discardableResult
    public static func remove(_ path: String) -> Bool { unlink(path) == 0 }

    /// What a path names, following symbolic links to files but not to directories (no walk loops).
    public enum Kind: Sendable { case file, directory, other, missing }

    public static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        var mode = info.st_mode & S_IFMT
        if mode == S_IFLNK {
            guard stat(path, &info) == 0 else { return .missing }
            mode = info.st_mode & S_IFMT
            return mode == S_IFREG ? .file : .other
        }
        return mode == S_IFREG ? .file : mode == S_IFDIR ? .directory : .other
    }

    /// The device and inode of what a path names (links followed): two paths name one file when
    /// theirs are equal. Nil when nothing is there.
    public static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Size in bytes of a file; 0 when unknown.
    public static func size(of path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The names in a directory, sorted bytewise, without `.` and `..`.
    public static func contents(of directory: String) throws(SlipstreamError) -> [String] {
        guard let handle = opendir(directory) else {
            throw SlipstreamError(.inputUnreadable, "cannot open directory: \(String(cString: strerror(errno)))", source: directory)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Renames `from` to `to`, replacing `to` (atomic within one file system).
    public static func rename(_ from: String, to: String) throws(SlipstreamError) {
        guard systemRename(from, to) == 0 else {
            throw SlipstreamError(.outputFailed, "cannot rename \(from): \(String(cString: strerror(errno)))", source: to)
        }
    }

    /// This process's id.
    public static var processID: Int { Int(getpid()) }

    /// Number of processors this process may run on.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Whether standard error is a terminal (progress lines are drawn only then).
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// A path in the temporary directory that no other process of this name uses.
    public static func temporaryPath(named stem: String, extension suffix: String) -> String {
        "/tmp/\(stem)-\(getpid()).\(suffix)"
    }
}

/// This process's memory, from Linux's `/proc/self`.
public enum ProcessMemory {
    /// Peak resident set size (`VmHWM`) in bytes since start or the last ``resetPeak()``; nil when unknown.
    public static func peakResidentBytes() -> Int? {
        guard let source = try? FileSource(path: "/proc/self/status") else { return nil }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while let count = try? chunk.withUnsafeMutableBytes({ buffer throws(SlipstreamError) in try source.read(into: buffer) }),
            count > 0
        {
            text.append(contentsOf: chunk[0..<count])
        }
        for line in text.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("VmHWM:".utf8)) {
            let digits = line.filter { $0 >= 48 && $0 <= 57 }
            guard let kilobytes = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// Starts a new peak at the current resident size (writes 5 to `/proc/self/clear_refs`); false when not allowed.
    @discardableResult
    public static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return systemWrite(fd, "5", 1) == 1
    }
}
