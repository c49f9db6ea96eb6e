import Foundation
import SlipstreamOutput
import Testing

@testable import Slipstream
@testable import SlipstreamCore
@testable import SlipstreamFIT
@testable import SlipstreamFixtures

/// The FIT decoder on files our encoder writes, so that every byte is known, and on hostile ones.
@Suite struct FITDecoderTests {
    typealias F = FITEncoder.Field
    /// 2024-05-04T05:30:00Z in FIT seconds.
    static let start: Int64 = 1_714_800_600 - 631_065_600

    /// file_id, a timer start, three records 10 s apart (HR 100, 110, 120; power 200, 0, 300;
    /// distance 5, 105, 205 m), a timer stop, a session with the device's totals, an activity at +02:00.
    static func ride(bigEndian: Bool = false, compressed: Bool = false, serial: Int64 = 4242) -> [UInt8] {
        var fit = FITEncoder()
        fit.define(
            local: 0, global: 0, fields: [F(0, 0x00), F(1, 0x84), F(2, 0x84), F(3, 0x8C), F(4, 0x86)],
            bigEndian: bigEndian)
        fit.data(local: 0, [.integer(4), .integer(255), .integer(7), .integer(serial), .integer(start)])
        fit.define(local: 2, global: 21, fields: [F(253, 0x86), F(0, 0x00), F(1, 0x00)], bigEndian: bigEndian)
        fit.data(local: 2, [.integer(start), .integer(0), .integer(0)])
        if compressed {
            fit.define(local: 1, global: 20, fields: [F(3, 0x02), F(7, 0x84), F(5, 0x86)], bigEndian: bigEndian)
        } else {
            fit.define(
                local: 1, global: 20, fields: [F(253, 0x86), F(3, 0x02), F(7, 0x84), F(5, 0x86)], bigEndian: bigEndian)
        }
        for (i, (bpm, watts)) in [(100, 200), (110, 0), (120, 300)].enumerated() {
            let time = start + Int64(i * 10)
            let values: [FITEncoder.Value?] = [
                .integer(Int64(bpm)), .integer(Int64(watts)), .integer(Int64(500 + i * 10_000)),
            ]
            if compressed {
                fit.compressedData(local: 1, timestamp: UInt32(time), values)
            } else {
                fit.data(local: 1, [.integer(time)] + values)
            }
        }
        fit.data(local: 2, [.integer(start + 20), .integer(0), .integer(1)])
        fit.define(
            local: 3, global: 18,
            fields: [
                F(253, 0x86), F(2, 0x86), F(7, 0x86), F(8, 0x86), F(9, 0x86), F(5, 0x00), F(16, 0x02), F(20, 0x84),
            ], bigEndian: bigEndian)
        fit.data(
            local: 3,
            [
                .integer(start + 20), .integer(start), .integer(20_000), .integer(20_000), .integer(20_500),
                .integer(2), .integer(110),
                .integer(167),
            ])
        fit.define(local: 4, global: 34, fields: [F(253, 0x86), F(5, 0x86)], bigEndian: bigEndian)
        fit.data(local: 4, [.integer(start + 20), .integer(start + 20 + 7200)])
        return fit.bytes
    }

    static func decode(_ bytes: [UInt8], chunk: Int = .max, checksCRC: Bool = true) -> (
        records: [ActivityRecord], problems: [SlipstreamError], error: SlipstreamError?
    ) {
        var records: [ActivityRecord] = []
        var problems: [SlipstreamError] = []
        let stream = ActivityStream(source: "ride.fit", checksFITCRC: checksCRC, problem: { problems.append($0) }) {
            records.append($0)
        }
        do {
            for start in stride(from: 0, to: bytes.count, by: min(chunk, bytes.count)) {
                try bytes[start..<min(start + chunk, bytes.count)].withUnsafeBytes { try stream.feed($0) }
            }
            try stream.finish()
            return (records, problems, nil)
        } catch {
            return (records, problems, error as? SlipstreamError)
        }
    }

