// The historical API: `GET /v2/activity?user_id&start_date&end_date&to_webhook&with_samples`.
// Answered in the response (`to_webhook=false`), streamed from storage a page at a time, or queued
// for the developer's webhook in one transaction (`to_webhook=true`, Terra's default).

import Foundation
import Hummingbird
import NIOCore
import SlipstreamCore
import SlipstreamDelivery
import SlipstreamStorage

/// The historical API.
struct ActivityController: Sendable {
    let storage: any ActivityStore & RateBucketStore
    let settings: ServiceSettings
    let auth: Authenticator

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.group("v2").get("activity") { request, _ in try await activity(request) }
    }

    func activity(_ request: Request) async throws -> Response {
        let developer = try await auth.developer(request)
        let user = try await auth.requestedUser(request, of: developer)
        let query = request.uri.queryParameters
        let range = try DateRange(start: query.get("start_date"), end: query.get("end_date"), now: settings.now())
        let toWebhook = try Self.flag(query.get("to_webhook"), name: "to_webhook", default: true)
        let withSamples = try Self.flag(query.get("with_samples"), name: "with_samples", default: false)
        let budget = try await settings.rateLimit.spend(
            range, userID: user.id, storage: storage, now: Int64(settings.now().timeIntervalSince1970))
        if toWebhook {
            let reference = UUID().uuidString.lowercased()
            // Over a month, Terra first says the request is large, then how many payloads follow.
            let large =
                range.days > 28
                ? LargeRequestEvents(
                    processing: TerraEvents.largeRequestProcessing(user, reference: reference),
                    sending: { TerraEvents.largeRequestSending(user, reference: reference, expected: $0) })
                : nil
            _ = try await storage.queueHistorical(
                developerID: developer.id, userID: user.id, from: range.start, to: range.end, reference: reference,
                large: large)
            var response = ServiceJSON.response { w in
                w.beginObject()
                TerraJSON.status(&w)
                w.key("type")
                w.string("activity")
                w.key("reference")
                w.string(reference)
                w.key("trace_id")
                w.string(reference)
                if large != nil {
                    w.key("message")
                    w.string(
                        "Large request submitted. The data is being processed and will be sent to your destination in chunks"
                    )
                }
                w.key("user")
                TerraJSON.user(user, into: &w)
                w.endObject()
            }
            response.headers.append(contentsOf: budget)
            return response
        }
        let storage = self.storage
        let scopes = developer.scopes
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: budget)
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var head = JSONWriter()
                head.key("user")
                TerraJSON.user(user, into: &head)
                try await writer.write(ByteBuffer(bytes: Array("{".utf8) + head.bytes + Array(",\"data\":[".utf8)))
                // Without samples an activity is a few KB: pages of 100; with samples, one at a time.
                let pageSize = withSamples ? 1 : 100
                var cursor: ActivityCursor?
                var first = true
                while true {
                    let page = try await storage.activities(
                        userID: user.id, from: range.start, to: range.end, after: cursor, limit: pageSize,
                        withSamples: withSamples)
                    for activity in page {
                        if !first { try await writer.write(ByteBuffer(string: ",")) }
                        first = false
                        if withSamples {
                            for try await chunk in try MessageChunks(activity: ScopeFilter.apply(scopes, to: activity))
                            {
                                try await writer.write(chunk)
                            }
                        } else {
                            try await writer.write(
                                ByteBuffer(bytes: ScopeFilter.apply(scopes, to: activity).summaryJSON))
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
