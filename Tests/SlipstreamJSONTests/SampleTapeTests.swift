// The C tape reads sample lists; the router can still read them event by event. Both must give the
// same columns, problems and errors (offset, line, column, path) for any input, cut into any chunks.

import Testing

@testable import SlipstreamCore
@_spi(Reference) @testable import SlipstreamJSON

/// Writes down everything a decoder hands on, as text that two reads can be compared by.
final class DecodedTranscript: DecodedActivitySink {
    var lines: [String] = []

    func activityDecoded(_ activity: inout DecodedActivity) throws {
        lines.append("activity \(activity.jsonPath) without offset \(activity.columns.timestampsWithoutOffset)")
        for (index, column) in activity.columns.columns.enumerated() where column.count > 0 || column.dropped > 0 {
            let values = column.values.map(\.bitPattern), timers = column.timers.map(\.bitPattern)
            let longitudes = column.secondValues.map(\.bitPattern)
            lines.append(
                "  \(index): times \(column.times) values \(values) timers \(timers) longitudes \(longitudes) dropped \(column.dropped) "
                    + "out of range \(column.outOfRange) unsorted \(column.unsorted) missing timers \(column.missingTimers)"
            )
        }
    }
    func userRead(userID: String?, providerName: String?) throws { lines.append("user \(userID ?? "-")") }
    func payloadEnded(user: RawJSON?, discardsActivities: Bool) throws { lines.append("payload ended") }
    func problem(_ error: SlipstreamError) { lines.append("problem \(Self.describe(error))") }

    static func describe(_ error: SlipstreamError) -> String {
        "\(error.kind) \(error.message) at \(error.byteOffset ?? -1) \(error.line ?? -1):\(error.column ?? -1) \(error.jsonPath ?? "-")"
    }

    /// Decodes `bytes` in chunks of `chunk` bytes.
    static func read(_ bytes: [UInt8], chunk: Int, limits: ReadLimits, inC: Bool, threads: Int = 1) -> [String] {
        let transcript = DecodedTranscript()
        let decoder = TerraJSONDecoder(
            sink: transcript, source: "case", limits: limits, readsSamplesInC: inC, parseThreads: threads)
        do {
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunk)
                try bytes[start..<end].withUnsafeBytes { try decoder.feed($0) }
                start = end
            }
            try decoder.finish()
        } catch let error as SlipstreamError {
            transcript.lines.append("error \(describe(error))")
        } catch {
            transcript.lines.append("error \(error)")
        }
        return transcript.lines
    }
}

/// Sample lists with everything a sender can get wrong in them, from a seed.
struct HostileSampleLists {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    mutating func pick(_ choices: [String]) -> String { choices[next(choices.count)] }

    mutating func value() -> String {
        pick([
            "\(next(400))", "\(next(400)).\(next(100))", "-\(next(9))", "1e999", "null", "true", "\"97\"", "{}", "[]",
            "{\"a\":[1,{\"b\":2}]}", "[[[]]]", "0", "1.5e2", "12345678901234567890",
            // Around the C fast path's edges: 17 and 18 bytes, 2^53 and past it, -0, many decimals.
            "-0", "0.1", "1234567890123456.5", "12345678901234567.5", "9007199254740992", "9007199254740993",
            "1.7976931348623157",
            "-0.000000000000001", "123.45600", "0.30000000000000004",
        ])
    }

    mutating func time(_ second: Int) -> String {
        if next(3) == 0 { return "\"" + oddTime() + "\"" }
        return pick([
            "\"2024-05-04T07:30:\(String(format2: second % 60))+02:00\"",
            "\"2024-05-04T07:30:\(String(format2: second % 60)).25Z\"",
            "\"2024-05-04T07:30:\(String(format2: second % 60))\"", "\"not a time\"", "17", "null", "{\"t\":1}",
        ])
    }

    /// Every form Timestamp.parse takes or refuses near the edges: fractions of 1 to 10 digits,
    /// offsets of each shape and out of range, impossible dates, leap days, the 60th second.
    mutating func oddTime() -> String {
        let dates = [
            "2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0000-01-01", "1969-12-31",
            "2100-02-28", "9999-12-31", "2024-1-01",
        ]
        let clock = ["T07:30:", " 07:30:", "t23:59:", "T24:00:", "T07:60:", "T7:30:0"]
        let seconds = ["00", "59", "60", "61", "5", "0x"]
        let fractions = ["", ".1", ".12", ".123456", ".1234567", ".123456789", ".1234567890", ",5", ".", ".x"]
        let offsets = [
            "", "Z", "z", "+02:00", "-02:00", "+0530", "+05", "-23:59", "+24:00", "+02:60", "+2:00", "Zx", "+02:0", " ",
        ]
        return pick(dates) + pick(clock) + pick(seconds) + pick(fractions) + pick(offsets)
    }

