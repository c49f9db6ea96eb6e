// End-to-end: run the built `slipstream` binary and check stdout, stderr and the exit status.

import Foundation
import Testing

/// The `slipstream` built beside this test bundle.
private let binary: URL = {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = here.deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("slipstream")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/slipstream")
}()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

func run(_ arguments: [String], stdin: String? = nil, stdoutPath: String? = nil) throws -> Run {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    if let stdoutPath {
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
    } else {
        process.standardOutput = out
    }
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let outData = stdoutPath == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

private let example = packageRoot.appendingPathComponent("examples/xoss-morning-rides.json").path

func json(_ line: Substring) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
}

@Suite struct CLITests {
    @Test func summarizesTheBundledExample() throws {
        let result = try run(["summarize", example])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try json(lines[0])
        let slipstream = try #require(first["slipstream"] as? [String: Any])
        #expect(slipstream["provider_name"] as? String == "XOSS")
        let metadata = try #require(first["metadata"] as? [String: Any])
        #expect(metadata["summary_id"] as? String == "xoss-7-0")
    }

    @Test func readsStandardInputWithDashOrNoArgument() throws {
        let payload = try String(contentsOfFile: example, encoding: .utf8)
        let fromFile = try run(["summarize", example]).stdout
        #expect(try run(["summarize", "-"], stdin: payload).stdout == fromFile)
        #expect(try run(["summarize"], stdin: payload).stdout == fromFile)
    }

