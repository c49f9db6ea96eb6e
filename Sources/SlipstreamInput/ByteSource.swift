// Where payload bytes come from. A source fills the caller's buffer and says how much it wrote;
// it never reads the whole input at once.

import SlipstreamCore

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
