// Workouts in: `POST /v2/ingest?user_id=` (FIT or Terra JSON) and Terra's own pushes at
// `POST /webhooks/terra/{dev_id}`. The body goes to the push API chunk by chunk as it arrives; what
// it decodes is committed in one transaction, and only then answered 200.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SlipstreamCore
import SlipstreamDelivery
import SlipstreamInput
import SlipstreamSecrets
import SlipstreamStorage
import SlipstreamStream

extension SlipstreamServer {
    func ingest(_ request: Request) async throws -> Response {
        let developer = try await authenticate(request)
        let user = try await requestedUser(request, of: developer)
        let collector = IngestCollector(userID: user.id)
        try await decodeBody(request, into: collector)
        if collector.activities.isEmpty, let problem = collector.problems.first {
            throw Problem(.badRequest, "the body holds no activity: \(problem.message)", location: problem)
        }
        try await storage.store(collector.activities, newUsers: [], developerID: developer.id)
        metrics.ingested(bytes: collector.bodyBytes, activities: collector.activities.count)
        return stored(collector)
    }

    /// Terra's push: signature checked on the streamed bytes before anything is stored.
    func terraWebhook(_ request: Request, developerID: String) async throws -> Response {
        guard let developer = try await storage.developer(id: developerID) else { throw Problem.notFound("developer not found") }
        guard let secret = developer.terraSigningSecret else {
            throw Problem.unauthorized("this developer has no Terra signing secret (developers create --terra-signing-secret)")
        }
        var signature: TerraSignature
        do {
            signature = try TerraSignature(
                header: request.headers[HTTPField.Name("terra-signature")!], secret: secret,
                now: Int64(settings.now().timeIntervalSince1970), tolerance: settings.signatureToleranceSeconds)
        } catch {
            throw Problem.unauthorized(error.description)
        }
        let collector = IngestCollector(userID: nil)
        // Events other than activities are small: the first 64 KiB are kept to read their type.
        var head: [UInt8] = []
        let decodeError: Problem?
        do {
            try await decodeBody(request, into: collector) { chunk in
                signature.update(chunk)
                if head.count < 64 << 10 { head += chunk.prefix(64 << 10 - head.count) }
            }
            decodeError = nil
        } catch let problem as Problem where problem.status == .badRequest {
            decodeError = problem
        }
        do { try signature.verify() } catch { throw Problem.unauthorized(error.description) }
        if let decodeError { throw decodeError }
        if collector.activities.isEmpty {
            guard let event = try? JSONSerialization.jsonObject(with: Data(head)) as? [String: Any], let type = event["type"] as? String else {
                throw Problem.badRequest("the body is neither an activity payload nor a Terra event with a type")
            }
            try await storage.recordEvent(developerID: developer.id, type: type, body: head)
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

    /// Feeds the request body to an ``ActivityStream`` over `collector`, inflating it first when it is
    /// gzip (by its first bytes); `observe` sees each chunk as it came.
    /// - Throws: ``Problem`` 400 with the located error of a malformed body, 413 past `maxBodyBytes`.
    private func decodeBody(
        _ request: Request, into collector: IngestCollector, observe: (UnsafeRawBufferPointer) -> Void = { _ in }
    ) async throws {
        let tooLarge = Problem(.contentTooLarge, "the body is longer than \(settings.maxBodyBytes) bytes (serve --max-body-bytes)")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > settings.maxBodyBytes { throw tooLarge }
        let stream = ActivityStream(source: "request body", consumer: collector)
        var received = 0
        var inflater: GzipInflater?
        var head: [UInt8] = []
        func decode(_ chunk: UnsafeRawBufferPointer) throws {
            if let inflater { try inflater.inflate(chunk) { try stream.feed($0) } } else { try stream.feed(chunk) }
        }
        do {
            try await request.forEachBodyChunk { buffer in
                received += buffer.readableBytes
                guard received <= settings.maxBodyBytes else { throw tooLarge }
                try buffer.withUnsafeReadableBytes { chunk in
                    observe(chunk)
                    // The first two bytes tell gzip (1F 8B) from a payload.
                    if head.count < 2 && received - chunk.count < 2 {
                        head += chunk
                        guard head.count >= 2 else { return }
                        if head[0] == 0x1F && head[1] == 0x8B { inflater = GzipInflater() }
                        try head.withUnsafeBytes { try decode($0) }
                        return
                    }
                    try decode(chunk)
                }
            }
            if head.count == 1 { try head.withUnsafeBytes { try decode($0) } }
            collector.bodyBytes = received
            try inflater?.finish()
            try stream.finish()
        } catch let error as SlipstreamError {
            throw Problem(.badRequest, error.message, location: error)
        }
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
                w.string(Timestamp.format(microseconds: activity.startTime, offsetSeconds: activity.utcOffsetSeconds ?? 0))
                w.key("end_time")
                w.string(Timestamp.format(microseconds: activity.endTime, offsetSeconds: activity.utcOffsetSeconds ?? 0))
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
