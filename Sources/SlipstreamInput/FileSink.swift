// Output files and standard error, written with write(2).

import SlipstreamCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
            let written = buffer.withUnsafeBytes {
                systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
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

func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }
