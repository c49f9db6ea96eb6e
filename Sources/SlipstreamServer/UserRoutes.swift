// Users: connecting one (this server is its own provider bridge, so the user is connected at once),
// reading them back, and deleting one with everything stored for them.

import Foundation
import Hummingbird
import SlipstreamDelivery
import SlipstreamStorage

extension SlipstreamServer {
    /// `POST /v2/auth/authenticateUser?resource=XOSS` with an optional `{"reference_id":…}`.
    func authenticateUser(_ request: Request) async throws -> Response {
        let developer = try await authenticate(request)
        guard let resource = request.uri.queryParameters.get("resource"), !resource.isEmpty else {
            throw Problem.badRequest("resource is required (XOSS)")
        }
        guard resource.uppercased() == "XOSS" else { throw Problem.badRequest("resource '\(resource)' is not served here: only XOSS") }
        var referenceID: String?
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: 64 << 10)
        } catch {
            throw Problem.badRequest("the body could not be read (at most 64 KiB of JSON): \(error)")
        }
        if bytes.readableBytes > 0 {
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any] else {
                throw Problem.badRequest("the body is not a JSON object")
            }
            for key in ["reference_id", "language", "auth_success_redirect_url", "auth_failure_redirect_url"] {
                guard let value = object[key], !(key == "reference_id" && value is NSNull) else { continue }
                guard let text = value as? String else { throw Problem.badRequest("\(key) must be a string") }
                if key == "reference_id" { referenceID = text }
            }
        }
        let user = ServiceUser(
            id: UUID().uuidString.lowercased(), developerID: developer.id, provider: "XOSS", referenceID: referenceID,
            createdAt: settings.now())
        try await storage.insertUser(user, announcing: TerraEvents.auth(user))
        return ServiceJSON.response { w in
            w.beginObject()
            TerraJSON.status(&w)
            w.key("user_id")
            w.string(user.id)
            w.key("auth_url")
            w.string(settings.baseURL + "/auth/connected?user_id=" + user.id)
            w.endObject()
        }
    }

    /// `GET /v2/userInfo?user_id=` (one user) or `?reference_id=` (every user with it).
    func userInfo(_ request: Request) async throws -> Response {
        let developer = try await authenticate(request)
        if request.uri.queryParameters.get("user_id") != nil {
            let user = try await requestedUser(request, of: developer)
            return ServiceJSON.response { w in
                w.beginObject()
                w.key("user")
                TerraJSON.user(user, into: &w)
                TerraJSON.status(&w)
                w.key("is_authenticated")
                w.bool(true)
                w.endObject()
            }
        }
        guard let reference = request.uri.queryParameters.get("reference_id") else {
            throw Problem.badRequest("give user_id or reference_id")
        }
        let users = try await storage.users(developerID: developer.id, referenceID: reference)
        guard !users.isEmpty else { throw Problem.notFound("no user has reference_id '\(reference)'") }
        return ServiceJSON.response { w in
            w.beginArray()
            for user in users { TerraJSON.user(user, into: &w) }
            w.endArray()
        }
    }

    /// `GET /v2/subscriptions`: every user of the developer.
    func subscriptions(_ request: Request) async throws -> Response {
        let developer = try await authenticate(request)
        let users = try await storage.users(developerID: developer.id, referenceID: nil)
        return ServiceJSON.response { w in
            w.beginObject()
            w.key("users")
            w.beginArray()
            for user in users { TerraJSON.user(user, into: &w) }
            w.endArray()
            w.endObject()
        }
    }

    /// `DELETE /v2/auth/deauthenticateUser?user_id=`: the user and all their data, in one transaction.
    func deauthenticateUser(_ request: Request) async throws -> Response {
        let developer = try await authenticate(request)
        let user = try await requestedUser(request, of: developer)
        guard try await storage.deleteUser(id: user.id, developerID: developer.id, announcing: TerraEvents.deauth(user)) else { throw Problem.notFound("user not found") }
        return ServiceJSON.response { TerraJSON.statusObject(&$0) }
    }

    /// The page `auth_url` leads to: the user is connected already.
    func connectedPage(_ request: Request) -> Response {
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>Connected</title></head>
            <body><h1>Your Xoss account is connected</h1><p>Workouts you record from now on reach the app that sent you here. You can close this page.</p></body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
