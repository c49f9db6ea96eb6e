// Files and standard input read with read(2).

import SlipstreamCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
                .inputUnreadable, "read failed: \(String(cString: strerror(errno)))", source: name,
                byteOffset: bytesRead)
        }
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
