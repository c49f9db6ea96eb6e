// One way of reading inputs in every command: several paths, '-', gzip, directories and archives,
// each told by its content.

import Foundation
import Testing

private let example = packageRoot.appendingPathComponent("examples/xoss-morning-rides.json").path

@Suite struct InputTests {
    /// The example's two summaries, as `summarize` writes them for the plain file.
    static let plain = try! sh("slipstream summarize '\(example)'").stdout

    static func sh(_ command: String, in directory: String = NSTemporaryDirectory()) throws -> ShellResult {
        try shell(command, in: directory)
    }

    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "slipstream-inputs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: example, toPath: path + "/ride.json")
        return path
    }

    @Test func summarizeReadsGzipByContentWhateverItsName() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for command in [
            "gzip -c ride.json > ride.json.gz && slipstream summarize ride.json.gz",
            "gzip -c ride.json > upload.bin && slipstream summarize upload.bin",
            "gzip -c ride.json | slipstream summarize",
        ] {
            let result = try Self.sh(command, in: dir)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(command): \(result.stderr)")
            #expect(result.stdout == Self.plain, "\(command)")
        }
    }

    @Test func summarizeTakesSeveralPathsDirectoriesAndArchives() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let two = try Self.sh("cp ride.json again.json && slipstream summarize ride.json again.json", in: dir)
        #expect(two.status == 0 && two.stdout == Self.plain + Self.plain)
        let folder = try Self.sh(
            "mkdir in && cp ride.json in/a.json && tar -czf in/b.tgz ride.json && slipstream summarize in", in: dir)
        #expect(folder.status == 0 && folder.stdout == Self.plain + Self.plain, "\(folder.stderr)")
        let piped = try Self.sh("tar -cf - ride.json | slipstream summarize -", in: dir)
        #expect(piped.status == 0 && piped.stdout == Self.plain, "\(piped.stderr)")
    }

    @Test func columnsReadsAnArchive() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try Self.sh("slipstream columns ride.json", in: dir)
        let archived = try Self.sh("tar -czf backfill.tar.gz ride.json && slipstream columns backfill.tar.gz", in: dir)
        #expect(archived.status == 0 && archived.stderr.isEmpty, "\(archived.stderr)")
        #expect(archived.stdout == plain.stdout && plain.stdout.split(separator: "\n").count > 100)
    }

    @Test func summarizeAndBatchDifferOnlyInDefaults() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let batch = try Self.sh(
            "printf '{\"data\":[' > cut.json && slipstream batch -q --jobs 1 ride.json cut.json", in: dir)
        let summarize = try Self.sh("slipstream summarize --source-tags --error-records ride.json cut.json", in: dir)
        #expect(batch.status == 65 && summarize.status == 65)
        #expect(batch.stdout == summarize.stdout && batch.stderr == summarize.stderr)
        #expect(batch.stdout.split(separator: "\n").count == 3)
    }

    @Test func benchMeasuresWhatAnArchiveHolds() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try Self.sh(
            "tar -czf rides.tgz ride.json && gzip -c ride.json > ride.json.gz && slipstream bench --iterations 1 --no-decoder --format json rides.tgz ride.json.gz ride.json",
            in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let runs = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(runs.map { $0["input"] as? String } == ["rides.tgz!ride.json", "ride.json.gz", "ride.json"])
        let samples = runs.map {
            (($0["stages"] as? [[String: Any]])?.first { $0["stage"] as? String == "summarize" })?["samples"] as? Int
        }
        #expect(samples.count == 3 && samples[0] != nil && Set(samples).count == 1)
    }

    @Test func aFITRecordingIsSummarizedConvertedAndBatchedLikeJSON() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fit = try Self.sh(
            "slipstream generate --format fit --seconds 1800 --activities 2 > ride.fit && slipstream summarize ride.fit",
            in: dir)
        #expect(fit.status == 0 && fit.stderr.isEmpty, "\(fit.stderr)")
        let lines = fit.stdout.split(separator: "\n")
        #expect(lines.count == 2)  // one activity per session
        #expect(lines.allSatisfy { $0.hasPrefix(#"{"metadata":{"summary_id":"fit-1001-1714800600-"#) })
        // convert writes what a Terra webhook would deliver; summarize of it is summarize of the FIT file.
        let converted = try Self.sh(
            "slipstream convert ride.fit > ride.json && slipstream summarize ride.json", in: dir)
        #expect(converted.status == 0 && converted.stdout == fit.stdout, "\(converted.stderr)")
        let envelope = try Self.sh("head -c 61 ride.json", in: dir).stdout
        #expect(envelope == #"{"type":"activity","version":"2022-03-16","data":[{"metadata""#)
        // .fit.gz, and FIT members of an archive found in a directory.
        let zipped = try Self.sh("gzip -c ride.fit > ride.fit.gz && slipstream summarize ride.fit.gz", in: dir)
        #expect(zipped.stdout == fit.stdout)
        let batch = try Self.sh(
            "mkdir in && tar -czf in/rides.tgz ride.fit && slipstream batch -q --no-source-tags in", in: dir)
        #expect(batch.status == 0 && batch.stdout == fit.stdout, "\(batch.stderr)")
    }

    @Test func aDamagedFITFileIsReportedWithItsByteAndCanBeReadWithIgnoreCRC() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The last byte is half of the file CRC: flip it.
        let setup =
            "slipstream generate --format fit --seconds 60 > ride.fit && size=$(stat -c %s ride.fit) && "
            + "printf '\\377' | dd of=ride.fit bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null"
        // Its records were read whole: the ride is written, the CRC reported, exit 65.
        let strict = try Self.sh(setup + " && slipstream summarize ride.fit", in: dir)
        #expect(strict.status == 65 && strict.stdout.split(separator: "\n").count == 1)
        #expect(strict.stderr.contains("ride.fit (byte ") && strict.stderr.contains("file CRC 0x"), "\(strict.stderr)")
        let lenient = try Self.sh("slipstream summarize --ignore-crc ride.fit", in: dir)
        #expect(lenient.status == 0 && lenient.stdout == strict.stdout, "\(lenient.stderr)")
        let settings = try Self.sh(
            "slipstream summarize '\(packageRoot.path)/Tests/Fixtures/fit/Settings.fit'", in: dir)
        #expect(
            settings.status == 65
                && settings.stderr.hasSuffix("Settings.fit (byte 38): a FIT settings file, not an activity\n"))
    }

    /// A filter: with one job each activity is written when its object closes, not at the end of the input.
    @Test func summarizeWritesEachActivityBeforeTheInputEnds() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryDirectory + "/slipstream")
        process.arguments = ["summarize"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(#"{"metadata":{"summary_id":"first"}}"#.utf8 + [0x0A]))
        // The input stays open: the line must come anyway (bounded wait, then the input is closed).
        let got = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var line = Data()
        DispatchQueue.global().async {
            line = output.fileHandleForReading.availableData
            got.signal()
        }
        let inTime = got.wait(timeout: .now() + 10) == .success
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(inTime)
        #expect(String(decoding: line, as: UTF8.self).hasPrefix(#"{"metadata":{"summary_id":"first"}"#))
    }
}
