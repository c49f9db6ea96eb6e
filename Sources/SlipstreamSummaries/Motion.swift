// Motion and distance: speed sources, moving time, average speed, distance (docs/METRICS.md, "Motion" and "Distance").

import SlipstreamCore

extension Summarizer {
    /// Speed (from speed samples, else distance samples, else positions), distance, moving time;
    /// `movingSecondsFromInput` (a pool swim's active lengths) replaces the moving time and is what
    /// average speed is over.
    static func summarizeMotion(
        _ columns: ActivityColumns, speedWeights: ContiguousArray<Double>, movingSecondsFromInput: Double?,
        options: SummaryOptions,
        into summary: inout ActivitySummary
    ) {
        let distance = columns[.distance]
        let position = columns[.position]
        if distance.count > 0 {
            summary.distanceMeters = cumulativeDistance(distance.values)
            summary.distanceSource = .distanceSamples
        } else if position.count > 0 {
            summary.distanceMeters = (1..<max(1, position.count)).reduce(0) { $0 + metersBefore($1, in: position) }
            summary.distanceSource = .positions
        }

        // Each speed with the seconds it lasted, from the first source that has any motion: a source
        // whose speeds are all 0 (a trainer or rowing machine without a speed sensor) is passed over.
        var speeds: [(speed: Double, seconds: Double)] = []
        for source in [ValueSource.speedSamples, .distanceSamples, .positions] {
            speeds = speedsWithDurations(from: source, columns, speedWeights: speedWeights)
            if speeds.contains(where: { $0.speed != 0 }) {
                summary.speedSource = source
                break
            }
            speeds = []
        }

        if speeds.isEmpty {
            summary.movingSeconds = summary.timerSeconds
        } else {
            let threshold = options.movingThresholdKilometersPerHour / 3.6
            summary.maxSpeed = speeds.map(\.speed).max()
            summary.movingSeconds = speeds.reduce(0) { $1.speed >= threshold ? $0 + $1.seconds : $0 }
            let totalSeconds = speeds.reduce(0) { $0 + $1.seconds }
            let weightedMean =
                totalSeconds > 0
                ? speeds.reduce(0) { $0 + $1.speed * $1.seconds } / totalSeconds
                : speeds.reduce(0) { $0 + $1.speed } / Double(speeds.count)
            summary.averageSpeed = weightedMean
        }
        if let given = movingSecondsFromInput, given > 0 {
            summary.movingSeconds = given
            if let meters = summary.distanceMeters { summary.averageSpeed = meters / given }
        } else if let meters = summary.distanceMeters, let seconds = summary.timerSeconds, seconds > 0 {
            summary.averageSpeed = meters / seconds
        }
    }

    /// The distance covered by cumulative distance samples, which count from the activity's start
    /// (Terra's `distance_samples`, a FIT record's `distance`): the last value. A drop below half the
    /// value before it is a reset (a sensor or device restarting), a new segment that counts from 0:
    /// 0, 100, 200, 50 -> 250. A smaller step back is the device's rounding jitter (559.50, 559.49):
    /// it adds nothing, and the count goes on from the higher value.
    public static func cumulativeDistance(_ values: some Collection<Double>) -> Double {
        var total = 0.0
        var reference = 0.0
        for value in values {
            total += meters(from: reference, to: value)
            reference = isReset(from: reference, to: value) ? value : max(reference, value)
        }
        return total
    }

    static func isReset(from before: Double, to now: Double) -> Bool { now < before / 2 }

    /// Meters from one cumulative value to the next, by the rules of ``cumulativeDistance(_:)``.
    static func meters(from before: Double, to now: Double) -> Double {
        isReset(from: before, to: now) ? now : max(0, now - before)
    }

    /// Each interval's meters between cumulative distance samples (see ``cumulativeDistance(_:)``).
    private static func metersBetweenDistances(_ i: Int, in column: SampleColumn) -> Double {
        meters(from: column.values[i - 1], to: column.values[i])
    }

    /// Consecutive position intervals whose speeds are replaced by their running median: a GPS fix
    /// that jumps away (one bad fix gives two absurd intervals, a jump up to three or four) is not a
    /// speed. On real rides with a speed sensor the maximum then lands within 3% of the sensor's
    /// (docs/METRICS.md, "Motion").
    public static let positionSpeedMedianWindow = 7

    /// Speeds in m/s with the seconds each lasted: speed samples with their weights, or each interval
    /// between consecutive distance samples or positions (distance / time; position speeds through
    /// a running median of ``positionSpeedMedianWindow`` intervals).
    static func speedsWithDurations(
        from source: ValueSource, _ columns: ActivityColumns, speedWeights: ContiguousArray<Double>
    ) -> [(speed: Double, seconds: Double)] {
        switch source {
        case .speedSamples:
            return Array(zip(columns[.speed].values, speedWeights))
        case .distanceSamples, .positions:
            let column = columns[source == .positions ? .position : .distance]
            guard column.count > 1 else { return [] }
            let axis = sampleAxisSeconds(column)
            var speeds: [(speed: Double, seconds: Double)] = []
            for i in 1..<column.count where axis[i] > axis[i - 1] {
                let seconds = axis[i] - axis[i - 1]
                let meters = source == .positions ? metersBefore(i, in: column) : metersBetweenDistances(i, in: column)
                speeds.append((meters / seconds, seconds))
            }
            if source == .positions {
                let medians = runningMedian(speeds.map(\.speed), window: positionSpeedMedianWindow)
                for i in speeds.indices { speeds[i].speed = medians[i] }
            }
            return speeds
        case .none:
            return []
        }
    }

    /// The median of each value and its neighbours, `window / 2` on each side (fewer at the ends).
    static func runningMedian(_ values: [Double], window: Int) -> [Double] {
        let half = window / 2
        var scratch = ContiguousArray<Double>()
        scratch.reserveCapacity(window)
        return values.indices.map { i in
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: values[max(0, i - half)...min(values.count - 1, i + half)])
            return median(&scratch)
        }
    }
}
