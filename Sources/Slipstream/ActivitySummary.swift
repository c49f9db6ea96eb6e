// Summaries computed from an activity's columns once its JSON object has closed.
//
// Time-weighted mean: each sample weighs the time to the next sample of its channel, on the
// timer axis (`timer_duration_seconds`) when every sample has one, else on timestamps. The last
// sample weighs the median interval; a channel of one sample weighs 0 and its mean is its value.
// Intervals that go backwards weigh 0.
//
//     bpm    100  110  120  130          times 0 s, 10 s, 20 s, 50 s
//     weight  10   10   30   10          (last = median of 10, 10, 30)
//     mean = (1000 + 1100 + 3600 + 1300) / 60 = 116.67

/// Count, minimum, maximum and time-weighted mean of one channel; nil fields when it has no samples.
public struct ChannelStatistics: Equatable, Sendable {
    public var count: Int = 0
    public var minimum: Double? = nil
    public var maximum: Double? = nil
    public var mean: Double? = nil
    /// Sum of the sample weights in seconds.
    public var totalWeightSeconds: Double = 0
}

/// What Slipstream computed for one activity.
public struct ActivitySummary: Equatable, Sendable {
    public var heartRate = ChannelStatistics()
    public var power = ChannelStatistics()
    public var cadence = ChannelStatistics()
    public var speed = ChannelStatistics()
    public var elevation = ChannelStatistics()
    /// Last minus first cumulative distance sample.
    public var distanceMeters: Double?
    public var startPosition: [Double]?
    public var endPosition: [Double]?
    /// Metadata `end_time` minus `start_time`.
    public var elapsedSeconds: Double?
    /// Stored samples per channel, indexed by ``Channel/rawValue``.
    public var samples: [Int] = Array(repeating: 0, count: Channel.allCases.count)
    /// Samples not stored per channel (null or missing value or time).
    public var dropped: [Int] = Array(repeating: 0, count: Channel.allCases.count)
    public var timestampsWithoutOffset: Int = 0

    /// Elevation gain and loss with hysteresis (``SummaryOptions/elevationHysteresis``).
    public var elevationGainMeters: Double?
    public var elevationLossMeters: Double?
    /// The max HR the zones used: ``SummaryOptions/maxHeartRate``, else the payload's `user_max_hr_bpm`.
    public var maxHeartRateUsed: Double?
    public var heartRateZones: [HeartRateZoneDuration]?
    public var normalizedPowerWatts: Double?
    /// With ``SummaryOptions/functionalThresholdPower`` only.
    public var intensityFactor: Double?
    public var trainingStressScore: Double?
    /// Total sample weight of the channel with the most samples.
    public var timerSeconds: Double?
    /// Why a summary was left out (e.g. zones without a max HR).
    public var notes: [String] = []

    public init() {}
}

