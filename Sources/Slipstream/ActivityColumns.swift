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

    /// Values a sensor can really report, by ``rawValue``; anything else (a glitch, a unit mix-up,
    /// an overflow to infinity) is not stored and is counted in `slipstream.out_of_range`. Position
    /// is the latitude; its longitude must be within -180...180.
    public static let plausible: [ClosedRange<Double>] = [
        1...300,  // heart rate, bpm (0 and below are dropouts, counted apart)
        0...3000,  // power, W
        0...300,  // cadence, rpm
        0...150,  // speed, m/s (540 km/h)
        0...1e8,  // cumulative distance, m (100,000 km)
        -500...9000,  // elevation, m
        -90...90,  // latitude, degrees
    ]
}

/// The samples of one channel: in input order while reading, in time order once the activity has
/// closed (``ActivityColumns/putInTimeOrder()``).
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
    /// Of the dropped samples, those whose value was outside ``Channel/plausible``.
    public internal(set) var outOfRange: Int = 0
    /// Samples that came earlier in time than the sample before them in the input.
    public internal(set) var unsorted: Int = 0
    /// Samples removed because a later sample had the same timestamp (the last one is kept).
    public internal(set) var duplicates: Int = 0

    public var count: Int { values.count }

    /// True when every stored sample carries a timer value, so weights use the timer axis.
    public var usesTimerAxis: Bool { missingTimers == 0 && !timers.isEmpty }

    mutating func append(time: Int64, timer: Double?, value: Double) {
        if let last = times.last, time < last { unsorted += 1 }
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
        unsorted = 0
        duplicates = 0
        outOfRange = 0
    }

    /// Sorts the samples by time, stably, and keeps only the last of samples with the same time.
    mutating func putInTimeOrder() {
        if unsorted > 0 {
            let order = times.indices.sorted { (times[$0], $0) < (times[$1], $1) }
            times = ContiguousArray(order.map { times[$0] })
            timers = ContiguousArray(order.map { timers[$0] })
            values = ContiguousArray(order.map { values[$0] })
            if !secondValues.isEmpty { secondValues = ContiguousArray(order.map { secondValues[$0] }) }
        }
        guard times.count > 1 else { return }
        var kept = 0
        for i in times.indices {
            if i + 1 < times.count && times[i + 1] == times[i] {
                duplicates += 1
                continue
            }
            times[kept] = times[i]
            timers[kept] = timers[i]
            values[kept] = values[i]
            if !secondValues.isEmpty { secondValues[kept] = secondValues[i] }
            kept += 1
        }
        guard kept < times.count else { return }
        times.removeLast(times.count - kept)
        timers.removeLast(timers.count - kept)
        values.removeLast(values.count - kept)
        if !secondValues.isEmpty { secondValues.removeLast(secondValues.count - kept) }
        missingTimers = timers.reduce(0) { $1.isNaN ? $0 + 1 : $0 }
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

    /// Puts every channel in time order, dropping duplicate timestamps (see ``SampleColumn``).
    mutating func putInTimeOrder() {
        for index in columns.indices { columns[index].putInTimeOrder() }
    }
}
