// What each chart draws: its channel, unit, scale and line, and where its line pauses.

import SlipstreamCore

/// How one channel is charted.
struct ChartChannel {
    var channel: Channel
    /// Written on the y axis and in the table's title: "bpm", "km/h".
    var unit: String
    /// From the channel's unit to the chart's (m/s to km/h: 3.6).
    var factor: Double = 1
    /// Decimal places of the table's values.
    var decimals: Int = 0
    /// The line's colour: dark, so it reads on the light zone bands and in greyscale.
    var stroke: String

    /// The chart of `kind`; nil for the map.
    init?(_ kind: PictureKind) {
        switch kind {
        case .map: return nil
        case .heartRate: self.init(channel: .heartRate, unit: "bpm", stroke: "#a4161a")
        case .power: self.init(channel: .power, unit: "W", stroke: "#5b2a86")
        case .speed: self.init(channel: .speed, unit: "km/h", factor: 3.6, decimals: 1, stroke: "#1d4e89")
        case .cadence: self.init(channel: .cadence, unit: "rpm", stroke: "#0b6e4f")
        case .elevation: self.init(channel: .elevation, unit: "m", decimals: 1, stroke: "#6b4423")
        case .temperature: self.init(channel: .temperature, unit: "°C", decimals: 1, stroke: "#9c4a00")
        }
    }

    private init(channel: Channel, unit: String, factor: Double = 1, decimals: Int = 0, stroke: String) {
        self.channel = channel
        self.unit = unit
        self.factor = factor
        self.decimals = decimals
        self.stroke = stroke
    }
}

/// Where a recording paused: the line breaks there instead of bridging the pause.
///
/// The rule: two consecutive samples are a pause apart when they are more than five times the
/// ride's usual interval apart and more than 10 s (the summaries' default `--pause-gap`). The usual
/// interval is the median of up to 1,001 intervals spread evenly over the ride, so a ride recorded
/// every second breaks at gaps over 10 s, one recorded every 4 s at gaps over 20 s, whatever its length.
package enum Pauses {
    /// Microseconds between two samples above which the line breaks.
    package static func threshold(_ times: ContiguousArray<Int64>) -> Int64 {
        max(10_000_000, 5 * medianInterval(times))
    }

    /// The median of up to 1,001 intervals between consecutive samples spread evenly through
    /// `times` (in order); 0 for fewer than two samples.
    package static func medianInterval(_ times: ContiguousArray<Int64>) -> Int64 {
        let intervals = times.count - 1
        guard intervals > 0 else { return 0 }
        let picks = min(intervals, 1001)
        var sample: [Int64] = (0..<picks).map { pick in
            let i = picks == 1 ? 0 : pick * (intervals - 1) / (picks - 1)
            return times[i + 1] - times[i]
        }
        sample.sort()
        return sample[sample.count / 2]
    }

    /// The indices `i` where `times[i] - times[i - 1]` is above `threshold`, in order.
    package static func starts(_ times: ContiguousArray<Int64>, threshold: Int64) -> [Int] {
        var starts: [Int] = []
        for i in times.indices.dropFirst() where times[i] - times[i - 1] > threshold {
            starts.append(i)
        }
        return starts
    }
}
