import Testing

@testable import Slipstream
@testable import SlipstreamCore
@testable import SlipstreamStream
@testable import SlipstreamSummaries

/// Sports-science summaries against hand-computed values.
@Suite struct MetricsTests {
    /// A column with samples at `seconds` (timestamps, no timer) holding `values`.
    private func column(_ seconds: [Double], _ values: [Double]) -> SampleColumn {
        var column = SampleColumn()
        for (t, v) in zip(seconds, values) { column.append(time: Int64(t * 1e6), timer: nil, value: v) }
        return column
    }

    @Test func elevationWithHysteresis() {
        let altitudes: [Double] = [100, 102, 104, 103, 99, 101, 95, 100]
        // h = 3: 104 rises 4 above 100; 99 drops 5 below 104; 95 drops 4 below 99; 100 rises 5 above 95.
        #expect(Metrics.elevationGainLoss(altitudes, hysteresis: 3)! == (9, 9))
        // h = 0: every change counts: +2 +2 -1 -4 +2 -6 +5.
        #expect(Metrics.elevationGainLoss(altitudes, hysteresis: 0)! == (11, 11))
        // A rise of exactly h is not more than h.
        #expect(Metrics.elevationGainLoss([10, 13, 10], hysteresis: 3)! == (0, 0))
        #expect(Metrics.elevationGainLoss([Double](), hysteresis: 3) == nil)
        #expect(Metrics.elevationGainLoss([42], hysteresis: 3)! == (0, 0))
    }

    @Test func heartRateZonesUseTheSampleWeights() {
        // Times 0, 10, 20, 50 s: weights 10, 10, 30 and the median 10. Max HR 200:
        // 99 bpm = 49.5% (zone 0), 100 = 50% (zone 1: lower bound inclusive), 150 = 75% (zone 3), 185 = 92.5% (zone 5).
        let hr = column([0, 10, 20, 50], [99, 100, 150, 185])
        let zones = Metrics.heartRateZones(hr, maxHeartRate: 200, bounds: [50, 60, 70, 80, 90])
        #expect(zones.map(\.durationSeconds) == [10, 10, 0, 30, 0, 10])
        #expect(zones.map(\.startPercentage) == [0, 50, 60, 70, 80, 90])
        #expect(zones.map(\.endPercentage) == [50, 60, 70, 80, 90, nil])
        #expect(zones.map(\.name) == ["Zone 0", "Zone 1", "Zone 2", "Zone 3", "Zone 4", "Zone 5"])
        // Other bounds, decimals allowed: 49.5% is now zone 1.
        let custom = Metrics.heartRateZones(hr, maxHeartRate: 200, bounds: [49.5, 75])
        #expect(custom.map(\.durationSeconds) == [0, 20, 40])
    }

    @Test func normalizedPower() {
        // Constant power: NP is that power.
        let steady = column((0..<60).map(Double.init), Array(repeating: 200, count: 60))
        #expect(Metrics.normalizedPower(steady)! == 200)
        // Fewer than 30 one-second ticks: no NP (29 ticks), then 30 ticks.
        #expect(Metrics.normalizedPower(column((0..<29).map(Double.init), Array(repeating: 200, count: 29))) == nil)
        #expect(Metrics.normalizedPower(column((0..<30).map(Double.init), Array(repeating: 200, count: 30))) == 200)
        // Step resampling: 100 W at 0 s, 300 W at 30 s and 59 s. Seconds 0-29 hold 100, 30-59 hold 300;
        // the 31 windows hold k = 0...30 seconds of 300 W: mean 100 + 20k/3; NP = (Σ mean^4 / 31)^(1/4),
        // computed by hand (Python) as 223.0694887793096.
        let step = column([0, 30, 59], [100, 300, 300])
        #expect(abs(Metrics.normalizedPower(step)! - 223.0694887793096) < 1e-9)
    }

    @Test func trainingStress() {
        let atThreshold = Metrics.trainingStress(normalizedPower: 250, ftp: 250, seconds: 3600)
        #expect(atThreshold == (1, 100))
        // IF 0.8; TSS = 100 × 1800 × 200 × 0.8 / (250 × 3600) = 32.
        let easy = Metrics.trainingStress(normalizedPower: 200, ftp: 250, seconds: 1800)
        #expect(abs(easy.intensityFactor - 0.8) < 1e-12 && abs(easy.tss - 32) < 1e-9)
    }

    private func summaries(_ payload: String, _ options: SummaryOptions = SummaryOptions()) throws -> [ActivitySummary]
    {
        var source = MemorySource(Array(payload.utf8))
        var result: [ActivitySummary] = []
        try ActivityReader(options: options).forEachActivity(in: &source) { result.append($0.summary) }
        return result
    }

    @Test func maxHeartRateComesFromTheFlagElseThePayload() throws {
        let payload = """
            {"heart_rate_data":{"summary":{"user_max_hr_bpm":190},"detailed":{"hr_samples":[
             {"timestamp":"2024-01-01T10:00:00Z","bpm":95},{"timestamp":"2024-01-01T10:00:10Z","bpm":171}]}}}
            {"heart_rate_data":{"detailed":{"hr_samples":[{"timestamp":"2024-01-01T10:00:00Z","bpm":95}]}}}
            """
        let fromPayload = try summaries(payload)
        // 95/190 = 50% (zone 1) for 10 s; 171/190 = 90% (zone 5) for the median 10 s.
        #expect(fromPayload[0].maxHeartRateUsed == 190)
        #expect(fromPayload[0].heartRateZones?.map(\.durationSeconds) == [0, 10, 0, 0, 0, 10])
        #expect(fromPayload[1].heartRateZones == nil)
        #expect(fromPayload[1].notes.count == 1 && fromPayload[1].notes[0].contains("no max HR"))

        var options = SummaryOptions()
        options.maxHeartRate = 200
        let fromFlag = try summaries(payload, options)
        // 95/200 = 47.5% (zone 0); 171/200 = 85.5% (zone 4). A single sample weighs 0.
        #expect(fromFlag[0].maxHeartRateUsed == 200)
        #expect(fromFlag[0].heartRateZones?.map(\.durationSeconds) == [10, 0, 0, 0, 10, 0])
        #expect(fromFlag[1].heartRateZones?.map(\.durationSeconds) == [0, 0, 0, 0, 0, 0])
        #expect(fromFlag[1].notes.isEmpty)
    }

    @Test func powerStressNeedsFTP() throws {
        var samples: [String] = []
        for second in 0..<60 {
            samples.append(
                #"{"timestamp":"2024-01-01T10:00:\#(second < 10 ? "0" : "")\#(second)Z","watts":250,"timer_duration_seconds":\#(second)}"#
            )
        }
        let payload = #"{"power_data":{"power_samples":[\#(samples.joined(separator: ","))]}}"#
        let without = try summaries(payload)[0]
        #expect(without.normalizedPowerWatts == 250)
        #expect(without.intensityFactor == nil && without.trainingStressScore == nil)
        var options = SummaryOptions()
        options.functionalThresholdPower = 250
        let with = try summaries(payload, options)[0]
        // Timer time: 59 intervals of 1 s plus the median 1 s = 60 s; IF 1; TSS = 100 × 60 / 3600.
        #expect(with.timerSeconds == 60)
        #expect(with.intensityFactor == 1)
        #expect(abs(with.trainingStressScore! - 100.0 * 60 / 3600) < 1e-9)
    }
}
