import Testing

@testable import Slipstream
@testable import SlipstreamCore
@testable import SlipstreamFixtures
@testable import SlipstreamStream

/// Broken and hostile input: every case ends in one located error of the expected kind (exit 65),
/// never a crash, and keeps the activities that closed before it.
@Suite struct HostileInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var kind: SlipstreamError.Kind
        /// yajl's offset: the bytes it had consumed when it stopped (README, "Exit codes").
        var byte: Int
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ kind: SlipstreamError.Kind = .malformedJSON, at byte: Int) {
            self.init(name, Array(text.utf8), kind, at: byte)
        }

        init(_ name: String, _ bytes: [UInt8], _ kind: SlipstreamError.Kind = .malformedJSON, at byte: Int) {
            self.name = name
            self.bytes = bytes
            self.kind = kind
            self.byte = byte
        }
    }

    /// Hand-made cases; each offset was checked against the text (0-based, the byte yajl stopped at).
    static let syntax: [Case] = {
        let m = #"{"metadata":{"n":"#  // 17 bytes: a value starts at offset 17
        return [
            Case("bad escape", #"{"metadata":{"name":"a\x"}}"#, at: 23),
            Case("short unicode escape", #"{"metadata":{"name":"a\u12"}}"#, at: 26),
            Case("raw tab in string", "{\"metadata\":{\"name\":\"a\tb\"}}", at: 22),
            Case("raw newline in string", "{\"metadata\":{\"name\":\"a\nb\"}}", at: 22),
            Case("raw control 0x01", "{\"metadata\":{\"name\":\"\u{01}\"}}", at: 21),
            // JSON's white space is space, tab, newline and carriage return; yajl also took a form feed.
            Case("raw form feed between tokens", "[\u{0C}]", at: 1),
            Case("raw form feed before a key", "{\"metadata\":{\u{0C}\"name\":1}}", at: 13),
            Case("raw form feed in a string", "{\"metadata\":{\"name\":\"a\u{0C}b\"}}", at: 22),
            Case(
                "invalid UTF-8 0xFF", Array(#"{"metadata":{"name":""#.utf8) + [0xFF, 0xFE] + Array(#""}}"#.utf8), at: 22
            ),
            Case(
                "truncated UTF-8 sequence", Array(#"{"metadata":{"name":""#.utf8) + [0xE2, 0x82] + Array(#""}}"#.utf8),
                at: 24),
            Case("leading zero", m + "01}}", at: 18),
            Case("double zero", m + "00}}", at: 18),
            Case("negative leading zero", m + "-01}}", at: 19),
            Case("lone minus", m + "-}}", at: 18),
            Case("plus sign", m + "+1}}", at: 18),
            Case("hex number", m + "0x10}}", at: 19),
            Case("dot without digits after", m + "1.}}", at: 19),
            Case("dot without digits before", m + ".5}}", at: 18),
            Case("exponent without digits", m + "1e}}", at: 19),
            Case("exponent sign without digits", m + "1e+}}", at: 20),
            Case("NaN", m + "NaN}}", at: 18),
            Case("Infinity", m + "Infinity}}", at: 18),
            Case("-Infinity", m + "-Infinity}}", at: 18),
            Case("True capitalised", m + "True}}", at: 18),
            Case("truncated literal tru", m + "tru}}", at: 20),
            Case("truncated literal nul", m + "nul}}", at: 20),
            Case("trailing comma in object", m + "1,}}", at: 20),
            Case("trailing comma in array", #"{"metadata":[1,2,]}"#, at: 18),
            Case("trailing comma in data", #"{"data":[{"metadata":{}},]}"#, at: 26),
            Case("comment after a value", m + "1}/*c*/}", at: 19),
            Case("line comment first", "// c\n{}", at: 0),
            Case("object closed by bracket", m + "1]}", at: 18),
            Case("array closed by brace", "[}", at: 2),
            Case("object closed by bracket at once", "{]", at: 2),
            Case("nested array closed by brace", #"{"a":[}"#, at: 7),
            Case("extra closing brace", m + "1}}}", at: 21),
            Case("mismatched close at top", m + "1}]", at: 19),
            Case("single-quoted key", "{'metadata':1}", at: 2),
            Case("unquoted key", "{metadata:1}", at: 2),
            Case("missing colon", #"{"metadata" 1}"#, at: 13),
            Case("double colon", #"{"metadata"::1}"#, at: 13),
            Case("comma after the payload", m + "1}},", at: 21),
            Case("garbage after the payload", m + "1}} x", at: 22),
            Case("NUL after the payload", Array((m + "1}}").utf8) + [0], at: 21),
            Case("empty array element", "[,]", at: 2),
            Case("empty object member", "{,}", at: 2),
            Case("truncated second payload", m + #"1}}{"metadata":"#, at: 32),
            Case("unterminated string", "\"", at: 1),
            Case("literal cut short", "nul", at: 3),
            Case("empty input", "", at: 0),
            Case("white space only", "  \n ", at: 4),
            Case("nesting deeper than the limit", String(repeating: "[", count: 300), .limitExceeded, at: 257),
            Case("scalar payload true", "true", .notActivityPayload, at: 4),
            Case("scalar payload number", "42", .notActivityPayload, at: 2),
            Case("scalar payload string", #""x""#, .notActivityPayload, at: 3),
            Case("sleep payload", #"{"type":"sleep","data":[]}"#, .notActivityPayload, at: 15),
            Case("data is an object", #"{"data":{}}"#, .notActivityPayload, at: 9),
            Case("data is a string", #"{"type":"activity","data":"x"}"#, .notActivityPayload, at: 29),
            Case("activity that is null", #"{"data":[null]}"#, .notActivityPayload, at: 13),
        ]
    }()

    /// A small envelope cut after every byte: each prefix is incomplete JSON, reported at its end.
    static let envelope =
        #"{"type":"activity","user":{"user_id":"u"},"data":[{"metadata":{"summary_id":"a"},"heart_rate_data":{"detailed":{"hr_samples":[{"timestamp":"2024-01-01T10:00:00Z","bpm":120}]}}}]}"#
    static let truncations: [Case] = (1..<envelope.utf8.count).map { length in
        Case("cut after \(length) bytes", Array(envelope.utf8.prefix(length)), at: length)
    }

    static func read(_ bytes: [UInt8], limits: ReadLimits = ReadLimits(), chunkSize: Int = ActivityReader.chunkSize)
        -> (records: [ActivityRecord], problems: [SlipstreamError], error: SlipstreamError?)
    {
        var source = MemorySource(bytes, name: "case")
        var records: [ActivityRecord] = []
        var problems: [SlipstreamError] = []
        do {
            try ActivityReader(chunkSize: chunkSize, limits: limits).forEachActivity(
                in: &source, problem: { problems.append($0) }
            ) { records.append($0) }
            return (records, problems, nil)
        } catch {
            return (records, problems, error)
        }
    }

    @Test func theCorpusHasAHundredCases() {
        #expect(Self.syntax.count + Self.truncations.count >= 100)
    }

    @Test(arguments: syntax + truncations)
    func endsWithOneLocatedError(_ c: Case) {
        let (_, problems, error) = Self.read(c.bytes)
        // Valid JSON that is not an activity payload is a problem the reader reads past; the rest stop it.
        let found = error ?? problems.first
        #expect(found?.kind == c.kind, "\(String(describing: found))")
        #expect(found?.byteOffset == c.byte, "\(String(describing: found))")
        #expect(found?.line != nil && found?.column != nil)
    }

    @Test func aFormFeedStopsTheReadWhereItIsAfterTheActivitiesBeforeIt() {
        let first = #"{"metadata":{"summary_id":"kept"}}"#
        let bytes = Array((first + "\n\u{0C}" + #"{"metadata":{"summary_id":"lost"}}"#).utf8)
        for chunk in [1, 5, 64] {
            let (records, _, error) = Self.read(bytes, chunkSize: chunk)
            #expect(records.map(\.summaryID) == ["kept"])
            #expect(
                error?.byteOffset == first.utf8.count + 1 && error?.line == 2 && error?.column == 1,
                "\(String(describing: error))")
        }
    }

    @Test func aLeadingByteOrderMarkIsPassedOver() throws {
        let (records, _, error) = Self.read([0xEF, 0xBB, 0xBF] + Array(#"{"metadata":{"summary_id":"bom"}}"#.utf8))
        #expect(error == nil && records.map(\.summaryID) == ["bom"])
        // Offsets still count the mark: the comma is at 3 + 33.
        let broken = Self.read([0xEF, 0xBB, 0xBF] + Array(#"{"metadata":{"summary_id":"bom"},}"#.utf8))
        #expect(broken.error?.byteOffset == 37)
    }

    // MARK: limits

    @Test func samplesBeyondTheLimitStopTheReadAtThatSample() {
        let sample = #"{"timestamp":"2024-01-01T10:00:00Z","bpm":120}"#
        let head = #"{"metadata":{"summary_id":"first"}}"# + "\n" + #"{"heart_rate_data":{"detailed":{"hr_samples":["#
        let text = head + [sample, sample, sample].joined(separator: ",") + "]}}}"
        var limits = ReadLimits()
        limits.maxSamplesPerChannel = 2
        let (records, _, error) = Self.read(Array(text.utf8), limits: limits)
        #expect(records.map(\.summaryID) == ["first"])
        #expect(error?.kind == .limitExceeded)
        // The third sample's closing brace: the head, three samples and two commas.
        #expect(error?.byteOffset == head.utf8.count + 3 * sample.utf8.count + 2)
        #expect(error?.line == 2)
        #expect(error?.limit == .maxSamplesPerChannel)
        #expect(error?.jsonPath == "$.heart_rate_data.detailed.hr_samples[2]")
    }

    @Test func aTokenLongerThanTheLimitStopsTheReadWhereItWasNoticed() {
        // 21 bytes, then 300 x: chunks of 50 bytes; the first has events, the next ones none.
        // Bytes without an event pass 100 with the fourth chunk, which ends at byte 200.
        let text = #"{"metadata":{"name":""# + String(repeating: "x", count: 300) + #""}}"#
        var limits = ReadLimits()
        limits.maxTokenBytes = 100
        var source = MemorySource(Array(text.utf8), name: "case")
        #expect(throws: SlipstreamError.self) {
            try ActivityReader(chunkSize: 50, limits: limits).forEachActivity(in: &source) { _ in }
        }
        var again = MemorySource(Array(text.utf8), name: "case")
        do {
            try ActivityReader(chunkSize: 50, limits: limits).forEachActivity(in: &again) { _ in }
        } catch {
            #expect(error.kind == .limitExceeded && error.byteOffset == 200 && error.column == 201)
            #expect(error.limit == .maxTokenBytes)
        }
    }

    @Test func aPayloadLargerThanTheLimitStopsAtItsLimitByte() {
        let first = #"{"metadata":{"summary_id":"a"}}"#  // 31 bytes, then a newline
        let second = #"{"metadata":{"summary_id":"b"},"x":""# + String(repeating: "y", count: 100) + #""}"#
        var limits = ReadLimits()
        limits.maxPayloadBytes = 60
        var source = MemorySource(Array((first + "\n" + second).utf8), name: "case")
        var ids: [String?] = []
        do {
            try ActivityReader(chunkSize: 16, limits: limits).forEachActivity(in: &source) { ids.append($0.summaryID) }
            Issue.record("no error")
        } catch {
            // The second payload starts at 32: its 60 bytes end at 92.
            #expect(error.kind == .limitExceeded && error.byteOffset == 92)
            #expect(error.limit == .maxPayloadBytes)
        }
        #expect(ids == ["a"])
    }

    // MARK: valid JSON, wrong content: each skipped and counted, never an error

    @Test func implausibleValuesAreDroppedAndCounted() throws {
        func sample(_ second: Int, _ field: String) -> String {
            #"{"timestamp":"2024-01-01T10:00:0\#(second)Z",\#(field)}"#
        }
        let text = """
            {"metadata":{"summary_id":"odd"},
             "heart_rate_data":{"detailed":{"hr_samples":[\(sample(0, #""bpm":"142""#)),\(sample(1, #""bpm":400"#)),\(sample(2, #""bpm":0"#)),\(sample(3, #""bpm":1e400"#)),\(sample(4, #""bpm":150,"bpm":160"#))]}},
             "power_data":{"power_samples":[\(sample(0, #""watts":-5"#)),\(sample(1, #""watts":250"#))]},
             "distance_data":{"detailed":{"elevation_samples":[\(sample(0, #""elev_meters":-19999"#)),\(sample(1, #""elev_meters":12"#))]}},
             "position_data":{"position_samples":[\(sample(0, #""coords_lat_lng_deg":[95,7]"#)),\(sample(1, #""coords_lat_lng_deg":[45,200]"#)),\(sample(2, #""coords_lat_lng_deg":[45,7,300]"#)),\(sample(3, #""coords_lat_lng_deg":[45,null]"#)),\(sample(4, #""coords_lat_lng_deg":[45]"#))]}}
            """
        let (records, problems, error) = Self.read(Array(text.utf8))
        #expect(error == nil && problems.isEmpty, "\(String(describing: error)) \(problems)")
        let s = try #require(records.first).summary
        // bpm "142" (a string) and 0 are dropped; 400 and 1e400 (infinity) are out of range;
        // of the duplicate key the last (160) counts.
        #expect(s.heartRate.count == 1 && s.heartRate.maximum == 160)
        #expect(s.dropped[Channel.heartRate.rawValue] == 4 && s.outOfRange[Channel.heartRate.rawValue] == 2)
        #expect(s.power.count == 1 && s.outOfRange[Channel.power.rawValue] == 1)
        #expect(s.elevation.count == 1 && s.outOfRange[Channel.elevation.rawValue] == 1)
        // Latitude 95 and longitude 200 are out of range; a third element (altitude) is ignored;
        // a null or missing longitude drops the sample.
        #expect(s.startPosition == [45, 7] && s.samples[Channel.position.rawValue] == 1)
        #expect(s.dropped[Channel.position.rawValue] == 4 && s.outOfRange[Channel.position.rawValue] == 2)
    }

    @Test func emptyDataAndMissingMetadataAreNotErrors() {
        let empty = Self.read(Array(#"{"type":"activity","data":[]}"#.utf8))
        #expect(empty.records.isEmpty && empty.problems.isEmpty && empty.error == nil)
        let bare = Self.read(Array(#"{"heart_rate_data":{"detailed":{"hr_samples":[]}}}"#.utf8))
        #expect(bare.records.count == 1 && bare.records[0].metadata == nil && bare.error == nil)
    }

    // MARK: truncation property

    /// Offsets just after each activity's closing brace in a generated envelope (depth 3 under `data`).
    static func activityEnds(_ bytes: [UInt8]) -> [Int] {
        var ends: [Int] = []
        var stack: [UInt8] = []
        var inString = false
        var escaped = false
        for (i, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): stack.append(byte)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if byte == UInt8(ascii: "}") && stack.count == 3 && stack[1] == UInt8(ascii: "[") { ends.append(i + 1) }
                stack.removeLast()
            default: break
            }
        }
        return ends
    }

    @Test func aPayloadCutAnywhereKeepsExactlyTheActivitiesThatClosedBeforeTheCut() throws {
        var bytes: [UInt8] = []
        _ = try PayloadGenerator.generate(GeneratorOptions(seconds: 40, activities: 3, seed: 7)) {
            bytes.append(contentsOf: $0)
        }
        let ends = Self.activityEnds(bytes)
        try #require(ends.count == 3)
        let last = bytes.lastIndex(of: UInt8(ascii: "}"))!
        // Every 97th byte, and the bytes around each activity's end.
        var cuts = Set(stride(from: 1, to: last, by: 97))
        for end in ends { cuts.formUnion([end - 1, end, end + 1]) }
        for cut in cuts.sorted() where cut <= last {
            let (records, _, error) = Self.read(Array(bytes[0..<cut]))
            #expect(error?.kind == .malformedJSON, "cut at \(cut)")
            #expect(records.count == ends.filter { $0 <= cut }.count, "cut at \(cut)")
        }
    }
}
