// Samples, order and weights: each sample's weight in seconds and the statistics built on it (docs/METRICS.md, "Samples, order and weights").
//
// Time-weighted mean: each sample weighs the time to the next sample of its channel, on the
// timer axis (`timer_duration_seconds`) when every sample has one, else on timestamps. The last
// sample weighs the median interval, but never past the activity's end time (so that timer time
// cannot exceed elapsed time); a channel of one sample weighs 0 and its mean is its value.
// Intervals that go backwards weigh 0. Samples outside the activity's start and end times are kept
// (counted, shown, in the maxima) but weigh only the part of their interval inside them: the
// activity is what its start and end times say (a FIT device's own frame).
//
//     bpm    100  110  120  130          times 0 s, 10 s, 20 s, 50 s
//     weight  10   10   30   10          (last = median of 10, 10, 30)
//     mean = (1000 + 1100 + 3600 + 1300) / 60 = 116.67

import SlipstreamCore

extension Metrics {
    /// Per-sample weights in seconds on the column's axis: the interval to the next sample
    /// (backwards intervals weigh 0), the last sample the median interval, a single sample 0.
    /// - Parameters:
    ///   - start: the activity's start (UTC epoch microseconds), when known: a sample's interval
    ///     weighs only from the start on.
    ///   - end: the activity's end, when known: a sample's interval weighs only up to the end (the
    ///     last sample: no more than the time from it to the end).
    ///   - timerEnd: the timer's value at the end, when known: on the timer axis, the last sample
    ///     weighs no more than the timer ran after it.
    public static func sampleWeights(
        _ column: SampleColumn, start: Int64? = nil, end: Int64? = nil, timerEnd: Double? = nil
    ) -> ContiguousArray<Double> {
        let n = column.count
        var weights = ContiguousArray<Double>()
        guard n > 0 else { return weights }
        weights.reserveCapacity(n)
        let axis = Summarizer.sampleAxisSeconds(column)
        for i in 0..<(n - 1) { weights.append(max(0, axis[i + 1] - axis[i])) }
        var intervals = weights
        var last = Summarizer.median(&intervals)
        if let end { last = min(last, max(0, Double(end - column.times[n - 1]) / 1e6)) }
        if let timerEnd, column.usesTimerAxis { last = min(last, max(0, timerEnd - column.timers[n - 1])) }
        weights.append(last)
        let times = column.times
        if let end, times[n - 1] > end { clip(&weights, times) { from, to in min(to, end) - from } }
        if let start, times[0] < start { clip(&weights, times) { from, to in to - max(from, start) } }
        return weights
    }

    /// Caps each sample's weight at the part of its interval (to the next sample; the last sample's
    /// own) that lies in the activity, `inside(from, to)` microseconds.
    private static func clip(
        _ weights: inout ContiguousArray<Double>, _ times: ContiguousArray<Int64>, inside: (Int64, Int64) -> Int64
    ) {
        let n = times.count
        for i in 0..<n {
            let to = i + 1 < n ? times[i + 1] : times[i] + Int64(weights[i] * 1e6)
            weights[i] = min(weights[i], max(0, Double(inside(times[i], to)) / 1e6))
        }
    }
}

extension Summarizer {
    /// Count, min, max and time-weighted mean of a column (see the file comment for the weights).
    /// With `excludingZeros`, samples of 0 leave the mean (their time with them) but not min or max.
    /// `weights`: the column's ``Metrics/sampleWeights(_:)``, when the caller has them already.
    public static func statistics(
        _ column: SampleColumn, excludingZeros: Bool = false, weights: ContiguousArray<Double>? = nil
    ) -> ChannelStatistics {
        let n = column.count
        guard n > 0 else { return ChannelStatistics() }
        var result = ChannelStatistics(count: n)
        let weights = weights ?? Metrics.sampleWeights(column)
        var minimum = column.values[0]
        var maximum = column.values[0]
        var weightedSum = 0.0
        var totalWeight = 0.0
        var plainSum = 0.0
        var included = 0
        for (v, w) in zip(column.values, weights) {
            if v < minimum { minimum = v }
            if v > maximum { maximum = v }
            if excludingZeros && v == 0 { continue }
            weightedSum += v * w
            totalWeight += w
            plainSum += v
            included += 1
        }
        result.minimum = minimum
        result.maximum = maximum
        result.totalWeightSeconds = totalWeight
        if included > 0 {
            result.mean = totalWeight > 0 ? weightedSum / totalWeight : plainSum / Double(included)
        }
        return result
    }

    /// The channel's time axis in seconds: timer values when every sample has one, else timestamps.
    package static func sampleAxisSeconds(_ column: SampleColumn) -> ContiguousArray<Double> {
        if column.usesTimerAxis { return column.timers }
        var axis = ContiguousArray<Double>()
        axis.reserveCapacity(column.count)
        guard let origin = column.times.first else { return axis }
        for t in column.times { axis.append(Double(t - origin) / 1e6) }
        return axis
    }

    /// Median of the values (reorders them); 0 when empty.
    package static func median(_ values: inout ContiguousArray<Double>) -> Double {
        guard !values.isEmpty else { return 0 }
        values.sort()
        let mid = values.count / 2
        return values.count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2
    }

    /// Count and total length of the intervals above `gap` seconds, on the timestamp axis.
    package static func gaps(_ column: SampleColumn, longerThan gap: Double) -> GapSummary {
        var result = GapSummary()
        let times = column.times
        guard times.count > 1 else { return result }
        for i in 1..<times.count {
            let seconds = Double(times[i] - times[i - 1]) / 1e6
            if seconds > gap {
                result.count += 1
                result.seconds += seconds
            }
        }
        return result
    }
}
