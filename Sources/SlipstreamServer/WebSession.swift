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
    /// `__Host-` over https: the browser then refuses it from any other path, port or subdomain.
    var cookieName: String { secure ? "__Host-slipstream_session" : "slipstream_session" }
    var secure: Bool { settings.baseURL.hasPrefix("https:") }
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
        let value = token.map { "\($0); Max-Age=\(Self.lifetimeSeconds)" } ?? "; Max-Age=0"
        return [.setCookie: "\(cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")"]
    }

    func newSession(for developer: Developer) -> String {
        let now = Int64(settings.now().timeIntervalSince1970)
        return settings.tokens(developer).session(
            developerID: developer.id, expires: now + Self.lifetimeSeconds)
    }

    /// The request's session when its cookie is valid now; nil otherwise.
    func signedIn(_ request: Request) async throws -> SignedIn? {
        guard let token = Self.cookie(cookieName, in: request.headers),
            let claim = WebTokens.sessionClaim(token),
            let developer = try await accounts.developer(id: claim.developerID)
        else { return nil }
        let tokens = settings.tokens(developer)
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
        try checkOrigin(request)
        guard let csrf = form["csrf"],
            settings.tokens(session.developer).verifyCSRF(csrf, session: session.token)
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

    /// A form post from another site is refused whatever the cookie says: its Origin must be this
    /// server's (`--public-url`'s, else the Host it was sent to), never `null`; a browser's
    /// Sec-Fetch-Site, when sent, must say the same (sign-in has no session to hold a token yet).
    func checkOrigin(_ request: Request) throws {
        let refused = { (what: String) in Problem(.forbidden, "a form of another site (\(what)) cannot act here") }
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            throw refused("Sec-Fetch-Site \(site)")
        }
        guard let origin = request.headers[.origin] else { return }
        let expected =
            settings.publicOrigin ?? request.head.authority.map { (secure ? "https://" : "http://") + $0 }
        guard origin == expected else { throw refused("Origin \(origin)") }
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
        } catch let error where request.headers[.accept]?.contains("json") != true {
            // Every failure a page meets is a page: a Problem, the storage's 503 and 507, the router's own.
            let problem: Problem
            switch error {
            case let given as Problem: problem = given
            case let failure as StorageError:
                problem = Problem.storage(failure) ?? Problem(.internalServerError, "\(failure)")
            case let http as HTTPError: problem = Problem(http.status, http.body ?? http.status.reasonPhrase)
            default: throw error
            }
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
