// Writes activity summaries in Terra's field names.
//
// One activity becomes a Terra Activity object without sample arrays:
//
//     {"metadata":{…as in the input…},
//      "heart_rate_data":{"summary":{"avg_hr_bpm":142.5,"max_hr_bpm":171,"min_hr_bpm":96}},
//      "power_data":{"avg_watts":…,"max_watts":…},
//      "movement_data":{"avg_speed_meters_per_second":…,"max_speed_meters_per_second":…,
//                       "avg_cadence_rpm":…,"max_cadence_rpm":…},
//      "distance_data":{"summary":{"distance_meters":…,"elevation":{"min_meters":…,"max_meters":…,"avg_meters":…}}},
//      "position_data":{"start_pos_lat_lng_deg":[lat,lng],"end_pos_lat_lng_deg":[lat,lng]},
//      "slipstream":{"user_id":…,"provider_name":…,"elapsed_seconds":…,"samples":{…},"dropped":{…},
//                    "timestamps_without_offset":0,"provider":{…summary values the payload carried…}}}
//
// A field with no data is null, never 0.

import SlipstreamCore
import SlipstreamSummaries

/// The shape of `summarize`'s output.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// One Activity object per line.
    case ndjson
    /// A Terra envelope `{"type":"activity","user":…,"data":[…]}` per input payload.
    case json
}

/// An ``ActivityConsumer`` that writes each activity's summary as JSON.
public final class SummaryWriter: ActivityConsumer {
    private let format: OutputFormat
    private let pretty: Bool
    private let prefer: SummaryOptions.Preference
    /// Where the activities come from (`archive.tar.gz!dir/ride.json`), written as `slipstream.source`.
    public var source: String?
    private let output: ([UInt8]) throws -> Void
    private let onProblem: (SlipstreamError) -> Void
    private var held: [[UInt8]] = []

    /// - Parameters:
    ///   - format: NDJSON lines, or one Terra envelope per payload.
    ///   - pretty: indent with two spaces.
    ///   - prefer: whose values fill Terra's fields when the payload carried its own.
    ///   - output: receives finished text, a record (NDJSON) or an envelope (JSON) at a time.
    ///   - problem: receives what the reader found wrong but could read past.
    public init(
        format: OutputFormat = .ndjson, pretty: Bool = false, prefer: SummaryOptions.Preference = .computed,
        output: @escaping ([UInt8]) throws -> Void, problem: @escaping (SlipstreamError) -> Void
    ) {
        self.format = format
        self.pretty = pretty
        self.prefer = prefer
        self.output = output
        self.onProblem = problem
    }

    public func activity(_ record: ActivityRecord) throws {
        var writer = JSONWriter()
        Self.encode(record, prefer: prefer, source: source, into: &writer)
        switch format {
        case .ndjson:
            var bytes = pretty ? prettyPrinted(writer.bytes) : writer.bytes
            bytes.append(UInt8(ascii: "\n"))
            try output(bytes)
        case .json:
            held.append(writer.bytes)
        }
    }

    public func payloadEnded(user: RawJSON?) throws {
        guard format == .json else { return }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("type")
        writer.string("activity")
        writer.key("user")
        writer.raw(user)
        writer.key("data")
        writer.beginArray()
        for activity in held { writer.raw(RawJSON(bytes: activity)) }
        writer.endArray()
        writer.endObject()
        held.removeAll()
        var bytes = pretty ? prettyPrinted(writer.bytes) : writer.bytes
        bytes.append(UInt8(ascii: "\n"))
        try output(bytes)
    }

    public func problem(_ error: SlipstreamError) {
        onProblem(error)
    }

    /// Writes activities read before a fatal error (JSON format holds them until their payload ends).
    public func flushHeld(user: RawJSON? = nil) throws {
        if format == .json && !held.isEmpty { try payloadEnded(user: user) }
    }

