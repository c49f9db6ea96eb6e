// Charts: points drawn, pauses as gaps, zone bands, axes and the table beside them.

import SlipstreamCore
import SlipstreamPictures
import Testing

@Suite struct ChartTests {
    @Test func aTenHourRideDrawsAtMostMaxPointsPerChart() throws {
        let pictures = RidePictures(
            columns: RideFixture.everyChannel(seconds: 36_000), utcOffsetSeconds: nil, maxHeartRate: 190)
        #expect(pictures.kinds == [.map, .heartRate, .power, .speed, .cadence, .elevation, .temperature])
        for kind in pictures.kinds where kind != .map {
            let picture = try #require(pictures.picture(kind))
            #expect(picture.pointCount == 1000)
            #expect(picture.rows.count == 1000)
            #expect(picture.svg.contains(#"data-points="1000""#))
            #expect(RideFixture.points(RideFixture.seriesPath(picture.svg)).count == 1000)
        }
        let few = try #require(pictures.picture(.power, maxPoints: 50))
        #expect(few.pointCount == 50)
    }

    @Test func kindsAreThoseWithData() {
        let heartRate = RideFixture.columns(.heartRate, seconds: Array(0..<10))
        #expect(RidePictures(columns: heartRate, utcOffsetSeconds: nil, maxHeartRate: nil).kinds == [.heartRate])
        let distanceOnly = RideFixture.columns(.distance, seconds: Array(0..<10))
        let none = RidePictures(columns: distanceOnly, utcOffsetSeconds: nil, maxHeartRate: nil)
        #expect(none.kinds == [])
        #expect(none.picture(.heartRate) == nil)
        #expect(none.picture(.map) == nil)
    }

    /// The rule (``Pauses``): more than max(10 s, 5 x the median interval) between two samples.
    @Test(arguments: [(1, 10, 1), (1, 11, 2), (4, 20, 1), (4, 21, 2), (1, 600, 2)])
    func aPauseSplitsThePath(interval: Int, gap: Int, subpaths: Int) throws {
        // Fifty samples `interval` apart, one gap of `gap` seconds, fifty more.
        let before = (0..<50).map { $0 * interval }
        let after = (0..<50).map { 49 * interval + gap + $0 * interval }
        let columns = RideFixture.columns(.power, seconds: before + after)
        let picture = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil).picture(.power))
        let d = RideFixture.seriesPath(picture.svg)
        #expect(RideFixture.count("M", in: d) == subpaths)
        #expect(picture.pointCount == 100)
    }

    @Test func theMedianIntervalSetsTheThreshold() {
        func times(_ seconds: [Int]) -> ContiguousArray<Int64> {
            ContiguousArray(seconds.map { Int64($0) * 1_000_000 })
        }
        #expect(Pauses.medianInterval(times([0, 1, 2, 3, 100])) == 1_000_000)
        #expect(Pauses.threshold(times([0, 1, 2, 3, 100])) == 10_000_000)
        #expect(Pauses.threshold(times([0, 4, 8, 12, 16])) == 20_000_000)
        #expect(Pauses.threshold(times([0])) == 10_000_000)
        #expect(Pauses.starts(times([0, 1, 2, 30, 31, 50]), threshold: 10_000_000) == [3, 5])
    }

    @Test func aLonePointBetweenPausesIsADot() throws {
        let columns = RideFixture.columns(.cadence, seconds: [0, 1, 2, 100, 200, 201])
        let picture = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil).picture(.cadence))
        let d = RideFixture.seriesPath(picture.svg)
        #expect(RideFixture.count("M", in: d) == 3)
        #expect(RideFixture.count("h0", in: d) == 1)
        #expect(RideFixture.points(d).count == 6)
    }

    @Test func gapsSurviveDownsampling() throws {
        // 2 x 18,000 s at 1 Hz with an hour's pause between: still two subpaths at 1,000 points.
        let seconds = Array(0..<18_000) + Array(21_600..<39_600)
        let columns = RideFixture.columns(.heartRate, seconds: seconds)
        let picture = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil).picture(.heartRate))
        #expect(RideFixture.count("M", in: RideFixture.seriesPath(picture.svg)) == 2)
        #expect(picture.pointCount == 1000)
    }

    @Test func zoneBandsOnlyWithAMaxHeartRate() throws {
        // 100...179 bpm: axis 100...180 (step 20); max 190: zones from 95, 114, 133, 152, 171 bpm.
        let columns = RideFixture.columns(.heartRate, seconds: Array(0..<600))
        let with = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: 190).picture(.heartRate))
        for zone in 1...5 { #expect(with.svg.contains(#"class="zone zone-\#(zone)""#)) }
        #expect(RideFixture.count(#"class="zone-bound""#, in: with.svg) == 4)  // zone 1's bound is below the axis
        #expect(with.svg.contains("stroke-dasharray"))
        // The bands lie behind the line.
        let band = try #require(with.svg.firstRange(of: "zone zone-1"))
        let line = try #require(with.svg.firstRange(of: #"class="series""#))
        #expect(band.lowerBound < line.lowerBound)

        let without = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil).picture(.heartRate))
        #expect(!without.svg.contains("zone"))
        // Only heart rate has zones.
        let power = RideFixture.columns(.power, seconds: Array(0..<600), into: columns)
        let powerChart = try #require(
            RidePictures(columns: power, utcOffsetSeconds: nil, maxHeartRate: 190).picture(.power))
        #expect(!powerChart.svg.contains("zone"))
    }

    @Test func axesCarryUnitsAndTimesOfDay() throws {
        let columns = RideFixture.columns(.speed, seconds: Array(0..<3600), value: { _ in 10 })
        let utc = try #require(RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil).picture(.speed))
        #expect(utc.svg.contains(">km/h</text>"))
        #expect(utc.svg.contains(">UTC</text>"))
        // 07:31:05 to 08:31:04, every 10 min: 07:40 ... 08:30.
        for label in ["07:40", "08:00", "08:30"] { #expect(utc.svg.contains(">\(label)</text>")) }
        #expect(utc.columnTitles == ["Time (UTC)", "Speed (km/h)"])
        #expect(utc.rows.first == ["07:31:05", "36"])

        let local = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: 7200, maxHeartRate: nil).picture(.speed))
        #expect(!local.svg.contains(">UTC<"))
        #expect(local.svg.contains(">09:40</text>"))
        #expect(local.columnTitles == ["Time", "Speed (km/h)"])
        #expect(local.rows.last == ["10:31:04", "36"])
    }

    @Test func unitsOfEveryChart() throws {
        var columns = ActivityColumns()
        for channel in [Channel.heartRate, .power, .speed, .cadence, .elevation, .temperature] {
            columns = RideFixture.columns(channel, seconds: [0, 1, 2], into: columns)
        }
        let pictures = RidePictures(columns: columns, utcOffsetSeconds: 0, maxHeartRate: nil)
        let units: [PictureKind: String] = [
            .heartRate: "bpm", .power: "W", .speed: "km/h", .cadence: "rpm", .elevation: "m", .temperature: "°C",
        ]
        for (kind, unit) in units {
            let picture = try #require(pictures.picture(kind))
            #expect(picture.svg.contains(#"class="unit""#) && picture.svg.contains(">\(unit)</text>"))
            #expect(picture.columnTitles == ["Time", "\(kind.label) (\(unit))"])
        }
    }
}
