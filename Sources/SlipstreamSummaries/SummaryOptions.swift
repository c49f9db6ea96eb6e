import SlipstreamCore

/// The knobs of the sports-science summaries (docs/METRICS.md gives each definition and reference).
/// Every field has a `summarize` flag.
public struct SummaryOptions: Sendable, Equatable {
    /// Whether samples of 0 count in an average.
    public enum Zeros: String, Sendable, CaseIterable {
        case include, exclude
    }

    /// Which value goes in Terra's fields when the payload carried its own.
    public enum Preference: String, Sendable, CaseIterable {
        /// Ours in the Terra fields, the payload's under `slipstream.provider`.
        case computed
        /// The payload's in the Terra fields, ours under `slipstream.computed`.
        case provider
    }

    /// Max heart rate for zones (`--max-hr`); nil: the payload's `heart_rate_data.summary.user_max_hr_bpm`.
    public var maxHeartRate: Double?
    /// Lower bounds of zones 1...5 in percent of max HR (`--hr-zones`); zone 0 starts at 0, the last is open.
    public var heartRateZoneBounds: [Double] = [50, 60, 70, 80, 90]
    /// Elevation hysteresis in meters (`--elevation-hysteresis`): 2 m, where devices' own totals agree (docs/METRICS.md).
    public var elevationHysteresis: Double = 2
    /// Functional threshold power in watts (`--ftp`); without it, no intensity factor or TSS.
    public var functionalThresholdPower: Double?
    /// Zeros in the average power (`--power-zeros`): included, as Coggan and most head units do.
    public var powerZeros: Zeros = .include
    /// Zeros in the average cadence (`--cadence-zeros`). Nil: by the activity, excluded (coasting is
    /// not pedalling) except for rowing, whose stroke rate counts the rests (``zerosInCadence(activityType:)``).
    public var cadenceZeros: Zeros?
    /// Speed in km/h at or above which a sample counts as moving (`--moving-threshold`).
    public var movingThresholdKilometersPerHour: Double = 1
    /// Seconds between two samples of a channel above which the interval is a pause (`--pause-gap`).
    public var pauseGapSeconds: Double = 10
    /// Douglas-Peucker tolerance in meters for the summary polyline (`--polyline-tolerance`).
    public var polylineToleranceMeters: Double = 5
    /// Whose values fill Terra's fields (`--prefer`).
    public var prefer: Preference = .computed

    public init() {}

    /// The cadence rule for an activity of this Terra ActivityType when none was given: a rower's
    /// average stroke rate is strokes over the whole piece, rests included, as ergometers and
    /// rowing heads count it (53 rowing, 54 rowing machine); elsewhere zeros are coasting.
    public func zerosInCadence(activityType: Int?) -> Zeros {
        if let cadenceZeros { return cadenceZeros }
        return activityType == 53 || activityType == 54 ? .include : .exclude
    }
}
