// Webhook deliveries in the dashboard: the developer's messages and how sending went, one message's
// body, resending failed ones, a test event, a new signing secret.
//
//     GET /dashboard/deliveries   GET /dashboard/deliveries/{id}   POST /dashboard/deliveries/resend
//     POST /dashboard/webhook/test   POST /dashboard/webhook/secret

import Foundation
import Hummingbird
import SlipstreamCore
import SlipstreamDelivery
import SlipstreamSecrets
import SlipstreamStorage
import SlipstreamWeb

struct DeliveriesController: Sendable {
    static let messagesShown = 200

    let storage: any Storage
    let settings: ServiceSettings
    let session: WebSession
    let pages: WebPages

    func addRoutes(to router: Router<BasicRequestContext>) {
        let web = router.group("dashboard").add(middleware: WebErrorPages(session: session))
        web.get("deliveries") { request, _ in try await list(request) }
        web.get("deliveries/:id") { request, context in try await message(request, context.parameters.require("id")) }
        web.post("deliveries/resend") { request, _ in
            let (signedIn, form) = try await session.requireForm(request)
            let id = try form["id"].map { text in
                guard let id = WebhookNames.messageNumber(text) else {
                    throw Problem.badRequest("'\(text)' is not a message id")
                }
                return id
            }
            let count = try await storage.retryDeliveries(id: id, developerID: signedIn.developer.id, now: now)
            return session.redirect("/dashboard/deliveries?notice=resent-\(count)")
        }
        web.post("webhook/url") { request, _ in
            let (signedIn, form) = try await session.requireForm(request)
            let text = form["url", default: ""].trimmingCharacters(in: .whitespaces)
            let url = text.isEmpty ? nil : text
            if let url, !WebhookNames.isEndpoint(url) {
                throw Problem.badRequest("'\(url)' is not an http or https URL")
            }
            _ = try await storage.updateDeveloper(id: signedIn.developer.id, apiKeyHash: nil, webhookURL: .some(url))
            return session.redirect("/dashboard/deliveries?notice=url")
        }
        web.post("webhook/test") { request, _ in
            let (signedIn, _) = try await session.requireForm(request)
            try await storage.queueTestEvent(
                developerID: signedIn.developer.id, body: TerraEvents.healthcheck(created: now), now: now)
            return session.redirect("/dashboard/deliveries?notice=test")
        }
        web.post("webhook/secret") { request, _ in
            let (signedIn, _) = try await session.requireForm(request)
            let secret = Credentials.newWebhookSecret()
            _ = try await storage.replaceWebhookSecret(developerID: signedIn.developer.id, secret: secret)
            // Shown once, in this answer (never in a URL): `developers show` prints it later.
            return try await list(
                request, notice: "The new signing secret, which signs every message from now on: \(secret)")
        }
    }

    private var now: Int64 { Int64(settings.now().timeIntervalSince1970 * 1_000_000) }

    static func notice(_ code: String?) -> String? {
        guard let code else { return nil }
        if code == "url" { return "The webhook URL is saved: the next messages go there." }
        if code == "test" { return "A test event is queued: it goes out with the next delivery round." }
        if code.hasPrefix("resent-"), let count = Int(code.dropFirst(7)) {
            return count == 1 ? "1 message will be sent again." : "\(count) messages will be sent again."
        }
        return nil
    }

    func list(_ request: Request, notice: String? = nil) async throws -> Response {
        let signedIn = try await session.require(request)
        let developer = signedIn.developer
        let records = try await storage.recentDeliveries(
            developerID: developer.id, status: nil, beforeID: nil, limit: Self.messagesShown)
        let rows = records.map(Self.row)
        let page = DeliveriesPage(
            session: signedIn.bar, webhookURL: developer.webhookURL ?? "",
            disabled: developer.webhookDisabledAt.map {
                "Deliveries stopped on \(WebFormat.dateTime($0, offsetSeconds: nil)) (a 410, or a day of failures): `slipstream deliveries enable` starts them again."
            },
            notice: notice ?? Self.notice(request.uri.queryParameters.get("notice")), messages: rows,
            failedCount: rows.filter { $0.failed }.count)
        return session.html(pages.render(page))
    }

    func message(_ request: Request, _ text: String) async throws -> Response {
        let signedIn = try await session.require(request)
        guard let id = WebhookNames.messageNumber(text),
            let found = try await storage.delivery(id: id, developerID: signedIn.developer.id)
        else { throw Problem.notFound("no message \(text) here") }
        let body: String
        do {
            body = Self.readable(
                try await MessageBodies.bytes(
                    of: found.record, event: found.body, scopes: signedIn.developer.scopes, from: storage))
        } catch {
            body = "(the body cannot be built now: \(error))"
        }
        return session.html(
            pages.render(MessagePage(session: signedIn.bar, message: Self.row(found.record), body: body)))
    }

    static func row(_ record: DeliveryRecord) -> MessageRow {
        let result =
            record.lastStatus.map { "HTTP \($0)" } ?? record.lastError ?? (record.attempts == 0 ? "not sent yet" : "—")
        return MessageRow(
            href: "/dashboard/deliveries/msg_\(record.id)", id: "msg_\(record.id)", kind: record.kind,
            userID: record.userID.isEmpty ? "—" : record.userID, status: record.status, attempts: record.attempts,
            lastResult: result,
            nextTry: record.status == "pending" ? WebFormat.dateTime(record.nextAttemptAt, offsetSeconds: nil) : "—",
            failed: record.status == "failed")
    }

    static let bodyShown = 256 << 10

    /// JSON indented for reading; a body that is not JSON as it is; a long one's first 256 KiB as sent.
    static func readable(_ bytes: [UInt8]) -> String {
        guard bytes.count <= bodyShown else {
            return String(decoding: bytes.prefix(bodyShown), as: UTF8.self)
                + "\n… (\(bytes.count) bytes: the first \(bodyShown >> 10) KiB are shown)"
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
            let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: pretty, as: UTF8.self)
    }
}
