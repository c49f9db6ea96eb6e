/// The Terra summary fields Slipstream computes. A value the payload already carried in one of
/// them is kept under `slipstream.provider` at the same path.
public enum SummaryField: Int, CaseIterable, Sendable {
    case avgHeartRate, maxHeartRate, minHeartRate, userMaxHeartRate, heartRateZones
    case avgWatts, maxWatts
    case avgSpeed, maxSpeed, avgCadence, maxCadence
    case distance, minElevation, maxElevation, avgElevation, elevationGain, elevationLoss
    case startPosition, endPosition, centerPosition
    case trainingStress
    case polyline
    case activitySeconds

    /// The field's path in Terra's Activity object.
    public var path: [StaticString] {
        switch self {
        case .avgHeartRate: ["heart_rate_data", "summary", "avg_hr_bpm"]
        case .maxHeartRate: ["heart_rate_data", "summary", "max_hr_bpm"]
        case .minHeartRate: ["heart_rate_data", "summary", "min_hr_bpm"]
        case .userMaxHeartRate: ["heart_rate_data", "summary", "user_max_hr_bpm"]
        case .heartRateZones: ["heart_rate_data", "summary", "hr_zone_data"]
        case .avgWatts: ["power_data", "avg_watts"]
        case .maxWatts: ["power_data", "max_watts"]
        case .avgSpeed: ["movement_data", "avg_speed_meters_per_second"]
        case .maxSpeed: ["movement_data", "max_speed_meters_per_second"]
        case .avgCadence: ["movement_data", "avg_cadence_rpm"]
        case .maxCadence: ["movement_data", "max_cadence_rpm"]
        case .distance: ["distance_data", "summary", "distance_meters"]
        case .minElevation: ["distance_data", "summary", "elevation", "min_meters"]
        case .maxElevation: ["distance_data", "summary", "elevation", "max_meters"]
        case .avgElevation: ["distance_data", "summary", "elevation", "avg_meters"]
        case .elevationGain: ["distance_data", "summary", "elevation", "gain_actual_meters"]
        case .elevationLoss: ["distance_data", "summary", "elevation", "loss_actual_meters"]
        case .startPosition: ["position_data", "start_pos_lat_lng_deg"]
        case .endPosition: ["position_data", "end_pos_lat_lng_deg"]
        case .centerPosition: ["position_data", "center_pos_lat_lng_deg"]
        case .trainingStress: ["TSS_data", "TSS_samples"]
        case .polyline: ["polyline_map_data", "summary_polyline"]
        case .activitySeconds: ["active_durations_data", "activity_seconds"]
        }
    }

    /// The dotted path, e.g. `power_data.avg_watts`.
    public var dottedPath: String { path.map { "\($0)" }.joined(separator: ".") }
}
