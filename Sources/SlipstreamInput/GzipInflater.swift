// Gzip inflated as it streams (the only file that imports zlib): pushed (request bodies, anything
// fed to an ActivityStream) or pulled (GzipSource: compressed files, standard input, archive
// members, under libarchive's tar reader for a .tar.gz). Several gzip members one after another read
// as one stream, as gunzip reads them.

import CZlib
import SlipstreamCore

package final class GzipInflater {
    /// What errors call the input: a request body (pushed), or compressed data (a file, a member).
    package enum Wording: Sendable { case body, data }

    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8] = []
    /// Compressed bytes consumed so far, for errors.
    package private(set) var bytesIn = 0
    private var memberEnded = false
    /// What follows the last member is not gzip (padding, garbage): ignored, as gunzip and libarchive do.
    private var trailing = false
    /// The input's name, for errors.
    private let source: String
    private let wording: Wording

    package init(source: String, wording: Wording = .body) {
        self.source = source
        self.wording = wording
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        _ = czlib_inflate_init(stream)
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Push: inflates `input`, handing out what it yields as it comes.
    /// - Throws: ``SlipstreamError`` `damagedArchive` at the compressed byte where zlib gave up.
    package func inflate(_ input: UnsafeRawBufferPointer, _ yield: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0 else { return }
        if output.isEmpty { output = [UInt8](repeating: 0, count: 64 << 10) }
        setInput(input)
        while !needsInput {
            let produced = try output.withUnsafeMutableBytes { out throws(SlipstreamError) in try inflate(into: out) }
            if produced > 0 {
                try output.withUnsafeBytes { try yield(UnsafeRawBufferPointer(rebasing: $0[..<produced])) }
            }
        }
    }

    /// Pull: the compressed bytes ``inflate(into:)`` reads next; they must stay valid until
    /// ``needsInput``.
    package func setInput(_ input: UnsafeRawBufferPointer) {
        guard let base = input.baseAddress else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
    }

    /// Every byte of the input set last has been consumed.
    package var needsInput: Bool { stream.pointee.avail_in == 0 }

    /// Pull: inflates what input there is into `out`; 0 when it needs more input first.
    /// - Throws: ``SlipstreamError`` `damagedArchive` at the compressed byte where zlib gave up.
    package func inflate(into out: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        while !needsInput {
            if trailing || memberEnded && stream.pointee.next_in.pointee != 0x1F {
                trailing = true
                bytesIn += Int(stream.pointee.avail_in)
                stream.pointee.avail_in = 0
                return 0
            }
            if memberEnded {
                // Another gzip member follows the one that ended.
                inflateReset(stream)
                memberEnded = false
            }
            let before = Int(stream.pointee.avail_in)
            stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(out.count)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let produced = out.count - Int(stream.pointee.avail_out)
            bytesIn += before - Int(stream.pointee.avail_in)
            let stuck = produced == 0 && before == Int(stream.pointee.avail_in)
            switch status {
            case Z_OK: break
            case Z_BUF_ERROR where !stuck: break
            case Z_STREAM_END: memberEnded = true
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                let message =
                    wording == .body ? "the gzip body is damaged: \(reason)" : "the gzip data is damaged: \(reason)"
                throw SlipstreamError(.damagedArchive, message, source: source, byteOffset: bytesIn)
            }
            if produced > 0 { return produced }
        }
        return 0
    }

    /// - Throws: when the input ended inside a gzip member.
    package func finish() throws(SlipstreamError) {
        guard memberEnded || trailing || bytesIn == 0 else {
            let message = wording == .body ? "the gzip body ends before its end (cut short?)" : "truncated gzip input"
            throw SlipstreamError(.damagedArchive, message, source: source, byteOffset: bytesIn)
        }
    }
}

/// Gzip read from a byte source, inflated straight into the caller's buffer: memory stays one
/// chunk of compressed bytes whatever the compression ratio.
public final class GzipSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private let inflater: GzipInflater
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    private var ended = false
    public var name: String { base.name }
    public var deliversAsItArrives: Bool { base.deliversAsItArrives }
    /// Compressed bytes consumed so far (progress, and where damage is).
    public var compressedBytesRead: Int { inflater.bytesIn }

    public init(_ base: Base) {
        self.base = base
        inflater = GzipInflater(source: base.name, wording: .data)
    }

    deinit { chunk.deallocate() }

    /// - Throws: kind `damagedArchive` ("truncated gzip input", "the gzip data is damaged: …") at the
    ///   compressed byte; the source's own errors as they are.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while !ended {
            if inflater.needsInput {
                let count = try base.read(into: chunk)
                if count == 0 {
                    ended = true
                    try inflater.finish()
                    return 0
                }
                inflater.setInput(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
            }
            let produced = try inflater.inflate(into: buffer)
            if produced > 0 { return produced }
        }
        return 0
    }
}
