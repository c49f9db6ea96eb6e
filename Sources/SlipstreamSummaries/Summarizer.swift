// One activity's summary from its columns (in time order), computed family by family: the
// weights first (Weights.swift), shared by the means, the zones, timer time and the speeds.

import SlipstreamCore

/// Pure functions from columns to summaries.
public enum Summarizer {
    /// Summarizes an activity's columns (in time order); `startTime`/`endTime` are the metadata's, in
    /// UTC microseconds; `payloadMaxHeartRate` is the activity's own `user_max_hr_bpm`, if it had one;
    /// `activityType` its metadata's Terra ActivityType (it chooses the cadence rule).
    public static func summarize(
        _ columns: ActivityColumns, startTime: Int64?, endTime: Int64?, options: SummaryOptions = SummaryOptions(),
        payloadMaxHeartRate: Double? = nil, timerEnd: Double? = nil, movingSeconds: Double? = nil,
        activityType: Int? = nil
    ) -> ActivitySummary {
        var summary = ActivitySummary()
        // Each channel's weights once: the means, the zones, timer time and speeds all use them.
        let weights = Channel.allCases.map {
            Metrics.sampleWeights(columns[$0], start: startTime, end: endTime, timerEnd: timerEnd)
        }
        func statistics(_ channel: Channel, excludingZeros: Bool = false) -> ChannelStatistics {
            Self.statistics(columns[channel], excludingZeros: excludingZeros, weights: weights[channel.rawValue])
        }
        summary.heartRate = statistics(.heartRate)
        summary.power = statistics(.power, excludingZeros: options.powerZeros == .exclude)
        summary.cadence = statistics(
            .cadence, excludingZeros: options.zerosInCadence(activityType: activityType) == .exclude)
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
        if let busiest = Channel.allCases.max(by: { columns[$0].count < columns[$1].count }), columns[busiest].count > 0
        {
            summary.timerSeconds = weights[busiest.rawValue].reduce(0, +)
        }

        summarizePositions(columns[.position], options: options, into: &summary)
        summarizeMotion(
            columns, speedWeights: weights[Channel.speed.rawValue], movingSecondsFromInput: movingSeconds,
            options: options,
            into: &summary)

        if let (gain, loss) = Metrics.elevationGainLoss(
            columns[.elevation].values, hysteresis: options.elevationHysteresis)
        {
            summary.elevationGainMeters = gain
            summary.elevationLossMeters = loss
        }
        if columns[.heartRate].count > 0 {
            if let maxHeartRate = options.maxHeartRate ?? payloadMaxHeartRate, maxHeartRate > 0 {
                summary.maxHeartRateUsed = maxHeartRate
                summary.maxHeartRateFromPayload = options.maxHeartRate == nil
                summary.heartRateZones = Metrics.heartRateZones(
                    columns[.heartRate], maxHeartRate: maxHeartRate, bounds: options.heartRateZoneBounds,
                    weights: weights[Channel.heartRate.rawValue])
            } else {
                summary.notes.append(
                    "heart rate zones left out: no max HR, neither in the options nor in the payload (user_max_hr_bpm)")
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

}
