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
        let time = column.times[i]
        writer.plainString { bytes in
            switch times {
            case .utc: Timestamp.append(microseconds: time, offsetSeconds: 0, suffix: .z, to: &bytes)
            case .local: Timestamp.append(microseconds: time, offsetSeconds: 0, suffix: .none, to: &bytes)
            case .offset(let seconds):
                Timestamp.append(microseconds: time, offsetSeconds: seconds, suffix: .offset, to: &bytes)
            }
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
