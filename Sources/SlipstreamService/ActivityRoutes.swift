// The historical API: `GET /v2/activity?user_id&start_date&end_date&to_webhook&with_samples`.
// Answered in the response (`to_webhook=false`), streamed from storage a page at a time, or queued
// for the developer's webhook in one transaction (`to_webhook=true`, Terra's default).

import Foundation
import Hummingbird
import NIOCore
import SlipstreamCore
import SlipstreamOutput

extension SlipstreamServer {
    func activity(_ request: Request) async throws -> Response {
        let developer = try await authenticate(request)
        let user = try await requestedUser(request, of: developer)
        let query = request.uri.queryParameters
        let range = try DateRange(start: query.get("start_date"), end: query.get("end_date"), now: settings.now())
        let toWebhook = try Self.flag(query.get("to_webhook"), name: "to_webhook", default: true)
        let withSamples = try Self.flag(query.get("with_samples"), name: "with_samples", default: false)
        let budget = try await settings.rateLimit.spend(
            range, userID: user.id, storage: storage, now: Int64(settings.now().timeIntervalSince1970))
        if toWebhook {
            let reference = UUID().uuidString.lowercased()
            // Over a month, Terra first says the request is large, then how many payloads follow.
            let large = range.days > 28
                ? LargeRequestEvents(
                    processing: TerraEvents.largeRequestProcessing(user, reference: reference),
                    sending: { TerraEvents.largeRequestSending(user, reference: reference, expected: $0) })
                : nil
            _ = try await storage.queueHistorical(
                developerID: developer.id, userID: user.id, from: range.start, to: range.end, reference: reference, large: large)
            var response = ServiceJSON.response { w in
                w.beginObject()
                ServiceJSON.status(&w)
                w.key("type")
                w.string("activity")
                w.key("reference")
                w.string(reference)
                w.key("trace_id")
                w.string(reference)
                if large != nil {
                    w.key("message")
                    w.string("Large request submitted. The data is being processed and will be sent to your destination in chunks")
                }
                w.key("user")
                ServiceJSON.user(user, into: &w)
                w.endObject()
            }
            response.headers.append(contentsOf: budget)
            return response
        }
        let storage = self.storage
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: budget)
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var head = JSONWriter()
                head.key("user")
                ServiceJSON.user(user, into: &head)
                try await writer.write(ByteBuffer(bytes: Array("{".utf8) + head.bytes + Array(",\"data\":[".utf8)))
                // Without samples an activity is a few KB: pages of 100; with samples, one at a time.
                let pageSize = withSamples ? 1 : 100
                var cursor: ActivityCursor?
                var first = true
                while true {
                    let page = try await storage.activities(
                        userID: user.id, from: range.start, to: range.end, after: cursor, limit: pageSize, withSamples: withSamples)
                    for activity in page {
                        if !first { try await writer.write(ByteBuffer(string: ",")) }
                        first = false
                        if withSamples {
                            try await ActivityBody.writeWithSamples(activity, to: &writer)
                        } else {
                            try await writer.write(ByteBuffer(bytes: activity.summaryJSON))
                        }
                    }
                    guard page.count == pageSize, let last = page.last else { break }
                    cursor = ActivityCursor(startTime: last.startTime, summaryID: last.summaryID)
                }
                try await writer.write(ByteBuffer(string: "],\"type\":\"activity\"}"))
                try await writer.finish(nil)
            })
    }

    static func flag(_ text: String?, name: String, default value: Bool) throws -> Bool {
        switch text?.lowercased() {
        case nil: value
        case "true", "1": true
        case "false", "0": false
        default: throw Problem.badRequest("\(name) must be true or false, not '\(text!)'")
        }
    }
}

/// One stored activity with its samples, written in slices so that no response holds a whole ride as text.
enum ActivityBody {
    static let samplesPerSlice = 2048

    static func writeWithSamples(_ activity: StoredActivity, to writer: inout some ResponseBodyWriter) async throws {
        let columns = try SampleCodec.decode(activity.samples)
        let times: SampleTimeStyle = activity.utcOffsetSeconds.map { .offset(seconds: $0) } ?? .local
        for segment in SampleSplicer.splice(summary: activity.summaryJSON, channels: activity.samples.map(\.channel)) {
            switch segment {
            case .bytes(let bytes):
                try await writer.write(ByteBuffer(bytes: bytes))
            case .samples(let channel):
                let column = columns[channel]
                var start = 0
                try await writer.write(ByteBuffer(string: "["))
                repeat {
                    var slice = JSONWriter()
                    slice.beginArray()
                    for i in start..<min(column.count, start + samplesPerSlice) {
                        SampleWriter.write(column, at: i, schema: channel.schema, times: times, into: &slice)
                    }
                    slice.endArray()
                    // Drop the slice's own brackets; slices after the first start with a comma.
                    var bytes = slice.bytes.dropFirst().dropLast()
                    if start > 0, !bytes.isEmpty { bytes = ([UInt8(ascii: ",")] + bytes)[...] }
                    try await writer.write(ByteBuffer(bytes: bytes))
                    start += samplesPerSlice
                } while start < column.count
                try await writer.write(ByteBuffer(string: "]"))
            }
        }
    }
}
