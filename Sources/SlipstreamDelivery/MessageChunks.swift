// One message's body as a sequence of chunks, produced on demand from the stored summary and the
// decoded columns: samples are written 2,048 at a time, so that no body is ever held whole. The same
// sequence is walked twice by a delivery (once to sign, once to send) and once by a history response.

import NIOCore
import SlipstreamCore
import SlipstreamOutput
import SlipstreamStorage

package struct MessageChunks: AsyncSequence, Sendable {
    package typealias Element = ByteBuffer

    package enum Part: Sendable {
        case bytes([UInt8])
        case samples(SlipstreamCore.Channel)
    }

    package let parts: [Part]
    package let columns: ActivityColumns
    package let times: SampleTimeStyle
    package static let samplesPerSlice = 2048

    /// Raw bytes (an event's body).
    package init(bytes: [UInt8]) {
        parts = [.bytes(bytes)]
        columns = ActivityColumns()
        times = .utc
    }

    /// A stored activity with its samples spliced in, between `head` and `tail`.
    package init(activity: StoredActivity, head: [UInt8] = [], tail: [UInt8] = []) throws {
        columns = try SampleCodec.decode(activity.samples)
        times = activity.utcOffsetSeconds.map { .offset(seconds: $0) } ?? .local
        let spliced = SampleSplicer.splice(summary: activity.summaryJSON, channels: activity.samples.map(\.channel)).map
        { segment -> Part in
            switch segment {
            case .bytes(let bytes): .bytes(Array(bytes))
            case .samples(let channel): .samples(channel)
            }
        }
        parts = [.bytes(head)] + spliced + [.bytes(tail)]
    }

    package struct Cursor {
        var part = 0
        var sample = 0
    }

    /// The next chunk, or nil at the end.
    package func next(_ cursor: inout Cursor) -> [UInt8]? {
        while cursor.part < parts.count {
            switch parts[cursor.part] {
            case .bytes(let bytes):
                cursor.part += 1
                if !bytes.isEmpty { return bytes }
            case .samples(let channel):
                let column = columns[channel]
                let end = Swift.min(column.count, cursor.sample + Self.samplesPerSlice)
                var slice = JSONWriter()
                slice.beginArray()
                for i in cursor.sample..<end {
                    SampleWriter.write(column, at: i, schema: channel.schema, times: times, into: &slice)
                }
                slice.endArray()
                // The slice's own brackets stand for the list's only at its ends; between slices, a comma.
                var bytes = slice.bytes
                if cursor.sample > 0 { bytes[0] = UInt8(ascii: ",") }
                if end < column.count { bytes.removeLast() }
                cursor.sample = end
                if end == column.count {
                    cursor.part += 1
                    cursor.sample = 0
                }
                return bytes
            }
        }
        return nil
    }

    /// Every chunk, in order.
    package func forEach(_ body: ([UInt8]) throws -> Void) rethrows {
        var cursor = Cursor()
        while let chunk = next(&cursor) { try body(chunk) }
    }

    package struct AsyncIterator: AsyncIteratorProtocol {
        let chunks: MessageChunks
        var cursor = Cursor()
        package mutating func next() async -> ByteBuffer? { chunks.next(&cursor).map { ByteBuffer(bytes: $0) } }
    }

    package func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self) }
}
