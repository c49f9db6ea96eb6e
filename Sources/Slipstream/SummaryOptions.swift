/// The knobs of the sports-science summaries (docs/METRICS.md gives each definition and reference).
/// Every field has a `summarize` flag of the same name.
public struct SummaryOptions: Sendable, Equatable {
    /// Max heart rate for zones (`--max-hr`); nil: the payload's `heart_rate_data.summary.user_max_hr_bpm`.
    public var maxHeartRate: Double?
    /// Lower bounds of zones 1...5 in percent of max HR (`--hr-zones`); zone 0 starts at 0, the last is open.
    public var heartRateZoneBounds: [Double] = [50, 60, 70, 80, 90]
    /// Elevation hysteresis in meters (`--elevation-hysteresis`), GoldenCheetah's default 3 m.
    public var elevationHysteresis: Double = 3
    /// Functional threshold power in watts (`--ftp`); without it, no intensity factor or TSS.
    public var functionalThresholdPower: Double?

    public init() {}
}
