// Nice steps for values and clock steps for times of day.

import SlipstreamPictures
import Testing

@Suite struct TicksTests {
    @Test func valueStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(Ticks.niceStep(0.7) == 0.5)
        #expect(Ticks.niceStep(13) == 10)
        #expect(Ticks.niceStep(22) == 20)
        #expect(Ticks.niceStep(3.2) == 5)
        #expect(Ticks.niceStep(50) == 50)
        #expect(Ticks.niceStep(75) == 100)
        #expect(abs(Ticks.niceStep(0.012) - 0.01) < 1e-15)
        #expect(Ticks.niceStep(0) == 1)
    }

    @Test func aValueAxisIsWidenedToWholeSteps() {
        // Heart rate 93...181 in about 4 steps: 88 / 4 = 22 -> 20; 80...200.
        let axis = Ticks.valueAxis(low: 93, high: 181, count: 4)
        #expect(axis.step == 20 && axis.low == 80 && axis.high == 200)
        // A flat series gets room around it: 20 +- 2 -> step 1, 18...22.
        let flat = Ticks.valueAxis(low: 20, high: 20, count: 4)
        #expect(flat.step == 1 && flat.low == 18 && flat.high == 22)
        // Zero power throughout: 0...1, not -1...1.
        let zero = Ticks.valueAxis(low: 0, high: 0, count: 4)
        #expect(zero.low == 0 && zero.high == 1)
        #expect(Ticks.decimals(forStep: 5) == 0)
        #expect(Ticks.decimals(forStep: 0.5) == 1)
        #expect(Ticks.decimals(forStep: 0.02) == 2)
    }

    @Test func timeStepsAreTheClocks() {
        // At most 8 labels: a 10-hour ride every 2 h, an hour every 10 min, 90 s every 15 s.
        #expect(Ticks.timeStep(seconds: 36_000, count: 8) == 7200)
        #expect(Ticks.timeStep(seconds: 3600, count: 8) == 600)
        #expect(Ticks.timeStep(seconds: 3600, count: 12) == 300)
        #expect(Ticks.timeStep(seconds: 5400, count: 8) == 900)
        #expect(Ticks.timeStep(seconds: 90, count: 8) == 15)
        #expect(Ticks.timeStep(seconds: 8 * 86_400, count: 8) == 86_400)
        // A clock that jumped: 10 days in 8 labels every 2 days, 30 years every 2,000 days.
        #expect(Ticks.timeStep(seconds: 10 * 86_400, count: 8) == 2 * 86_400)
        #expect(Ticks.timeStep(seconds: 30 * 365 * 86_400, count: 8) == 2000 * 86_400)
    }

    @Test func ticksFallOnRoundTimesOfTheWallClock() {
        // 2024-05-04T07:31:05Z to 09:02:00Z; every 30 min: 08:00 and 08:30, 09:00 in UTC.
        let start: Int64 = 1_714_807_865_000_000
        let end: Int64 = start + (90 * 60 + 55) * 1_000_000
        let utc = Ticks.times(from: start, to: end, step: 1800, offsetSeconds: 0)
        #expect(utc.map { Ticks.clock($0, offsetSeconds: 0, seconds: false) } == ["08:00", "08:30", "09:00"])
        // At UTC+05:45 (Nepal) the wall clock's half hours fall on 07:45 and 08:15 UTC.
        let nepal = Ticks.times(from: start, to: end, step: 1800, offsetSeconds: 20_700)
        #expect(nepal.map { Ticks.clock($0, offsetSeconds: 20_700, seconds: false) } == ["13:30", "14:00", "14:30"])
        #expect(nepal.map { Ticks.clock($0, offsetSeconds: 0) } == ["07:45:00", "08:15:00", "08:45:00"])
        // A tick exactly at the start is kept.
        #expect(Ticks.times(from: 0, to: 120_000_000, step: 60, offsetSeconds: 0) == [0, 60_000_000, 120_000_000])
    }

    @Test func clockTextWrapsAroundMidnight() {
        #expect(Ticks.clock(1_714_807_865_000_000, offsetSeconds: 0) == "07:31:05")
        #expect(Ticks.clock(1_714_807_865_000_000, offsetSeconds: -8 * 3600) == "23:31:05")
        #expect(Ticks.clock(1_714_807_865_000_000, offsetSeconds: 17 * 3600) == "00:31:05")
    }
}
