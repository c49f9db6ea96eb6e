// Terra's headers: `dev-id` and `x-api-key` on every /v2 request; a missing or wrong pair is 401.

import HTTPTypes
import Hummingbird
import HummingbirdCore
import SlipstreamSecrets
import SlipstreamStorage

/// Who a request comes from: its developer (by `dev-id` and `x-api-key`), and the user it names.
struct Authenticator: Sendable {
    let accounts: any AccountStore

    func developer(_ request: Request) async throws -> Developer {
        try await developer(headers: request.headers)
    }

    func developer(headers: HTTPFields) async throws -> Developer {
        guard let id = headers[HTTPField.Name("dev-id")!], let key = headers[HTTPField.Name("x-api-key")!] else {
            throw Problem.unauthorized("dev-id or x-api-key headers are missing")
        }
        // The same work whether or not the developer exists, so that timing tells nothing.
        let developer = try await accounts.developer(id: id)
        let matches = Credentials.matches(apiKey: key, storedHash: developer?.apiKeyHash ?? Self.absentKeyHash)
        guard let developer, matches else { throw Problem.unauthorized("dev-id or x-api-key is wrong") }
        return developer
    }

    private static let absentKeyHash = Credentials.hash(apiKey: "no developer has this key")

    /// The developer's user named by the `user_id` parameter: 400 when it is missing, 404 when it is
    /// unknown or another developer's.
    func requestedUser(_ request: Request, of developer: Developer) async throws -> ServiceUser {
        try await requestedUser(request.uri, of: developer)
    }

    func requestedUser(_ uri: URI, of developer: Developer) async throws -> ServiceUser {
        guard let id = uri.queryParameters.get("user_id"), !id.isEmpty else {
            throw Problem.badRequest("user_id is required")
        }
        guard let user = try await accounts.user(id: id, developerID: developer.id) else {
            throw Problem.notFound("user not found")
        }
        return user
    }
}
