import Testing

@testable import Slipstream
@testable import SlipstreamCore

/// Temperature: the channel added by one schema row (Terra's TemperatureData shapes, inside an activity).
@Suite struct TemperatureTests {
    /// Ambient samples at 0, 10 and 20 s, and one a sensor cannot report (200 °C).
    static let payload = """
        {"metadata":{"summary_id":"t"},"temperature_data":{"ambient_temperature_samples":[
          {"timestamp":"2024-06-01T08:00:00Z","temperature_celsius":20},
          {"timestamp":"2024-06-01T08:00:10Z","temperature_celsius":22},
          {"timestamp":"2024-06-01T08:00:15Z","temperature_celsius":200},
          {"timestamp":"2024-06-01T08:00:20Z","temperature_celsius":30},
          {"timestamp":"2024-06-01T08:00:25Z","temperature_celsius":null}]}}
        """

    static func read(_ text: String) throws -> ActivityRecord {
        var records: [ActivityRecord] = []
        var source = MemorySource(Array(text.utf8))
        try ActivityReader().forEachActivity(in: &source) { records.append($0) }
        return try #require(records.first)
    }

    @Test func ambientSamplesAreSummarizedTimeWeighted() throws {
        let record = try Self.read(Self.payload)
        // Weights 10, 10 and the median interval 10: (200 + 220 + 300) / 30.
        #expect(record.summary.temperature.mean == 24)
        #expect(record.summary.temperature.maximum == 30)
        #expect(record.summary.temperature.minimum == 20)
        #expect(record.columns[.temperature].values == [20, 22, 30])
        #expect(record.summary.dropped[Channel.temperature.rawValue] == 2)
        #expect(record.summary.outOfRange[Channel.temperature.rawValue] == 1)
    }

    @Test func theSummaryWritesItUnderSlipstream() throws {
        var out: [UInt8] = []
        let writer = SummaryWriter(output: { out += $0 }, problem: { _ in })
        try writer.activity(try Self.read(Self.payload))
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.contains(#""temperature":{"avg_celsius":24,"max_celsius":30,"min_celsius":20}"#))
        #expect(
            text.contains(
                #""samples":{"heart_rate":0,"power":0,"cadence":0,"speed":0,"distance":0,"elevation":0,"position":0,"temperature":3}"#
            ))
    }

    @Test func aTemperatureErrorIsLocatedByItsSchemaPath() throws {
        var source = MemorySource(
            Array(
                #"{"metadata":{},"temperature_data":{"ambient_temperature_samples":[{"temperature_celsius":tru}]}}"#
                    .utf8))
        #expect {
            try ActivityReader().forEachActivity(in: &source) { _ in }
        } throws: { error in
            (error as? SlipstreamError)?.jsonPath
                == "$.temperature_data.ambient_temperature_samples[0].temperature_celsius"
        }
    }

    @Test func theSchemaTableDeclaresEachChannelOnce() {
        #expect(Schema.channels.map(\.channel) == Channel.allCases)
        #expect(Set(Schema.channels.map(\.listPath)).count == Channel.allCases.count)
        #expect(Channel.temperature.schema.listPath == "temperature_data.ambient_temperature_samples")
        #expect(ColumnsWriter.header.suffix(3) == ["lat", "lng", "temperature"])
    }
}
