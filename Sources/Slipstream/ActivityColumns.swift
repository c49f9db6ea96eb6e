// Struct-of-arrays storage for the samples of the activity being read.
//
// One `SampleColumn` per channel: parallel arrays of times (UTC epoch microseconds), timer seconds
// (NaN when the sample had no `timer_duration_seconds`) and values. Position keeps latitude in
// `values` and longitude in `secondValues`. Columns are cleared, not freed, between activities, so
// after the first long activity no further allocation happens.

/// A sample channel of the Terra Activity model.
public enum Channel: Int, CaseIterable, Sendable {
    case heartRate, power, cadence, speed, distance, elevation, position

    /// The name used in Slipstream's output (`slipstream.samples`, `slipstream.dropped`).
    public var name: String {
        switch self {
        case .heartRate: "heart_rate"
        case .power: "power"
        case .cadence: "cadence"
        case .speed: "speed"
        case .distance: "distance"
        case .elevation: "elevation"
        case .position: "position"
        }
    }
}

/// The samples of one channel, in input order.
public struct SampleColumn: Sendable {
    /// UTC epoch microseconds of each sample.
    public internal(set) var times: ContiguousArray<Int64> = []
    /// `timer_duration_seconds` of each sample, NaN where it was absent.
    public internal(set) var timers: ContiguousArray<Double> = []
    /// The channel's value (latitude for position).
    public internal(set) var values: ContiguousArray<Double> = []
    /// Longitude for position; empty for the other channels.
    public internal(set) var secondValues: ContiguousArray<Double> = []
    /// Samples present in the input but not stored (null or missing value or time).
    public internal(set) var dropped: Int = 0
    /// Number of stored samples that had no `timer_duration_seconds`.
    public internal(set) var missingTimers: Int = 0

    public var count: Int { values.count }

    /// True when every stored sample carries a timer value, so weights use the timer axis.
    public var usesTimerAxis: Bool { missingTimers == 0 && !timers.isEmpty }

    mutating func append(time: Int64, timer: Double?, value: Double) {
        times.append(time)
        values.append(value)
        if let timer {
            timers.append(timer)
        } else {
            timers.append(.nan)
            missingTimers += 1
        }
    }

    mutating func append(time: Int64, timer: Double?, latitude: Double, longitude: Double) {
        append(time: time, timer: timer, value: latitude)
        secondValues.append(longitude)
    }

    mutating func removeAll() {
        times.removeAll(keepingCapacity: true)
        timers.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        secondValues.removeAll(keepingCapacity: true)
        dropped = 0
        missingTimers = 0
    }
}

/// The columns of one activity: one ``SampleColumn`` per ``Channel``.
public struct ActivityColumns: Sendable {
    public internal(set) var columns: [SampleColumn]
    /// Samples whose timestamp had no UTC offset (read as local time).
    public internal(set) var timestampsWithoutOffset: Int = 0

    public init() {
        columns = Array(repeating: SampleColumn(), count: Channel.allCases.count)
    }

    public subscript(channel: Channel) -> SampleColumn {
        get { columns[channel.rawValue] }
        _modify { yield &columns[channel.rawValue] }
    }

    mutating func removeAll() {
        for index in columns.indices { columns[index].removeAll() }
        timestampsWithoutOffset = 0
    }
}
