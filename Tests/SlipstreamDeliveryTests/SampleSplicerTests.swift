import Testing

@testable import SlipstreamDelivery

@Suite struct SampleSplicerTests {
    private func render(_ segments: [SplicedSegment]) -> String {
        segments.map {
            switch $0 {
            case .bytes(let b): String(decoding: b, as: UTF8.self)
            case .samples(let channel): "<\(channel.name)>"
            }
        }.joined()
    }

    @Test func listsGoIntoTheirContainersAndMissingContainersAreCreated() {
        let summary =
            #"{"metadata":{"summary_id":"a,{b}"},"heart_rate_data":{"summary":{"avg_hr_bpm":1,"hr_zone_data":[{"zone":0}]}},"power_data":{"avg_watts":2},"distance_data":{"summary":{"elevation":{}}},"slipstream":{"notes":["}"]}}"#
        let spliced = SampleSplicer.splice(
            summary: Array(summary.utf8), channels: [.heartRate, .power, .cadence, .distance, .elevation, .temperature])
        #expect(
            render(spliced)
                == #"{"metadata":{"summary_id":"a,{b}"},"heart_rate_data":{"summary":{"avg_hr_bpm":1,"hr_zone_data":[{"zone":0}]},"detailed":{"hr_samples":<heart_rate>}},"power_data":{"avg_watts":2,"power_samples":<power>},"distance_data":{"summary":{"elevation":{}},"detailed":{"distance_samples":<distance>,"elevation_samples":<elevation>}},"slipstream":{"notes":["}"]},"movement_data":{"cadence_samples":<cadence>},"temperature_data":{"ambient_temperature_samples":<temperature>}}"#
        )
    }

    @Test func anEmptyObjectGetsNoLeadingComma() {
        let spliced = SampleSplicer.splice(summary: Array(#"{"power_data":{}}"#.utf8), channels: [.power])
        #expect(render(spliced) == #"{"power_data":{"power_samples":<power>}}"#)
    }

    @Test func withoutSamplesTheSummaryIsUnchanged() {
        let summary = Array(#"{"metadata":{}}"#.utf8)
        #expect(render(SampleSplicer.splice(summary: summary, channels: [])) == #"{"metadata":{}}"#)
    }
}