    @Test(arguments: [1, 2, 3, 7, 13, 64, Int.max])
    func aRideDecodesTheSameWhateverTheChunks(chunk: Int) throws {
        let (records, problems, error) = Self.decode(Self.ride(), chunk: chunk)
        #expect(error == nil && problems.isEmpty, "\(String(describing: error))")
        let record = try #require(records.first)
        #expect(records.count == 1)
        #expect(record.columns[.heartRate].values == [100, 110, 120])
        #expect(record.columns[.power].values == [200, 0, 300])
        // Cumulative from the start: 205 m in all.
        #expect(record.summary.distanceMeters == 205)
        // The timer stopped with the last record: each of the first two weighs 10 s, the last 0.
        #expect(record.summary.timerSeconds == 20)
        #expect(record.summary.heartRate.mean == 105)
        #expect(record.summaryID == "fit-4242-1714800600-0")
        #expect(
            record.metadata?.description
                == #"{"summary_id":"fit-4242-1714800600-0","type":1,"upload_type":1,"start_time":"2024-05-04T07:30:00.000000+02:00","end_time":"2024-05-04T07:30:20.000000+02:00"}"#
        )
        let provider = Dictionary(uniqueKeysWithValues: record.providerValues.map { ($0.field, $0.value.description) })
        #expect(provider[.avgHeartRate] == "110" && provider[.avgWatts] == "167" && provider[.distance] == "205")
        #expect(provider[.activitySeconds] == "20")
    }

    @Test func preferProviderPutsTheDevicesTotalsInTerrasFields() throws {
        let record = try #require(Self.decode(Self.ride()).records.first)
        var out: [UInt8] = []
        let writer = SummaryWriter(prefer: .provider, output: { out += $0 }, problem: { _ in })
        try writer.activity(record)
        let text = String(decoding: out, as: UTF8.self)
        // The device's 110 bpm in Terra's field, ours (105) under slipstream.computed.
        #expect(text.contains(#""heart_rate_data":{"summary":{"avg_hr_bpm":110,"#))
        #expect(text.contains(#""computed":{"heart_rate_data":{"summary":{"avg_hr_bpm":105}"#))
        #expect(text.contains(#""heart_rate_data.summary.avg_hr_bpm":"provider""#))
    }

    @Test func bigEndianAndCompressedTimestampsReadTheSame() throws {
        let plain = try #require(Self.decode(Self.ride()).records.first)
        for bytes in [
            Self.ride(bigEndian: true), Self.ride(compressed: true), Self.ride(bigEndian: true, compressed: true),
        ] {
            let other = try #require(Self.decode(bytes).records.first)
            #expect(other.columns[.heartRate].times == plain.columns[.heartRate].times)
            #expect(other.columns[.power].values == plain.columns[.power].values)
            #expect(other.summary == plain.summary)
        }
    }

    @Test func compressedTimestampsRollOverEvery32Seconds() throws {
        // Last full timestamp ...:30 (low five bits 30); offsets 31, 2 and 5 are +1, +4 and +7 s.
        let base = Self.start + 30 - (Self.start + 30) % 32 + 30
        var fit = FITEncoder()
        fit.define(local: 0, global: 0, fields: [F(0, 0x00)])
        fit.data(local: 0, [.integer(4)])
        fit.define(local: 0, global: 20, fields: [F(253, 0x86), F(3, 0x02)])
        fit.data(local: 0, [.integer(base), .integer(90)])
        fit.define(local: 1, global: 20, fields: [F(3, 0x02)])
        for step in [1, 4, 7] {
            fit.compressedData(local: 1, timestamp: UInt32(base + Int64(step)), [.integer(100 + Int64(step))])
        }
        let record = try #require(Self.decode(fit.bytes).records.first)
        let seconds = record.columns[.heartRate].times.map { ($0 / 1_000_000) - (base + 631_065_600) }
        #expect(seconds == [0, 1, 4, 7])
    }

    @Test func invalidValuesAndOddFieldSizesAreNoValue() throws {
        var fit = FITEncoder()
        fit.define(local: 0, global: 0, fields: [F(0, 0x00)])
        fit.data(local: 0, [.integer(4)])
        // Power in 3 bytes, not a multiple of uint16's 2: not read; heart rate 0xFF: invalid.
        fit.define(local: 0, global: 20, fields: [F(253, 0x86), F(3, 0x02), F(7, 0x84, size: 3), F(4, 0x02)])
        fit.data(local: 0, [.integer(Self.start), nil, .integer(250), .integer(90)])
        fit.data(local: 0, [.integer(Self.start + 1), .integer(120), .integer(250), nil])
        let record = try #require(Self.decode(fit.bytes).records.first)
        #expect(record.columns[.heartRate].values == [120])
        #expect(record.columns[.power].count == 0)
        #expect(record.columns[.cadence].values == [90])
        #expect(record.summary.notes.contains { $0.hasPrefix("no session message") })
    }

    @Test func developerFieldsAreSkippedOrReadWhenDescribed() throws {
        var fit = FITEncoder()
        fit.define(local: 0, global: 0, fields: [F(0, 0x00)])
        fit.data(local: 0, [.integer(4)])
        // field_description: developer field 0 of index 0 is power (record field 7), uint16.
        fit.define(
            local: 1, global: 206,
            fields: [F(0, 0x02), F(1, 0x02), F(2, 0x02), F(3, 0x07, size: 8), F(14, 0x84), F(15, 0x02)])
        fit.data(local: 1, [.integer(0), .integer(0), .integer(0x84), .string("watts"), .integer(20), .integer(7)])
        // A record with a described developer field (power) and an unknown one (1 byte) after it.
        fit.raw([0x60, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02, 2, 0, 2, 0, 1, 1, 0])
        var data: [UInt8] = [0x00]
        data +=
            FITEncoder.littleEndian(UInt64(Self.start), size: 4) + [140] + FITEncoder.littleEndian(321, size: 2) + [7]
        fit.raw(data)
        let record = try #require(Self.decode(fit.bytes).records.first)
        #expect(record.columns[.heartRate].values == [140])
        #expect(record.columns[.power].values == [321])
    }

    @Test func chainedFilesGiveEachTheirActivities() {
        let (records, _, error) = Self.decode(Self.ride(serial: 1) + Self.ride(serial: 2), chunk: 5)
        #expect(error == nil)
        #expect(records.map(\.summaryID) == ["fit-1-1714800600-0", "fit-2-1714800600-0"])
    }

    /// An activity's file_id, then local type 1 defined as a timer event (timestamp, event,
    /// event_type) and local type 2 as a record (timestamp and `field`).
    static func eventsAndRecords(_ field: F) -> FITEncoder {
        var fit = FITEncoder()
        fit.define(local: 0, global: 0, fields: [F(0, 0x00)])
        fit.data(local: 0, [.integer(4)])
        fit.define(local: 1, global: 21, fields: [F(253, 0x86), F(0, 0x00), F(1, 0x00)])
        fit.define(local: 2, global: 20, fields: [F(253, 0x86), field])
        return fit
    }

    @Test func aPauseWeighsNothingOnTheTimer() throws {
        var fit = Self.eventsAndRecords(F(3, 0x02))  // heart rate
        fit.data(local: 1, [.integer(Self.start), .integer(0), .integer(0)])
        fit.data(local: 2, [.integer(Self.start), .integer(100)])
        fit.data(local: 2, [.integer(Self.start + 10), .integer(100)])
        fit.data(local: 1, [.integer(Self.start + 10), .integer(0), .integer(1)])  // stop for 50 s
        fit.data(local: 1, [.integer(Self.start + 60), .integer(0), .integer(0)])
        fit.data(local: 2, [.integer(Self.start + 60), .integer(160)])
        fit.data(local: 2, [.integer(Self.start + 70), .integer(160)])
        let record = try #require(Self.decode(fit.bytes).records.first)
        #expect(record.columns[.heartRate].timers == [0, 10, 10, 20])
        // 100 for 10 s, 100 for 0 s (the pause), 160 for 10 s, and the last 0 s: the recording, and
        // with it the timer, ends at its last record.
        #expect(record.summary.timerSeconds == 20)
        #expect(record.summary.heartRate.mean == 130)
    }

    @Test func aStopBeforeAnyStartMeansTheTimerRanFromTheFirstRecord() throws {
        // No start event was written (as in fit-corpus's compressed-speed-distance.fit): records at
        // 0, 10, 20 s, a stop at 20 s, a start at 50 s, records at 50 and 60 s.
        var fit = Self.eventsAndRecords(F(3, 0x02))  // heart rate
        for offset in [0, 10, 20] as [Int64] { fit.data(local: 2, [.integer(Self.start + offset), .integer(100)]) }
        fit.data(local: 1, [.integer(Self.start + 20), .integer(0), .integer(4)])  // stop_all
        fit.data(local: 1, [.integer(Self.start + 50), .integer(0), .integer(0)])
        for offset in [50, 60] as [Int64] { fit.data(local: 2, [.integer(Self.start + offset), .integer(100)]) }
        let record = try #require(Self.decode(fit.bytes).records.first)
        #expect(record.columns[.heartRate].timers == [0, 10, 20, 20, 30])
        #expect(record.summary.timerSeconds == 30)
    }

    @Test func aPoolSwimMovesOnlyInItsActiveLengths() throws {
        // 25 m in 30 s, 30 s of rest at the wall (an idle length), 25 m in 30 s: its device's average
        // speed is 50 m / 60 s, not over the 90 s of timer.
        var fit = Self.eventsAndRecords(F(5, 0x86))  // distance
        fit.define(local: 3, global: 101, fields: [F(253, 0x86), F(2, 0x86), F(4, 0x86), F(12, 0x00)])
        fit.data(local: 1, [.integer(Self.start), .integer(0), .integer(0)])
        for (offset, centimeters) in [(0, 0), (30, 2500), (60, 2500), (90, 5000)] as [(Int64, Int64)] {
            fit.data(local: 2, [.integer(Self.start + offset), .integer(centimeters)])
        }
        for (offset, active) in [(0, 1), (30, 0), (60, 1)] as [(Int64, Int64)] {
            fit.data(
                local: 3,
                [.integer(Self.start + offset + 30), .integer(Self.start + offset), .integer(30_000), .integer(active)])
        }
        fit.data(local: 1, [.integer(Self.start + 90), .integer(0), .integer(4)])
        let record = try #require(Self.decode(fit.bytes).records.first)
        #expect(record.summary.timerSeconds == 90 && record.summary.distanceMeters == 50)
        #expect(record.summary.movingSeconds == 60)
        #expect(record.summary.averageSpeed == 50.0 / 60)

        // convert carries the swum seconds under slipstream, so its JSON summarizes the same.
        var json: [UInt8] = []
        let writer = TerraPayloadWriter(output: { json += $0 }, problem: { _ in })
        try writer.activity(record)
        try writer.payloadEnded(user: nil)
        #expect(
            String(decoding: json, as: UTF8.self).contains(
                #""slipstream":{"timer_end_seconds":90,"moving_seconds":60}"#))
        let again = try #require(Self.decode(json).records.first)
        #expect(again.summary.movingSeconds == 60 && again.summary.averageSpeed == 50.0 / 60)
    }

    // MARK: - Hostile input

    @Test func aFileCutAnywhereEndsInALocatedErrorAndNeverCrashes() {
        let bytes = Self.ride()
        for cut in 1..<bytes.count {
            let (records, _, error) = Self.decode(Array(bytes.prefix(cut)), chunk: 7)
            // Before ".FIT" (byte 8) nothing says FIT: then the JSON parser rejects the first byte.
            #expect(
                error?.kind == (cut > 8 ? .malformedFIT : .malformedJSON), "cut \(cut): \(String(describing: error))")
            #expect((error?.byteOffset ?? .max) <= cut, "cut \(cut)")
            // What was decoded before the cut is kept: the records, as an activity without its session.
            if cut > 120 { #expect(records.count == 1, "cut \(cut)") }
        }
    }

    @Test func recordsAreBoundedAsTheyArriveNotWhenTheSessionsCome() {
        var limits = ReadLimits()
        limits.maxSamplesPerChannel = 2
        var records: [ActivityRecord] = []
        let stream = ActivityStream(source: "ride.fit", limits: limits) { records.append($0) }
        #expect {
            try Self.ride().withUnsafeBytes { try stream.feed($0) }
            try stream.finish()
        } throws: { error in
            // The third record (after the 14-byte header, file_id, a timer event and two records) goes past it.
            let error = error as? SlipstreamError
            return error?.limit == .maxSamplesPerChannel && error?.byteOffset == 113
        }
        #expect(records.count == 1)  // the two records before it, as an activity without its session
    }

    @Test func theCRCIsFITsCRC16() {
        // The catalogue's check value of CRC-16/ARC, the CRC of the FIT SDK: "123456789" -> 0xBB3D.
        var crc = FITCRC()
        crc.update(Array("123456789".utf8))
        #expect(crc.value == 0xBB3D)
    }

    @Test func aFileOfHRMessagesAloneSaysWhatItHolds() {
        // Garmin chains files of `hr` messages after a swim (fit-corpus's event_timestamp.fit): no
        // file_id, no record, no session. Here, two hr messages.
        var fit = FITEncoder()
        fit.define(local: 0, global: 132, fields: [F(253, 0x86), F(6, 0x02)])
        fit.data(local: 0, [.integer(Self.start), .integer(120)])
        fit.data(local: 0, [.integer(Self.start + 1), .integer(121)])
        let read = Self.decode(fit.bytes)
        #expect(read.records.isEmpty && read.error == nil)
        #expect(
            read.problems.map(\.message) == [
                "no activity: the FIT file holds 2 hr messages and no session or record: heart rate a strap stored while it could not "
                    + "send (as in a swim), sent afterwards, without the activity it belongs to"
            ])
    }

    @Test func aWrongFileCRCIsReportedAndCanBeIgnored() throws {
        // Its records were read whole (as fitfile4j's FR245 run with a wrong CRC): kept, and the CRC reported.
        var bytes = Self.ride()
        bytes[bytes.count - 1] ^= 0xFF
        let strict = Self.decode(bytes)
        #expect(strict.records.count == 1 && strict.records.first?.columns[.heartRate].values == [100, 110, 120])
        #expect(strict.error?.message.hasPrefix("file CRC 0x") == true && strict.error?.byteOffset == bytes.count - 2)
        let lenient = Self.decode(bytes, checksCRC: false)
        #expect(lenient.error == nil && lenient.records.count == 1)
    }

    @Test func aWrongHeaderCRCIsReported() {
        var bytes = Self.ride()
        bytes[12] ^= 0x01
        #expect(Self.decode(bytes).error?.message.hasPrefix("header CRC") == true)
        #expect(Self.decode(bytes, checksCRC: false).records.count == 1)
    }

    @Test func structuralDamageIsLocated() {
        var undefined = FITEncoder()
        undefined.define(local: 0, global: 0, fields: [F(0, 0x00)])
        undefined.data(local: 0, [.integer(4)])
        undefined.raw([0x05, 1, 2, 3])  // data of local type 5, never defined
        let a = Self.decode(undefined.bytes)
        #expect(
            a.error?.message == "a data message of local type 5, which no definition has defined"
                && a.error?.byteOffset == 14 + 9 + 2)

        var zero = FITEncoder()
        zero.raw([0x40, 0, 0, 0, 0, 1, 3, 0, 0x02])  // field 3 of size 0
        #expect(Self.decode(zero.bytes).error?.message == "field 3 of message 0 (local type 0) has size 0")

        var overrun = FITEncoder()
        overrun.raw([0x40, 0, 0, 20, 0, 200])  // announces 200 fields, the file ends first
        #expect(
            Self.decode(overrun.bytes).error?.message.hasPrefix(
                "a definition of local type 0 overruns the file's records") == true)

        let garbage = Self.ride() + Array("trailing".utf8)
        let g = Self.decode(garbage)
        #expect(g.records.count == 1)
        #expect(
            g.error?.message.hasSuffix("bytes after the end of the FIT file are not a FIT file (a header size of 116)")
                == true)
    }

    @Test func aFITFileThatIsNoActivitySaysWhatItIs() {
        var settings = FITEncoder()
        settings.define(local: 0, global: 0, fields: [F(0, 0x00)])
        settings.data(local: 0, [.integer(2)])
        let result = Self.decode(settings.bytes)
        #expect(result.error?.kind == .notActivityPayload)
        #expect(result.error?.description == "ride.fit (byte 23): a FIT settings file, not an activity")
    }
}
