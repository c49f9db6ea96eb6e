// `slipstream serve`: the routes of Terra's API that the Xoss integration answers, on one storage.
//
//     POST   /v2/auth/authenticateUser     GET /v2/userInfo     GET /v2/subscriptions
//     DELETE /v2/auth/deauthenticateUser   POST /v2/ingest      GET /v2/activity
//     POST   /webhooks/terra/{dev_id}      GET /auth/connected  GET /healthz  GET /readyz
//     GET    /metrics                      GET /openapi.yaml
//     The web face: /dashboard/… (DashboardController, RideController, DeliveriesController),
//     /connect/… (ConnectController), /static/… (WebAssets)

import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle
import SlipstreamDelivery
import SlipstreamStorage
import SlipstreamWeb

public struct SlipstreamServer: Sendable {
    public let storage: any Storage
    public let settings: ServiceSettings
    public let metrics = ServiceMetrics()
    private let measured: MeasuredStorage

    public init(storage: any Storage, settings: ServiceSettings) {
        measured = MeasuredStorage(inner: storage, metrics: metrics, timeout: .seconds(settings.databaseTimeoutSeconds))
        self.storage = measured
        self.settings = settings
    }

    /// The methods of each path, for 405 answers (the router itself says 404).
    static let methods: [(path: String, methods: [HTTPRequest.Method])] = [
        ("/healthz", [.get]), ("/readyz", [.get]), ("/metrics", [.get]), ("/openapi.yaml", [.get]),
        ("/auth/connected", [.get]),
        ("/v2/auth/authenticateUser", [.post]), ("/v2/userInfo", [.get]), ("/v2/subscriptions", [.get]),
        ("/v2/auth/deauthenticateUser", [.delete]), ("/v2/ingest", [.post]), ("/v2/activity", [.get]),
        ("/webhooks/terra/", [.post]), ("/static/", [.get]),
    ]

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestObserver(metrics: metrics))
        // Liveness asks nothing of the database: it says whether the last call reached it.
        router.get("/healthz") { _, _ in
            ServiceJSON.response { w in
                w.beginObject()
                TerraJSON.status(&w)
                w.key("slipstream")
                w.beginObject()
                w.key("database")
                w.string(measured.reachable.withLock { $0 } ? "up" : "down")
                w.endObject()
                w.endObject()
            }
        }
        // Readiness is one round trip: 503 with Retry-After while the database cannot answer.
        router.get("/readyz") { _, _ in
            try await storage.ping()
            return ServiceJSON.response { TerraJSON.statusObject(&$0) }
        }
        router.get("/metrics") { _, _ in metrics.response() }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        let auth = Authenticator(accounts: storage)
        UserController(accounts: storage, settings: settings, auth: auth).addRoutes(to: router)
        IngestController(storage: storage, settings: settings, metrics: metrics, auth: auth).addRoutes(to: router)
        ActivityController(storage: storage, settings: settings, auth: auth).addRoutes(to: router)
        addWebRoutes(to: router)
        return router
    }

    /// The dashboard, the end user's connect page, and their style sheet and script.
    private func addWebRoutes(to router: Router<BasicRequestContext>) {
        let session = WebSession(accounts: storage, settings: settings)
        let pages = WebPages()
        DashboardController(storage: storage, settings: settings, session: session, pages: pages).addRoutes(to: router)
        RideController(storage: storage, settings: settings, session: session, pages: pages).addRoutes(to: router)
        DeliveriesController(storage: storage, settings: settings, session: session, pages: pages).addRoutes(to: router)
        SettingsController(storage: storage, session: session, pages: pages).addRoutes(to: router)
        ConnectController(storage: storage, settings: settings, metrics: metrics, session: session, pages: pages)
            .addRoutes(to: router)
        let assets = [
            ("slipstream.css", "text/css; charset=utf-8", WebAssets.styleSheet),
            ("upload.js", "text/javascript; charset=utf-8", WebAssets.uploadScript),
        ]
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        for (name, type, text) in assets {
            router.get("/static/\(name)") { _, _ in
                Response(
                    status: .ok,
                    headers: [
                        .contentType: type, .cacheControl: "public, max-age=3600",
                        .init("X-Content-Type-Options")!: "nosniff",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
    }

    /// HTTP/1 behind the connection guards (ConnectionGuards.swift), answering Expect: 100-continue.
    private func guardedServer() -> HTTPServerBuilder {
        let limits = ConnectionLimits(
            maxConnections: settings.maxConnections, headerTimeout: .seconds(settings.headerTimeoutSeconds),
            maxHeaderBytes: settings.maxHeaderBytes)
        let configuration = HTTP1Channel.Configuration(
            idleTimeout: .seconds(settings.idleTimeoutSeconds),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: settings.maxHeaderBytes, maxHeaderListSize: settings.maxHeaderBytes))
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(
                responder: responder, configuration: configuration, limits: limits,
                handlers: { [ExpectContinueHandler(accepts: acceptsBody)] })
        }
    }

    /// Runs ``application(logger:services:beforeServing:)`` until SIGTERM or SIGINT.
    public func run(
        logger: Logger, services first: [any Service] = [], beforeServing: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        try await application(logger: logger, services: first, beforeServing: beforeServing).runService()
    }

    /// The application, listening where the settings say, with the delivery worker beside it.
    /// - Parameters:
    ///   - services: run before the others and stopped after them (the database's client).
    ///   - beforeServing: runs once they run, before the first connection is taken (migrations).
    public func application(
        logger: Logger, services first: [any Service] = [], beforeServing: (@Sendable () async throws -> Void)? = nil
    ) -> some ApplicationProtocol {
        var services = first
        if settings.deliversWebhooks {
            var workerLogger = logger
            workerLogger[metadataKey: "worker"] = "delivery"
            services.append(
                DeliveryWorker(
                    storage: storage, settings: settings.delivery, metrics: metrics, logger: workerLogger,
                    now: settings.now))
        }
        var application = Application(
            router: router(),
            server: guardedServer(),
            configuration: ApplicationConfiguration(
                address: .hostname(settings.host, port: settings.port), serverName: "slipstream"),
            services: services,
            logger: logger)
        if let beforeServing { application.beforeServerStarts(perform: beforeServing) }
        return application
    }
}
