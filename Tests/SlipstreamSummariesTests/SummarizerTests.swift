import Testing

@testable import Slipstream
@testable import SlipstreamCore
@testable import SlipstreamSummaries

@Suite struct SummarizerTests {
    private func column(times: [Int64], values: [Double], timers: [Double?]? = nil) -> SampleColumn {
        var column = SampleColumn()
        for (i, value) in values.enumerated() {
            column.append(time: times[i] * 1_000_000, timer: timers?[i], value: value)
        }
        return column
    }

    @Test func meanWeighsEachSampleByTheTimeToTheNext() {
        // weights 10, 10, 30 and, for the last, the median interval 10: (1000+1100+3600+1300)/60
        let stats = Summarizer.statistics(column(times: [0, 10, 20, 50], values: [100, 110, 120, 130]))
        #expect(stats.count == 4)
        #expect(stats.minimum == 100)
        #expect(stats.maximum == 130)
        #expect(stats.totalWeightSeconds == 60)
        #expect(abs(stats.mean! - 7000.0 / 60.0) < 1e-12)
    }

    @Test func evenCountOfIntervalsTakesTheMiddleTwoForTheLastWeight() {
        // intervals 1, 3, 5, 7 -> median 4; (10*1 + 20*3 + 30*5 + 40*7 + 50*4) / 20 = 700/20
        let stats = Summarizer.statistics(column(times: [0, 1, 4, 9, 16], values: [10, 20, 30, 40, 50]))
        #expect(stats.mean == 35)
        #expect(stats.totalWeightSeconds == 20)
    }

    @Test func timerAxisIsUsedWhenEverySampleHasATimer() {
        // Timestamps jump 100 s (a pause); the timer does not: weights 1, 1, 1 on the timer axis.
        let stats = Summarizer.statistics(
            column(times: [0, 1, 101], values: [100, 200, 300], timers: [0, 1, 2]))
        #expect(stats.mean == 200)
        // One sample without a timer: back to timestamps, weights 1, 100, 50.5 (median of 1, 100).
        let mixed = Summarizer.statistics(
            column(times: [0, 1, 101], values: [100, 200, 300], timers: [0, nil, 2]))
        #expect(abs(mixed.mean! - (100 + 20_000 + 300 * 50.5) / 151.5) < 1e-9)
    }

    @Test func oneSampleWeighsNothingAndItsMeanIsItsValue() {
        let stats = Summarizer.statistics(column(times: [5], values: [142]))
        #expect(stats == ChannelStatistics(count: 1, minimum: 142, maximum: 142, mean: 142, totalWeightSeconds: 0))
    }

    @Test func samplesAtOneInstantFallBackToThePlainMean() {
        let stats = Summarizer.statistics(column(times: [3, 3, 3], values: [1, 2, 6]))
        #expect(stats.mean == 3)
    }

    @Test func emptyColumnHasNoStatistics() {
        #expect(Summarizer.statistics(SampleColumn()) == ChannelStatistics())
    }

    @Test func activitySummaryTakesDistancePositionsAndElapsedTime() {
        var columns = ActivityColumns()
        columns[.distance].append(time: 0, timer: nil, value: 100)
        columns[.distance].append(time: 1_000_000, timer: nil, value: 150.5)
        columns[.distance].append(time: 2_000_000, timer: nil, value: 1100.5)
        columns[.position].append(time: 0, timer: nil, latitude: 45.1, longitude: 7.2)
        columns[.position].append(time: 1, timer: nil, latitude: 45.2, longitude: 7.3)
        columns[.heartRate].dropped = 2
        let summary = Summarizer.summarize(columns, startTime: 0, endTime: 3_600_500_000)
        // Cumulative from the activity's start: the last value, the first sample's 100 m included.
        #expect(summary.distanceMeters == 1100.5)
        #expect(summary.startPosition == [45.1, 7.2])
        #expect(summary.endPosition == [45.2, 7.3])
        #expect(summary.elapsedSeconds == 3600.5)
        #expect(summary.samples == [0, 0, 0, 0, 3, 0, 2, 0])
        #expect(summary.dropped == [2, 0, 0, 0, 0, 0, 0, 0])
        #expect(summary.heartRate == ChannelStatistics())
    }
}
