// Elevation: gain and loss with hysteresis (docs/METRICS.md, "Elevation").

import SlipstreamCore

extension Metrics {
    /// Total elevation gain and loss with hysteresis `h`: a reference altitude starts at the first
    /// sample; a sample more than `h` above it adds the rise to gain and becomes the reference, one
    /// more than `h` below adds the drop to loss and becomes the reference (GoldenCheetah).
    public static func elevationGainLoss(_ altitudes: some Collection<Double>, hysteresis h: Double) -> (
        gain: Double, loss: Double
    )? {
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
}
