import Testing

@testable import Slipstream
@testable import SlipstreamCore
@testable import SlipstreamOutput
@testable import SlipstreamStream
@testable import SlipstreamSummaries

/// The rules of docs/METRICS.md, each on a small payload whose answer is worked out by hand.
@Suite struct SummaryRulesTests {
    /// A sample object at `second` seconds after 2024-01-01T10:00:00Z with `fields` after the timestamp.
    private func sample(_ second: Int, _ fields: String) -> String {
        let minute = second / 60, rest = second % 60
        let time = "2024-01-01T10:\(minute < 10 ? "0" : "")\(minute):\(rest < 10 ? "0" : "")\(rest)Z"
        return #"{"timestamp":"\#(time)",\#(fields)}"#
    }

    private func records(_ payload: String, _ options: SummaryOptions = SummaryOptions()) throws -> [ActivityRecord] {
        var source = MemorySource(Array(payload.utf8))
        var result: [ActivityRecord] = []
        try ActivityReader(options: options).forEachActivity(in: &source) { result.append($0) }
        return result
    }

    private func summary(_ payload: String, _ options: SummaryOptions = SummaryOptions()) throws -> ActivitySummary {
        let all = try records(payload, options)
        try #require(all.count == 1)
        return all[0].summary
    }

    private func heartRate(_ samples: [(Int, String)]) -> String {
        let list = samples.map { sample($0.0, #""bpm":\#($0.1)"#) }.joined(separator: ",")
        return #"{"heart_rate_data":{"detailed":{"hr_samples":[\#(list)]}}}"#
    }

    private func close(_ a: Double?, _ b: Double, within tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    // MARK: heart rate

    @Test func zeroOrNegativeHeartRateIsADropoutSpannedByThePreviousSample() throws {
        // Stored: 100 at 0 s and 120 at 20 s; 100 weighs the 20 s to 120, 120 the median 20 s.
        let s = try summary(heartRate([(0, "100"), (10, "0"), (20, "120"), (30, "-5")]))
        #expect(s.heartRate.count == 2)
        #expect(s.dropped[Channel.heartRate.rawValue] == 2)
        #expect(s.heartRate.mean == 110)
        #expect(s.heartRate.minimum == 100)
    }

    @Test func onlyDropoutsGiveNullNeverZero() throws {
        let s = try summary(heartRate([(0, "0"), (1, "0"), (2, "null")]))
        #expect(s.heartRate.count == 0 && s.heartRate.mean == nil && s.heartRate.maximum == nil)
        #expect(s.dropped[Channel.heartRate.rawValue] == 3)
    }

    // MARK: power and cadence zeros

    @Test func powerAverageIncludesZerosUnlessAskedNot() throws {
        // 100, 0, 200 W one each 10 s: every sample weighs 10 s.
        let list = [(0, 100), (10, 0), (20, 200)].map { sample($0.0, #""watts":\#($0.1)"#) }.joined(separator: ",")
        let payload = #"{"power_data":{"power_samples":[\#(list)]}}"#
        let included = try summary(payload)
        #expect(included.power.mean == 100)
        var options = SummaryOptions()
        options.powerZeros = .exclude
        let excluded = try summary(payload, options)
        #expect(excluded.power.mean == 150)
        #expect(excluded.power.minimum == 0 && excluded.power.maximum == 200)
    }

    @Test func cadenceAverageExcludesCoastingUnlessAskedTo() throws {
        // 90, 0, 0, 80 rpm each 10 s: without zeros (90 + 80) / 2; with them 170 / 4.
        let list = [(0, 90), (10, 0), (20, 0), (30, 80)].map { sample($0.0, #""cadence_rpm":\#($0.1)"#) }.joined(
            separator: ",")
        let payload = #"{"movement_data":{"cadence_samples":[\#(list)]}}"#
        #expect(try summary(payload).cadence.mean == 85)
        var options = SummaryOptions()
        options.cadenceZeros = .include
        #expect(try summary(payload, options).cadence.mean == 42.5)
    }

    @Test func aRowersStrokeRateCountsTheRestsUnlessAskedNot() throws {
        // 24, 0, 0, 20 strokes/min each 10 s on a rowing machine (Terra type 54): 44 / 4 with the rests.
        let list = [(0, 24), (10, 0), (20, 0), (30, 20)].map { sample($0.0, #""cadence_rpm":\#($0.1)"#) }.joined(
            separator: ",")
        for (type, expected) in [(54, 11.0), (53, 11.0), (1, 22.0)] {
            let payload =
                #"{"metadata":{"name":"x","type":\#(type),"start_time":"2024-05-04T07:30:00Z"},"movement_data":{"cadence_samples":[\#(list)]}}"#
            #expect(try summary(payload).cadence.mean == expected, "type \(type)")
        }
        // A `type` inside a nested object is not the activity's.
        let nested =
            #"{"metadata":{"name":"x","device":{"type":54},"type":1},"movement_data":{"cadence_samples":[\#(list)]}}"#
        #expect(try summary(nested).cadence.mean == 22)
        var options = SummaryOptions()
        options.cadenceZeros = .exclude
        let rowing = #"{"metadata":{"type":54},"movement_data":{"cadence_samples":[\#(list)]}}"#
        #expect(try summary(rowing, options).cadence.mean == 22)
    }

    // MARK: motion

    @Test func speedSamplesGiveMaxSpeedMovingTimeAndTheMeanWithoutDistance() throws {
        // 5, 0.2, 5 m/s each 10 s. 0.2 m/s is under 1 km/h (0.2778 m/s): moving 20 s of 30.
        let list = [(0, "5"), (10, "0.2"), (20, "5")].map { sample($0.0, #""speed_meters_per_second":\#($0.1)"#) }
        let payload = #"{"movement_data":{"speed_samples":[\#(list.joined(separator: ","))]}}"#
        let s = try summary(payload)
        #expect(s.speedSource == .speedSamples)
        #expect(s.maxSpeed == 5)
        #expect(s.movingSeconds == 20)
        #expect(s.timerSeconds == 30)
        #expect(close(s.averageSpeed, (50 + 2 + 50) / 30.0))
        #expect(s.distanceMeters == nil && s.distanceSource == .none)
        // A threshold of 0.5 km/h (0.139 m/s) makes every sample moving.
        var options = SummaryOptions()
        options.movingThresholdKilometersPerHour = 0.5
        #expect(try summary(payload, options).movingSeconds == 30)
    }

    @Test func speedIsDerivedFromDistanceSamplesWhenThereAreNoSpeedSamples() throws {
        // 0, 100, 100, 300 m at 0, 10, 20, 30 s: 10, 0, 20 m/s for 10 s each.
        let list = [(0, 0), (10, 100), (20, 100), (30, 300)].map { sample($0.0, #""distance_meters":\#($0.1)"#) }
        let payload = #"{"distance_data":{"detailed":{"distance_samples":[\#(list.joined(separator: ","))]}}}"#
        let s = try summary(payload)
        #expect(s.speedSource == .distanceSamples && s.distanceSource == .distanceSamples)
        #expect(s.distanceMeters == 300)
        #expect(s.maxSpeed == 20)
        #expect(s.movingSeconds == 20)
        // Timer time: the distance channel's weights 10 + 10 + 10 + the median 10.
        #expect(s.timerSeconds == 40)
        #expect(s.averageSpeed == 7.5)
    }

    /// Positions along the equator: 0.001° of longitude is 6,371,008.8 m × π / 180,000 = 111.19508 m.
    private let meridianStep = 6_371_008.8 * Double.pi / 180_000

    private func positions(_ points: [(Int, String)]) -> String {
        let list = points.map { sample($0.0, #""coords_lat_lng_deg":\#($0.1)"#) }.joined(separator: ",")
        return #"{"position_data":{"position_samples":[\#(list)]}}"#
    }

    /// A ride at 0.0001° of longitude per second along the equator (11.12 m/s) with one fix 300 m off.
    @Test func aGPSSpikeIsNotASpeed() throws {
        let step = meridianStep / 10
        var points = (0..<60).map { (i: Int) -> (Int, String) in (i, "[0,\(Double(i) * 0.0001)]") }
        points[30].1 = "[0.0027,0.003]"  // 0.0027° of latitude: 300 m north of the track
        let s = try summary(positions(points))
        #expect(s.speedSource == .positions)
        #expect(close(s.maxSpeed, step, within: 1e-6), "\(s.maxSpeed ?? -1)")
        #expect(s.movingSeconds == 59)
    }

    @Test func timerTimeNeverPassesTheEndTime() throws {
        // 600 samples at 1 Hz from 10:00:00 to 10:09:59, and the activity ends at 10:09:59: 599 s.
        let speeds = (0..<600).map { sample($0, #""speed_meters_per_second":8"#) }.joined(separator: ",")
        let distances = (0..<600).map { sample($0, #""distance_meters":\#(8 * $0)"#) }.joined(separator: ",")
        let activity =
            #"{"metadata":{"start_time":"2024-01-01T10:00:00Z","end_time":"2024-01-01T10:09:59Z"},"#
            + #""movement_data":{"speed_samples":[\#(speeds)]},"distance_data":{"detailed":{"distance_samples":[\#(distances)]}}}"#
        let s = try summary(activity)
        #expect(s.elapsedSeconds == 599 && s.timerSeconds == 599)
        // 4,792 m (the last cumulative value) over 599 s.
        #expect(s.distanceMeters == 4792 && s.averageSpeed == 8)
    }

    @Test func cumulativeDistanceCountsFromTheStartAndAcrossResets() throws {
        #expect(Summarizer.cumulativeDistance([6.6, 10, 20]) == 20)
        #expect(Summarizer.cumulativeDistance([0, 100, 200, 50]) == 250)
        #expect(Summarizer.cumulativeDistance([0, 100, 0, 0, 30]) == 130)
        // A centimetre back is the device's rounding, not a reset (a Garmin multisport file does this).
        #expect(Summarizer.cumulativeDistance([559.5, 559.49, 560]) == 560)
        let s = try summary(
            #"{"distance_data":{"detailed":{"distance_samples":["#
                + [
                    sample(0, #""distance_meters":0"#), sample(10, #""distance_meters":100"#),
                    sample(20, #""distance_meters":200"#),
                    sample(30, #""distance_meters":50"#),
                ].joined(separator: ",") + "]}}}")
        #expect(s.distanceMeters == 250)
        // The reset's interval is 50 m in 10 s, not -150 m.
        #expect(s.maxSpeed == 10)
    }

    @Test func theMaxHeartRateTakenFromThePayloadIsTheProvidersInProvenance() throws {
        let hr = [sample(0, #""bpm":120"#), sample(10, #""bpm":150"#)].joined(separator: ",")
        let activity = #"{"heart_rate_data":{"summary":{"user_max_hr_bpm":190},"detailed":{"hr_samples":[\#(hr)]}}}"#
        var out: [UInt8] = []
        let writer = SummaryWriter(output: { out += $0 }, problem: { _ in })
        var source = MemorySource(Array(activity.utf8))
        _ = try ActivityReader().read(&source, into: writer)
        #expect(String(decoding: out, as: UTF8.self).contains(#""heart_rate_data.summary.user_max_hr_bpm":"provider""#))
        var options = SummaryOptions()
        options.maxHeartRate = 185
        out = []
        var again = MemorySource(Array(activity.utf8))
        _ = try ActivityReader(options: options).read(&again, into: writer)
        #expect(String(decoding: out, as: UTF8.self).contains(#""heart_rate_data.summary.user_max_hr_bpm":"computed""#))
    }

    @Test func distanceAndSpeedComeFromPositionsWhenNothingElseHasThem() throws {
        let s = try summary(positions([(0, "[0,0]"), (10, "[0,0.001]"), (20, "[0,0.003]")]))
        #expect(s.distanceSource == .positions && s.speedSource == .positions)
        #expect(close(s.distanceMeters, 3 * meridianStep, within: 1e-6))
        // Interval speeds step/10 and 2·step/10; each one's running median (window 7) covers both: their mean.
        #expect(close(s.maxSpeed, 1.5 * meridianStep / 10, within: 1e-9))
        // Timer 30 s (10 + 10 + median 10): distance / timer.
        #expect(close(s.averageSpeed, 3 * meridianStep / 30, within: 1e-9))
        #expect(s.movingSeconds == 20)
    }

    @Test func positionsWithNullCoordinatesAreSkipped() throws {
        let s = try summary(positions([(0, "[0,0]"), (5, "[null,null]"), (10, "null"), (20, "[0,0.001]")]))
        #expect(s.samples[Channel.position.rawValue] == 2)
        #expect(s.dropped[Channel.position.rawValue] == 2)
        #expect(close(s.distanceMeters, meridianStep, within: 1e-6))
    }

    @Test func withoutAnySpeedMovingTimeIsTimerTime() throws {
        let s = try summary(heartRate([(0, "100"), (10, "110"), (20, "120")]))
        #expect(s.speedSource == .none && s.maxSpeed == nil && s.averageSpeed == nil)
        #expect(s.timerSeconds == 30 && s.movingSeconds == 30)
        #expect(s.startPosition == nil && s.centerPosition == nil && s.polyline == nil)
    }

    @Test func allZeroSpeedIsNoSpeedSensorNotAStandstill() throws {
        // An indoor trainer reports speed 0 and distance 0 throughout: moving time is timer time.
        let speed = [0, 10, 20].map { sample($0, #""speed_meters_per_second":0"#) }.joined(separator: ",")
        let distance = [0, 10, 20].map { sample($0, #""distance_meters":0"#) }.joined(separator: ",")
        let trainer =
            #"{"movement_data":{"speed_samples":[\#(speed)]},"distance_data":{"detailed":{"distance_samples":[\#(distance)]}}}"#
        let indoor = try summary(trainer)
        #expect(indoor.speedSource == .none && indoor.maxSpeed == nil)
        #expect(indoor.timerSeconds == 30 && indoor.movingSeconds == 30)
        #expect(indoor.distanceMeters == 0 && indoor.averageSpeed == 0)

        // Speed all 0 but the distance moves: speed comes from the distance samples.
        let moving = [(0, 0), (10, 50), (20, 100)].map { sample($0.0, #""distance_meters":\#($0.1)"#) }.joined(
            separator: ",")
        let wheel =
            #"{"movement_data":{"speed_samples":[\#(speed)]},"distance_data":{"detailed":{"distance_samples":[\#(moving)]}}}"#
        let outdoor = try summary(wheel)
        #expect(outdoor.speedSource == .distanceSamples && outdoor.maxSpeed == 5 && outdoor.movingSeconds == 20)
    }

    @Test func pausesOnTheTimerAxisWeighNothing() throws {
        // A 10-minute stop at 20 s: timestamps jump 600 s, timer_duration_seconds goes on by 10.
        let list = [(0, 0.0, 5.0), (10, 10, 5), (20, 20, 0), (620, 30, 5)].map {
            sample($0.0, #""speed_meters_per_second":\#($0.2),"timer_duration_seconds":\#($0.1)"#)
        }
        let payload = #"{"movement_data":{"speed_samples":[\#(list.joined(separator: ","))]}}"#
        let s = try summary(payload)
        #expect(s.timerSeconds == 40)
        #expect(s.movingSeconds == 30)
        // On the timestamp axis the stop is a gap: one interval of 600 s.
        #expect(s.gaps[Channel.speed.rawValue] == GapSummary(count: 1, seconds: 600))
    }

    // MARK: gaps, order, duplicates

    @Test func gapsAreIntervalsAboveThePauseGap() throws {
        let payload = heartRate([(0, "100"), (1, "100"), (2, "100"), (20, "100"), (21, "100"), (32, "100")])
        let s = try summary(payload)
        #expect(s.gaps[Channel.heartRate.rawValue] == GapSummary(count: 2, seconds: 29))
        var options = SummaryOptions()
        options.pauseGapSeconds = 11
        #expect(try summary(payload, options).gaps[Channel.heartRate.rawValue] == GapSummary(count: 1, seconds: 18))
    }

    @Test func unsortedSamplesAreSortedAndDuplicateTimesKeepTheLast() throws {
        // In: 0 s 100, 20 s 120, 10 s 110, 10 s 115. Sorted stably: 100, 110, 115, 120; the two at
        // 10 s keep the later one (115). One sample went back in time; one was a duplicate.
        let s = try summary(heartRate([(0, "100"), (20, "120"), (10, "110"), (10, "115")]))
        #expect(s.unsorted[Channel.heartRate.rawValue] == 1)
        #expect(s.duplicates[Channel.heartRate.rawValue] == 1)
        #expect(s.heartRate.count == 3)
        #expect(close(s.heartRate.mean, (100 + 115 + 120) / 3.0))
    }

    @Test func columnsHandedToConsumersAreInTimeOrder() throws {
        final class Columns: ActivityConsumer {
            var times: [Int64] = []
            var values: [Double] = []
            func activity(_ record: ActivityRecord) throws {
                times = Array(record.columns[.heartRate].times)
                values = Array(record.columns[.heartRate].values)
            }
            func problem(_ error: SlipstreamError) {}
        }
        let consumer = Columns()
        var source = MemorySource(Array(heartRate([(2, "3"), (0, "1"), (1, "2"), (1, "4")]).utf8))
        _ = try ActivityReader().read(&source, into: consumer)
        let start = consumer.times.first ?? 0
        #expect(consumer.times.map { ($0 - start) / 1_000_000 } == [0, 1, 2])
        #expect(consumer.values == [1, 4, 3])
    }

    @Test func duplicatesAfterAnOrderedStartKeepTheLastOfEachRun() throws {
        // Already in order, duplicates only from the third sample on: 0, 1, 2, 2, 3, 4, 4, 4 s.
        let s = try summary(
            heartRate([
                (0, "100"), (1, "101"), (2, "102"), (2, "103"), (3, "104"), (4, "105"), (4, "106"), (4, "107"),
            ]))
        #expect(s.unsorted[Channel.heartRate.rawValue] == 0)
        #expect(s.duplicates[Channel.heartRate.rawValue] == 3)
        #expect(s.heartRate.count == 5)
        #expect(s.heartRate.maximum == 107 && s.heartRate.minimum == 100)
        // Kept: 100, 101, 103, 104, 107, one second apart, so equal weights.
        #expect(close(s.heartRate.mean, (100 + 101 + 103 + 104 + 107) / 5.0))
    }

    // MARK: position

    @Test func centerIsThePositionNearestTheMiddleInTime() throws {
        // First at 0 s, last at 40 s: the middle is 20 s; the sample at 10 s is nearer than the one at 40 s.
        let s = try summary(positions([(0, "[45,7]"), (10, "[45.1,7.1]"), (40, "[45.2,7.2]")]))
        #expect(s.startPosition == [45, 7] && s.endPosition == [45.2, 7.2])
        #expect(s.centerPosition == [45.1, 7.1])
    }

    @Test func polylineFollowsGooglesExample() {
        // developers.google.com/maps/documentation/utilities/polylinealgorithm
        let encoded = Geography.encodePolyline(
            latitudes: [38.5, 40.7, 43.252], longitudes: [-120.2, -120.95, -126.453])
        #expect(encoded == "_p~iF~ps|U_ulLnnqC_mqNvxq`@")
    }

    @Test func douglasPeuckerDropsPointsWithinTheTolerance() {
        // Along the equator every 0.001° (111 m); the middle point sits 0.00003° north (3.3 m) of the line.
        let lat: [Double] = [0, 0.00003, 0]
        let lng: [Double] = [0, 0.001, 0.002]
        #expect(Geography.simplify(latitudes: lat, longitudes: lng, tolerance: 5) == [0, 2])
        #expect(Geography.simplify(latitudes: lat, longitudes: lng, tolerance: 3) == [0, 1, 2])
        // One point: kept; a closed loop (first == last) measures from that point.
        #expect(Geography.simplify(latitudes: [1], longitudes: [2], tolerance: 5) == [0])
        let loop = Geography.simplify(latitudes: [0, 0.001, 0], longitudes: [0, 0, 0], tolerance: 5)
        #expect(loop == [0, 1, 2])
    }

    @Test func summaryPolylineIsTheSimplifiedTrack() throws {
        let s = try summary(positions([(0, "[0,0]"), (10, "[0.00003,0.001]"), (20, "[0,0.002]")]))
        #expect(s.polyline == Geography.encodePolyline(latitudes: [0, 0], longitudes: [0, 0.002]))
        var options = SummaryOptions()
        options.polylineToleranceMeters = 1
        let fine = try summary(positions([(0, "[0,0]"), (10, "[0.00003,0.001]"), (20, "[0,0.002]")]), options)
        #expect(fine.polyline == Geography.encodePolyline(latitudes: [0, 0.00003, 0], longitudes: [0, 0.001, 0.002]))
    }

    // MARK: provenance

    private let withProviderPower = """
        {"power_data":{"avg_watts":999,"power_samples":[
         {"timestamp":"2024-01-01T10:00:00Z","watts":100},{"timestamp":"2024-01-01T10:00:10Z","watts":200}]}}
        """

    private func written(_ payload: String, prefer: SummaryOptions.Preference) throws -> String {
        var output: [UInt8] = []
        let writer = SummaryWriter(prefer: prefer, output: { output.append(contentsOf: $0) }, problem: { _ in })
        var source = MemorySource(Array(payload.utf8))
        _ = try ActivityReader().read(&source, into: writer)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func computedValuesFillTerraFieldsAndTheProvidersAreKept() throws {
        let line = try written(withProviderPower, prefer: .computed)
        #expect(line.contains(#""power_data":{"avg_watts":150,"max_watts":200}"#))
        #expect(line.contains(#""provider":{"power_data":{"avg_watts":999}}"#))
        #expect(line.contains(#""power_data.avg_watts":"computed""#))
        #expect(!line.contains(#""computed":{"#))
    }

    @Test func preferProviderSwapsTheTwo() throws {
        let line = try written(withProviderPower, prefer: .provider)
        #expect(line.contains(#""power_data":{"avg_watts":999,"max_watts":200}"#))
        #expect(line.contains(#""power_data.avg_watts":"provider""#))
        #expect(line.contains(#""power_data.max_watts":"computed""#))
        #expect(line.contains(#""computed":{"power_data":{"avg_watts":150}}"#))
    }
}
