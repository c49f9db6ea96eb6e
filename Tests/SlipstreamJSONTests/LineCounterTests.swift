import Testing

@testable import Slipstream
@testable import SlipstreamJSON

@Suite struct LineCounterTests {
    /// The eight-bytes-at-a-time count against a plain loop, on bytes near 0x0A (0x0B, 0x8A, 0x09,
    /// 0x00, 0xFF) at every alignment and length up to 40.
    @Test func countsNewlinesLikeAPlainLoop() {
        let alphabet: [UInt8] = [0x0A, 0x0B, 0x8A, 0x09, 0x00, 0xFF, 0x0A, 0x7F, 0x41]
        var state: UInt64 = 12345
        for trial in 0..<2000 {
            let length = trial % 41
            var bytes: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            let expected = bytes.filter { $0 == 0x0A }.count
            bytes.withUnsafeBytes { #expect(LineCounter.newlines(in: $0) == expected) }
        }
        // Words are summed bytewise in batches of 255: a buffer of newlines only fills every byte.
        for length in [37, 2040, 2047, 2048, 65536 + 3] {
            let all = Array(repeating: UInt8(0x0A), count: length)
            all.withUnsafeBytes { #expect(LineCounter.newlines(in: $0) == length) }
        }
    }
}
