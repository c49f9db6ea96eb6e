import Foundation
import Testing

@testable import Slipstream
@testable import SlipstreamCore
@testable import SlipstreamFixtures

/// The device's frame, chained files and a strap's `hr` messages, on files whose every byte is known.
@Suite struct FITChainTests {
    typealias F = FITEncoder.Field
    static let start = FITDecoderTests.start
    static func decode(_ bytes: [UInt8], chunk: Int = .max) -> (
        records: [ActivityRecord], problems: [SlipstreamError], error: SlipstreamError?
    ) {
        FITDecoderTests.decode(bytes, chunk: chunk)
    }

    @Test(arguments: [7, Int.max])
    func sessionsWrittenBeforeTheirRecordsReadAsSessionsWrittenAfter(chunk: Int) throws {
        // Current Garmin watches write the session first, timestamped at its start: every record is
        // still its session's (before, a 25-minute ride became one sample).
        var options = GeneratorOptions(seconds: 1500, activities: 2, seed: 5)
        let last = Self.decode(FITGenerator.ride(options), chunk: chunk)
        options.summaryFirst = true
        let first = Self.decode(FITGenerator.ride(options), chunk: chunk)
        #expect(first.error == nil && first.problems.isEmpty && first.records.count == 2)
        #expect(first.records.map(\.summaryID) == last.records.map(\.summaryID))
        for (a, b) in zip(first.records, last.records) {
            #expect(a.summary.samples == [1500, 1500, 1500, 1500, 1500, 1500, 1500, 1500])
            #expect(a.summary.samples == b.summary.samples && a.summary.heartRate.mean == b.summary.heartRate.mean)
            #expect(
                a.summary.distanceMeters == b.summary.distanceMeters && a.summary.timerSeconds == b.summary.timerSeconds
            )
            #expect(a.summary.elapsedSeconds == b.summary.elapsedSeconds && a.metadata == b.metadata)
            #expect(!a.summary.notes.contains { $0.contains("record") }, "\(a.summary.notes)")
        }
        // 1500 records a second apart and one pause (at 1,200 s, 30 to 119 s): the device's elapsed time.
        let elapsed = try #require(first.records.first?.summary.elapsedSeconds)
        #expect(elapsed > 1500 + 30 && elapsed < 1500 + 120)
    }

    @Test func theDevicesElapsedTimeIsTheFrameAndRecordsPastItAreKeptAndSaid() throws {
        // A session written first: start S, total_elapsed_time 5.5 s; ten records at S ... S + 9
        // (heart rate 100 ... 109), no timer event.
        var fit = FITEncoder()
        fit.define(local: 0, global: 0, fields: [F(0, 0x00)])
        fit.data(local: 0, [.integer(4)])
        fit.define(local: 1, global: 18, fields: [F(253, 0x86), F(2, 0x86), F(7, 0x86), F(16, 0x02)])
        fit.data(local: 1, [.integer(Self.start), .integer(Self.start), .integer(5_500), .integer(102)])
        fit.define(local: 2, global: 20, fields: [F(253, 0x86), F(3, 0x02)])
        for i in 0..<10 { fit.data(local: 2, [.integer(Self.start + Int64(i)), .integer(100 + Int64(i))]) }
        let record = try #require(Self.decode(fit.bytes).records.first)
        #expect(record.columns[.heartRate].count == 10)
        #expect(record.summary.elapsedSeconds == 5.5)
        #expect(record.metadata?.description.contains(#""end_time":"2024-05-04T05:30:05.500000Z""#) == true)
        // S + 7, 8, 9 lie past S + 6 (the end, to the whole second): kept, said.
        #expect(
            record.summary.notes.contains(
                "3 records after the session's end (start_time + total_elapsed_time) are kept in it (the device's totals leave them out)"
            ))
        // They weigh nothing: 100 ... 104 one second each, 105 half a second.
        #expect(record.summary.timerSeconds == 5.5)
        #expect(abs(record.summary.heartRate.mean! - (510 + 52.5) / 5.5) < 1e-9)
        #expect(record.summary.heartRate.maximum == 109)
    }

    @Test func aStrapsHeartRateChainedAfterTheRideIsMergedIntoItsRecords() throws {
        // The first ride's records carry no heart rate; two FIT files of hr messages follow.
        var options = GeneratorOptions(seconds: 1000, activities: 2, seed: 9)
        let plain = Self.decode(FITGenerator.ride(options))
        options.strapHeartRate = true
        let bytes = FITGenerator.ride(options)
        let mainFile =
            14 + Int(UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24) + 2
        #expect(mainFile < bytes.count)
        for chunk in [5, Int.max] {
            let strapped = Self.decode(bytes, chunk: chunk)
            #expect(strapped.error == nil && strapped.problems.isEmpty && strapped.records.count == 2)
            // Four beats a second at the record's bpm: the SDK's merge gives each record exactly it.
            for (a, b) in zip(strapped.records, plain.records) {
                #expect(a.columns[.heartRate].values == b.columns[.heartRate].values)
                #expect(a.summary.heartRate.mean == b.summary.heartRate.mean)
            }
            let notes = try #require(strapped.records.first?.summary.notes)
            #expect(
                notes.contains {
                    $0.hasPrefix("file 2 of the chain (bytes \(mainFile)-")
                        && $0.hasSuffix("and no record or session: merged")
                })
            #expect(
                notes.contains {
                    $0.hasSuffix(
                        "hr messages (heart rate a strap stored and sent afterwards) gave 1000 records their heart rate"
                    )
                })
        }
        // Without the chained files, the first ride has no heart rate at all.
        let alone = Self.decode(Array(bytes[..<mainFile]))
        #expect(
            alone.records.first?.columns[.heartRate].count == 0 && alone.records.last?.columns[.heartRate].count == 1000
        )
    }

    /// Records at S + 1, S + 2, S + 3 (the last with its own 99 bpm); an anchor beat at S + 0.5
    /// (event time 4000/1024 s) and eight more every half second, their 12-bit event times rolling
    /// over 4096; with `chained`, those eight in a second FIT file, which goes on from the first's anchor.
    static func beatsAndRecords(chained: Bool = false) -> [UInt8] {
        var first = FITEncoder()
        var fit = FITEncoder()
        fit.define(local: 0, global: 0, fields: [F(0, 0x00)])
        fit.data(local: 0, [.integer(4)])
        fit.define(local: 1, global: 20, fields: [F(253, 0x86), F(3, 0x02), F(5, 0x86)])
        fit.data(local: 1, [.integer(Self.start + 1), nil, .integer(100)])
        fit.data(local: 1, [.integer(Self.start + 2), nil, .integer(200)])
        fit.data(local: 1, [.integer(Self.start + 3), .integer(99), .integer(300)])
        fit.define(local: 2, global: 132, fields: [F(253, 0x86), F(0, 0x84), F(9, 0x86), F(6, 0x02)])
        fit.data(local: 2, [.integer(Self.start), .integer(16_384), .integer(4000), .integer(60)])  // S + 0.5 s
        if chained {
            first = fit
            fit = FITEncoder()
            fit.define(local: 0, global: 0, fields: [F(0, 0x00)])
            fit.data(local: 0, [.integer(4)])
        }
        fit.define(local: 3, global: 132, fields: [F(10, 0x0D, size: 12), F(6, 0x02, size: 8)])
        var packed = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 {
            let twelve = (4000 + 512 * (i + 1)) & 0xFFF
            for bit in 0..<12 where twelve >> bit & 1 == 1 { packed[(12 * i + bit) / 8] |= 1 << ((12 * i + bit) % 8) }
        }
        fit.data(local: 3, [.bytes(packed), .bytes([62, 64, 66, 68, 70, 72, 74, 76])])
        return chained ? first.bytes + fit.bytes : fit.bytes
    }

    @Test func beatsAreMergedAsGarminsSDKMergesThem() throws {
        // Beats (with the SDK's fill of the beat before a gap every 250 ms): S+0.5 60, 0.75 60,
        // 1.0 62, 1.25 62, 1.5 64, 1.75 64, 2.0 66, 2.25 66, 2.5 68, 2.75 68, 3.0 70 ...
        // S+1: (S, S+1] holds 60, 60, 62 -> 60.67, rounded half up 61. S+2: 62, 64, 64, 66 -> 64.
        // S+3: 66, 68, 68, 70 -> 68, but the record's own 99 stands (the SDK would write 68).
        for chained in [false, true] {
            let read = Self.decode(Self.beatsAndRecords(chained: chained))
            let record = try #require(read.records.first)
            #expect(read.error == nil && read.records.count == 1)
            #expect(record.columns[.heartRate].values == [61, 64, 99], "chained: \(chained)")
            #expect(
                record.summary.notes.contains(
                    "2 hr messages (heart rate a strap stored and sent afterwards) gave 2 records their heart rate"))
        }
    }

    @Test func aSettingsFileInTheChainIsANoteNotAnError() throws {
        var settings = FITEncoder()
        settings.define(local: 0, global: 0, fields: [F(0, 0x00)])
        settings.data(local: 0, [.integer(2)])
        let ride = FITDecoderTests.ride()
        let read = Self.decode(ride + settings.bytes)
        #expect(read.error == nil && read.problems.isEmpty && read.records.count == 1)
        #expect(
            read.records.first?.summary.notes.contains(
                "file 2 of the chain (bytes \(ride.count)-\(ride.count + settings.bytes.count)) is a FIT settings file: passed over"
            ) == true)
        // Alone, it is still no activity.
        #expect(Self.decode(settings.bytes).error?.message == "a FIT settings file, not an activity")
    }

    @Test func aPoolSwimWhoseRecordsHoldOnlyHeartRateTakesItsLengths() throws {
        // A 25 m pool: swum 30 s (15 strokes, 30/min, 0.833 m/s), 30 s of rest, swum 20 s (12
        // strokes, 36/min, 1.25 m/s); records carry heart rate only (as a FR945's).
        var fit = FITDecoderTests.eventsAndRecords(F(3, 0x02))
        fit.define(
            local: 3, global: 101,
            fields: [F(253, 0x86), F(2, 0x86), F(4, 0x86), F(5, 0x84), F(6, 0x84), F(9, 0x02), F(12, 0x00)])
        fit.define(
            local: 4, global: 18, fields: [F(253, 0x86), F(2, 0x86), F(7, 0x86), F(44, 0x84), F(5, 0x00), F(6, 0x00)])
        fit.data(local: 1, [.integer(Self.start), .integer(0), .integer(0)])
        for offset in stride(from: 0, through: 80, by: 10) {
            fit.data(local: 2, [.integer(Self.start + Int64(offset)), .integer(120)])
        }
        fit.data(
            local: 3,
            [
                .integer(Self.start + 30), .integer(Self.start), .integer(30_000), .integer(15), .integer(833),
                .integer(30), .integer(1),
            ])
        fit.data(
            local: 3,
            [.integer(Self.start + 60), .integer(Self.start + 30), .integer(30_000), nil, nil, nil, .integer(0)])
        fit.data(
            local: 3,
            [
                .integer(Self.start + 80), .integer(Self.start + 60), .integer(20_000), .integer(12), .integer(1250),
                .integer(36), .integer(1),
            ])
        fit.data(local: 1, [.integer(Self.start + 80), .integer(0), .integer(4)])
        fit.data(
            local: 4,
            [
                .integer(Self.start + 80), .integer(Self.start), .integer(80_000), .integer(2500), .integer(5),
                .integer(17),
            ])
        let record = try #require(Self.decode(fit.bytes).records.first)
        // 0 m at the start, 25 m after each swum length.
        #expect(record.columns[.distance].values == [0, 25, 25, 50])
        #expect(record.summary.distanceMeters == 50 && record.summary.movingSeconds == 50)
        // Stroke rate 30 for 30 s, the rest at the wall 0 (left out), 36 for the last 20 s (to the end): 32.4.
        #expect(record.columns[.cadence].values == [30, 0, 36])
        #expect(abs(record.summary.cadence.mean! - (30 * 30 + 36 * 20) / 50.0) < 1e-9)
        #expect(
            record.summary.notes.contains(
                "a pool swim: stroke rate, speed, distance from its 3 lengths, which its records do not carry"))
    }

    @Test func aProvidersTotalThatItsOwnSamplesContradictIsSaid() throws {
        // The onelap and Stages cases: an average of 0 over samples that carry values, a maximum no sample reaches.
        var summary = ActivitySummary()
        summary.heartRate.mean = 141.5
        summary.power.maximum = 455
        summary.distanceMeters = 405.81
        let notes = Summarizer.contradictions(
            provider: [(.avgHeartRate, 0), (.maxWatts, 62_854), (.distance, 400), (.maxHeartRate, 0)], summary: summary,
            columns: ActivityColumns())
        #expect(
            notes == [
                "slipstream.provider's heart_rate_data.summary.avg_hr_bpm (0) is 0 while the samples give 141.5: a provider that writes 0 for no value; the samples' value stands",
                "slipstream.provider's power_data.max_watts (62854) is beyond anything the samples give (455 at the most): the samples' value stands",
            ])
    }
}
