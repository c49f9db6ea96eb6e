// The fields of a stored summary (the Activity object `summarize` writes) that the pages show,
// decoded from its few kilobytes; what is absent or null stays nil.

import Foundation

struct StoredSummary: Decodable {
    struct Metadata: Decodable {
        var name: String?
        var type: Int?
    }
    struct Zone: Decodable {
        var zone: Int
        var start_percentage: Double?
        var end_percentage: Double?
        var duration_seconds: Double?
    }
    struct HeartRateSummary: Decodable {
        var avg_hr_bpm: Double?
        var max_hr_bpm: Double?
        var user_max_hr_bpm: Double?
        var hr_zone_data: [Zone]?
    }
    struct HeartRate: Decodable { var summary: HeartRateSummary? }
    struct Power: Decodable {
        var avg_watts: Double?
        var max_watts: Double?
    }
    struct Movement: Decodable {
        var avg_speed_meters_per_second: Double?
        var max_speed_meters_per_second: Double?
        var avg_cadence_rpm: Double?
    }
    struct Elevation: Decodable { var gain_actual_meters: Double? }
    struct DistanceSummary: Decodable {
        var distance_meters: Double?
        var elevation: Elevation?
    }
    struct Distance: Decodable { var summary: DistanceSummary? }
    struct Temperature: Decodable { var avg_celsius: Double? }
    struct Ours: Decodable {
        var elapsed_seconds: Double?
        var timer_seconds: Double?
        var moving_seconds: Double?
        var temperature: Temperature?
    }

    var metadata: Metadata?
    var heart_rate_data: HeartRate?
    var power_data: Power?
    var movement_data: Movement?
    var distance_data: Distance?
    var slipstream: Ours?

    /// The summary of `json`; an empty one when it cannot be read (the page still shows the ride).
    static func read(_ json: [UInt8]) -> StoredSummary {
        (try? JSONDecoder().decode(StoredSummary.self, from: Data(json))) ?? StoredSummary()
    }

    var distanceMeters: Double? { distance_data?.summary?.distance_meters }
    var durationSeconds: Double? { slipstream?.elapsed_seconds }
    var averageHeartRate: Double? { heart_rate_data?.summary?.avg_hr_bpm }
    var averagePower: Double? { power_data?.avg_watts }
}
