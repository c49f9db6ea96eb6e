// What a user would write without Slipstream: Codable structs for Terra's Activity payload,
// decoded by Foundation's JSONDecoder from the whole payload in memory, then averaged.
// Timestamps stay strings and means are plain (not time-weighted): less work than Slipstream does,
// so the ratio against it is on the generous side.

import FoundationEssentials

struct CodableEnvelope: Decodable {
    var type: String?
    var user: CodableUser?
    var data: [CodableActivity]
}

struct CodableUser: Decodable {
    var user_id: String?
    var provider: String?
}

struct CodableActivity: Decodable {
    struct Metadata: Decodable {
        var summary_id: String?
        var start_time: String?
        var end_time: String?
    }
    struct HeartRateSample: Decodable {
        var timestamp: String?
        var bpm: Double?
        var timer_duration_seconds: Double?
    }
    struct PowerSample: Decodable {
        var timestamp: String?
        var watts: Double?
        var timer_duration_seconds: Double?
    }
    struct CadenceSample: Decodable {
        var timestamp: String?
        var cadence_rpm: Double?
        var timer_duration_seconds: Double?
    }
    struct SpeedSample: Decodable {
        var timestamp: String?
        var speed_meters_per_second: Double?
        var timer_duration_seconds: Double?
    }
    struct DistanceSample: Decodable {
        var timestamp: String?
        var distance_meters: Double?
        var timer_duration_seconds: Double?
    }
    struct ElevationSample: Decodable {
        var timestamp: String?
        var elev_meters: Double?
        var timer_duration_seconds: Double?
    }
    struct PositionSample: Decodable {
        var timestamp: String?
        var coords_lat_lng_deg: [Double?]?
        var timer_duration_seconds: Double?
    }
    struct HeartRateData: Decodable {
        struct Detailed: Decodable { var hr_samples: [HeartRateSample]? }
        var detailed: Detailed?
    }
    struct PowerData: Decodable { var power_samples: [PowerSample]? }
    struct MovementData: Decodable {
        var cadence_samples: [CadenceSample]?
        var speed_samples: [SpeedSample]?
    }
    struct DistanceData: Decodable {
        struct Detailed: Decodable {
            var distance_samples: [DistanceSample]?
            var elevation_samples: [ElevationSample]?
        }
        var detailed: Detailed?
    }
    struct PositionData: Decodable { var position_samples: [PositionSample]? }

    var metadata: Metadata?
    var heart_rate_data: HeartRateData?
    var power_data: PowerData?
    var movement_data: MovementData?
    var distance_data: DistanceData?
    var position_data: PositionData?
}

/// Decodes a whole payload with JSONDecoder and computes plain means; returns activities and samples seen.
enum CodableComparison {
    struct Outcome {
        var activities = 0
        var samples = 0
        /// Sum of the means, so that the optimizer cannot drop the work.
        var checksum = 0.0
    }

    static func run(_ bytes: Data) throws -> Outcome {
        let decoder = JSONDecoder()
        let activities: [CodableActivity]
        if let envelope = try? decoder.decode(CodableEnvelope.self, from: bytes) {
            activities = envelope.data
        } else if let list = try? decoder.decode([CodableActivity].self, from: bytes) {
            activities = list
        } else {
            activities = [try decoder.decode(CodableActivity.self, from: bytes)]
        }
        var outcome = Outcome()
        for activity in activities {
            outcome.activities += 1
            let channels: [[Double?]] = [
                activity.heart_rate_data?.detailed?.hr_samples?.map(\.bpm) ?? [],
                activity.power_data?.power_samples?.map(\.watts) ?? [],
                activity.movement_data?.cadence_samples?.map(\.cadence_rpm) ?? [],
                activity.movement_data?.speed_samples?.map(\.speed_meters_per_second) ?? [],
                activity.distance_data?.detailed?.distance_samples?.map(\.distance_meters) ?? [],
                activity.distance_data?.detailed?.elevation_samples?.map(\.elev_meters) ?? [],
                activity.position_data?.position_samples?.map { $0.coords_lat_lng_deg?.first ?? nil } ?? [],
            ]
            for values in channels {
                let present = values.compactMap { $0 }
                outcome.samples += present.count
                if !present.isEmpty { outcome.checksum += present.reduce(0, +) / Double(present.count) }
            }
        }
        return outcome
    }
}
