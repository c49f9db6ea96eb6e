import Foundation
import Slipstream
import Testing

@testable import SlipstreamFixtures

/// Gzip pushed to an ActivityStream (a request body, `webhooks listen`, a library user's bytes) is
/// inflated as it arrives and read as the bytes it holds.
@Suite struct GzipPushTests {
    static let payload =
        #"{"metadata":{"summary_id":"g","start_time":"2024-01-01T10:00:00Z"},"heart_rate_data":{"detailed":{"hr_samples":["#
        + #"{"timestamp":"2024-01-01T10:00:00Z","bpm":120},{"timestamp":"2024-01-01T10:00:01Z","bpm":130}]}}}"#

    /// `summary_id mean-bpm samples` per activity, the bytes fed `chunk` at a time.
    static func read(_ bytes: [UInt8], chunk: Int) throws(SlipstreamError) -> [String] {
        var lines: [String] = []
        let stream = ActivityStream(source: "pushed") { record in
            lines.append(
                "\(record.summaryID ?? "-") \(record.summary.heartRate.mean ?? -1) \(record.columns[.heartRate].count)")
        }
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            try bytes[start..<min(start + chunk, bytes.count)].withUnsafeBytes { b in
                Result { () throws(SlipstreamError) in try stream.feed(b) }
            }.get()
        }
        try stream.finish()
        return lines
    }

    @Test(arguments: [1, 2, 3, 97, 1 << 16])
    func gzipReadsAsThePayloadItHolds(chunk: Int) throws {
        let gzip = try SystemGzip.compress(Array(Self.payload.utf8))
        #expect(try Self.read(gzip, chunk: chunk) == ["g 125.0 2"])
    }

    @Test func twoGzipMembersReadAsOneStreamAsGunzipReadsThem() throws {
        let bytes = Array(Self.payload.utf8)
        let joined = try SystemGzip.compress(Array(bytes[..<40])) + SystemGzip.compress(Array(bytes[40...]))
        #expect(try Self.read(joined, chunk: 5) == ["g 125.0 2"])
    }

    @Test func aFITFileInGzipIsRead() throws {
        let fit = FITGenerator.ride(GeneratorOptions(seconds: 60))
        let plain = try Self.read(fit, chunk: 4096)
        #expect(plain.count == 1)
        #expect(try Self.read(SystemGzip.compress(fit), chunk: 333) == plain)
    }

    @Test func aCutGzipIsDamageAtItsCompressedByte() throws {
        let gzip = try SystemGzip.compress(Array(Self.payload.utf8))
        for cut in 3..<gzip.count {
            do {
                _ = try Self.read(Array(gzip.prefix(cut)), chunk: 16)
                Issue.record("cut at \(cut) read without an error")
            } catch {
                #expect(error.kind == .damagedArchive, "cut at \(cut): \(error)")
                #expect(error.byteOffset.map { $0 <= cut } == true, "cut at \(cut): \(error)")
            }
        }
    }

    @Test func gzipInsideGzipIsNotUnwrappedTwice() throws {
        let twice = try SystemGzip.compress(SystemGzip.compress(Array(Self.payload.utf8)))
        #expect(throws: SlipstreamError.self) { try Self.read(twice, chunk: 64) }
        do {
            _ = try Self.read(twice, chunk: 64)
        } catch {
            #expect(error.kind == .unsupportedFormat)
            #expect(error.message.hasPrefix("looks like gzip data"))
        }
    }

    /// What follows the last member and is not gzip (tape padding, garbage) is ignored, as gunzip does.
    @Test func zerosAfterTheLastMemberAreIgnored() throws {
        let padded = try SystemGzip.compress(Array(Self.payload.utf8)) + [UInt8](repeating: 0, count: 512)
        #expect(try Self.read(padded, chunk: 100) == ["g 125.0 2"])
    }
}
