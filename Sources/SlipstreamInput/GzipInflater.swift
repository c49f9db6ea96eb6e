// Gzip inflated as it streams in (the only file that imports zlib): request bodies, and any input
// pushed to an ActivityStream. Several gzip members one after another read as one body, as gunzip
// reads them.

import CZlib
import SlipstreamCore

package final class GzipInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var output = [UInt8](repeating: 0, count: 64 << 10)
    /// Compressed bytes consumed so far, for errors.
    private(set) var bytesIn = 0
    private var memberEnded = false
    /// The input's name, for errors.
    private let source: String

    package init(source: String) {
        self.source = source
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        _ = czlib_inflate_init(stream)
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates `input`, handing out what it yields as it comes.
    /// - Throws: ``SlipstreamError`` `damagedArchive` at the compressed byte where zlib gave up.
    package func inflate(_ input: UnsafeRawBufferPointer, _ yield: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while stream.pointee.avail_in > 0 {
            if memberEnded {
                // Another gzip member follows the one that ended.
                inflateReset(stream)
                memberEnded = false
            }
            let before = Int(stream.pointee.avail_in)
            let (status, produced) = output.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(out.count)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                return (status, out.count - Int(stream.pointee.avail_out))
            }
            bytesIn += before - Int(stream.pointee.avail_in)
            if produced > 0 {
                try output.withUnsafeBytes { try yield(UnsafeRawBufferPointer(rebasing: $0[..<produced])) }
            }
            let stuck = produced == 0 && before == Int(stream.pointee.avail_in)
            switch status {
            case Z_OK: continue
            case Z_BUF_ERROR where !stuck: continue
            case Z_STREAM_END: memberEnded = true
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw SlipstreamError(
                    .damagedArchive, "the gzip body is damaged: \(reason)", source: source, byteOffset: bytesIn)
            }
        }
    }

    /// - Throws: when the body ended inside a gzip member.
    package func finish() throws {
        guard memberEnded || bytesIn == 0 else {
            throw SlipstreamError(
                .damagedArchive, "the gzip body ends before its end (cut short?)", source: source, byteOffset: bytesIn)
        }
    }
}
