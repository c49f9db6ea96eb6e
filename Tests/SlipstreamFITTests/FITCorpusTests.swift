import Foundation
import Slipstream
import Testing

/// Real FIT recordings (Fixtures/fit, MIT, from python-fitparse's test files): what the decoder reads
/// must be what fitdecode 0.11.0, an independent reading of the protocol, finds in them.
@Suite struct FITCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fit")

    struct Read {
        var records: [ActivityRecord] = []
        var problems: [SlipstreamError] = []
        var error: SlipstreamError?
    }

    static func read(_ name: String, checksCRC: Bool = true) throws -> Read {
        var source = try FileSource(path: folder.appendingPathComponent(name).path)
        let reader = ActivityReader()
        reader.checksFITCRC = checksCRC
        var read = Read()
        do {
            try reader.forEachActivity(in: &source, problem: { read.problems.append($0) }) { read.records.append($0) }
        } catch {
            read.error = error
        }
        return read
    }

    @Test func theSDKsSmallestActivity() throws {
        let read = try Self.read("Activity.fit")
        #expect(read.error == nil && read.records.count == 1)
        let record = try #require(read.records.first)
        // fitdecode: 14 records, each with speed, distance, altitude and position; the last distance 5.73 m.
        #expect(record.summary.samples == [0, 0, 0, 14, 14, 14, 14, 0])
        #expect(record.summary.distanceMeters == 5.73)
        #expect(record.summaryID == "fit-2147483647-1334006546-0")
        #expect(record.metadata?.description.contains(#""type":8"#) == true)  // running
    }

    @Test func compressedTimestampsAndPackedSpeedAndDistance() throws {
        // fitdecode: 755 records, 754 with heart rate, speed and distance; the last distance 10,248.6875 m.
        let read = try Self.read("compressed-speed-distance.fit")
        let record = try #require(read.records.first)
        #expect(read.error == nil && read.records.count == 1)
        #expect(record.columns[.speed].count == 754 && record.columns[.heartRate].count == 754)
        #expect(record.summary.distanceMeters == 10_248.6875)
        // Its times count from the device's power-on: placed by the activity's local timestamp, no offset.
        // Counted per stored sample: 754 heart rate, speed and distance, and 753 cadence.
        #expect(record.summary.timestampsWithoutOffset == 3 * 754 + 753)
        #expect(record.columns[.cadence].count == 753)
        // Its first timer event is a stop: the timer ran from the first record. fitdecode's session:
        // total_timer_time 3,772.75 s; the events: a stop at +681 s, a start at +791 s, a stop at +3,883 s.
        #expect(record.summary.timerSeconds.map { abs($0 - 3_772.75) <= 5 } == true)
        let antfs = try #require(try Self.read("antfs-dump.63.fit").records.first)
        #expect(antfs.columns[.heartRate].count == 685)  // fitdecode: 686 records, 685 with heart rate
    }

    @Test func developerDataWithoutAnApplicationID() throws {
        // fitdecode: 132 records, 115 with power, 131 with speed, distance and position; last distance 956.03 m.
        let record = try #require(
            try Self.read("elemnt-bolt-no-application-id-inside-developer-data-id.fit").records.first)
        #expect(
            record.columns[.power].count == 115 && record.columns[.speed].count == 131
                && record.columns[.position].count == 131)
        #expect(record.summary.distanceMeters == 956.03)
    }

    @Test func damagedFilesKeepWhatCameBeforeTheDamage() throws {
        let eof = try Self.read("activity-unexpected-eof.fit")
        #expect(eof.records.count == 1)
        #expect(
            eof.error?.description
                == "\(Self.folder.path)/activity-unexpected-eof.fit (byte 768): the file ends early: 3 bytes of the FIT file are missing (its records and CRC end at byte 771)"
        )
        let header = try Self.read("activity-settings-corruptheader.fit")
        #expect(header.records.count == 1 && header.error?.byteOffset == 771)
        let strava = try Self.read("strava-android-app-201.10-b1218918.fit")
        #expect(strava.records.count == 1 && strava.error?.byteOffset == 7471)
        #expect(strava.error?.message == "a data message of local type 11, which no definition has defined")
    }

    @Test func aChainedFileWithAWrongCRCIsReportedOrReadOnRequest() throws {
        // The second file's records were read whole: kept, and its CRC reported.
        let strict = try Self.read("activity-activity-filecrc.fit")
        #expect(strict.records.count == 2 && strict.error?.byteOffset == 1540)
        #expect(
            strict.error?.message
                == "file CRC 0xB1D5 does not match its content's 0xA1D5 (the check can be turned off to read it anyway)"
        )
        let lenient = try Self.read("activity-activity-filecrc.fit", checksCRC: false)
        #expect(lenient.error == nil && lenient.records.count == 2)
    }

    @Test func filesThatAreNoActivitySaySo() throws {
        #expect(try Self.read("Settings.fit").error?.message == "a FIT settings file, not an activity")
        let untimed = try Self.read("DeveloperData.fit")
        #expect(untimed.records.isEmpty && untimed.error == nil)
        #expect(
            untimed.problems.map(\.message) == [
                "no activity: 3 record messages without a timestamp were left out: nothing places them in time"
            ])
    }
}

/// A FIT activity's type and start offset, as later stages take them, are what its metadata says.
@Suite struct FITMetadataTests {
    @Test func typeAndOffsetAgreeWithTheWrittenMetadata() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: FITCorpusTests.folder.path).filter {
            $0.hasSuffix(".fit")
        }.sorted()
        var activities = 0
        for name in names {
            for record in try FITCorpusTests.read(name, checksCRC: false).records {
                let metadata = try #require(record.metadata?.bytes)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(metadata)) as? [String: Any])
                #expect(record.activityType == object["type"] as? Int, "\(name)")
                let start = try #require(object["start_time"] as? String)
                #expect(
                    record.startOffsetSeconds
                        == Array(start.utf8).withUnsafeBytes { Timestamp.writtenOffsetSeconds($0) }, "\(name)")
                activities += 1
            }
        }
        #expect(activities >= 5)
    }
}
