// What a user would write without Slipstream: Codable types for Terra's Activity payload, decoded
// by Foundation's JSONDecoder from the whole payload in memory, then averaged. Where each channel's
// samples stand comes from the schema table (as coding keys), so the comparison reads exactly the
// channels Slipstream reads. Timestamps stay strings and means are plain (not time-weighted): less
// work than Slipstream does, so the ratio against it is on the generous side.

import FoundationEssentials
import Slipstream

/// A coding key spelled at run time.
struct SchemaKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: StaticString) { stringValue = "\(name)" }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

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

    struct Sample {
        var timestamp: String?
        var timer_duration_seconds: Double?
        /// The channel's value (a coordinate pair's latitude).
        var value: Double?
    }

    var metadata: Metadata?
    /// Each channel's samples, in ``Channel`` order.
    var channels: [[Sample]] = []

    init(from decoder: any Decoder) throws {
        let activity = try decoder.container(keyedBy: SchemaKey.self)
        metadata = try activity.decodeIfPresent(Metadata.self, forKey: SchemaKey("metadata"))
        for schema in Schema.channels {
            channels.append(try Self.samples(schema, in: activity))
        }
    }

    private static func samples(_ schema: ChannelSchema, in activity: KeyedDecodingContainer<SchemaKey>) throws
        -> [Sample]
    {
        var container = activity
        for name in schema.container {
            let key = SchemaKey(name)
            guard container.contains(key), try !container.decodeNil(forKey: key) else { return [] }
            container = try container.nestedContainer(keyedBy: SchemaKey.self, forKey: key)
        }
        let list = SchemaKey(schema.listKey)
        guard container.contains(list), try !container.decodeNil(forKey: list) else { return [] }
        var elements = try container.nestedUnkeyedContainer(forKey: list)
        var samples: [Sample] = []
        let valueKey = SchemaKey(schema.valueKey)
        while !elements.isAtEnd {
            let sample = try elements.nestedContainer(keyedBy: SchemaKey.self)
            let value =
                schema.isCoordinate
                ? try sample.decodeIfPresent([Double?].self, forKey: valueKey)?.first ?? nil
                : try sample.decodeIfPresent(Double.self, forKey: valueKey)
            samples.append(
                Sample(
                    timestamp: try sample.decodeIfPresent(String.self, forKey: SchemaKey("timestamp")),
                    timer_duration_seconds: try sample.decodeIfPresent(
                        Double.self, forKey: SchemaKey("timer_duration_seconds")),
                    value: value))
        }
        return samples
    }
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
            for samples in activity.channels {
                let present = samples.compactMap(\.value)
                outcome.samples += present.count
                if !present.isEmpty { outcome.checksum += present.reduce(0, +) / Double(present.count) }
            }
        }
        return outcome
    }
}
