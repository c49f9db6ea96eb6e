// Motion and distance: speed sources, moving time, average speed, distance (docs/METRICS.md, "Motion" and "Distance").

import SlipstreamCore

extension Summarizer {
    /// Speed (from speed samples, else distance samples, else positions), distance, moving time.
    static func summarizeMotion(
        _ columns: ActivityColumns, speedWeights: ContiguousArray<Double>, options: SummaryOptions, into summary: inout ActivitySummary
    ) {
        let distance = columns[.distance]
        let position = columns[.position]
        if let first = distance.values.first, let last = distance.values.last {
            summary.distanceMeters = last - first
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
            let weightedMean = totalSeconds > 0
                ? speeds.reduce(0) { $0 + $1.speed * $1.seconds } / totalSeconds
                : speeds.reduce(0) { $0 + $1.speed } / Double(speeds.count)
            summary.averageSpeed = weightedMean
        }
        if let meters = summary.distanceMeters, let seconds = summary.timerSeconds, seconds > 0 {
            summary.averageSpeed = meters / seconds
        }
    }

    /// Speeds in m/s with the seconds each lasted: speed samples with their weights, or each interval
    /// between consecutive distance samples or positions (distance / time).
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
                let meters = source == .positions ? metersBefore(i, in: column) : column.values[i] - column.values[i - 1]
                speeds.append((meters / seconds, seconds))
            }
            return speeds
        case .none:
            return []
        }
    }
}
