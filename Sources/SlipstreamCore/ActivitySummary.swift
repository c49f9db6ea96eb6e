// What Slipstream computes for one activity: plain values, filled by the summaries module
// (SlipstreamSummaries/Summarizer.swift; definitions in docs/METRICS.md).

/// Count, minimum, maximum and time-weighted mean of one channel; nil fields when it has no samples.
public struct ChannelStatistics: Equatable, Sendable {
    public var count: Int = 0
    public var minimum: Double? = nil
    public var maximum: Double? = nil
    public var mean: Double? = nil
    /// Sum of the sample weights in seconds.
    public var totalWeightSeconds: Double = 0

    public init(
        count: Int = 0, minimum: Double? = nil, maximum: Double? = nil, mean: Double? = nil,
        totalWeightSeconds: Double = 0
    ) {
        self.count = count
        self.minimum = minimum
        self.maximum = maximum
        self.mean = mean
        self.totalWeightSeconds = totalWeightSeconds
    }
}

/// Where a derived value came from.
public enum ValueSource: String, Sendable {
    case speedSamples = "speed_samples"
    case distanceSamples = "distance_samples"
    case positions
    case none
}

/// Intervals of one channel longer than the pause gap, on the timestamp axis.
public struct GapSummary: Equatable, Sendable {
    public var count = 0
    public var seconds = 0.0

    public init(count: Int = 0, seconds: Double = 0) {
        self.count = count
        self.seconds = seconds
    }
}

/// What Slipstream computed for one activity.
public struct ActivitySummary: Equatable, Sendable {
    public var heartRate = ChannelStatistics()
    /// Power; its mean follows ``SummaryOptions/powerZeros``.
    public var power = ChannelStatistics()
    /// Cadence; its mean follows ``SummaryOptions/cadenceZeros``.
    public var cadence = ChannelStatistics()
    /// Statistics of the speed samples themselves.
    public var speed = ChannelStatistics()
    public var elevation = ChannelStatistics()
    /// Ambient temperature (°C), time-weighted; Slipstream's own, under `slipstream.temperature`.
    public var temperature = ChannelStatistics()
    /// Distance over timer time, else the time-weighted mean of the speeds (see ``speedSource``).
    public var averageSpeed: Double?
    /// The largest speed from ``speedSource``.
    public var maxSpeed: Double?
    public var speedSource: ValueSource = .none
    /// Last minus first cumulative distance sample, else the haversine sum over positions.
    public var distanceMeters: Double?
    public var distanceSource: ValueSource = .none
    public var startPosition: [Double]?
    public var endPosition: [Double]?
    /// The position sample nearest in time to the midpoint of the first and last position.
    public var centerPosition: [Double]?
    /// Google encoded polyline of the simplified track.
    public var polyline: String?
    /// Metadata `end_time` minus `start_time`.
    public var elapsedSeconds: Double?
    /// Metadata `start_time`, UTC epoch microseconds.
    public var startTime: Int64?
    /// Stored samples per channel, indexed by ``Channel/rawValue``.
    public var samples: [Int] = Array(repeating: 0, count: Channel.allCases.count)
    /// Samples not stored per channel (null or missing value or time, heart rate of 0 or below).
    public var dropped: [Int] = Array(repeating: 0, count: Channel.allCases.count)
    /// Of the dropped samples, those outside ``ChannelSchema/plausible``, per channel.
    public var outOfRange: [Int] = Array(repeating: 0, count: Channel.allCases.count)
    /// Samples out of time order per channel (sorted before summarizing).
    public var unsorted: [Int] = Array(repeating: 0, count: Channel.allCases.count)
    /// Samples replaced by a later one with the same timestamp, per channel.
    public var duplicates: [Int] = Array(repeating: 0, count: Channel.allCases.count)
    /// Pauses per channel (intervals above ``SummaryOptions/pauseGapSeconds``).
    public var gaps: [GapSummary] = Array(repeating: GapSummary(), count: Channel.allCases.count)
    public var timestampsWithoutOffset: Int = 0

    /// Elevation gain and loss with hysteresis (``SummaryOptions/elevationHysteresis``).
    public var elevationGainMeters: Double?
    public var elevationLossMeters: Double?
    /// The max HR the zones used: ``SummaryOptions/maxHeartRate``, else the payload's `user_max_hr_bpm`.
    public var maxHeartRateUsed: Double?
    /// The max HR used came from the payload (`user_max_hr_bpm`), not from the options.
    public var maxHeartRateFromPayload = false
    public var heartRateZones: [HeartRateZoneDuration]?
    public var normalizedPowerWatts: Double?
    /// With ``SummaryOptions/functionalThresholdPower`` only.
    public var intensityFactor: Double?
    public var trainingStressScore: Double?
    /// Total sample weight of the channel with the most samples.
    public var timerSeconds: Double?
    /// Total weight of the samples at or above the moving threshold; timer time without any speed.
    public var movingSeconds: Double?
    /// Why a summary was left out (e.g. zones without a max HR).
    public var notes: [String] = []

    public init() {}
}

/// Time spent in one heart-rate zone.
public struct HeartRateZoneDuration: Equatable, Sendable {
    public var zone: Int
    /// Lower bound in percent of max HR.
    public var startPercentage: Double
    /// Upper bound in percent of max HR; nil for the open top zone.
    public var endPercentage: Double?
    public var durationSeconds: Double
    /// Terra's HeartRateZone name, "Zone 0" ... "Zone 5".
    public var name: String { "Zone \(zone)" }

    public init(zone: Int, startPercentage: Double, endPercentage: Double?, durationSeconds: Double) {
        self.zone = zone
        self.startPercentage = startPercentage
        self.endPercentage = endPercentage
        self.durationSeconds = durationSeconds
    }
}

extension ActivitySummary {
    /// The computed value of a summary field that is one number; nil for the fields that are not
    /// (zones, positions, TSS, the polyline) and for a value that could not be computed.
    public func number(_ field: SummaryField) -> Double? {
        switch field {
        case .avgHeartRate: heartRate.mean
        case .maxHeartRate: heartRate.maximum
        case .minHeartRate: heartRate.minimum
        case .userMaxHeartRate: maxHeartRateUsed
        case .avgWatts: power.mean
        case .maxWatts: power.maximum
        case .avgSpeed: averageSpeed
        case .maxSpeed: maxSpeed
        case .avgCadence: cadence.mean
        case .maxCadence: cadence.maximum
        case .distance: distanceMeters
        case .minElevation: elevation.minimum
        case .maxElevation: elevation.maximum
        case .avgElevation: elevation.mean
        case .elevationGain: elevationGainMeters
        case .elevationLoss: elevationLossMeters
        case .activitySeconds: movingSeconds
        case .heartRateZones, .startPosition, .endPosition, .centerPosition, .trainingStress, .polyline: nil
        }
    }
}
