// Struct-of-arrays storage for the samples of the activity being read.
//
// One `SampleColumn` per channel (Schema.swift declares the channels): parallel arrays of times (UTC epoch microseconds), timer seconds
// (NaN when the sample had no `timer_duration_seconds`) and values. Position keeps latitude in
// `values` and longitude in `secondValues`. Columns are cleared, not freed, between activities, so
// after the first long activity no further allocation happens.

/// The samples of one channel: in input order while reading, in time order once the activity has
/// closed (``ActivityColumns/putInTimeOrder()``).
public struct SampleColumn: Sendable {
    /// Values a sensor can report on this channel (``ChannelSchema/plausible``).
    public let plausible: ClosedRange<Double>
    /// A value of 0 or below is a dropout (``ChannelSchema/nonPositiveIsDropout``).
    public let nonPositiveIsDropout: Bool
    /// UTC epoch microseconds of each sample.
    public package(set) var times: ContiguousArray<Int64> = []
    /// `timer_duration_seconds` of each sample, NaN where it was absent.
    public package(set) var timers: ContiguousArray<Double> = []
    /// The channel's value (latitude for position).
    public package(set) var values: ContiguousArray<Double> = []
    /// Longitude for position; empty for the other channels.
    public package(set) var secondValues: ContiguousArray<Double> = []
    /// Samples present in the input but not stored (null or missing value or time).
    public package(set) var dropped: Int = 0
    /// Number of stored samples that had no `timer_duration_seconds`.
    public package(set) var missingTimers: Int = 0
    /// Of the dropped samples, those whose value was outside ``ChannelSchema/plausible``.
    public package(set) var outOfRange: Int = 0
    /// Samples that came earlier in time than the sample before them in the input.
    public package(set) var unsorted: Int = 0
    /// Samples removed because a later sample had the same timestamp (the last one is kept).
    public package(set) var duplicates: Int = 0

    public var count: Int { values.count }

    init(_ schema: ChannelSchema) {
        plausible = schema.plausible
        nonPositiveIsDropout = schema.nonPositiveIsDropout
    }

    /// An empty column of `channel`.
    public init(_ channel: Channel) { self.init(channel.schema) }

    /// A column that accepts any value (for tests and tools that build columns by hand).
    package init() {
        plausible = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
        nonPositiveIsDropout = false
    }

    /// Stores one decoded sample, or counts why not: every decoder stores its samples here, so the
    /// rules are the same for all. A sample needs a time and a value (`complete`); a dropout (heart
    /// rate of 0 or below) or a value outside ``plausible`` (or a longitude outside -180...180) is
    /// counted in ``dropped`` (and ``outOfRange``). Stores nothing and says `.full` when the column
    /// already holds `limit` samples.
    @inline(__always)
    package mutating func store(
        complete: Bool, time: Int64, timer: Double?, value: Double, longitude: Double? = nil, limit: Int
    ) -> StoreOutcome {
        guard complete, !nonPositiveIsDropout || value > 0 else {
            dropped += 1
            return .dropped
        }
        guard plausible.contains(value), longitude.map({ (-180.0...180.0).contains($0) }) ?? true else {
            dropped += 1
            outOfRange += 1
            return .dropped
        }
        guard count < limit else { return .full }
        if let longitude {
            append(time: time, timer: timer, latitude: value, longitude: longitude)
        } else {
            append(time: time, timer: timer, value: value)
        }
        return .stored
    }

    package enum StoreOutcome { case stored, dropped, full }

    /// A sample that was there but could not be read (a value of the wrong type, an array for an object).
    package mutating func countDropped() { dropped += 1 }

    /// True when every stored sample carries a timer value, so weights use the timer axis.
    public var usesTimerAxis: Bool { missingTimers == 0 && !timers.isEmpty }

    package mutating func append(time: Int64, timer: Double?, value: Double) {
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

    package mutating func append(time: Int64, timer: Double?, latitude: Double, longitude: Double) {
        append(time: time, timer: timer, value: latitude)
        secondValues.append(longitude)
    }

    /// Room for `count` more samples when a decoder knows how many are coming (no regrowth copies);
    /// `withSecondValues` for position's longitudes.
    package mutating func reserveCapacity(forMore count: Int, withSecondValues: Bool) {
        times.reserveCapacity(times.count + count)
        timers.reserveCapacity(timers.count + count)
        values.reserveCapacity(values.count + count)
        if withSecondValues { secondValues.reserveCapacity(secondValues.count + count) }
    }

    package mutating func removeAll() {
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
    package mutating func putInTimeOrder() {
        if unsorted > 0 {
            let order = times.indices.sorted { (times[$0], $0) < (times[$1], $1) }
            times = ContiguousArray(order.map { times[$0] })
            timers = ContiguousArray(order.map { timers[$0] })
            values = ContiguousArray(order.map { values[$0] })
            if !secondValues.isEmpty { secondValues = ContiguousArray(order.map { secondValues[$0] }) }
        }
        // Most columns have no duplicate: find the first before moving anything.
        guard let first = times.indices.dropLast().first(where: { times[$0 + 1] == times[$0] }) else { return }
        var kept = first
        for i in first..<times.count {
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
    public package(set) var columns: [SampleColumn]
    /// Samples whose timestamp had no UTC offset (read as local time).
    public package(set) var timestampsWithoutOffset: Int = 0

    /// Counts a stored sample whose timestamp had no UTC offset.
    package mutating func countTimestampWithoutOffset() { timestampsWithoutOffset += 1 }

    public init() {
        columns = Schema.channels.map { SampleColumn($0) }
    }

    public subscript(channel: Channel) -> SampleColumn {
        get { columns[channel.rawValue] }
        _modify { yield &columns[channel.rawValue] }
    }

    package mutating func removeAll() {
        for index in columns.indices { columns[index].removeAll() }
        timestampsWithoutOffset = 0
    }

    /// Puts every channel in time order, dropping duplicate timestamps (see ``SampleColumn``).
    package mutating func putInTimeOrder() {
        for index in columns.indices { columns[index].putInTimeOrder() }
    }
}
