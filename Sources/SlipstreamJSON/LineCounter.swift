// Newlines seen in the chunks parsed so far, so that an error's line and column can be told
// without keeping any earlier bytes.

import SlipstreamCore

/// Newlines seen in the chunks parsed so far, to turn byte offsets into lines and columns.
final class LineCounter {
    var newlines = 0
    /// Offset of the last newline seen, -1 before the first.
    var lastNewline = -1
    /// The chunk being parsed and its offset, to locate problems reported during a callback.
    var current: UnsafeRawBufferPointer?
    var currentStart = 0

    func count(_ chunk: UnsafeRawBufferPointer, chunkStart: Int) {
        let found = Self.newlines(in: chunk)
        guard found > 0 else { return }
        newlines += found
        var i = chunk.count - 1
        while chunk[i] != 0x0A { i -= 1 }
        lastNewline = chunkStart + i
    }

    /// Counts 0x0A bytes eight at a time: a byte of `x ^ 0x0A…` is zero exactly where a newline is,
    /// and `~(((v & 0x7F…) + 0x7F…) | v | 0x7F…)` sets the high bit of exactly the zero bytes. Those
    /// bits, shifted to 0 or 1 per byte, are summed bytewise for up to 255 words, then across bytes.
    static func newlines(in chunk: UnsafeRawBufferPointer) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let evenBytes: UInt64 = 0x00FF_00FF_00FF_00FF
        var found = 0
        var i = 0
        let words = chunk.count / 8
        var done = 0
        while done < words {
            let batch = min(255, words - done)
            var perByte: UInt64 = 0
            for _ in 0..<batch {
                let v = chunk.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ (ones &* 0x0A)
                perByte &+= (~(((v & low7) &+ low7) | v | low7)) >> 7
                i &+= 8
            }
            let pairs = (perByte & evenBytes) &+ ((perByte >> 8) & evenBytes)
            found &+= Int((pairs &* 0x0001_0001_0001_0001) >> 48)
            done += batch
        }
        while i < chunk.count {
            if chunk[i] == 0x0A { found += 1 }
            i += 1
        }
        return found
    }

    /// 1-based line and byte column of an offset inside, or at the end of, what was read so far.
    @inline(never)
    func lineAndColumn(of offset: Int, chunk: UnsafeRawBufferPointer?, chunkStart: Int) -> (Int, Int) {
        var line = newlines
        var last = lastNewline
        if let chunk {
            let end = min(chunk.count, max(0, offset - chunkStart))
            for i in 0..<end where chunk[i] == 0x0A {
                line += 1
                last = chunkStart + i
            }
        }
        return (line + 1, offset - last)
    }

    /// Line and column of an offset in the chunk being parsed (or before it).
    func lineAndColumnWhileParsing(of offset: Int) -> (Int, Int) {
        lineAndColumn(of: offset, chunk: current, chunkStart: currentStart)
    }
}
