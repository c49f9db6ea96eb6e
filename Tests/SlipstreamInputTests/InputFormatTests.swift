import Slipstream
import Testing

/// The format of an input is told from its first bytes; anything but JSON gets a clear error.
@Suite struct InputFormatTests {
    static func detect(_ bytes: [UInt8], complete: Bool = true) -> InputFormat? {
        bytes.withUnsafeBytes { InputFormat.detect($0, isComplete: complete) }
    }

    /// A FIT file's 14-byte header: size, protocol, profile (2), data size (4), ".FIT", CRC (2).
    static let fitHeader: [UInt8] = [14, 0x10, 0x6C, 0x08, 0x20, 0, 0, 0] + Array(".FIT".utf8) + [0, 0]

    @Test func magicNumbersAreRecognized() {
        #expect(Self.detect(Self.fitHeader) == .fit)
        #expect(Self.detect([0x1F, 0x8B, 8, 0]) == .gzip)
        #expect(Self.detect(Array("PK\u{3}\u{4}rest".utf8)) == .zip)
        #expect(Self.detect([0x28, 0xB5, 0x2F, 0xFD, 0]) == .zstd)
        #expect(Self.detect(Array(repeating: UInt8(ascii: "a"), count: 257) + Array("ustar\0".utf8)) == .tar)
    }

    @Test func jsonAndAnythingElseIsJSON() {
        #expect(Self.detect(Array("{\"metadata\":{}}".utf8)) == .json)
        #expect(Self.detect(Array("  [".utf8)) == .json)
        #expect(Self.detect([0xEF, 0xBB, 0xBF, UInt8(ascii: "{")]) == .json)
        #expect(Self.detect(Array("garbage".utf8)) == .json)  // the JSON parser says what is wrong
        #expect(Self.detect([]) == .json)
        // A form feed (0x0C) starts a FIT header too: JSON unless ".FIT" follows.
        #expect(Self.detect([0x0C] + Array("{\"a\":1}      ".utf8)) == .json)
    }

    @Test func moreBytesAreAwaitedOnlyWhenTheyCanChangeTheAnswer() {
        #expect(Self.detect([14, 0x10], complete: false) == nil)
        #expect(Self.detect([0x1F], complete: false) == nil)
        #expect(Self.detect(Array("{".utf8), complete: false) == .json)
        #expect(Self.detect([0x1F], complete: true) == .binary)  // half a gzip magic: no text
    }

    /// A FIT header, then no definition before the first data message: the FIT decoder's error, not JSON's.
    @Test(arguments: [1, 3, 64])
    func aFITFileFedToTheStreamGoesToTheFITDecoder(chunk: Int) {
        let bytes = Self.fitHeader + Array(repeating: 0, count: 100)
        let stream = ActivityStream(source: "ride.fit") { _ in }
        #expect {
            for start in stride(from: 0, to: bytes.count, by: chunk) {
                try bytes[start..<min(start + chunk, bytes.count)].withUnsafeBytes { try stream.feed($0) }
            }
            try stream.finish()
        } throws: { error in
            let error = error as? SlipstreamError
            return error?.kind == .malformedFIT
                && error?.description
                    == "ride.fit (byte 14): a data message of local type 0, which no definition has defined"
        }
    }
}
