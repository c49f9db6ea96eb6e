import Testing

@testable import Slipstream
@testable import SlipstreamCore
@testable import SlipstreamFixtures

@Suite struct NumberParserTests {
    private func parse(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBytes { NumberParser.parse($0) }
    }

    @Test(arguments: [
        ("142", 142.0), ("0", 0), ("-3.25", -3.25), ("1e2", 100), ("1E+2", 100), ("1.5E-3", 0.0015),
        ("0.1", 0.1), ("7.94", 7.94), ("45.070299", 45.070299), ("-122.419415", -122.419415),
        ("12345678901234567890", 12_345_678_901_234_567_890.0), ("9007199254740993", 9_007_199_254_740_993.0),
        ("1e308", 1e308), ("2.5e-320", 2.5e-320), ("0.000001", 0.000001), ("123456.789e-3", 123.456789),
        ("100000000000000000000000", 1e23), ("-0.5", -0.5), ("1234567.123456789", 1234567.123456789),
        ("-123456.123456789", -123456.123456789), ("12345678901234567", 12345678901234567.0),
    ])
    func parsesLikeTheStandardLibrary(text: String, expected: Double) {
        #expect(parse(text) == expected)
        #expect(parse(text) == Double(text))
    }

    @Test func negativeZeroKeepsItsSign() {
        let value = parse("-0")
        #expect(value == 0)
        #expect(value?.sign == .minus)
    }

    @Test func hugeExponentsOverflowToInfinityOrZero() {
        #expect(parse("1e400") == .infinity)
        #expect(parse("1e-400") == 0)
    }

    @Test(arguments: ["", "-", "1.", ".5", "1e", "abc", "1.2.3", "--1"])
    func rejectsTextThatIsNotANumber(text: String) {
        #expect(parse(text) == nil)
    }

    @Test func roundTripsRandomDoubles() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) * (random.next() % 2 == 0 ? 1 : -1)
            #expect(parse(value.description) == value)
            let short = (random.unit() * 1000).rounded() / 100
            #expect(parse(short.description) == short)
        }
    }
}
