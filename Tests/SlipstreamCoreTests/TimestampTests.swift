import Testing

@testable import Slipstream
@testable import SlipstreamCore
@testable import SlipstreamFixtures

@Suite struct TimestampTests {
    private func parse(_ text: String) -> ParsedTimestamp? {
        Array(text.utf8).withUnsafeBytes { Timestamp.parse($0) }
    }

    // 2022-10-20T08:00:01Z is 1666252801 s after the epoch (19285 days * 86400 + 8 h + 1 s).
    private let base: Int64 = 1_666_252_801_000_000

    @Test(arguments: [
        ("2022-10-20T08:00:01Z", 0, true),
        ("2022-10-20T08:00:01z", 0, true),
        ("2022-10-20T08:00:01.250Z", 250_000, true),
        ("2022-10-20T08:00:01.250000Z", 250_000, true),
        ("2022-10-20T08:00:01.250000999Z", 250_000, true),
        ("2022-10-20T08:00:01.5Z", 500_000, true),
        ("2022-10-20T10:00:01.250000+02:00", 250_000, true),
        ("2022-10-20T13:30:01+05:30", 0, true),
        ("2022-10-20T00:00:01-0800", 0, true),
        ("2022-10-20T00:00:01.000001-08:00", 1, true),
        ("2022-10-20T10:00:01+02", 0, true),
        ("2022-10-20 08:00:01Z", 0, true),
        ("2022-10-20T08:00:01", 0, false),
        ("2022-10-20T08:00:01.123456", 123_456, false),
    ])
    func parsesToUTCMicroseconds(text: String, extraMicros: Int64, hasOffset: Bool) {
        #expect(parse(text) == ParsedTimestamp(microseconds: base + extraMicros, hasOffset: hasOffset))
    }

    @Test func epochAndLeapDays() {
        #expect(parse("1970-01-01T00:00:00Z")?.microseconds == 0)
        #expect(parse("1969-12-31T23:59:59.999999Z")?.microseconds == -1)
        #expect(parse("2024-02-29T00:00:00Z")?.microseconds == 1_709_164_800_000_000)
        #expect(parse("2000-03-01T00:00:00Z")?.microseconds == 951_868_800_000_000)
    }

    @Test(arguments: [
        "", "2022-10-20", "2022-10-20T08:00", "2022-13-20T08:00:01Z", "2022-02-30T08:00:01Z", "2023-02-29T00:00:00Z",
        "2022-10-20T24:00:01Z", "2022-10-20T08:60:01Z", "2022/10/20T08:00:01Z", "2022-10-20T08:00:01.Z",
        "2022-10-20T08:00:01.1234567890Z", "2022-10-20T08:00:01+2:00", "2022-10-20T08:00:01Zjunk",
        "2022-10-20T08:00:01 +02:00", "20x2-10-20T08:00:01Z", "2022-10-20T08:00:01+24:00",
    ])
    func rejectsMalformedTimestamps(text: String) {
        #expect(parse(text) == nil)
    }

    @Test func formatsAsUTCWithMicroseconds() {
        #expect(Timestamp.format(microseconds: base + 250_000) == "2022-10-20T08:00:01.250000Z")
        #expect(Timestamp.format(microseconds: -1) == "1969-12-31T23:59:59.999999Z")
        var random = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let micros = Int64(random.next() % 4_000_000_000_000_000) - 1_000_000_000_000_000
            #expect(parse(Timestamp.format(microseconds: micros))?.microseconds == micros)
        }
    }

    /// The parser that remembers the last minute gives what the stateless one gives, on a sequence
    /// that keeps the minute, changes it, goes back, and breaks the text after a remembered minute.
    @Test func rememberingTheMinuteChangesNoResult() {
        let sequence = [
            "2024-02-28T23:59:58.5+01:00", "2024-02-28T23:59:59.75+01:00", "2024-02-28T23:59:60Z",
            "2024-02-28T23:59:6xZ", "2024-02-28T23:59:59", "2024-02-28T23:59:59+0100x",
            "2024-02-29T00:00:00Z", "2024-02-28T23:59:58.5+01:00", "2023-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z", "2024-02-29T00:00", "2024-02-29T00:00:01.1234567890Z",
            "2024-02-29T00:00:01.123456789Z", "2024-13-29T00:00:01Z", "2024-02-29T00:61:01Z",
        ]
        var parser = TimestampParser()
        for text in sequence {
            let remembered = Array(text.utf8).withUnsafeBytes { parser.parse($0) }
            #expect(remembered == parse(text), "\(text)")
        }
        #expect(parse("2023-02-29T00:00:00Z") == nil)
        #expect(parse("2024-02-29T00:00:01.123456789Z") != nil)
    }
}
