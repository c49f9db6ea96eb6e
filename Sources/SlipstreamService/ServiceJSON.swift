// The small JSON bodies of the service, in Terra's shapes.

import Foundation
import Hummingbird
import SlipstreamCore

enum ServiceJSON {
    static func response(_ status: HTTPResponse.Status = .ok, _ build: (inout JSONWriter) -> Void) -> Response {
        var writer = JSONWriter()
        build(&writer)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    /// Terra's `TerraUser`.
    static func user(_ user: ServiceUser, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("user_id")
        writer.string(user.id)
        writer.key("provider")
        writer.string(user.provider)
        writer.key("created_at")
        writer.string(Timestamp.format(microseconds: Int64(user.createdAt.timeIntervalSince1970 * 1_000_000), offsetSeconds: 0))
        writer.key("last_webhook_update")
        writer.null()
        writer.key("scopes")
        writer.null()
        writer.key("reference_id")
        if let reference = user.referenceID { writer.string(reference) } else { writer.null() }
        writer.key("active")
        writer.bool(true)
        writer.endObject()
    }

    static func status(_ writer: inout JSONWriter) {
        writer.key("status")
        writer.string("success")
    }

    /// `{"status":"success"}`
    static func statusObject(_ writer: inout JSONWriter) {
        writer.beginObject()
        status(&writer)
        writer.endObject()
    }
}
