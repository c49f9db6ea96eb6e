import Foundation
import Testing

@testable import SlipstreamSecrets
@testable import SlipstreamServer

@Suite struct DateRangeTests {
    private let now = Date(timeIntervalSince1970: 1_717_200_000)  // 2024-06-01T00:00:00Z

    @Test func datesAreUTCMidnightsAndUnixSecondsAreExact() throws {
        let range = try DateRange(start: "2024-05-01", end: "1717000000", now: now)
        #expect(range.start == 1_714_521_600_000_000)
        #expect(range.end == 1_717_000_000_000_000)
        #expect(try DateRange(start: "2024-05-31", end: nil, now: now).end == 1_717_200_000_000_000)
        #expect(try DateRange(start: "2024-05-31", end: nil, now: now).days == 1)
    }

    @Test(arguments: ["2024-13-01", "2024-02-30", "yesterday", "171700000", "17170000000", "2024-5-1", ""])
    func malformedDatesAreA400NamingTheParameter(_ text: String) {
        #expect(
            throws: Problem(.badRequest, "start_date '\(text)' is neither a date YYYY-MM-DD nor 10-digit unix seconds")
        ) {
            try DateRange(start: text, end: nil, now: now)
        }
    }

    @Test func anEndBeforeTheStartIsA400() {
        #expect(throws: Problem(.badRequest, "end_date (2024-04-01) is before start_date (2024-05-01)")) {
            try DateRange(start: "2024-05-01", end: "2024-04-01", now: now)
        }
        #expect(throws: Problem(.badRequest, "start_date is required: YYYY-MM-DD or unix seconds")) {
            try DateRange(start: nil, end: nil, now: now)
        }
    }
}

@Suite struct TerraSignatureTests {
    private let body = Array(#"{"type":"auth"}"#.utf8)
    // python3 -c "import hmac,hashlib;print(hmac.new(b'terra-secret',b'1700000000.{\"type\":\"auth\"}',hashlib.sha256).hexdigest())"
    private let expected = "6e65fe70e1c51e76ac17fa41783521b82147fd3f686ace29cd3b66e9b8d81947"

    private func check(_ header: String?, now: Int64 = 1_700_000_100, chunks: [ArraySlice<UInt8>]? = nil)
        throws(TerraSignature.Failure)
    {
        var signature = try TerraSignature(header: header, secret: "terra-secret", now: now, tolerance: 300)
        for chunk in chunks ?? [body[...]] { chunk.withUnsafeBytes { signature.update($0) } }
        try signature.verify()
    }

    @Test func aSignatureMadeByHandIsAcceptedWhateverTheChunks() throws {
        #expect(
            TerraSignature.header(body: body, secret: "terra-secret", timestamp: 1_700_000_000) == "t=1700000000,v1="
                + expected)
        try check("t=1700000000,v1=" + expected)
        try check("t=1700000000, v1=00ff, v1=" + expected, chunks: [body[..<3], body[3..<4], body[4...]])
    }

    @Test func eachFailureSaysWhich() {
        #expect(throws: TerraSignature.Failure.missing) { try check(nil) }
        #expect(throws: TerraSignature.Failure.malformed) { try check("v1=" + expected) }
        #expect(throws: TerraSignature.Failure.malformed) { try check("t=1700000000,v1=zz") }
        #expect(throws: TerraSignature.Failure.stale(seconds: 301)) {
            try check("t=1700000000,v1=" + expected, now: 1_700_000_301)
        }
        #expect(throws: TerraSignature.Failure.mismatch) {
            try check("t=1700000001,v1=" + expected, now: 1_700_000_001)
        }
        #expect(throws: TerraSignature.Failure.mismatch) {
            try check("t=1700000000,v1=" + expected, chunks: [body.dropLast()])
        }
    }
}