    mutating func coordinates() -> String {
        pick([
            "[45.1,7.6]", "[45.1]", "[45.1,7.6,300]", "[[45.1],7.6]", "\"45,7\"", "null", "{\"lat\":1}", "[null,7.6]",
            "[91,7]",
            "[45, 181]", "[]",
        ])
    }

    mutating func sample(_ second: Int, valueKey: String, coordinate: Bool) -> String {
        switch next(12) {
        case 0: return pick(["null", "3", "\"x\"", "[1,2]", "true", "[]"])  // not an object
        case 1: return "{}"
        default: break
        }
        var fields: [String] = []
        let normal = next(3) > 0
        let theValue = { (g: inout HostileSampleLists) in coordinate ? g.coordinates() : g.value() }
        if normal {
            fields = [
                "\"timestamp\":\"2024-05-04T07:30:\(String(format2: second % 60))+02:00\"",
                "\"\(valueKey)\":\(coordinate ? "[45.1,7.6]" : "\(next(300))")",
            ]
            if next(2) == 0 { fields.append("\"timer_duration_seconds\":\(second)") }
        } else {
            for _ in 0..<(1 + next(5)) {
                switch next(6) {
                case 0, 1: fields.append("\"timestamp\":\(time(second))")
                case 2, 3: fields.append("\"\(valueKey)\":\(theValue(&self))")
                case 4: fields.append("\"timer_duration_seconds\":\(value())")
                default: fields.append("\"\(pick(["extra", "watts", "bpm", "x"]))\":\(value())")
                }
            }
        }
        let space = pick(["", " ", "\n  "])
        return "{" + space + fields.joined(separator: "," + space) + space + "}"
    }

    mutating func payload() -> String {
        let lists: [(String, String, String, Bool)] = [
            ("\"heart_rate_data\":{\"detailed\":{", "}}", "hr_samples", false),
            ("\"power_data\":{", "}", "power_samples", false),
            ("\"position_data\":{", "}", "position_samples", true),
        ]
        var activities: [String] = []
        for activity in 0..<(1 + next(2)) {
            var parts = ["\"metadata\":{\"summary_id\":\"a\(activity)\"}"]
            for (open, close, key, coordinate) in lists where next(4) > 0 {
                let valueKey = coordinate ? "coords_lat_lng_deg" : (key == "hr_samples" ? "bpm" : "watts")
                let samples = (0..<next(12)).map { sample($0, valueKey: valueKey, coordinate: coordinate) }
                parts.append(open + "\"\(key)\":[" + samples.joined(separator: ",") + "]" + close)
            }
            activities.append("{" + parts.joined(separator: ",") + "}")
        }
        return "{\"type\":\"activity\",\"user\":{\"user_id\":\"u\"},\"data\":[" + activities.joined(separator: ",")
            + "]}\n"
    }
}

extension String {
    fileprivate init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}

@Suite struct SampleTapeTests {
    static func agree(_ bytes: [UInt8], limits: ReadLimits = ReadLimits(), chunks: [Int]) -> Bool {
        var agreed = true
        for chunk in chunks {
            let swift = DecodedTranscript.read(bytes, chunk: chunk, limits: limits, inC: false)
            let tape = DecodedTranscript.read(bytes, chunk: chunk, limits: limits, inC: true)
            // (A hand-over per byte would only make the test slow: chunk 1 is left to one thread.)
            let twoThreads =
                chunk == 1 ? tape : DecodedTranscript.read(bytes, chunk: chunk, limits: limits, inC: true, threads: 2)
            #expect(tape == swift, "chunk \(chunk): \(String(decoding: bytes, as: UTF8.self))")
            #expect(twoThreads == swift, "two threads, chunk \(chunk): \(String(decoding: bytes, as: UTF8.self))")
            agreed = agreed && tape == swift && twoThreads == swift
        }
        return agreed
    }

    @Test func hostileSampleListsReadTheSameInCAsInSwift() {
        var generator = HostileSampleLists(state: 16)
        for _ in 0..<300 {
            let bytes = Array(generator.payload().utf8)
            guard Self.agree(bytes, chunks: [1, 7, 4096]) else { return }
        }
    }

    @Test func cutOrDamagedListsStopAtTheSamePlaceWithTheSamePath() {
        var generator = HostileSampleLists(state: 61)
        for round in 0..<200 {
            var bytes = Array(generator.payload().utf8)
            let place = generator.next(bytes.count)
            if round % 2 == 0 {
                bytes.removeLast(bytes.count - place)
            } else {
                bytes.insert(generator.pick(["}", "]", ",", ":", "x", "\""]).utf8.first!, at: place)
            }
            guard Self.agree(bytes, chunks: [3, 4096]) else { return }
        }
    }

