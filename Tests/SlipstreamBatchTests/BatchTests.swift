import Foundation
import Testing

@testable import Slipstream
@testable import SlipstreamBatch
@testable import SlipstreamFixtures
@testable import SlipstreamOutput

/// `slipstream batch` over directories and archives that each test builds with the system's tar,
/// gzip, zstd and zip.
@Suite struct BatchTests {
    /// A Terra envelope with one activity whose heart rate is `bpm`, one sample each 10 s.
    static func payload(_ id: String, _ bpm: [Int]) -> String {
        let samples = bpm.enumerated().map { i, v in
            #"{"timestamp":"2024-05-04T07:00:\#(i * 10 < 10 ? "0" : "")\#(i * 10)Z","bpm":\#(v)}"#
        }
        return
            #"{"type":"activity","user":{"user_id":"u1","provider":"XOSS"},"data":[{"metadata":{"summary_id":"\#(id)","start_time":"2024-05-04T09:00:00+02:00"},"heart_rate_data":{"detailed":{"hr_samples":[\#(samples.joined(separator: ","))]}}}]}"#
    }

    /// A fresh directory under /tmp, removed by the caller.
    final class Scratch {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "slipstream-batch-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ relative: String, _ text: String) throws {
            try write(relative, Data(text.utf8))
        }

