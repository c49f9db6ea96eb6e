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

import SlipstreamCore

/// Pure functions from columns to summaries.
public enum Summarizer {
    /// Summarizes an activity's columns (in time order); `startTime`/`endTime` are the metadata's, in
    /// UTC microseconds; `payloadMaxHeartRate` is the activity's own `user_max_hr_bpm`, if it had one.
    public static func summarize(
        _ columns: ActivityColumns, startTime: Int64?, endTime: Int64?, options: SummaryOptions = SummaryOptions(),
        payloadMaxHeartRate: Double? = nil
    ) -> ActivitySummary {
        var summary = ActivitySummary()
        // Each channel's weights once: the means, the zones, timer time and speeds all use them.
        let weights = Channel.allCases.map { Metrics.sampleWeights(columns[$0]) }
        func statistics(_ channel: Channel, excludingZeros: Bool = false) -> ChannelStatistics {
            Self.statistics(columns[channel], excludingZeros: excludingZeros, weights: weights[channel.rawValue])
        }
        summary.heartRate = statistics(.heartRate)
        summary.power = statistics(.power, excludingZeros: options.powerZeros == .exclude)
        summary.cadence = statistics(.cadence, excludingZeros: options.cadenceZeros == .exclude)
        summary.speed = statistics(.speed)
        summary.elevation = statistics(.elevation)
        summary.temperature = statistics(.temperature)

        for channel in Channel.allCases {
            let column = columns[channel]
            summary.samples[channel.rawValue] = column.count
            summary.dropped[channel.rawValue] = column.dropped
            summary.outOfRange[channel.rawValue] = column.outOfRange
            summary.unsorted[channel.rawValue] = column.unsorted
            summary.duplicates[channel.rawValue] = column.duplicates
            summary.gaps[channel.rawValue] = gaps(column, longerThan: options.pauseGapSeconds)
        }
        summary.timestampsWithoutOffset = columns.timestampsWithoutOffset
        summary.startTime = startTime
        if let startTime, let endTime {
            summary.elapsedSeconds = Double(endTime - startTime) / 1e6
        }
        if let busiest = Channel.allCases.max(by: { columns[$0].count < columns[$1].count }), columns[busiest].count > 0 {
            summary.timerSeconds = weights[busiest.rawValue].reduce(0, +)
        }

        summarizePositions(columns[.position], options: options, into: &summary)
        summarizeMotion(columns, speedWeights: weights[Channel.speed.rawValue], options: options, into: &summary)

        if let (gain, loss) = Metrics.elevationGainLoss(columns[.elevation].values, hysteresis: options.elevationHysteresis) {
            summary.elevationGainMeters = gain
            summary.elevationLossMeters = loss
        }
        if columns[.heartRate].count > 0 {
            if let maxHeartRate = options.maxHeartRate ?? payloadMaxHeartRate, maxHeartRate > 0 {
                summary.maxHeartRateUsed = maxHeartRate
                summary.heartRateZones = Metrics.heartRateZones(
                    columns[.heartRate], maxHeartRate: maxHeartRate, bounds: options.heartRateZoneBounds,
                    weights: weights[Channel.heartRate.rawValue])
            } else {
                summary.notes.append("heart rate zones left out: no max HR (give --max-hr, or the payload's user_max_hr_bpm)")
            }
        }
        summary.normalizedPowerWatts = Metrics.normalizedPower(columns[.power])
        if summary.normalizedPowerWatts == nil, let span = Metrics.axisSpanSeconds(columns[.power]),
            !(span < Double(Metrics.maxNormalizedPowerSeconds))
        {
            summary.notes.append("normalized power left out: the power samples span more than 100 days")
        }
        if let np = summary.normalizedPowerWatts, let ftp = options.functionalThresholdPower, ftp > 0 {
            let stress = Metrics.trainingStress(normalizedPower: np, ftp: ftp, seconds: summary.timerSeconds ?? 0)
            summary.intensityFactor = stress.intensityFactor
            summary.trainingStressScore = stress.tss
        }
        return summary
    }

