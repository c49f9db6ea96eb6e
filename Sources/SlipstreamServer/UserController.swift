// Users: connecting one (this server is its own provider bridge, so the user is connected at once),
// reading them back, and deleting one with everything stored for them.

import Foundation
import Hummingbird
import SlipstreamDelivery
import SlipstreamStorage

/// Users: connecting (`authenticateUser` and the page its `auth_url` opens), reading and disconnecting.
struct UserController: Sendable {
    let accounts: any AccountStore
    let settings: ServiceSettings
    let auth: Authenticator

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/auth/connected") { request, _ in connectedPage(request) }
        let v2 = router.group("v2")
        v2.post("auth/authenticateUser") { request, _ in try await authenticateUser(request) }
        v2.get("userInfo") { request, _ in try await userInfo(request) }
        v2.get("subscriptions") { request, _ in try await subscriptions(request) }
        v2.delete("auth/deauthenticateUser") { request, _ in try await deauthenticateUser(request) }
    }

    /// `POST /v2/auth/authenticateUser?resource=XOSS` with an optional `{"reference_id":…}`.
    func authenticateUser(_ request: Request) async throws -> Response {
        let developer = try await auth.developer(request)
        guard let resource = request.uri.queryParameters.get("resource"), !resource.isEmpty else {
            throw Problem.badRequest("resource is required (XOSS)")
        }
        guard resource.uppercased() == "XOSS" else {
            throw Problem.badRequest("resource '\(resource)' is not served here: only XOSS")
        }
        var referenceID: String?
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: 64 << 10)
        } catch {
            throw Problem.badRequest("the body could not be read (at most 64 KiB of JSON): \(error)")
        }
        if bytes.readableBytes > 0 {
            do {
                referenceID = try JSONDecoder().decode(AuthenticateUserBody.self, from: Data(buffer: bytes)).referenceID
            } catch AuthenticateUserBody.NotAString.member(let key) {
                throw Problem.badRequest("\(key) must be a string")
            } catch {
                throw Problem.badRequest("the body is not a JSON object")
            }
        }
        let user = ServiceUser(
            id: UUID().uuidString.lowercased(), developerID: developer.id, provider: "XOSS", referenceID: referenceID,
            createdAt: settings.now())
        try await accounts.insertUser(user, announcing: TerraEvents.auth(user))
        return ServiceJSON.response { w in
            w.beginObject()
            TerraJSON.status(&w)
            w.key("user_id")
            w.string(user.id)
            w.key("auth_url")
            w.string(ConnectController.link(for: user, developer: developer, settings: settings))
            w.endObject()
        }
    }

    /// `GET /v2/userInfo?user_id=` (one user) or `?reference_id=` (every user with it).
    func userInfo(_ request: Request) async throws -> Response {
        let developer = try await auth.developer(request)
        if request.uri.queryParameters.get("user_id") != nil {
            let user = try await auth.requestedUser(request, of: developer)
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
        let users = try await accounts.users(developerID: developer.id, referenceID: reference)
        guard !users.isEmpty else { throw Problem.notFound("no user has reference_id '\(reference)'") }
        return ServiceJSON.response { w in
            w.beginArray()
            for user in users { TerraJSON.user(user, into: &w) }
            w.endArray()
        }
    }

    /// `GET /v2/subscriptions`: every user of the developer.
    func subscriptions(_ request: Request) async throws -> Response {
        let developer = try await auth.developer(request)
        let users = try await accounts.users(developerID: developer.id, referenceID: nil)
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
        let developer = try await auth.developer(request)
        let user = try await auth.requestedUser(request, of: developer)
        guard
            try await accounts.deleteUser(id: user.id, developerID: developer.id, announcing: TerraEvents.deauth(user))
        else { throw Problem.notFound("user not found") }
        return ServiceJSON.response { TerraJSON.statusObject(&$0) }
    }

    /// The page `auth_url` leads to: the user is connected already.
    func connectedPage(_ request: Request) -> Response {
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>Connected</title></head>
            <body><h1>Your Xoss account is connected</h1><p>Workouts you record from now on reach the app that sent you here. You can close this page.</p></body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}

/// `authenticateUser`'s optional body: its members, when present, are strings (`reference_id` may be null).
struct AuthenticateUserBody: Decodable {
    var referenceID: String?

    enum Key: String, CodingKey, CaseIterable {
        case referenceID = "reference_id", language
        case successRedirect = "auth_success_redirect_url", failureRedirect = "auth_failure_redirect_url"
    }

    enum NotAString: Error { case member(String) }

    init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: Key.self)
        for key in Key.allCases where members.contains(key) {
            if key == .referenceID, try members.decodeNil(forKey: key) { continue }
            guard let text = try? members.decode(String.self, forKey: key) else {
                throw NotAString.member(key.rawValue)
            }
            if key == .referenceID { referenceID = text }
        }
    }
}