        func write(_ relative: String, _ data: Data) throws {
            let url = URL(fileURLWithPath: path + "/" + relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }

        /// Runs a tool in this directory; its exit status must be 0.
        func run(_ tool: String, _ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [tool] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: path)
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "\(tool) \(arguments) failed")
        }

        func gzip(_ text: String, to relative: String) throws {
            try write(relative + ".src", text)
            try run("sh", ["-c", "gzip -c '\(relative).src' > '\(relative)' && rm '\(relative).src'"])
        }
    }

    /// What a batch wrote, line by line, and what it said on the side.
    struct Outcome {
        var report: BatchReport
        var lines: [String]
        var diagnostics: [String]

        var records: [[String: Any]] {
            lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        var sources: [String] { records.compactMap { ($0["slipstream"] as? [String: Any])?["source"] as? String } }
        var errors: [[String: Any]] {
            records.compactMap { ($0["slipstream"] as? [String: Any])?["error"] as? [String: Any] }
        }
        var summaryIDs: [String] { records.compactMap { ($0["metadata"] as? [String: Any])?["summary_id"] as? String } }
    }

    /// `@unchecked Sendable`: both arrays are only touched while `lock` is held.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var output: [UInt8] = []
        private var diagnostics: [String] = []
        func write(_ bytes: [UInt8]) { lock.withLock { output.append(contentsOf: bytes) } }
        func say(_ line: String) { lock.withLock { diagnostics.append(line) } }
        var text: String { lock.withLock { String(decoding: output, as: UTF8.self) } }
        var lines: [String] { lock.withLock { diagnostics } }
    }

    func batch(
        _ paths: [String], in scratch: Scratch, jobs: Int = 2, ordered: Bool = true, format: BatchFormat = .ndjson,
        failFast: Bool = false
    ) -> Outcome {
        let collected = Collected()
        let job = BatchJob(
            paths: paths.map { scratch.path + "/" + $0 }, jobs: jobs, ordered: ordered, format: format,
            failFast: failFast,
            readAheadBytes: 1 << 17)
        let report = job.run(
            output: { bytes in collected.write(bytes) },
            diagnostic: { line in collected.say(line) })
        let text = collected.text
        let prefix = scratch.path + "/"
        let lines = text.split(separator: "\n").map { $0.replacingOccurrences(of: prefix, with: "") }
        return Outcome(
            report: report, lines: lines,
            diagnostics: collected.lines.map { $0.replacingOccurrences(of: prefix, with: "") })
    }

    /// rides/a.json, rides/deep/b.ndjson (two payloads), rides/deep/c.json.gz, rides/notes.txt.
    func makeRides(_ scratch: Scratch) throws {
        try scratch.write("rides/a.json", Self.payload("a", [100, 120]))
        try scratch.write(
            "rides/deep/b.ndjson", Self.payload("b1", [130]) + "\n" + Self.payload("b2", [140, 150]) + "\n")
        try scratch.gzip(Self.payload("c", [90, 110, 130]), to: "rides/deep/c.json.gz")
        try scratch.write("rides/notes.txt", "not a payload")
    }

    @Test func walksDirectoriesInNameOrderAndSkipsOtherNames() throws {
        let scratch = try Scratch()
        try makeRides(scratch)
        let outcome = batch(["rides"], in: scratch)
        #expect(
            outcome.sources == ["rides/a.json", "rides/deep/b.ndjson", "rides/deep/b.ndjson", "rides/deep/c.json.gz"])
        #expect(outcome.summaryIDs == ["a", "b1", "b2", "c"])
        #expect(outcome.report.payloads == 3 && outcome.report.activities == 4)
        #expect(outcome.report.failed == 0 && outcome.report.skipped == 1)
        // a: 100 and 120 weigh 10 s each; c: 90, 110, 130 each 10 s.
        let hr = outcome.records.map {
            (($0["heart_rate_data"] as? [String: Any])?["summary"] as? [String: Any])?["avg_hr_bpm"] as? Double
        }
        #expect(hr == [110, 130, 145, 110])
        #expect(outcome.diagnostics.isEmpty)
    }

    @Test(arguments: [
        ("tar", "rides.tar"), ("tar.gz", "rides.tar.gz"), ("tar.zst", "rides.tar.zst"), ("zip", "rides.zip"),
    ])
    func readsArchiveMembersInOrder(kind: String, name: String) throws {
        let scratch = try Scratch()
        try makeRides(scratch)
        switch kind {
        case "tar": try scratch.run("tar", ["cf", name, "rides"])
        case "tar.gz": try scratch.run("tar", ["czf", name, "rides"])
        case "tar.zst": try scratch.run("sh", ["-c", "tar cf - rides | zstd -q -o \(name)"])
        default: try scratch.run("sh", ["-c", "zip -q -r \(name) rides"])
        }
        for jobs in [1, 2] {
            let outcome = batch([name], in: scratch, jobs: jobs)
            // tar and zip keep the order the tools stored; compare as sets, and the count.
            #expect(
                Set(outcome.sources) == [
                    "\(name)!rides/a.json", "\(name)!rides/deep/b.ndjson", "\(name)!rides/deep/c.json.gz",
                ])
            #expect(outcome.sources.count == 4)
            #expect(Set(outcome.summaryIDs) == ["a", "b1", "b2", "c"])
            #expect(outcome.report.payloads == 3 && outcome.report.activities == 4)
            #expect(outcome.report.failed == 0 && outcome.report.skipped == 1)
        }
    }

    @Test func emptyArchiveIsNoPayloadAndNoFailure() throws {
        let scratch = try Scratch()
        try scratch.run("tar", ["cf", "empty.tar", "--files-from", "/dev/null"])
        try scratch.run("sh", ["-c", "tar czf empty.tar.gz --files-from /dev/null"])
        let outcome = batch(["empty.tar", "empty.tar.gz"], in: scratch)
        #expect(outcome.report == BatchReport(seconds: outcome.report.seconds))
        #expect(outcome.lines.isEmpty)
    }

    @Test func badMembersBecomeErrorRecordsAndTheBatchGoesOn() throws {
        let scratch = try Scratch()
        try scratch.write("in/1-good.json", Self.payload("good", [100]))
        try scratch.write("in/2-not-json.json", "hello")
        // The first activity closes before the cut: it is kept, then the error.
        try scratch.write("in/3-cut.json", #"{"data":[{"metadata":{"summary_id":"kept"}},{"metadata":"#)
        // Thousands of samples: the first 200 compressed bytes cannot hold the activity's end.
        let big = Self.payload("big", (0..<3000).map { 60 + ($0 * 7919) % 120 })
        try scratch.gzip(big, to: "in/4-truncated.json.gz")
        try scratch.run(
            "sh",
            ["-c", "head -c 200 in/4-truncated.json.gz > in/4t.json.gz && mv in/4t.json.gz in/4-truncated.json.gz"])
        try scratch.write("in/5-sleep.json", #"{"type":"sleep","data":[]}"#)
        try scratch.write("in/6-good.json", Self.payload("last", [80]))
        try scratch.run("tar", ["--sort=name", "-czf", "in.tgz", "in"])

        for jobs in [1, 2] {
            let outcome = batch(["in.tgz"], in: scratch, jobs: jobs)
            #expect(outcome.summaryIDs == ["good", "kept", "last"])
            #expect(outcome.report.payloads == 6 && outcome.report.activities == 3 && outcome.report.failed == 4)
            let errors = outcome.errors
            #expect(
                errors.map { $0["kind"] as? String } == [
                    "malformed-json", "malformed-json", "damaged-archive", "not-activity-payload",
                ])
            // "hello": yajl stops after its first byte; the cut one ends after all its 56 bytes.
            #expect(
                errors[0]["line"] as? Int == 1 && errors[0]["column"] as? Int == 2 && errors[0]["byte"] as? Int == 1)
            #expect(errors[1]["byte"] as? Int == 56 && errors[1]["column"] as? Int == 57)
            #expect(errors[1]["path"] as? String == "$.data[1].metadata")
            #expect((errors[2]["message"] as? String)?.contains("truncated") == true)
            #expect(outcome.sources.filter { $0.hasPrefix("in.tgz!in/") }.count == outcome.lines.count)
            #expect(outcome.diagnostics.count == 4)
            #expect(outcome.diagnostics[1].hasPrefix("slipstream: in.tgz!in/3-cut.json:1:57 (byte 56)"))
        }
    }

    @Test func truncatedArchiveKeepsWhatCameBeforeTheDamage() throws {
        let scratch = try Scratch()
        for i in 0..<20 {
            try scratch.write(
                "many/\(i < 10 ? "0" : "")\(i).json",
                Self.payload("r\(i)", [100 + i]) + String(repeating: " ", count: 20_000))
        }
        try scratch.run(
            "sh",
            [
                "-c",
                "tar --sort=name -cf - many | gzip -1 > full.tgz && head -c $(( $(stat -c %s full.tgz) / 2 )) full.tgz > half.tgz",
            ])
        let outcome = batch(["half.tgz"], in: scratch)
        #expect(outcome.report.failed == 1)
        #expect(outcome.errors.count == 1 && outcome.errors[0]["kind"] as? String == "damaged-archive")
        // A gzip stream cannot be read past its damage: the record says so, and how much is lost.
        let message = outcome.errors[0]["message"] as? String ?? ""
        #expect(message.hasSuffix("; the archive ends here: it is truncated"), "\(message)")
        let kept = outcome.summaryIDs
        #expect(!kept.isEmpty && kept.count < 20)
        #expect(kept == (0..<kept.count).map { "r\($0)" })
    }

    @Test func jobsChangeNothingButSpeedAndUnorderedOnlyTheOrder() throws {
        let scratch = try Scratch()
        for i in 0..<30 {
            try scratch.write("set/p\(i < 10 ? "0" : "")\(i).json", Self.payload("p\(i)", [60 + i, 70 + i]))
        }
        try scratch.run("tar", ["--sort=name", "-czf", "set.tgz", "set"])
        let one = batch(["set.tgz", "set"], in: scratch, jobs: 1)
        let three = batch(["set.tgz", "set"], in: scratch, jobs: 3)
        let unordered = batch(["set.tgz", "set"], in: scratch, jobs: 3, ordered: false)
        #expect(one.lines.count == 60)
        #expect(three.lines == one.lines)
        #expect(unordered.lines.sorted() == one.lines.sorted())
        #expect(one.report.payloads == 60 && three.report.payloads == 60 && unordered.report.payloads == 60)
    }

    /// A long first payload is still being read while the short ones behind it finish (more of them
    /// than the write window of 4 per job); a member that fails at its first byte leaves most of
    /// its megabyte unread in the pipe. The output keeps the input order, nothing is lost.
    @Test func longAndFailingMembersKeepTheOrder() throws {
        let scratch = try Scratch()
        let long = PayloadGenerator.bytes(GeneratorOptions(seconds: 4_000, seed: 5))
        try scratch.write("order/00-long.json", Data(long.bytes))
        try scratch.write("order/01-bad.json", "x" + String(repeating: " ", count: 1 << 20))
        for i in 2..<22 { try scratch.write("order/\(i < 10 ? "0" : "")\(i).json", Self.payload("s\(i)", [100 + i])) }
        try scratch.run("tar", ["--sort=name", "-czf", "order.tgz", "order"])
        let expectedIDs = [long.activities[0].summaryID] + (2..<22).map { "s\($0)" }
        for jobs in [1, 2, 3] {
            let outcome = batch(["order.tgz", "order"], in: scratch, jobs: jobs)
            #expect(outcome.summaryIDs == expectedIDs + expectedIDs, "jobs \(jobs)")
            #expect(outcome.sources.count == 44)
            #expect(outcome.sources[1] == "order.tgz!order/01-bad.json" && outcome.sources[23] == "order/01-bad.json")
            // yajl stops after the first byte, as with "hello" above.
            #expect(outcome.errors.map { $0["byte"] as? Int } == [1, 1])
            #expect(outcome.report.payloads == 44 && outcome.report.failed == 2 && outcome.report.activities == 42)
        }
    }

    @Test func failFastStopsAtTheFirstFailure() throws {
        let scratch = try Scratch()
        for i in 0..<10 { try scratch.write("ff/\(i).json", i == 2 ? "[" : Self.payload("f\(i)", [100])) }
        let outcome = batch(["ff"], in: scratch, jobs: 1, failFast: true)
        #expect(outcome.report.failed == 1 && outcome.report.stoppedEarly)
        #expect(outcome.summaryIDs == ["f0", "f1"])
        #expect(outcome.report.payloads == 3)
    }

    @Test func csvHasAStableHeaderAndErrorRows() throws {
        let scratch = try Scratch()
        try scratch.write("c/a.json", Self.payload("a", [100, 120]))
        try scratch.write("c/b.json", "{")
        let outcome = batch(["c"], in: scratch, format: .csv)
        #expect(outcome.lines.count == 3)
        #expect(outcome.lines[0] == SummaryTable.columns.joined(separator: ","))
        let a = outcome.lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(a.count == SummaryTable.columns.count)
        #expect(a[0] == "c/a.json" && a[1] == "a" && a[2] == "2024-05-04T07:00:00.000000Z")
        #expect(a[SummaryTable.columns.firstIndex(of: "avg_hr_bpm")!] == "110")
        #expect(a[SummaryTable.columns.firstIndex(of: "user_id")!] == "u1")
        let b = outcome.lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(b.count == SummaryTable.columns.count)
        #expect(b[0] == "c/b.json" && b[3] == "malformed-json" && b[7] == "1")
        #expect(b[8...].allSatisfy { $0.isEmpty })
    }

    @Test func missingPathIsAFailureNotACrash() throws {
        let scratch = try Scratch()
        let outcome = batch(["nowhere.json", "nowhere-dir/"], in: scratch)
        #expect(outcome.report.failed == 2 && outcome.report.payloads == 2)
        #expect(outcome.errors.map { $0["kind"] as? String } == ["input-unreadable", "input-unreadable"])
    }

    /// four.zip holding m1...m4.json, one activity each with 300 samples (so that each member's
    /// compressed data is long enough to damage in its middle).
    func makeZip(_ scratch: Scratch) throws -> Data {
        for i in 1...4 {
            try scratch.write("m\(i).json", Self.payload("m\(i)", (0..<300).map { 90 + ($0 * 7 + i) % 60 }))
        }
        try scratch.run("zip", ["-q", "four.zip", "m1.json", "m2.json", "m3.json", "m4.json"])
        return try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/four.zip"))
    }

    /// Offset of member `n`'s (1-based) local header: the n-th "PK\u{3}\u{4}" from the start.
    func localHeader(_ n: Int, in zip: Data) -> Int {
        var found = 0
        for i in 0..<(zip.count - 3) where zip[i] == 0x50 && zip[i + 1] == 0x4B && zip[i + 2] == 3 && zip[i + 3] == 4 {
            found += 1
            if found == n { return i }
        }
        return -1
    }

    @Test(arguments: [1, 2])
    func aDamagedZipMemberIsReportedAndEveryOtherMemberIsRead(jobs: Int) throws {
        let scratch = try Scratch()
        var zip = try makeZip(scratch)
        let header = localHeader(2, in: zip)
        let dataStart = header + 30 + Int(zip[header + 26]) + Int(zip[header + 28])
        for k in 40..<60 { zip[dataStart + k] ^= 0xFF }  // compressed data: inflate fails
        try scratch.write("bad.zip", zip)
        let outcome = batch(["bad.zip"], in: scratch, jobs: jobs)
        #expect(outcome.sources == ["bad.zip!m1.json", "bad.zip!m2.json", "bad.zip!m3.json", "bad.zip!m4.json"])
        #expect(outcome.summaryIDs == ["m1", "m3", "m4"])
        #expect(outcome.errors.count == 1 && outcome.errors[0]["kind"] as? String == "damaged-archive")
        #expect(outcome.report.payloads == 4 && outcome.report.failed == 1)
    }

    @Test(arguments: [1, 2])
    func aZipMemberWithAWrongCRCIsReportedAndTheRestRead(jobs: Int) throws {
        let scratch = try Scratch()
        var zip = try makeZip(scratch)
        zip[localHeader(2, in: zip) + 14] ^= 0xFF  // the CRC-32 in the local header; the JSON stays valid
        try scratch.write("crc.zip", zip)
        let outcome = batch(["crc.zip"], in: scratch, jobs: jobs)
        #expect(Set(outcome.sources) == ["crc.zip!m1.json", "crc.zip!m2.json", "crc.zip!m3.json", "crc.zip!m4.json"])
        #expect(outcome.summaryIDs.filter { $0 != "m2" } == ["m1", "m3", "m4"])
        #expect(outcome.errors.count == 1)
        #expect((outcome.errors.first?["message"] as? String)?.contains("CRC") == true)
        #expect(outcome.report.failed == 1)
    }

    @Test func archivesFoundWhileWalkingAreReadAsOnTheCommandLine() throws {
        let scratch = try Scratch()
        try makeRides(scratch)
        try scratch.run("tar", ["czf", "rides.tgz", "rides"])
        try scratch.run("sh", ["-c", "mkdir inbox && mv rides.tgz inbox/ && cp rides/a.json inbox/z.json"])
        let outcome = batch(["inbox"], in: scratch, jobs: 1)
        #expect(outcome.sources.count == 5)
        #expect(
            Set(outcome.sources.prefix(4)) == [
                "inbox/rides.tgz!rides/a.json", "inbox/rides.tgz!rides/deep/b.ndjson",
                "inbox/rides.tgz!rides/deep/c.json.gz",
            ])
        #expect(outcome.sources.last == "inbox/z.json")
        #expect(outcome.report.skipped == 1)  // rides/notes.txt inside the archive
    }

    @Test func missingInputsAreCountedAsUnreadable() throws {
        let scratch = try Scratch()
        try scratch.write("ok.json", Self.payload("ok", [100]))
        let outcome = batch(["ok.json", "nowhere-dir/"], in: scratch)
        #expect(outcome.report.unreadable == 1 && outcome.report.failed == 1)
    }

    @Test(arguments: [1, 2])
    func aDamagedGzipStreamSaysHowMuchOfTheArchiveIsLeftUnread(jobs: Int) throws {
        let scratch = try Scratch()
        for i in 0..<20 {
            try scratch.write(
                "many/\(i < 10 ? "0" : "")\(i).json", Self.payload("r\(i)", (0..<200).map { 90 + ($0 * 13 + i) % 70 }))
        }
        // Fixed times and owners: the same bytes, so the same damage, on every run.
        try scratch.run(
            "sh",
            ["-c", "tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - many | gzip -n -6 > full.tgz"])
        var data = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/full.tgz"))
        let size = data.count
        for k in (size / 2)..<(size / 2 + 16) { data[k] ^= 0xFF }
        try scratch.write("bad.tgz", data)
        let outcome = batch(["bad.tgz"], in: scratch, jobs: jobs)
        let kept = outcome.summaryIDs
        #expect(!kept.isEmpty && kept.count < 20 && kept == (0..<kept.count).map { "r\($0)" })
        let last = try #require(outcome.errors.last?["message"] as? String)
        let unread = try #require(last.split(separator: ":").last.map { $0.split(separator: " ") })
        // "...; the archive cannot be read past this point: N of SIZE bytes left unread"
        #expect(last.contains("the archive cannot be read past this point"), "\(last)")
        #expect(
            unread.count == 6 && unread[2] == "\(size)" && Int(unread[0])! > 0 && Int(unread[0])! < size / 2 + 1,
            "\(last)")
    }
}
