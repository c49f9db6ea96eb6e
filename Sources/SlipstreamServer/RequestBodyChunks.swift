// A request body read chunk by chunk, where a body the connection did not deliver whole is the
// client's fault (400), whatever the route does with the chunks.

import Hummingbird

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
}
