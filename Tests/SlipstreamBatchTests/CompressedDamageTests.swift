import Foundation
import Testing

@testable import SlipstreamBatch
@testable import SlipstreamCore
@testable import SlipstreamFixtures
@testable import SlipstreamInput

/// A compressed stream cut at any length is damage (exit 65), located by the compressed byte where
/// it broke: never "cannot open" (exit 66, input not found), however early the cut.
@Suite struct CompressedDamageTests {
    /// A small generated ride, gzip-compressed by the system's gzip.
    static func gzipped() throws -> [UInt8] {
        var json: [UInt8] = []
        try PayloadGenerator.generate(GeneratorOptions(seconds: 30)) { json += $0 }
        return try SystemGzip.compress(json)
    }

    /// Opens and reads the stream to its end; the error it ends in, if any.
    static func readAll(_ open: () throws(SlipstreamError) -> ArchiveReader) -> SlipstreamError? {
        do {
            let reader = try open()
            guard try reader.nextEntry() != nil else { return nil }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
            defer { buffer.deallocate() }
            while try reader.read(into: buffer) > 0 {}
            return nil
        } catch {
            return error
        }
    }

    @Test func aGzipStreamCutAtAnyLengthIsDamageAtItsByte() throws {
        let bytes = try Self.gzipped()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "slipstream-cut-\(UUID().uuidString).gz"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for cut in 2..<bytes.count {
            let prefix = Array(bytes.prefix(cut))
            try Data(prefix).write(to: URL(fileURLWithPath: path))
            let file = Self.readAll { () throws(SlipstreamError) in
                try ArchiveReader(path: path, layout: .any, compression: .gzip)
            }
            #expect(file?.kind == .damagedArchive, "cut at \(cut): \(String(describing: file))")
            #expect(file?.byteOffset.map { $0 <= cut } == true, "cut at \(cut): \(String(describing: file))")
            // Standard input, fed a byte at a time: the same kind, located by the bytes it was given.
            let piped = Self.readAll { () throws(SlipstreamError) in
                try ArchiveReader(
                    reading: MemorySource(prefix, chunkSize: 97), name: "<stdin>", layout: .any, compression: .gzip)
            }
            #expect(
                piped?.kind == .damagedArchive && piped?.byteOffset.map { $0 <= cut } == true,
                "cut at \(cut): \(String(describing: piped))")
        }
        #expect(
            Self.readAll { () throws(SlipstreamError) in
                try ArchiveReader(reading: MemorySource(bytes), name: "<stdin>", layout: .any, compression: .gzip)
            } == nil)
    }

    /// libarchive never checked a gzip member's CRC-32; our inflater does, as `gzip -t` does.
    @Test func aGzipStreamWhoseChecksumIsWrongIsDamage() throws {
        var bytes = try Self.gzipped()
        bytes[bytes.count - 8] ^= 0xFF  // the trailer: CRC-32, then the length
        let error = Self.readAll { () throws(SlipstreamError) in
            try ArchiveReader(reading: MemorySource(bytes), name: "<stdin>", layout: .any, compression: .gzip)
        }
        #expect(error?.kind == .damagedArchive)
        #expect(error?.message.contains("incorrect data check") == true, "\(String(describing: error))")
    }
}
