// The web face's plumbing: HTML answers with their security headers, the session cookie, forms and
// their CSRF tokens, and errors shown as pages.

import Foundation
import HTTPTypes
import Hummingbird
import SlipstreamSecrets
import SlipstreamStorage
import SlipstreamWeb

/// A signed-in request: the developer, the session's token and what the header bar shows.
struct SignedIn {
    var developer: Developer
    var token: String
    var bar: SessionBar
}

struct WebSession: Sendable {
    static let cookieName = "slipstream_session"
    static let lifetimeSeconds: Int64 = 12 * 3600

    let accounts: any AccountStore
    let settings: ServiceSettings

    /// Pages may load only this server's style sheet and script, and images from the map's tile server.
    var securityHeaders: HTTPFields {
        var images = "'self' data:"
        if let tiles = settings.mapTiles,
            let url = URL(
                string: tiles.replacingOccurrences(of: "{", with: "_").replacingOccurrences(of: "}", with: "_")),
            let scheme = url.scheme, let host = url.host
        {
            images += " \(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        }
        return [
            .contentSecurityPolicy:
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src \(images); connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Frame-Options")!: "DENY", HTTPField.Name("Referrer-Policy")!: "same-origin",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff", .cacheControl: "no-store",
        ]
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    func redirect(_ location: String, extra: HTTPFields = [:]) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }

    // MARK: Sessions

    func sessionCookie(_ token: String?) -> HTTPFields {
        let secure = settings.baseURL.hasPrefix("https:") ? "; Secure" : ""
        let value = token.map { "\($0); Max-Age=\(Self.lifetimeSeconds)" } ?? "; Max-Age=0"
        return [.setCookie: "\(Self.cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict\(secure)"]
    }

    func newSession(for developer: Developer) -> String {
        let now = Int64(settings.now().timeIntervalSince1970)
        return WebTokens(apiKeyHash: developer.apiKeyHash).session(
            developerID: developer.id, expires: now + Self.lifetimeSeconds)
    }

    /// The request's session when its cookie is valid now; nil otherwise.
    func signedIn(_ request: Request) async throws -> SignedIn? {
        guard let token = Self.cookie(Self.cookieName, in: request.headers),
            let claim = WebTokens.sessionClaim(token),
            let developer = try await accounts.developer(id: claim.developerID)
        else { return nil }
        let tokens = WebTokens(apiKeyHash: developer.apiKeyHash)
        guard tokens.verifySession(token, now: Int64(settings.now().timeIntervalSince1970)) else { return nil }
        return SignedIn(
            developer: developer, token: token,
            bar: SessionBar(developerID: developer.id, developerName: developer.name, csrf: tokens.csrf(session: token))
        )
    }

    /// The session, or a ``WebRedirect`` to the sign-in page.
    func require(_ request: Request) async throws -> SignedIn {
        guard let session = try await signedIn(request) else { throw WebRedirect(location: "/dashboard/signin") }
        return session
    }

    /// The session of a form's POST: its CSRF field must match, and its Origin be this server's.
    func requireForm(_ request: Request) async throws -> (SignedIn, [String: String]) {
        let session = try await require(request)
        let form = try await Self.form(request)
        try Self.checkOrigin(request)
        guard let csrf = form["csrf"],
            WebTokens(apiKeyHash: session.developer.apiKeyHash).verifyCSRF(csrf, session: session.token)
        else { throw Problem(.forbidden, "the form's CSRF token is missing or stale: reload the page and try again") }
        return (session, form)
    }

    static func cookie(_ name: String, in headers: HTTPFields) -> String? {
        for field in headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// A cross-site form post carries another Origin: refused whatever the cookie says.
    static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], origin != "null" else { return }
        guard let host = request.head.authority, origin.hasSuffix("//" + host) else {
            throw Problem(.forbidden, "a form of another site (Origin \(origin)) cannot act here")
        }
    }

    // MARK: Forms

    /// An `application/x-www-form-urlencoded` body of at most 64 KiB.
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 64 << 10)
        } catch {
            throw Problem(.contentTooLarge, "a form's body is at most 64 KiB")
        }
        return formFields(String(buffer: buffer))
    }

    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}

/// Thrown by a page to send the browser elsewhere (to sign in).
struct WebRedirect: Error {
    var location: String
}

/// Errors of the web face's routes as pages: a redirect, or the problem's status and words.
struct WebErrorPages<Context: RequestContext>: RouterMiddleware {
    let session: WebSession

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let redirect as WebRedirect {
            return session.redirect(redirect.location)
        } catch let problem as Problem where request.headers[.accept]?.contains("json") != true {
            let title = problem.status.reasonPhrase
            let text =
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(problem.status.code) \(title)</title><link rel=\"stylesheet\" href=\"/static/slipstream.css\"></head><body><main><h1>\(problem.status.code) \(title)</h1><p>\(Self.escape(problem.detail))</p><p><a href=\"/dashboard\">Dashboard</a></p></main></body></html>"
            var extra = problem.headers
            extra[.contentType] = nil
            return session.html(text, status: problem.status, extra: extra)
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
