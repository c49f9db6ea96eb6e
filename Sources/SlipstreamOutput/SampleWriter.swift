// One sample as Terra writes it: `{"timestamp":"…","bpm":142,"timer_duration_seconds":12}`
// (`coords_lat_lng_deg` is a pair), shared by `convert` and the service's `with_samples`.

import SlipstreamCore

/// How sample timestamps are written.
public enum SampleTimeStyle: Sendable, Equatable {
    /// `…Z`
    case utc
    /// No offset: the recording's local time.
    case local
    /// The wall clock at this many seconds east of UTC, with the offset written (`+02:00`).
    case offset(seconds: Int)
}

package enum SampleWriter {
    package static func write(
        _ column: SampleColumn, at i: Int, schema: ChannelSchema, times: SampleTimeStyle, into writer: inout JSONWriter
    ) {
        writer.beginObject()
        writer.key("timestamp")
        switch times {
        case .utc: writer.string(Timestamp.format(microseconds: column.times[i]))
        case .local: writer.string(Timestamp.format(microseconds: column.times[i], offsetSeconds: nil))
        case .offset(let seconds): writer.string(Timestamp.format(microseconds: column.times[i], offsetSeconds: seconds))
        }
        writer.key(schema.valueKey)
        if schema.isCoordinate {
            writer.beginArray()
            writer.number(column.values[i])
            writer.number(column.secondValues[i])
            writer.endArray()
        } else {
            writer.number(column.values[i])
        }
        if !column.timers[i].isNaN {
            writer.key("timer_duration_seconds")
            writer.number(column.timers[i])
        }
        writer.endObject()
    }
}
