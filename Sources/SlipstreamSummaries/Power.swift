// Power: normalized power, intensity factor and training stress (docs/METRICS.md, "Power").

import SlipstreamCore

extension Metrics {
    /// Longest power recording resampled for normalized power: 100 days at 1 Hz.
    public static let maxNormalizedPowerSeconds = 8_640_000

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
    public static func trainingStress(normalizedPower np: Double, ftp: Double, seconds: Double) -> (
        intensityFactor: Double, tss: Double
    ) {
        let intensity = np / ftp
        return (intensity, 100 * seconds * np * intensity / (ftp * 3600))
    }
}
