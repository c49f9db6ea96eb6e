// Heart rate: time in zones (docs/METRICS.md, "Heart rate").

import SlipstreamCore

extension Metrics {
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
}
