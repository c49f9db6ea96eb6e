// JSON responses: bodies written with a JSONWriter (their Terra shapes are TerraJSON's).

import Foundation
import Hummingbird
import SlipstreamCore

enum ServiceJSON {
    static func response(_ status: HTTPResponse.Status = .ok, _ build: (inout JSONWriter) -> Void) -> Response {
        var writer = JSONWriter()
        build(&writer)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}