    @Test func malformedJSONExits65AndKeepsTheActivitiesBeforeIt() throws {
        let payload = try String(contentsOfFile: example, encoding: .utf8)
        let secondActivity = try #require(payload.range(of: "\"summary_id\":\"xoss-7-1\""))
        let truncated = String(payload[..<secondActivity.upperBound])
        let result = try run(["summarize"], stdin: truncated)
        #expect(result.status == 65)
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("slipstream: <stdin>:"))
        #expect(result.stderr.contains("unexpected end of input"))
        #expect(result.stderr.contains("(at $.data[1].metadata)"))
    }

    @Test func reportsLineColumnAndByte() throws {
        let result = try run(
            ["summarize"], stdin: "[\n  {\"metadata\": {\"summary_id\": 1}},\n  {\"metadata\": x}\n]\n")
        #expect(result.status == 65)
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.stderr == "slipstream: <stdin>:3:17 (byte 53): invalid char in json text. (at $[1].metadata)\n")
    }

    @Test func validJSONThatIsNotAnActivityPayloadExits65() throws {
        let result = try run(["summarize"], stdin: "{\"type\":\"sleep\",\"data\":[]}\n")
        #expect(result.status == 65)
        #expect(result.stdout == "")
        #expect(
            result.stderr
                == "slipstream: <stdin>:1:16 (byte 15): payload type is \"sleep\"; expected \"activity\" (at $.type)\n")
    }

    @Test func missingInputExits66() throws {
        let result = try run(["summarize", "/nonexistent/ride.json"])
        #expect(result.status == 66)
        #expect(result.stderr == "slipstream: /nonexistent/ride.json: cannot open: No such file or directory\n")
    }

    @Test func usageErrorsExit64() throws {
        #expect(try run(["summarize", "--format", "xml"]).status == 64)
        #expect(try run(["summarize", "--no-such-flag"]).status == 64)
        #expect(try run(["generate", "--seconds", "-5"]).status == 64)
        let readAhead = try run(["batch", "--read-ahead-mb", "0", example])
        #expect(readAhead.status == 64 && readAhead.stderr.contains("--read-ahead-mb must be between 1 and 1048576"))
    }

    @Test func outputErrorsExit74() throws {
        let result = try run(["summarize", example], stdoutPath: "/dev/full")
        #expect(result.status == 74)
        #expect(result.stderr.contains("write failed"))
    }

    @Test func jsonFormatWritesOneTerraEnvelopePerPayload() throws {
        let result = try run(["summarize", "--format", "json", example])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let envelope = try json(lines[0])
        #expect(envelope["type"] as? String == "activity")
        #expect((envelope["data"] as? [Any])?.count == 2)
        #expect((envelope["user"] as? [String: Any])?["provider"] as? String == "XOSS")
        let pretty = try run(["summarize", "--format", "json", "--pretty", example])
        let reparsed = try JSONSerialization.jsonObject(with: Data(pretty.stdout.utf8)) as? [String: Any]
        #expect((reparsed?["data"] as? [Any])?.count == 2)
        #expect(pretty.stdout.split(separator: "\n").count > 50)
    }

    @Test func generateIsDeterministicAndSummarizable() throws {
        let a = try run(["generate", "--seconds", "120", "--activities", "2", "--seed", "3"])
        let b = try run(["generate", "--seconds", "120", "--activities", "2", "--seed", "3"])
        #expect(a.status == 0)
        #expect(a.stdout == b.stdout)
        let summary = try run(["summarize"], stdin: a.stdout)
        #expect(summary.status == 0)
        #expect(summary.stdout.split(separator: "\n").count == 2)
    }

    @Test func benchMeasuresEveryStageOnTheSameBytes() throws {
        // 2 activities x 60 s x 7 channels = 840 samples, seen by every stage but the no-op parse.
        let result = try run(["bench", "--seconds", "60", "--activities", "2", "--iterations", "1", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout.split(separator: "\n")[0])
        let stages = try #require(report["stages"] as? [[String: Any]])
        #expect(
            stages.map { $0["stage"] as? String } == [
                "yajl no-op", "columns", "summarize", "summarize, 2 threads", "JSONDecoder",
            ])
        let bytes = Set(stages.compactMap { $0["bytes"] as? Int })
        #expect(bytes.count == 1 && bytes.first! > 10_000)
        #expect(stages.map { $0["samples"] as? Int } == [0, 840, 840, 840, 840])
        #expect(stages.map { $0["activities"] as? Int } == [0, 2, 2, 2, 2])
        #expect(stages[0]["ratio_to_yajl_noop"] as? Double == 1)
        #expect(stages.allSatisfy { $0["error"] == nil })

        let table = try run(["bench", "--seconds", "60", "--iterations", "1", "--no-decoder", example])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines[0].hasSuffix("xoss-morning-rides.json: 0.5 MB, median of 1"))
        #expect(
            lines[1].split(separator: " ", omittingEmptySubsequences: true) == [
                "stage", "MB/s", "samples/s", "peak", "RSS", "vs", "yajl", "no-op",
            ])
        #expect(lines.count == 6)
        #expect(lines[2].hasPrefix("yajl no-op") && lines[2].hasSuffix("1.00x"))
        #expect(!table.stdout.contains("JSONDecoder"))
    }

    private func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "slipstream-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func batchWritesItsOutputFileOnlyWhenDoneAndSaysHowItWent() throws {
        let outputDir = try scratchDirectory()
        let dir = outputDir + "/in"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outputDir) }
        try FileManager.default.copyItem(atPath: example, toPath: dir + "/good.json")
        try Data("{\"data\":[".utf8).write(to: URL(fileURLWithPath: dir + "/broken.json"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/readme.md"))

        let result = try run(["batch", "--jobs", "2", "--output", outputDir + "/out.ndjson", dir])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        let lines = try String(contentsOfFile: outputDir + "/out.ndjson", encoding: .utf8).split(separator: "\n")
        // broken.json comes first by name: its error record, then the example's two activities.
        #expect(lines.count == 3)
        let error = try json(lines[0])["slipstream"] as? [String: Any]
        #expect(error?["source"] as? String == dir + "/broken.json")
        #expect((error?["error"] as? [String: Any])?["kind"] as? String == "malformed-json")
        #expect((try json(lines[1])["slipstream"] as? [String: Any])?["source"] as? String == dir + "/good.json")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: outputDir).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
        let stderr = result.stderr.split(separator: "\n")
        #expect(stderr.count == 2)
        #expect(stderr[0].hasPrefix("slipstream: \(dir)/broken.json:1:10 (byte 9): "))
        #expect(stderr[1].hasPrefix("slipstream: 2 payloads, 2 activities, 1 failed in "))
        #expect(stderr[1].hasSuffix("MB/s); 1 skipped (not .json, .ndjson, .fit, their .gz or an archive)"))

        let quiet = try run(["batch", "--quiet", "--format", "csv", dir + "/good.json"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
        #expect(quiet.stdout.split(separator: "\n").count == 3)
        #expect(quiet.stdout.hasPrefix("source,summary_id,start_time,error_kind,"))
    }

    /// An output inside the walked directory is not read back as a payload, in the first run (its
    /// temporary file) or the next (the output itself, also named on the command line).
    @Test func batchPassesOverItsOwnOutput() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: example, toPath: dir + "/good.json")
        let first = try run(["batch", "--jobs", "2", "--output", dir + "/out.ndjson", dir])
        #expect(first.status == 0)
        #expect(first.stderr.contains("slipstream: \(dir)/out.ndjson.slipstream-"))
        #expect(first.stderr.contains(".partial: passed over: it is this batch's output"))
        #expect(first.stderr.contains("1 payload, 2 activities, 0 failed"))
        let second = try run(["batch", "--output", dir + "/out.ndjson", dir, dir + "/out.ndjson"])
        #expect(second.status == 0)
        #expect(
            second.stderr.components(separatedBy: "\(dir)/out.ndjson: passed over: it is this batch's output").count
                == 3)
        #expect(second.stderr.contains("1 payload, 2 activities, 0 failed"))
        let lines = try String(contentsOfFile: dir + "/out.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
    }

    @Test func batchOutputThatCannotBeWrittenIs74AndLeavesNoFile() throws {
        let result = try run(["batch", "--output", "/nonexistent-dir/out.ndjson", example])
        #expect(result.status == 74)
        #expect(result.stderr.contains("cannot create"))
    }

    @Test func columnsAreTheUnionOfTheChannelsTimestamps() throws {
        // Heart rate at 0 s and 2 s, power at 1 s and 2 s (with timers), a position at 0 s.
        let payload = """
            {"metadata":{"summary_id":"u"},
             "heart_rate_data":{"detailed":{"hr_samples":[{"timestamp":"2024-01-01T10:00:02Z","bpm":120},{"timestamp":"2024-01-01T10:00:00Z","bpm":100}]}},
             "power_data":{"power_samples":[{"timestamp":"2024-01-01T10:00:01.5Z","watts":200,"timer_duration_seconds":1.5},{"timestamp":"2024-01-01T10:00:02Z","watts":0,"timer_duration_seconds":2}]},
             "position_data":{"position_samples":[{"timestamp":"2024-01-01T10:00:00Z","coords_lat_lng_deg":[45.5,7.25]}]}}
            """
        let csv = try run(["columns"], stdin: payload)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(
            csv.stdout == """
                activity,timestamp,timer_seconds,heart_rate,power,cadence,speed,distance,elevation,lat,lng,temperature
                u,2024-01-01T10:00:00.000000Z,,100,,,,,,45.5,7.25,
                u,2024-01-01T10:00:01.500000Z,1.5,,200,,,,,,,
                u,2024-01-01T10:00:02.000000Z,2,120,0,,,,,,,

                """)
        let ndjson = try run(["columns", "--format", "ndjson"], stdin: payload)
        let rows = ndjson.stdout.split(separator: "\n")
        #expect(rows.count == 3)
        #expect(
            rows[1]
                == #"{"activity":"u","timestamp":"2024-01-01T10:00:01.500000Z","timer_seconds":1.5,"heart_rate":null,"power":200,"cadence":null,"speed":null,"distance":null,"elevation":null,"lat":null,"lng":null,"temperature":null}"#
        )
    }

    @Test func temperatureIsAColumnAndThreeCSVFields() throws {
        let payload =
            #"{"metadata":{"summary_id":"t"},"temperature_data":{"ambient_temperature_samples":["#
            + #"{"timestamp":"2024-06-01T08:00:00Z","temperature_celsius":18.5},{"timestamp":"2024-06-01T08:00:04Z","temperature_celsius":19}]}}"#
        let columns = try run(["columns"], stdin: payload)
        #expect(
            columns.stdout.split(separator: "\n").dropFirst().joined(separator: "\n") == """
                t,2024-06-01T08:00:00.000000Z,,,,,,,,,,18.5
                t,2024-06-01T08:00:04.000000Z,,,,,,,,,,19
                """)
        let csv = try run(["batch", "-q", "--format", "csv", "-"], stdin: payload)
        // Weights 4 s and the median interval 4 s: (18.5 + 19) / 2.
        #expect(
            csv.stdout.split(separator: "\n").first?.hasSuffix(
                ",avg_temperature_celsius,max_temperature_celsius,min_temperature_celsius") == true)
        #expect(csv.stdout.split(separator: "\n").last?.hasSuffix(",18.75,19,18.5") == true)
    }

    /// The fourth `{` (offset 22) opens a fourth level; yajl has consumed it when the router says no.
    @Test func twoParseThreadsWriteTheSameAndStopAtTheSameError() throws {
        for command in ["summarize", "columns", "convert"] {
            let one = try run([command, example])
            let two = try run([command, "--parse-threads", "2", example])
            #expect(one.status == 0 && two.status == 0 && !one.stdout.isEmpty)
            #expect(two.stdout == one.stdout, "\(command)")
        }
        let payload = try String(contentsOfFile: example, encoding: .utf8)
        let cut = String(payload.prefix(payload.utf8.count / 2))  // inside the first ride's samples
        let one = try run(["summarize"], stdin: cut)
        let two = try run(["summarize", "--parse-threads", "2"], stdin: cut)
        #expect(one.status == 65 && two.status == 65)
        #expect(two.stderr == one.stderr && one.stderr.contains("_samples["), "\(one.stderr)")
        // More threads than cores: every worker's storing thread is a thread of its own.
        let batchOne = try run(["batch", "-q", "--jobs", "1", example, example, example, example])
        let batchMany = try run([
            "batch", "-q", "--jobs", "4", "--parse-threads", "2", example, example, example, example,
        ])
        #expect(batchOne.status == 0 && batchMany.status == 0 && batchMany.stdout == batchOne.stdout)
        let three = try run(["summarize", "--parse-threads", "3", example])
        #expect(three.status == 64 && three.stderr.contains("--parse-threads must be 1 or 2, not 3"))
    }

    @Test func aLimitIsNamedByItsFlag() throws {
        let result = try run(["summarize", "--max-depth", "3"], stdin: #"{"metadata":{"a":{"b":{"c":1}}}}"#)
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "slipstream: <stdin>:1:24 (byte 23): nesting deeper than 3 levels (limit: --max-depth) (at $.metadata)\n"
        )
    }

    @Test func aFITFileIsReadAsFIT() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header: [UInt8] = [14, 0x10, 0x6C, 0x08, 0x20, 0, 0, 0] + Array(".FIT".utf8) + [0, 0]
        try Data(header).write(to: URL(fileURLWithPath: dir + "/ride.fit"))
        let result = try run(["summarize", dir + "/ride.fit"])
        #expect(result.status == 65)
        #expect(
            result.stderr.hasSuffix(
                "/ride.fit (byte 14): the file ends early: 34 bytes of the FIT file are missing (its records and CRC end at byte 48)\n"
            ), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func aMissingBatchInputExits66LikeEveryMissingInput() throws {
        let result = try run(["batch", "-q", "/nonexistent-slipstream-dir/", example])
        #expect(result.status == 66)
        #expect(result.stderr == "slipstream: /nonexistent-slipstream-dir/: cannot open: No such file or directory\n")
        #expect(result.stdout.split(separator: "\n").count == 3)  // the error record, then the example's two activities
    }

    @Test func aTerraErrorResponseIsAnErrorWithItsMessage() throws {
        let result = try run(
            ["summarize"], stdin: #"{"status":"error","message":"User not found","type":"activity","user":null}"#)
        #expect(result.status == 65 && result.stdout.isEmpty)
        #expect(
            result.stderr
                == "slipstream: <stdin>:1:1 (byte 0): Terra error response (status \"error\"): User not found (at $)\n")
    }

    @Test func aResponseWhoseDataWentToTheWebhookIsExplainedNotAnError() throws {
        let result = try run(
            ["summarize"],
            stdin: #"{"status":"success","type":"activity","message":"Data sent to webhook","reference":"7a1c"}"#)
        #expect(result.status == 0 && result.stdout.isEmpty)
        #expect(
            result.stderr.contains(
                "no activities in this response: Terra sends the data to the webhook (\"Data sent to webhook\", reference 7a1c)"
            ))
        let batch = try run(["batch", "-q", "-"], stdin: #"{"status":"success","type":"activity","reference":"7a1c"}"#)
        #expect(batch.status == 0 && batch.stdout.isEmpty)
        #expect(batch.stderr.contains("reference 7a1c"))
    }

    @Test func aNegativeNumberIsOutOfRangeNotMissing() throws {
        let seconds = try run(["generate", "--seconds", "-5"])
        #expect(
            seconds.status == 64 && seconds.stderr.hasPrefix("Error: --seconds must be 0 or more, not -5\n"),
            "\(seconds.stderr)")
        let depth = try run(["summarize", "--max-depth", "-1"], stdin: "[]")
        #expect(
            depth.status == 64 && depth.stderr.hasPrefix("Error: --max-depth must be 1 or more, not -1\n"),
            "\(depth.stderr)")
        let ftp = try run(["summarize", "--ftp", "-250"], stdin: "[]")
        #expect(ftp.status == 64 && ftp.stderr.hasPrefix("Error: --ftp must be above 0\n"), "\(ftp.stderr)")
    }

    @Test func countsAreSingularForOne() throws {
        let result = try run(["batch", "--jobs", "1", example])
        #expect(result.stderr.hasPrefix("slipstream: 1 payload, 2 activities, 0 failed in "), "\(result.stderr)")
        let one = try run(["batch", "-"], stdin: #"{"metadata":{}}"#)
        #expect(one.stderr.hasPrefix("slipstream: 1 payload, 1 activity, 0 failed in "), "\(one.stderr)")
    }

    @Test func theJobsHelpGivesItsDefaultOnce() throws {
        let help = try run(["batch", "--help"]).stdout
        let line = help.split(separator: "\n").first { $0.contains("--jobs <jobs>") }.map(String.init) ?? ""
        #expect(!help.contains("(default: \(ProcessInfo.processInfo.activeProcessorCount))"), "\(line)")
        #expect(help.contains("the number of cores for batch"))
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try run(["--generate-completion-script", shell])
            #expect(
                script.status == 0 && script.stdout.contains("summarize") && script.stdout.contains("max-depth"),
                "\(shell)")
        }
    }

    @Test func anInputThatIsNoPayloadSaysWhatItLooksLike() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]).write(
            to: URL(fileURLWithPath: dir + "/ride.png"))
        let result = try run(["summarize", dir + "/ride.png"])
        #expect(result.status == 65)
        #expect(
            result.stderr.hasSuffix(
                "/ride.png (byte 0): not Terra JSON or FIT: looks like a PNG image (first bytes 89 50 4E 47 0D 0A 1A 0A)\n"
            ))
    }
}
