// Where the axes get their ticks: values at 1, 2 or 5 times a power of ten, times of day at the
// steps a clock is read in (10 s, 1, 5, 15, 30 min, 1, 2, 3 h...), on the wall clock's round values.

import SlipstreamCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

package enum Ticks {
    /// The step of 1, 2 or 5 times a power of ten nearest `rough` (on a log scale, as d3's ticks
    /// choose: 1 below 1.41, 2 below 3.16, 5 below 7.07, else 10): 0.7 -> 0.5, 13 -> 10, 22 -> 20,
    /// 3.2 -> 5, 75 -> 100. 1 when `rough` is not a positive number.
    package static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, log10(rough).rounded(.down))
        let fraction = rough / power
        if fraction >= 50.squareRoot() { return 10 * power }
        if fraction >= 10.squareRoot() { return 5 * power }
        return (fraction >= 2.squareRoot() ? 2 : 1) * power
    }

    /// A value axis over `low...high` with about `count` steps: the step and the range widened to
    /// whole steps. A flat series gets a range around its value, from 0 when it is 0 or more.
    package static func valueAxis(low: Double, high: Double, count: Int) -> (low: Double, high: Double, step: Double) {
        var low = low
        var high = high
        if !(high > low) {
            let margin = max(1, abs(low) * 0.1)
            low = low >= 0 ? max(0, low - margin) : low - margin
            high += margin
        }
        let step = niceStep((high - low) / Double(max(1, count)))
        return ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step, step)
    }

    /// Decimal places that write every multiple of `step` exactly: 5 -> 0, 0.5 -> 1, 0.02 -> 2.
    package static func decimals(forStep step: Double) -> Int {
        var places = 0
        var scaled = step
        while places < 6 && abs(scaled - scaled.rounded()) > 1e-9 * max(1, abs(scaled)) {
            scaled *= 10
            places += 1
        }
        return places
    }

    /// Steps of a time axis, in seconds.
    package static let timeSteps: [Int64] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ]

    /// The smallest step of ``timeSteps`` that cuts `seconds` into at most `count` steps; past a
    /// day, 1, 2 or 5 times a power of ten days (a recording whose clock jumped spans years).
    package static func timeStep(seconds: Double, count: Int) -> Int64 {
        let count = Double(max(1, count))
        if let step = timeSteps.first(where: { Double($0) * count >= seconds }) { return step }
        guard seconds.isFinite else { return 86_400 }
        var days: Int64 = 1
        while true {
            for multiple: Int64 in [1, 2, 5] where Double(multiple * days * 86_400) * count >= seconds {
                return multiple * days * 86_400
            }
            days *= 10
        }
    }

    /// The ticks between `start` and `end` (UTC microseconds) every `step` seconds, on round values
    /// of the wall clock `offsetSeconds` east of UTC (07:30, not 07:31:05).
    package static func times(from start: Int64, to end: Int64, step: Int64, offsetSeconds: Int) -> [Int64] {
        let stepMicros = step * 1_000_000
        let offset = Int64(offsetSeconds) * 1_000_000
        let local = start + offset
        // The first multiple of the step at or after the start (rounding up, also below zero).
        var tick = (local / stepMicros + (local % stepMicros > 0 ? 1 : 0)) * stepMicros - offset
        var ticks: [Int64] = []
        while tick <= end {
            ticks.append(tick)
            tick += stepMicros
        }
        return ticks
    }

    /// The label of a tick `step` seconds from the next: `07:31:05` below a minute, `07:31` below a
    /// day, else the date, `2024-05-04`.
    static func label(_ time: Int64, step: Int64, offsetSeconds: Int) -> String {
        guard step >= 86_400 else { return clock(time, offsetSeconds: offsetSeconds, seconds: step < 60) }
        return String(Timestamp.format(microseconds: time, offsetSeconds: offsetSeconds).prefix(10))
    }

    /// `07:31:05`, or `07:31` when `seconds` is false: the time of day at UTC microseconds `time`
    /// on the wall clock `offsetSeconds` east of UTC.
    package static func clock(_ time: Int64, offsetSeconds: Int, seconds: Bool = true) -> String {
        var second = (time / 1_000_000 + Int64(offsetSeconds)) % 86_400
        if second < 0 { second += 86_400 }
        let s = Int(second)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let minutes = two(s / 3600) + ":" + two(s / 60 % 60)
        return seconds ? minutes + ":" + two(s % 60) : minutes
    }
}
