// A multipart form's files split as the bytes arrive, in any chunking: each file's bytes whole and
// in order, its name from the part's head, and a body without its closing boundary told apart.

import NIOCore
import Testing

@testable import SlipstreamServer

@Suite struct MultipartFilesTests {
    static let boundary = "XyZ"
    // The second file holds "\r\n--XyZ" but for its last letter: nearly a delimiter, not one.
    static let files: [(String, [UInt8])] = [
        ("a.fit", [0, 1, 2, 13, 10, 45]), ("b b.json", Array("x\r\n--XyQ-y".utf8)),
    ]
    static var body: [UInt8] {
        var body = Array("preamble\r\n".utf8)
        for (name, bytes) in files {
            body += Array("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n\r\n".utf8)
            body += bytes + Array("\r\n".utf8)
        }
        return body + Array("--XyZ--\r\n".utf8)
    }

    func split(_ body: [UInt8], chunk: Int) throws -> (files: [(String, [UInt8])], complete: Bool) {
        var parts = MultipartFiles(boundary: Self.boundary)
        var files: [(String, [UInt8])] = []
        var ended = 0
        var start = 0
        while start < body.count {
            let piece = ByteBuffer(bytes: body[start..<min(body.count, start + chunk)])
            try parts.feed(
                piece, start: { files.append(($0, [])) }, bytes: { files[files.count - 1].1 += $0 }, end: { ended += 1 }
            )
            start += chunk
        }
        #expect(ended == files.count || !parts.isComplete)
        return (files, parts.isComplete)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 11, 64, 4096]) func filesComeOutWholeInAnyChunking(chunk: Int) throws {
        let (files, complete) = try split(Self.body, chunk: chunk)
        #expect(complete)
        #expect(files.map(\.0) == Self.files.map(\.0))
        #expect(files.map(\.1) == Self.files.map(\.1))
    }

    @Test func aBodyCutBeforeItsClosingBoundaryIsIncomplete() throws {
        let (files, complete) = try split(Array(Self.body.dropLast(12)), chunk: 4)
        #expect(!complete)
        #expect(files.count == 2)
    }

    @Test func theBoundaryIsReadFromTheContentType() {
        #expect(
            MultipartFiles.boundary("multipart/form-data; boundary=----WebKitFormBoundaryA1")
                == "----WebKitFormBoundaryA1")
        #expect(MultipartFiles.boundary("multipart/form-data; charset=utf-8; boundary=\"q q\"") == "q q")
        #expect(MultipartFiles.boundary("multipart/form-data") == nil)
        #expect(
            MultipartFiles.filename("Content-Disposition: form-data; name=\"file\"; filename=\"ride.fit\"")
                == "ride.fit")
        #expect(MultipartFiles.filename("Content-Disposition: form-data; name=\"csrf\"") == nil)
    }
}
