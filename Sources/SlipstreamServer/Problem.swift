// Every error a client can cause: an `application/problem+json` body (RFC 9457) with Terra's fields
// (`type`, `title`, `status`, `detail`, `instance`) and, for a payload that could not be read, where.

import Foundation
import Hummingbird
import SlipstreamCore
import SlipstreamStorage

public struct Problem: HTTPResponseError, Equatable {
    public var status: HTTPResponse.Status
    public var detail: String
    /// Where in the request body the problem is (ingest and webhook bodies).
    public var location: SlipstreamError?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ detail: String, location: SlipstreamError? = nil) {
        self.status = status
        self.detail = detail
        self.location = location
    }

    public static func == (a: Problem, b: Problem) -> Bool { a.status == b.status && a.detail == b.detail }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("type")
        writer.string("about:blank")
        writer.key("title")
        writer.string(status.reasonPhrase.lowercased())
        writer.key("status")
        writer.integer(status.code)
        writer.key("detail")
        writer.string(detail)
        writer.key("instance")
        writer.string(request.uri.path)
        if let location {
            writer.key("byte")
            if let byte = location.byteOffset { writer.integer(byte) } else { writer.null() }
            writer.key("line")
            if let line = location.line { writer.integer(line) } else { writer.null() }
            writer.key("column")
            if let column = location.column { writer.integer(column) } else { writer.null() }
            writer.key("path")
            if let path = location.jsonPath { writer.string(path) } else { writer.null() }
        }
        writer.endObject()
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(
            status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    /// A database outage is 503 with `Retry-After` (the server reconnects by itself); a full disk is
    /// 507, and nothing of the request was stored. Other storage errors are the server's (500).
    static func storage(_ failure: StorageError) -> Problem? {
        switch failure {
        case .unavailable:
            var problem = Problem(
                .serviceUnavailable, "\(failure); try again (an activity sent again replaces its copy)")
            problem.headers[.retryAfter] = "2"
            return problem
        case .noAnswer:
            // It may have been written after all: say so, rather than promise it was not.
            var problem = Problem(
                .serviceUnavailable,
                "\(failure); what the request meant to store may have been stored: check before sending it again")
            problem.headers[.retryAfter] = "2"
            return problem
        case .full:
            return Problem(
                HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "\(failure); nothing was stored")
        default:
            return nil
        }
    }

    static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, detail) }
    static func notFound(_ detail: String) -> Problem { Problem(.notFound, detail) }
    static func unauthorized(_ detail: String) -> Problem { Problem(.unauthorized, detail) }
}
