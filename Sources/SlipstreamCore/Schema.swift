// The one schema table: every sample channel Slipstream reads, declared once.
//
// A row says where the channel's samples stand in Terra's Activity object, what a sample's value is
// called, which values a sensor can really report, and how the channel is named in Slipstream's
// output. The JSON decoder's key matching and error paths, the summary writer's per-channel
// objects, and the `columns` and CSV headers are derived from it.
//
//     heart_rate_data.detailed.hr_samples[i] = {"timestamp": "…", "bpm": 142, "timer_duration_seconds": 12}
//     ^ container                ^ listKey                            ^ valueKey
//
// Adding a channel: a case below, its row in `Schema.channels`, and the metric code that uses it.

/// A sample channel of the Terra Activity model (and the few Slipstream adds, such as temperature).
public enum Channel: Int, CaseIterable, Sendable {
    case heartRate, power, cadence, speed, distance, elevation, position, temperature

    /// This channel's row of the schema table.
    public var schema: ChannelSchema { Schema.channels[rawValue] }

    /// The name used in Slipstream's output (`slipstream.samples`, `slipstream.dropped`, columns).
    public var name: String { schema.name }
}

/// One row of the schema table.
public struct ChannelSchema: Sendable {
    public var channel: Channel
    /// The name in Slipstream's output.
    public var name: String
    /// Keys from the Activity object to the object holding the sample list.
    public var container: [StaticString]
    /// The key of the sample list in its container.
    public var listKey: StaticString
    /// The key of a sample's value; for `isCoordinate` channels the value is `[latitude, longitude]`.
    public var valueKey: StaticString
    public var isCoordinate: Bool = false
    /// A value of 0 or below is a sensor dropout, not a measurement (heart rate).
    public var nonPositiveIsDropout: Bool = false
    /// Values a sensor can really report; anything else (a glitch, a unit mix-up, an overflow to
    /// infinity) is not stored and is counted in `slipstream.out_of_range`. For coordinates: the
    /// latitude; the longitude must be within -180...180.
    public var plausible: ClosedRange<Double>
    /// The channel's cells in `columns` and the header names of its columns there.
    public var columnNames: [String]

    /// The dotted path of the sample list, e.g. `heart_rate_data.detailed.hr_samples`.
    public var listPath: String { (container + [listKey]).map { "\($0)" }.joined(separator: ".") }
}

public enum Schema {
    /// The rows, in ``Channel`` order: the order of every per-channel object and column in the output.
    public static let channels: [ChannelSchema] = [
        ChannelSchema(
            channel: .heartRate, name: "heart_rate", container: ["heart_rate_data", "detailed"], listKey: "hr_samples",
            valueKey: "bpm", nonPositiveIsDropout: true, plausible: 1...300, columnNames: ["heart_rate"]),
        ChannelSchema(
            channel: .power, name: "power", container: ["power_data"], listKey: "power_samples", valueKey: "watts",
            plausible: 0...3000, columnNames: ["power"]),
        ChannelSchema(
            channel: .cadence, name: "cadence", container: ["movement_data"], listKey: "cadence_samples",
            valueKey: "cadence_rpm",
            plausible: 0...300, columnNames: ["cadence"]),
        ChannelSchema(
            channel: .speed, name: "speed", container: ["movement_data"], listKey: "speed_samples",
            valueKey: "speed_meters_per_second", plausible: 0...150, columnNames: ["speed"]),  // 540 km/h
        ChannelSchema(
            channel: .distance, name: "distance", container: ["distance_data", "detailed"], listKey: "distance_samples",
            valueKey: "distance_meters", plausible: 0...1e8, columnNames: ["distance"]),  // cumulative, 100,000 km
        ChannelSchema(
            channel: .elevation, name: "elevation", container: ["distance_data", "detailed"],
            listKey: "elevation_samples",
            valueKey: "elev_meters", plausible: -500...9000, columnNames: ["elevation"]),
        ChannelSchema(
            channel: .position, name: "position", container: ["position_data"], listKey: "position_samples",
            valueKey: "coords_lat_lng_deg", isCoordinate: true, plausible: -90...90, columnNames: ["lat", "lng"]),
        // Not in Terra's Activity: its TemperatureData/TemperatureSample shapes, which Xoss heads record.
        ChannelSchema(
            channel: .temperature, name: "temperature", container: ["temperature_data"],
            listKey: "ambient_temperature_samples",
            valueKey: "temperature_celsius", plausible: -60...70, columnNames: ["temperature"]),
    ]
}
