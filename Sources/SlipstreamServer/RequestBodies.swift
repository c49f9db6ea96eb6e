// Request bodies read once, as they arrive, into an activity stream (which inflates gzip): the
// unsigned ingest, and Terra's signed pushes (`/webhooks/terra/{dev_id}` and `webhooks listen`),
// whose every chunk also goes to the signature, checked when the body has ended.

import HTTPTypes
import Hummingbird
import SlipstreamCore
import SlipstreamSecrets
import SlipstreamStream

extension Request {
    /// Calls `chunk` with each piece of the body in order. A body shorter than its Content-Length or
    /// a chunk cut off is a 400 ``Problem``; what `chunk` throws passes as it is.
    func forEachBodyChunk(_ chunk: (ByteBuffer) throws -> Void) async throws {
        var iterator = body.makeAsyncIterator()
        while true {
            let next: ByteBuffer?
            do {
                next = try await iterator.next()
            } catch {
                throw Problem(.badRequest, "the request body could not be read to its end (\(error))")
            }
            guard let buffer = next else { return }
            try chunk(buffer)
        }
    }

    /// ``forEachBodyChunk(_:)`` within `maxBodyBytes`: a 413 ``Problem`` from Content-Length before
    /// a byte is read, or as soon as the bytes received pass it.
    /// - Returns: the body's length.
    func forEachBodyChunk(upTo maxBodyBytes: Int, _ chunk: (UnsafeRawBufferPointer) throws -> Void) async throws -> Int
    {
        let tooLarge = Problem.bodyTooLarge(maxBodyBytes)
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes { throw tooLarge }
        var received = 0
        try await forEachBodyChunk { buffer in
            received += buffer.readableBytes
            guard received <= maxBodyBytes else { throw tooLarge }
            try buffer.withUnsafeReadableBytes(chunk)
        }
        return received
    }

    /// Feeds the body to `stream` and finishes it.
    /// - Returns: the body's length.
    /// - Throws: ``Problem`` 413 past `maxBodyBytes`; the stream's first ``SlipstreamError`` when the
    ///   body is not what it should be.
    func feedBody(to stream: ActivityStream, maxBodyBytes: Int) async throws -> Int {
        let length = try await forEachBodyChunk(upTo: maxBodyBytes) { try stream.feed($0) }
        try stream.finish()
        return length
    }
}

extension Problem {
    /// 413: the server's words for its limit, the flag that sets it.
    static func bodyTooLarge(_ maxBodyBytes: Int) -> Problem {
        Problem(.contentTooLarge, "the body is longer than \(maxBodyBytes) bytes (serve --max-body-bytes)")
    }
}

/// A body signed with Terra's `terra-signature`, read into an activity stream as it arrives.
struct SignedBody {
    /// The first 64 KiB of the body as received: an event's whole body (events are small).
    var head: [UInt8] = []
    /// The body's length.
    var length = 0
    /// The body as received when it is an event's as stored: plain JSON (not gzip), whole (64 KiB at most).
    var event: [UInt8]? {
        length <= 64 << 10 && !head.starts(with: [0x1F, 0x8B]) ? head : nil
    }
    /// Where the body stopped being an activity payload or an event: decoding stopped there; the
    /// signature was still checked over the whole body.
    var decodeError: SlipstreamError?

    /// Reads the body, checking its signature over every byte.
    /// - Throws: ``Problem`` 401 when the signature is missing, stale or wrong (before anything the
    ///   body holds is used), 413 past `maxBodyBytes`.
    static func read(
        _ request: Request, secret: String, now: Int64, tolerance: Int64, maxBodyBytes: Int, into stream: ActivityStream
    ) async throws -> SignedBody {
        var signature: TerraSignature
        do throws(TerraSignature.Failure) {
            signature = try TerraSignature(
                header: request.headers[HTTPField.Name("terra-signature")!], secret: secret, now: now,
                tolerance: tolerance)
        } catch {
            throw Problem.unauthorized(error.description)
        }
        var body = SignedBody()
        body.length = try await request.forEachBodyChunk(upTo: maxBodyBytes) { chunk in
            signature.update(chunk)
            if body.head.count < 64 << 10 { body.head += chunk.prefix(64 << 10 - body.head.count) }
            guard body.decodeError == nil else { return }
            do throws(SlipstreamError) { try stream.feed(chunk) } catch { body.decodeError = error }
        }
        if body.decodeError == nil {
            do throws(SlipstreamError) { try stream.finish() } catch { body.decodeError = error }
        }
        do throws(TerraSignature.Failure) { try signature.verify() } catch {
            throw Problem.unauthorized(error.description)
        }
        return body
    }
}
