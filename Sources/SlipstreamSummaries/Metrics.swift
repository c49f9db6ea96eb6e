// Sports-science summaries over one channel's columns (docs/METRICS.md has the definitions and
// their references). Pure functions: values and times in, numbers out.

import SlipstreamCore

public enum Metrics {
    /// Longest power recording resampled for normalized power: 100 days at 1 Hz.
    public static let maxNormalizedPowerSeconds = 8_640_000

    /// Per-sample weights in seconds on the column's axis: the interval to the next sample
    /// (backwards intervals weigh 0), the last sample the median interval, a single sample 0.
    public static func sampleWeights(_ column: SampleColumn) -> ContiguousArray<Double> {
        let n = column.count
        var weights = ContiguousArray<Double>()
        guard n > 0 else { return weights }
        weights.reserveCapacity(n)
        let axis = Summarizer.sampleAxisSeconds(column)
        for i in 0..<(n - 1) { weights.append(max(0, axis[i + 1] - axis[i])) }
        var intervals = weights
        weights.append(Summarizer.median(&intervals))
        return weights
    }

    /// Total elevation gain and loss with hysteresis `h`: a reference altitude starts at the first
    /// sample; a sample more than `h` above it adds the rise to gain and becomes the reference, one
    /// more than `h` below adds the drop to loss and becomes the reference (GoldenCheetah).
    public static func elevationGainLoss(_ altitudes: some Collection<Double>, hysteresis h: Double) -> (gain: Double, loss: Double)? {
        guard var reference = altitudes.first else { return nil }
        var gain = 0.0
        var loss = 0.0
        for altitude in altitudes {
            if altitude > reference + h {
                gain += altitude - reference
                reference = altitude
            } else if altitude < reference - h {
                loss += reference - altitude
                reference = altitude
            }
        }
        return (gain, loss)
    }

    /// Seconds per heart-rate zone. `bounds` are the lower bounds of zones 1... in percent of
    /// `maxHeartRate`; a sample is in zone z when lower <= pct < upper; durations are the samples' weights
    /// (`weights`, when the caller has them already).
    public static func heartRateZones(
        _ column: SampleColumn, maxHeartRate: Double, bounds: [Double], weights: ContiguousArray<Double>? = nil
    ) -> [HeartRateZoneDuration] {
        let lowers = [0] + bounds
        var zones = lowers.indices.map { z in
            HeartRateZoneDuration(
                zone: z, startPercentage: lowers[z], endPercentage: z + 1 < lowers.count ? lowers[z + 1] : nil,
                durationSeconds: 0)
        }
        let weights = weights ?? sampleWeights(column)
        for (value, weight) in zip(column.values, weights) {
            let percent = value / maxHeartRate * 100
            var zone = 0
            while zone + 1 < lowers.count && percent >= lowers[zone + 1] { zone += 1 }
            zones[zone].durationSeconds += weight
        }
        return zones
    }

    /// Coggan's normalized power: power step-resampled to 1 Hz on the column's axis (each second
    /// takes the latest sample at or before it), 30 s rolling mean over complete windows, fourth
    /// root of the mean fourth power. Nil with fewer than 30 one-second ticks, or more than
    /// ``maxNormalizedPowerSeconds`` (a broken time axis would otherwise cost time and memory).
    public static func normalizedPower(_ column: SampleColumn) -> Double? {
        let n = column.count
        guard n > 0 else { return nil }
        guard let span = axisSpanSeconds(column), span < Double(maxNormalizedPowerSeconds) else { return nil }
        let axis = Summarizer.sampleAxisSeconds(column)
        let start = axis[0]
        let ticks = Int(span.rounded(.down)) + 1
        guard ticks >= 30 else { return nil }
        var perSecond = ContiguousArray<Double>()
        perSecond.reserveCapacity(ticks)
        var sample = 0
        for tick in 0..<ticks {
            let t = start + Double(tick)
            while sample + 1 < n && axis[sample + 1] <= t { sample += 1 }
            perSecond.append(column.values[sample])
        }
        var windowSum = 0.0
        var fourthPowers = 0.0
        var windows = 0
        for i in 0..<ticks {
            windowSum += perSecond[i]
            if i >= 30 { windowSum -= perSecond[i - 30] }
            if i >= 29 {
                let mean = windowSum / 30
                fourthPowers += mean * mean * mean * mean
                windows += 1
            }
        }
        return (fourthPowers / Double(windows)).squareRoot().squareRoot()
    }

    /// Seconds from the first sample to the latest one on the column's axis (not finite when the
    /// axis is broken); nil without samples.
    public static func axisSpanSeconds(_ column: SampleColumn) -> Double? {
        let axis = Summarizer.sampleAxisSeconds(column)
        guard let first = axis.first, let latest = axis.max() else { return nil }
        return latest - first
    }

    /// Intensity factor NP / FTP and TSS = 100 × seconds × NP × IF / (FTP × 3600).
    public static func trainingStress(normalizedPower np: Double, ftp: Double, seconds: Double) -> (intensityFactor: Double, tss: Double) {
        let intensity = np / ftp
        return (intensity, 100 * seconds * np * intensity / (ftp * 3600))
    }
}
