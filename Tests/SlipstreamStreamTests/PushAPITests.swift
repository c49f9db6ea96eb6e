import Slipstream
import Testing

/// The push API as a library user drives it: bytes fed as they arrive, in chunks of any size.
@Suite struct PushAPITests {
    /// The README's bundled example: two rides.
    static let example =
        String(#filePath.dropLast("Tests/SlipstreamStreamTests/PushAPITests.swift".count))
        + "examples/xoss-morning-rides.json"

    /// The program of the core v2 issue (and the README's second library example), with `print`
    /// writing into `lines` so that the test can read what it printed.
    static func program(path: String, chunk: Int) throws -> [String] {
        var lines: [String] = []
        func print(_ items: Any...) { lines.append(items.map { "\($0)" }.joined(separator: " ")) }

        var stream = ActivityStream { record in  // record: ActivityRecord, columns alive here
            print(record.summaryID ?? "-", record.summary.heartRate.mean ?? -1)
        }
        let bytes = Array(try FileSource.readAll(path: path))  // any way to get bytes
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            try bytes[start..<min(start + chunk, bytes.count)].withUnsafeBytes { try stream.feed($0) }
        }
        try stream.finish()
        _ = stream  // `var` as in the issue's program: the stream is a class, fed in place
        return lines
    }

    @Test(arguments: [1, 7, 4096, 1 << 20])
    func theIssueProgramPrintsOneLinePerActivityWhateverTheChunks(chunk: Int) throws {
        // The reader (64 KiB chunks) is the reference: the same activities, the same numbers.
        var expected: [String] = []
        var source = try FileSource(path: Self.example)
        try ActivityReader().forEachActivity(in: &source) { record in
            expected.append("\(record.summaryID ?? "-") \(record.summary.heartRate.mean ?? -1)")
        }
        let lines = try Self.program(path: Self.example, chunk: chunk)
        #expect(lines.count == 2)
        #expect(lines == expected)
        #expect(lines.allSatisfy { !$0.hasPrefix("- ") && !$0.hasSuffix(" -1.0") })
    }

    @Test func columnsAreAliveInTheCallbackAndInTimeOrder() throws {
        let payload =
            #"{"metadata":{"summary_id":"c"},"power_data":{"power_samples":["#
            + #"{"timestamp":"2024-01-01T10:00:02Z","watts":3},{"timestamp":"2024-01-01T10:00:00Z","watts":1}]}}"#
        var watts: [Double] = []
        let stream = ActivityStream { record in watts = Array(record.columns[.power].values) }
        for byte in Array(payload.utf8) { try [byte].withUnsafeBytes { try stream.feed($0) } }
        let report = try stream.finish()
        #expect(watts == [1, 3])
        #expect(report.activities == 1 && report.payloads == 1 && report.bytes == payload.utf8.count)
    }

    @Test func aStreamAskedForNoSummariesStillHandsOverTheColumns() throws {
        let payload =
            #"{"metadata":{},"heart_rate_data":{"detailed":{"hr_samples":[{"timestamp":"2024-01-01T10:00:00Z","bpm":120}]}}}"#
        var records: [ActivityRecord] = []
        let stream = ActivityStream(summaries: false) { records.append($0) }
        try Array(payload.utf8).withUnsafeBytes { try stream.feed($0) }
        try stream.finish()
        #expect(records.count == 1)
        #expect(records[0].columns[.heartRate].values == [120])
        #expect(records[0].summary == ActivitySummary())
    }

    @Test func envelopeActivitiesWaitForAUserThatComesAfterData() throws {
        let payload = #"{"data":[{"metadata":{"summary_id":"x"}}],"user":{"user_id":"late"},"type":"activity"}"#
        var users: [String?] = []
        let stream = ActivityStream { users.append($0.userID) }
        try Array(payload.utf8).withUnsafeBytes { try stream.feed($0) }
        try stream.finish()
        #expect(users == ["late"])
    }

    @Test(arguments: [1, 97])
    func anErrorKeepsItsLocationAndStopsTheStream(chunk: Int) throws {
        // The bad byte is the `x` at offset 92 (line 2, column 77); yajl reports the byte after it.
        let payload = Array(
            "{\"metadata\":{},\n\"power_data\":{\"power_samples\":[{\"timestamp\":\"2024-01-01T10:00:00Z\",\"watts\":1x}]}}"
                .utf8)
        let stream = ActivityStream(source: "upload") { _ in }
        var caught: SlipstreamError?
        do {
            for start in stride(from: 0, to: payload.count, by: chunk) {
                try payload[start..<min(start + chunk, payload.count)].withUnsafeBytes { try stream.feed($0) }
            }
            try stream.finish()
        } catch {
            caught = error as? SlipstreamError
        }
        let error = try #require(caught)
        #expect(error.kind == .malformedJSON)
        #expect(error.source == "upload")
        #expect(error.byteOffset == 93 && error.line == 2 && error.column == 78, "\(error)")
        #expect(error.jsonPath == "$.power_data.power_samples[0]")
    }
}
