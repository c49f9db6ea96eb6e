// `batch --format csv`: one row per activity, or per input that failed. The columns and their
// order are stable (README, "Batch"); new columns are only ever added at the end.

import SlipstreamCore

public enum SummaryTable {
    /// The header, in order.
    public static let columns: [String] = [
        "source", "summary_id", "start_time", "error_kind", "error", "error_line", "error_column", "error_byte",
        "avg_hr_bpm", "max_hr_bpm", "min_hr_bpm", "avg_watts", "max_watts", "normalized_power_watts",
        "intensity_factor", "tss", "avg_speed_meters_per_second", "max_speed_meters_per_second",
        "avg_cadence_rpm", "max_cadence_rpm", "distance_meters", "elevation_gain_meters", "elevation_loss_meters",
        "min_elevation_meters", "max_elevation_meters", "elapsed_seconds", "timer_seconds", "moving_seconds",
        "start_lat", "start_lng", "end_lat", "end_lng", "user_id", "provider_name",
        "avg_temperature_celsius", "max_temperature_celsius", "min_temperature_celsius",
    ]

    public static func header() -> [UInt8] {
        var csv = CSVWriter()
        for column in columns { csv.text(column) }
        csv.endRow()
        return csv.bytes
    }

    /// One activity's row.
    public static func row(_ record: ActivityRecord, source: String) -> [UInt8] {
        let s = record.summary
        var csv = CSVWriter()
        csv.text(source)
        csv.text(record.summaryID)
        csv.text(s.startTime.map { Timestamp.format(microseconds: $0) })
        for _ in 0..<5 { csv.text(nil) }
        for value in [
            s.heartRate.mean, s.heartRate.maximum, s.heartRate.minimum, s.power.mean, s.power.maximum,
            s.normalizedPowerWatts, s.intensityFactor, s.trainingStressScore, s.averageSpeed, s.maxSpeed,
            s.cadence.mean, s.cadence.maximum, s.distanceMeters, s.elevationGainMeters, s.elevationLossMeters,
            s.elevation.minimum, s.elevation.maximum, s.elapsedSeconds, s.timerSeconds, s.movingSeconds,
            s.startPosition?[0], s.startPosition?[1], s.endPosition?[0], s.endPosition?[1],
        ] {
            csv.number(value)
        }
        csv.text(record.userID)
        csv.text(record.providerName)
        for value in [s.temperature.mean, s.temperature.maximum, s.temperature.minimum] { csv.number(value) }
        csv.endRow()
        return csv.bytes
    }

    /// The row of an input (or part of one) that failed: `source` and the `error` columns filled.
    public static func errorRow(_ error: SlipstreamError, source: String) -> [UInt8] {
        var csv = CSVWriter()
        csv.text(source)
        csv.text(nil)
        csv.text(nil)
        csv.text(error.kind.rawValue)
        csv.text(error.jsonPath.map { "\(error.message) (at \($0))" } ?? error.message)
        csv.integer(error.line)
        csv.integer(error.column)
        csv.integer(error.byteOffset)
        for _ in 8..<columns.count { csv.text(nil) }
        csv.endRow()
        return csv.bytes
    }
}
