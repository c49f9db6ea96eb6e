// What `slipstream serve` is told: where to listen, how big a body may be, how far a Terra signature's
// timestamp may be from now.

import Foundation
import SlipstreamDelivery
import SlipstreamSecrets
import SlipstreamStorage

public struct ServiceSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Bodies of ingest and webhook requests longer than this are answered 413.
    public var maxBodyBytes = 256 << 20
    /// Seconds a `terra-signature` timestamp may be from now.
    public var signatureToleranceSeconds: Int64 = 300
    /// Seconds a database call may wait (for a connection, a lock) before it is answered 503.
    public var databaseTimeoutSeconds: Int64 = 5
    /// Seconds a request's head may take to arrive whole (a slow client) before it is answered 408.
    public var headerTimeoutSeconds: Int64 = 10
    /// Bytes a request's head may hold: more is 431.
    public var maxHeaderBytes = 64 << 10
    /// Connections open at once: more are answered 503 and closed before anything is parsed.
    public var maxConnections = 4096
    /// Seconds a connection may stay idle (a slow client) before it is closed.
    public var idleTimeoutSeconds: Int64 = 60
    /// Where users are sent to connect (`auth_url`); defaults to http://HOST:PORT.
    public var publicURL: String?
    /// A slippy-map tile URL template (`https://…/{z}/{x}/{y}.png`) drawn under ride maps in the browser.
    public var mapTiles: String?
    /// Mixed into the key of every session, CSRF token and connect link (`--web-secret`).
    public var webSecret: String?
    /// How long an end user's connect link (`auth_url`) stays valid.
    public var connectLinkSeconds: Int64 = 7 * 24 * 3600
    /// How webhooks are sent; `deliversWebhooks` false runs no delivery worker in this process.
    public var delivery = DeliverySettings()
    public var deliversWebhooks = true
    /// Terra's per-user limits on requested days.
    public var rateLimit = RateLimit()
    /// The time, injectable for tests.
    public var now: @Sendable () -> Date = { Date() }

    public init() {}

    var baseURL: String { publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

extension ServiceSettings {
    /// The web face's tokens for `developer`.
    func tokens(_ developer: Developer) -> WebTokens {
        WebTokens(apiKeyHash: developer.apiKeyHash, serverSecret: webSecret)
    }

    /// `scheme://host[:port]` of the public URL, as a browser's Origin header spells it.
    var publicOrigin: String? {
        guard let publicURL, let url = URLComponents(string: publicURL), let scheme = url.scheme, let host = url.host
        else { return nil }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }
}