    /// Start, end and center positions, the polyline, and the haversine length of the track.
    private static func summarizePositions(_ position: SampleColumn, options: SummaryOptions, into summary: inout ActivitySummary) {
        let n = position.count
        guard n > 0 else { return }
        let lat = position.values
        let lng = position.secondValues
        summary.startPosition = [lat[0], lng[0]]
        summary.endPosition = [lat[n - 1], lng[n - 1]]
        let middle = position.times[0] + (position.times[n - 1] - position.times[0]) / 2
        var nearest = 0
        for i in 0..<n where abs(position.times[i] - middle) < abs(position.times[nearest] - middle) { nearest = i }
        summary.centerPosition = [lat[nearest], lng[nearest]]
        let kept = Geography.simplify(latitudes: lat, longitudes: lng, tolerance: options.polylineToleranceMeters)
        summary.polyline = Geography.encodePolyline(latitudes: kept.map { lat[$0] }, longitudes: kept.map { lng[$0] })
    }

    /// Speed (from speed samples, else distance samples, else positions), distance, moving time.
    private static func summarizeMotion(
        _ columns: ActivityColumns, speedWeights: ContiguousArray<Double>, options: SummaryOptions, into summary: inout ActivitySummary
    ) {
        let distance = columns[.distance]
        let position = columns[.position]
        if let first = distance.values.first, let last = distance.values.last {
            summary.distanceMeters = last - first
            summary.distanceSource = .distanceSamples
        } else if position.count > 0 {
            summary.distanceMeters = (1..<max(1, position.count)).reduce(0) { $0 + metersBefore($1, in: position) }
            summary.distanceSource = .positions
        }

        // Each speed with the seconds it lasted, from the first source that has any motion: a source
        // whose speeds are all 0 (a trainer or rowing machine without a speed sensor) is passed over.
        var speeds: [(speed: Double, seconds: Double)] = []
        for source in [ValueSource.speedSamples, .distanceSamples, .positions] {
            speeds = speedsWithDurations(from: source, columns, speedWeights: speedWeights)
            if speeds.contains(where: { $0.speed != 0 }) {
                summary.speedSource = source
                break
            }
            speeds = []
        }

        if speeds.isEmpty {
            summary.movingSeconds = summary.timerSeconds
        } else {
            let threshold = options.movingThresholdKilometersPerHour / 3.6
            summary.maxSpeed = speeds.map(\.speed).max()
            summary.movingSeconds = speeds.reduce(0) { $1.speed >= threshold ? $0 + $1.seconds : $0 }
            let totalSeconds = speeds.reduce(0) { $0 + $1.seconds }
            let weightedMean = totalSeconds > 0
                ? speeds.reduce(0) { $0 + $1.speed * $1.seconds } / totalSeconds
                : speeds.reduce(0) { $0 + $1.speed } / Double(speeds.count)
            summary.averageSpeed = weightedMean
        }
        if let meters = summary.distanceMeters, let seconds = summary.timerSeconds, seconds > 0 {
            summary.averageSpeed = meters / seconds
        }
    }

    /// Speeds in m/s with the seconds each lasted: speed samples with their weights, or each interval
    /// between consecutive distance samples or positions (distance / time).
    private static func speedsWithDurations(
        from source: ValueSource, _ columns: ActivityColumns, speedWeights: ContiguousArray<Double>
    ) -> [(speed: Double, seconds: Double)] {
        switch source {
        case .speedSamples:
            return Array(zip(columns[.speed].values, speedWeights))
        case .distanceSamples, .positions:
            let column = columns[source == .positions ? .position : .distance]
            guard column.count > 1 else { return [] }
            let axis = sampleAxisSeconds(column)
            var speeds: [(speed: Double, seconds: Double)] = []
            for i in 1..<column.count where axis[i] > axis[i - 1] {
                let seconds = axis[i] - axis[i - 1]
                let meters = source == .positions ? metersBefore(i, in: column) : column.values[i] - column.values[i - 1]
                speeds.append((meters / seconds, seconds))
            }
            return speeds
        case .none:
            return []
        }
    }

    /// Haversine meters from position `i - 1` to position `i`.
    private static func metersBefore(_ i: Int, in position: SampleColumn) -> Double {
        Geography.haversineMeters(position.values[i - 1], position.secondValues[i - 1], position.values[i], position.secondValues[i])
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
}