    /// `{"slipstream":{"source":…,"error":{"kind":…,"message":…,"line":…,"column":…,"byte":…,"path":…}}}`
    /// and a newline: what a batch writes in place of an input (or a part of one) that failed.
    public static func errorRecord(_ error: SlipstreamError, source: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("slipstream")
        writer.beginObject()
        writer.key("source")
        writer.string(source)
        writer.key("error")
        writer.beginObject()
        writer.key("kind")
        writer.string(error.kind.rawValue)
        writer.key("message")
        writer.string(error.message)
        writer.key("line")
        if let line = error.line { writer.integer(line) } else { writer.null() }
        writer.key("column")
        if let column = error.column { writer.integer(column) } else { writer.null() }
        writer.key("byte")
        if let byte = error.byteOffset { writer.integer(byte) } else { writer.null() }
        writer.key("path")
        if let path = error.jsonPath { writer.string(path) } else { writer.null() }
        writer.endObject()
        writer.endObject()
        writer.endObject()
        writer.appendNewline()
        return writer.bytes
    }

    /// Encodes one record as a Terra Activity object (see the file comment). With `prefer` provider,
    /// a value the payload carried fills its Terra field and ours goes under `slipstream.computed`.
    package static func encode(
        _ record: ActivityRecord, prefer: SummaryOptions.Preference = .computed, source: String? = nil,
        into writer: inout JSONWriter
    ) {
        let summary = record.summary
        var fromProvider: [RawJSON?] = Array(repeating: nil, count: SummaryField.allCases.count)
        for (field, value) in record.providerValues { fromProvider[field.rawValue] = value }
        let usesProvider = SummaryField.allCases.map { prefer == .provider && fromProvider[$0.rawValue] != nil }

        writer.beginObject()
        writer.key("metadata")
        writer.raw(record.metadata)

        var fields = NestedFieldWriter()
        for field in SummaryField.allCases {
            fields.field(field.path, in: &writer) { out in
                if usesProvider[field.rawValue] {
                    out.raw(fromProvider[field.rawValue])
                } else {
                    computedValue(field, summary, &out)
                }
            }
        }
        fields.close(&writer)

        writer.key("slipstream")
        writer.beginObject()
        if let source {
            writer.key("source")
            writer.string(source)
        }
        writer.key("user_id")
        if let id = record.userID { writer.string(id) } else { writer.null() }
        writer.key("provider_name")
        if let name = record.providerName { writer.string(name) } else { writer.null() }
        writer.key("elapsed_seconds")
        writer.number(summary.elapsedSeconds)
        writer.key("timer_seconds")
        writer.number(summary.timerSeconds)
        writer.key("moving_seconds")
        writer.number(summary.movingSeconds)
        writer.key("sources")
        writer.beginObject()
        writer.key("speed")
        writer.string(summary.speedSource.rawValue)
        writer.key("distance")
        writer.string(summary.distanceSource.rawValue)
        writer.endObject()
        writer.key("temperature")
        writer.beginObject()
        writer.key("avg_celsius")
        writer.number(summary.temperature.mean)
        writer.key("max_celsius")
        writer.number(summary.temperature.maximum)
        writer.key("min_celsius")
        writer.number(summary.temperature.minimum)
        writer.endObject()
        writer.key("samples")
        writeChannelCounts(summary.samples, &writer)
        writer.key("dropped")
        writeChannelCounts(summary.dropped, &writer)
        writer.key("out_of_range")
        writeChannelCounts(summary.outOfRange, &writer)
        writer.key("unsorted")
        writeChannelCounts(summary.unsorted, &writer)
        writer.key("duplicates")
        writeChannelCounts(summary.duplicates, &writer)
        writer.key("gaps")
        writer.beginObject()
        for channel in Channel.allCases {
            writer.key(channel.name)
            writer.beginObject()
            writer.key("count")
            writer.integer(summary.gaps[channel.rawValue].count)
            writer.key("seconds")
            writer.number(summary.gaps[channel.rawValue].seconds)
            writer.endObject()
        }
        writer.endObject()
        writer.key("timestamps_without_offset")
        writer.integer(summary.timestampsWithoutOffset)
        writer.key("notes")
        writer.beginArray()
        for note in summary.notes { writer.string(note) }
        writer.endArray()
        writer.key("provenance")
        writer.beginObject()
        for field in SummaryField.allCases {
            writer.key(field.dottedPath)
            let fromPayload =
                usesProvider[field.rawValue] || (field == .userMaxHeartRate && summary.maxHeartRateFromPayload)
            writer.string(fromPayload ? "provider" : "computed")
        }
        writer.endObject()
        writer.key("provider")
        writer.beginObject()
        var provider = NestedFieldWriter()
        for field in SummaryField.allCases {
            guard let value = fromProvider[field.rawValue] else { continue }
            provider.field(field.path, in: &writer) { $0.raw(value) }
        }
        provider.close(&writer)
        writer.endObject()
        if prefer == .provider {
            writer.key("computed")
            writer.beginObject()
            var computed = NestedFieldWriter()
            for field in SummaryField.allCases where usesProvider[field.rawValue] {
                computed.field(field.path, in: &writer) { computedValue(field, summary, &$0) }
            }
            computed.close(&writer)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
    }

    private static func computedValue(_ field: SummaryField, _ s: ActivitySummary, _ writer: inout JSONWriter) {
        switch field {
        case .heartRateZones: writeZones(s.heartRateZones, &writer)
        case .startPosition: writeCoordinates(s.startPosition, &writer)
        case .endPosition: writeCoordinates(s.endPosition, &writer)
        case .centerPosition: writeCoordinates(s.centerPosition, &writer)
        case .trainingStress: writeTrainingStress(s, &writer)
        case .polyline: if let polyline = s.polyline { writer.string(polyline) } else { writer.null() }
        default: writer.number(s.number(field))
        }
    }

    private static func writeZones(_ zones: [HeartRateZoneDuration]?, _ writer: inout JSONWriter) {
        guard let zones else { return writer.null() }
        writer.beginArray()
        for zone in zones {
            writer.beginObject()
            writer.key("zone")
            writer.integer(zone.zone)
            writer.key("start_percentage")
            writer.number(zone.startPercentage)
            writer.key("end_percentage")
            writer.number(zone.endPercentage)
            writer.key("name")
            writer.string(zone.name)
            writer.key("duration_seconds")
            writer.number(zone.durationSeconds)
            writer.endObject()
        }
        writer.endArray()
    }

    /// `TSS_samples`: one sample by the normalized-power method, or null without enough power data.
    private static func writeTrainingStress(_ s: ActivitySummary, _ writer: inout JSONWriter) {
        guard let np = s.normalizedPowerWatts else { return writer.null() }
        writer.beginArray()
        writer.beginObject()
        writer.key("method")
        writer.string("normalized_power")
        writer.key("normalized_power_watts")
        writer.number(np)
        writer.key("intensity_factor_actual")
        writer.number(s.intensityFactor)
        writer.key("actual")
        writer.number(s.trainingStressScore)
        writer.endObject()
        writer.endArray()
    }

    private static func writeCoordinates(_ coordinates: [Double]?, _ writer: inout JSONWriter) {
        guard let coordinates else { return writer.null() }
        writer.beginArray()
        for value in coordinates { writer.number(value) }
        writer.endArray()
    }

    private static func writeChannelCounts(_ counts: [Int], _ writer: inout JSONWriter) {
        writer.beginObject()
        for channel in Channel.allCases {
            writer.key(channel.name)
            writer.integer(counts[channel.rawValue])
        }
        writer.endObject()
    }
}

/// Writes fields given by path into nested objects, opening and closing objects as paths change.
/// Fields that share a prefix must come one after another.
struct NestedFieldWriter {
    private var open: [StaticString] = []

    mutating func field(_ path: [StaticString], in writer: inout JSONWriter, value: (inout JSONWriter) -> Void) {
        let parents = path.dropLast()
        var shared = 0
        while shared < open.count, shared < parents.count, sameText(open[shared], parents[parents.startIndex + shared])
        {
            shared += 1
        }
        while open.count > shared {
            writer.endObject()
            open.removeLast()
        }
        for name in parents.dropFirst(shared) {
            writer.key(name)
            writer.beginObject()
            open.append(name)
        }
        writer.key(path[path.count - 1])
        value(&writer)
    }

    mutating func close(_ writer: inout JSONWriter) {
        for _ in open { writer.endObject() }
        open.removeAll()
    }

    private func sameText(_ a: StaticString, _ b: StaticString) -> Bool {
        UnsafeRawBufferPointer(start: a.utf8Start, count: a.utf8CodeUnitCount) == b
    }
}