/// Pure functions from columns to summaries.
public enum Summarizer {
    /// Summarizes an activity's columns; `startTime`/`endTime` are the metadata's, in UTC microseconds;
    /// `payloadMaxHeartRate` is the activity's own `user_max_hr_bpm`, if it had one.
    public static func summarize(
        _ columns: ActivityColumns, startTime: Int64?, endTime: Int64?, options: SummaryOptions = SummaryOptions(),
        payloadMaxHeartRate: Double? = nil
    ) -> ActivitySummary {
        var summary = ActivitySummary()
        var scratch = ContiguousArray<Double>()
        summary.heartRate = statistics(columns[.heartRate], scratch: &scratch)
        summary.power = statistics(columns[.power], scratch: &scratch)
        summary.cadence = statistics(columns[.cadence], scratch: &scratch)
        summary.speed = statistics(columns[.speed], scratch: &scratch)
        summary.elevation = statistics(columns[.elevation], scratch: &scratch)

        let distance = columns[.distance].values
        if let first = distance.first, let last = distance.last {
            summary.distanceMeters = last - first
        }
        let position = columns[.position]
        if position.count > 0 {
            summary.startPosition = [position.values[0], position.secondValues[0]]
            summary.endPosition = [position.values[position.count - 1], position.secondValues[position.count - 1]]
        }
        if let startTime, let endTime {
            summary.elapsedSeconds = Double(endTime - startTime) / 1e6
        }
        for channel in Channel.allCases {
            summary.samples[channel.rawValue] = columns[channel].count
            summary.dropped[channel.rawValue] = columns[channel].dropped
        }
        summary.timestampsWithoutOffset = columns.timestampsWithoutOffset

        if let (gain, loss) = Metrics.elevationGainLoss(columns[.elevation].values, hysteresis: options.elevationHysteresis) {
            summary.elevationGainMeters = gain
            summary.elevationLossMeters = loss
        }
        if columns[.heartRate].count > 0 {
            if let maxHeartRate = options.maxHeartRate ?? payloadMaxHeartRate, maxHeartRate > 0 {
                summary.maxHeartRateUsed = maxHeartRate
                summary.heartRateZones = Metrics.heartRateZones(
                    columns[.heartRate], maxHeartRate: maxHeartRate, bounds: options.heartRateZoneBounds)
            } else {
                summary.notes.append("heart rate zones left out: no max HR (give --max-hr, or the payload's user_max_hr_bpm)")
            }
        }
        if let busiest = Channel.allCases.max(by: { columns[$0].count < columns[$1].count }), columns[busiest].count > 0 {
            summary.timerSeconds = Metrics.sampleWeights(columns[busiest]).reduce(0, +)
        }
        summary.normalizedPowerWatts = Metrics.normalizedPower(columns[.power])
        if let np = summary.normalizedPowerWatts, let ftp = options.functionalThresholdPower, ftp > 0 {
            let stress = Metrics.trainingStress(normalizedPower: np, ftp: ftp, seconds: summary.timerSeconds ?? 0)
            summary.intensityFactor = stress.intensityFactor
            summary.trainingStressScore = stress.tss
        }
        return summary
    }

    /// Count, min, max and time-weighted mean of a column (see the file comment for the weights).
    public static func statistics(_ column: SampleColumn) -> ChannelStatistics {
        var scratch = ContiguousArray<Double>()
        return statistics(column, scratch: &scratch)
    }

    static func statistics(_ column: SampleColumn, scratch: inout ContiguousArray<Double>) -> ChannelStatistics {
        let n = column.count
        guard n > 0 else { return ChannelStatistics() }
        var result = ChannelStatistics(count: n)
        let axis = sampleAxisSeconds(column)
        column.values.withUnsafeBufferPointer { values in
            var minimum = values[0]
            var maximum = values[0]
            var plainSum = 0.0
            for v in values {
                if v < minimum { minimum = v }
                if v > maximum { maximum = v }
                plainSum += v
            }
            result.minimum = minimum
            result.maximum = maximum
            guard n > 1 else {
                result.mean = values[0]
                return
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.reserveCapacity(n - 1)
            var weightedSum = 0.0
            var totalWeight = 0.0
            axis.withUnsafeBufferPointer { t in
                for i in 0..<(n - 1) {
                    let w = max(0, t[i + 1] - t[i])
                    scratch.append(w)
                    weightedSum += values[i] * w
                    totalWeight += w
                }
            }
            let lastWeight = median(&scratch)
            weightedSum += values[n - 1] * lastWeight
            totalWeight += lastWeight
            result.totalWeightSeconds = totalWeight
            result.mean = totalWeight > 0 ? weightedSum / totalWeight : plainSum / Double(n)
        }
        return result
    }

    /// The channel's time axis in seconds: timer values when every sample has one, else timestamps.
    static func sampleAxisSeconds(_ column: SampleColumn) -> ContiguousArray<Double> {
        if column.usesTimerAxis { return column.timers }
        var axis = ContiguousArray<Double>()
        axis.reserveCapacity(column.count)
        guard let origin = column.times.first else { return axis }
        for t in column.times { axis.append(Double(t - origin) / 1e6) }
        return axis
    }

    /// Median of the values (reorders them); 0 when empty.
    static func median(_ values: inout ContiguousArray<Double>) -> Double {
        guard !values.isEmpty else { return 0 }
        values.sort()
        let mid = values.count / 2
        return values.count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2
    }
}
