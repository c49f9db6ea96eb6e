// Workouts in: `POST /v2/ingest?user_id=` (FIT or Terra JSON) and Terra's own pushes at
// `POST /webhooks/terra/{dev_id}`. The body goes to the push API chunk by chunk as it arrives; what
// it decodes is committed in one transaction, and only then answered 200.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SlipstreamCore
import SlipstreamDelivery
import SlipstreamStorage
import SlipstreamStream

/// Workouts in: the developer's ingest and Terra's pushes.
struct IngestController: Sendable {
    let storage: any AccountStore & ActivityStore & OutboxStore
    let settings: ServiceSettings
    let metrics: ServiceMetrics
    let auth: Authenticator

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.group("v2").post("ingest") { request, _ in try await ingest(request) }
        router.post("/webhooks/terra/:dev_id") { request, context in
            try await terraWebhook(request, developerID: context.parameters.require("dev_id"))
        }
    }

    func ingest(_ request: Request) async throws -> Response {
        let developer = try await auth.developer(request)
        let user = try await auth.requestedUser(request, of: developer)
        let collector = IngestCollector(userID: user.id)
        do {
            collector.bodyBytes = try await request.feedBody(
                to: stream(into: collector), maxBodyBytes: settings.maxBodyBytes)
        } catch let error as SlipstreamError {
            throw Problem(.badRequest, error.message, location: error)
        }
        if collector.activities.isEmpty, let problem = collector.problems.first {
            throw Problem(.badRequest, "the body holds no activity: \(problem.message)", location: problem)
        }
        try await storage.store(collector.activities, newUsers: [], developerID: developer.id)
        metrics.ingested(bytes: collector.bodyBytes, activities: collector.activities.count)
        return stored(collector)
    }

    /// Terra's push: signature checked on the streamed bytes before anything is stored.
    func terraWebhook(_ request: Request, developerID: String) async throws -> Response {
        guard let developer = try await storage.developer(id: developerID) else {
            throw Problem.notFound("developer not found")
        }
        guard let secret = developer.terraSigningSecret else {
            throw Problem.unauthorized(
                "this developer has no Terra signing secret (developers create --terra-signing-secret)")
        }
        let collector = IngestCollector(userID: nil)
        let body = try await SignedBody.read(
            request, secret: secret, now: Int64(settings.now().timeIntervalSince1970),
            tolerance: settings.signatureToleranceSeconds,
            maxBodyBytes: settings.maxBodyBytes, into: stream(into: collector))
        collector.bodyBytes = body.length
        if let error = body.decodeError { throw Problem(.badRequest, error.message, location: error) }
        if collector.activities.isEmpty {
            guard let type = collector.eventType else {
                throw Problem.badRequest("the body is neither an activity payload nor a Terra event with a type")
            }
            // Events are kept as received: plain JSON, whole.
            guard let event = body.event else {
                throw Problem.badRequest("a Terra event (type \(type)) must be plain JSON of at most 64 KiB")
            }
            try await storage.recordEvent(developerID: developer.id, type: type, body: event)
            return ServiceJSON.response { TerraJSON.statusObject(&$0) }
        }
        let now = settings.now()
        let users = collector.payloadUsers.map {
            ServiceUser(id: $0, developerID: developer.id, provider: "XOSS", referenceID: nil, createdAt: now)
        }
        do {
            try await storage.store(collector.activities, newUsers: users, developerID: developer.id)
        } catch StorageError.userOwnedElsewhere(let id) {
            throw Problem(.conflict, "user \(id) belongs to another developer")
        }
        metrics.ingested(bytes: collector.bodyBytes, activities: collector.activities.count)
        return stored(collector)
    }

    private func stream(into collector: IngestCollector) -> ActivityStream {
        ActivityStream(source: "request body", consumer: collector)
    }

    /// `{"status":"success","activities":[{"summary_id","start_time","end_time"}]}`, and what was skipped.
    private func stored(_ collector: IngestCollector) -> Response {
        ServiceJSON.response { w in
            w.beginObject()
            TerraJSON.status(&w)
            w.key("activities")
            w.beginArray()
            for activity in collector.activities {
                w.beginObject()
                w.key("summary_id")
                w.string(activity.summaryID)
                w.key("user_id")
                w.string(activity.userID)
                w.key("start_time")
                w.string(
                    Timestamp.format(microseconds: activity.startTime, offsetSeconds: activity.utcOffsetSeconds ?? 0))
                w.key("end_time")
                w.string(
                    Timestamp.format(microseconds: activity.endTime, offsetSeconds: activity.utcOffsetSeconds ?? 0))
                w.endObject()
            }
            w.endArray()
            w.key("slipstream")
            w.beginObject()
            w.key("problems")
            w.beginArray()
            for problem in collector.problems { w.string(problem.description) }
            w.endArray()
            w.endObject()
            w.endObject()
        }
    }
}
