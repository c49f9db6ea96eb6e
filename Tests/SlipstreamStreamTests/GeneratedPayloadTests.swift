import Slipstream
import Testing

@testable import SlipstreamFixtures

/// A multi-hour, multi-activity payload made on the fly, checked against what the generator itself
/// computed while writing it (plain loops over the values it wrote, not over parsed columns).
@Suite struct GeneratedPayloadTests {
    static let options = GeneratorOptions(seconds: 4 * 3600, activities: 3, seed: 2026)
    static let generated = PayloadGenerator.bytes(options)

    @Test func summariesMatchTheGeneratorsOwnArithmetic() throws {
        let collector = Collector()
        var source = MemorySource(Self.generated.bytes, chunkSize: 4093)
        let report = try ActivityReader().read(&source, into: collector)
        #expect(report.activities == 3)
        #expect(report.payloads == 1)
        #expect(report.problems == 0)
        #expect(report.bytes == Self.generated.bytes.count)
        #expect(collector.records.count == 3)
        for (record, truth) in zip(collector.records, Self.generated.activities) {
            let s = record.summary
            #expect(record.summaryID == truth.summaryID)
            #expect(record.userID != nil)
            #expect(record.providerName == "XOSS")
            // Every channel of Terra's Activity; the generator writes no temperature.
            #expect(s.samples == Array(repeating: truth.samples, count: 7) + [0])
            #expect(s.dropped == Array(repeating: 0, count: 8))
            // Every sample carries a timer that steps by one second: each weighs 1, pauses excluded,
            // so the time-weighted mean is the plain mean.
            #expect(abs(s.heartRate.mean! - truth.heartRateMean) < 1e-9)
            #expect(s.heartRate.maximum == truth.heartRateMax)
            #expect(s.heartRate.minimum == truth.heartRateMin)
            #expect(abs(s.power.mean! - truth.powerMean) < 1e-9)
            #expect(s.power.maximum == truth.powerMax)
            #expect(s.cadence.maximum == truth.cadenceMax)
            #expect(s.speed.maximum == truth.speedMax)
            #expect(abs(s.distanceMeters! - truth.distanceMeters) < 1e-6)
            #expect(s.elevation.minimum == truth.elevationMin)
            #expect(s.elevation.maximum == truth.elevationMax)
            #expect(s.startPosition == truth.start)
            #expect(s.endPosition == truth.end)
            #expect(s.elapsedSeconds == truth.elapsedSeconds)
            #expect(truth.pauses == 11)
            #expect(s.heartRate.totalWeightSeconds == Double(truth.samples))
        }
    }

    @Test func columnsHoldEverySampleInOrder() throws {
        let collector = Collector()
        var source = MemorySource(Self.generated.bytes)
        _ = try ActivityReader().read(&source, into: collector)
        let columns = try #require(collector.columns.first)
        let heartRate = columns[.heartRate]
        #expect(heartRate.count == 4 * 3600)
        #expect(heartRate.usesTimerAxis)
        #expect(heartRate.timers.first == 0)
        #expect(heartRate.timers.last == Double(4 * 3600 - 1))
        // Times increase by one second, and by more across the pauses, which the timer does not count.
        var jumps = 0
        for i in 1..<heartRate.count {
            let step = heartRate.times[i] - heartRate.times[i - 1]
            #expect(step >= 1_000_000)
            if step > 1_000_000 { jumps += 1 }
        }
        #expect(jumps == 11)
        #expect(columns[.position].secondValues.count == columns[.position].count)
    }

    @Test func theSameSeedWritesTheSameBytes() {
        let small = GeneratorOptions(seconds: 300, activities: 2, seed: 9)
        #expect(PayloadGenerator.bytes(small).bytes == PayloadGenerator.bytes(small).bytes)
        #expect(
            PayloadGenerator.bytes(small).bytes
                != PayloadGenerator.bytes(GeneratorOptions(seconds: 300, activities: 2, seed: 10)).bytes)
    }

    @Test func prettyAndCompactPayloadsSummarizeAlike() {
        var pretty = Self.options
        pretty.seconds = 900
        pretty.pretty = true
        var compact = pretty
        compact.pretty = false
        let a = render(PayloadGenerator.bytes(pretty).bytes)
        let b = render(PayloadGenerator.bytes(compact).bytes)
        #expect(a == b)
        #expect(!a.isEmpty)
    }
}
