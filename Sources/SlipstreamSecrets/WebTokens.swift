// The web face's tokens, HMAC-SHA256 under a key derived from the developer's stored API key hash and
// the server's web secret (`serve --web-secret`): valid on every server of one database given the same
// secret, and all void once the key is replaced. Without a secret, whoever reads the database can
// forge them: the secret is what keeps read access from becoming a session.
//
//     session cookie   DEV_ID.EXPIRES.MAC("session", DEV_ID, EXPIRES)
//     CSRF field       MAC("csrf", session cookie)
//     connect link     /connect/DEV_ID/USER_ID?expires=EXPIRES&sig=MAC("connect", DEV_ID, USER_ID, EXPIRES)

import Crypto
import Foundation

/// Signs and checks what the dashboard and the end user's connect page hand out.
public struct WebTokens: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// The tokens of the developer whose API key hashes to `apiKeyHash`, under `serverSecret`.
    public init(apiKeyHash: [UInt8], serverSecret: String? = nil) {
        var derivation = HMAC<SHA256>(key: SymmetricKey(data: apiKeyHash))
        derivation.update(data: Data("slipstream web tokens v1".utf8))
        if let serverSecret { derivation.update(data: Data(("\n" + serverSecret).utf8)) }
        keyBytes = Array(derivation.finalize())
    }

    private func mac(_ parts: String...) -> String {
        Credentials.base64URL(
            Array(HMAC<SHA256>.authenticationCode(for: Data(parts.joined(separator: "\n").utf8), using: key)))
    }

    private func check(_ given: String, _ expected: String) -> Bool {
        Credentials.constantTimeEqual(Array(given.utf8), Array(expected.utf8))
    }

    // MARK: Sessions

    /// A session cookie's value for `developerID` until `expires` (unix seconds).
    public func session(developerID: String, expires: Int64) -> String {
        "\(developerID).\(expires).\(mac("session", developerID, String(expires)))"
    }

    /// The developer and expiry a session cookie claims, before it is checked (to find the key).
    public static func sessionClaim(_ token: String) -> (developerID: String, expires: Int64)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, let expires = Int64(parts[1]) else { return nil }
        return (String(parts[0]), expires)
    }

    /// True when `token` was signed by this developer's key and has not expired at `now`.
    public func verifySession(_ token: String, now: Int64) -> Bool {
        guard let claim = Self.sessionClaim(token), claim.expires > now else { return false }
        return check(token, session(developerID: claim.developerID, expires: claim.expires))
    }

    /// The CSRF token every form of a session carries.
    public func csrf(session token: String) -> String { mac("csrf", token) }

    public func verifyCSRF(_ given: String, session token: String) -> Bool { check(given, csrf(session: token)) }

    // MARK: Connect links

    /// The signature of an end user's connect link.
    public func connect(developerID: String, userID: String, expires: Int64) -> String {
        mac("connect", developerID, userID, String(expires))
    }

    /// True when `signature` is this developer's for the link; whether `expires` has passed is the caller's.
    public func verifyConnect(_ signature: String, developerID: String, userID: String, expires: Int64) -> Bool {
        check(signature, connect(developerID: developerID, userID: userID, expires: expires))
    }
}