    @Test func limitsInsideListsStopAtTheSameSample() {
        var depth = ReadLimits()
        depth.maxDepth = 7
        var samples = ReadLimits()
        samples.maxSamplesPerChannel = 3
        var generator = HostileSampleLists(state: 5)
        for _ in 0..<150 {
            let bytes = Array(generator.payload().utf8)
            guard Self.agree(bytes, limits: depth, chunks: [5, 4096]),
                Self.agree(bytes, limits: samples, chunks: [5, 4096])
            else { return }
        }
    }

    /// A channel filled before a syntax error later in the same chunk: the limit is the error.
    @Test func aFullChannelBeforeDamageIsTheErrorReported() {
        var limits = ReadLimits()
        limits.maxSamplesPerChannel = 3
        var generator = HostileSampleLists(state: 9)
        for _ in 0..<150 {
            var bytes = Array(generator.payload().utf8)
            bytes.insert(UInt8(ascii: "]"), at: bytes.count - 1 - generator.next(bytes.count / 3))
            guard Self.agree(bytes, limits: limits, chunks: [11, 4096]) else { return }
        }
    }

    /// A long ride through two threads, cut into chunks of every kind of size: the same columns as one.
    @Test func aLongPayloadReadsTheSameInTwoThreads() {
        var generator = HostileSampleLists(state: 3)
        let samples = (0..<30_000).map { generator.sample($0, valueKey: "watts", coordinate: false) }
        let text =
            #"{"data":[{"metadata":{},"power_data":{"power_samples":["# + samples.joined(separator: ",") + "]}}]}"
        let bytes = Array(text.utf8)
        #expect(Self.agree(bytes, chunks: [1 << 16, 1000, 77]))
        let lines = DecodedTranscript.read(bytes, chunk: 1 << 16, limits: ReadLimits(), inC: true, threads: 2)
        #expect(lines.count == 3 && lines[1].contains("dropped"), "\(lines.prefix(3))")
    }

    /// A value longer than 16 MiB (a token may pass --max-token-bytes by up to a chunk) is read whole.
    @Test func aValueLongerThan16MiBReadsTheSame() {
        var limits = ReadLimits()
        limits.maxTokenBytes = 32 << 20
        let time = "\"2024-05-04T07:30:00." + String(repeating: "1", count: (16 << 20) + 10) + "Z\""
        let text =
            #"{"data":[{"power_data":{"power_samples":[{"timestamp":"# + time
            + #","watts":5},{"timestamp":"2024-05-04T07:30:02Z","watts":7}]}}]}"#
        let bytes = Array(text.utf8)
        let tape = DecodedTranscript.read(bytes, chunk: 1 << 20, limits: limits, inC: true)
        #expect(tape == DecodedTranscript.read(bytes, chunk: 1 << 20, limits: limits, inC: false))
        #expect(tape == DecodedTranscript.read(bytes, chunk: 1 << 20, limits: limits, inC: true, threads: 2))
        // A fraction of more than 9 digits is no timestamp: the first sample has no time.
        #expect(
            tape.count == 3 && tape[1].contains("times [1714807802000000]") && tape[1].contains("dropped 1"), "\(tape)")
    }

    /// Inside a value of the wrong shape the path names its key, not a key skipped earlier elsewhere.
    @Test func aPathInsideAMisshapenValueNamesItsKey() {
        var limits = ReadLimits()
        limits.maxDepth = 7
        let text =
            #"{"data":[{"heart_rate_data":{"detailed":{"hr_samples":[{"x":1}]}},"power_data":{"power_samples":[{"watts":{"a":[[1]]}}]}}]}"#
        for inC in [true, false] {
            let lines = DecodedTranscript.read(Array(text.utf8), chunk: 4096, limits: limits, inC: inC)
            #expect(
                lines.last
                    == "error limit-exceeded nesting deeper than 7 levels at 112 1:113 $.data[0].power_data.power_samples[0].watts",
                "\(lines)")
        }
    }

    /// The generator is not tame: the cases reach every branch of the reader.
    @Test func theCasesHoldWhatTheyAreMeantTo() {
        var generator = HostileSampleLists(state: 16)
        let text = (0..<300).map { _ in generator.payload() }.joined()
        for needle in [
            "[[45.1],7.6]", "1e999", "9007199254740993", "2023-02-29", ".1234567890", "+0530", "\"watts\":{}", "[[[]]]",
            "\"timestamp\":17", "[45.1,7.6,300]", ",null,", "{\"a\":[1,{\"b\":2}]}",
        ] {
            #expect(text.contains(needle), "\(needle)")
        }
        var limits = ReadLimits()
        limits.maxSamplesPerChannel = 3
        let reads = (0..<50).map { _ in
            DecodedTranscript.read(Array(generator.payload().utf8), chunk: 4096, limits: limits, inC: true)
        }
        #expect(reads.contains { $0.last?.contains("more than 3 samples in one channel") == true })
        #expect(reads.contains { $0.last?.hasPrefix("payload ended") == true })
    }
}
