// `slipstream serve` and `slipstream developers`: the service's commands. Every command that opens
// the database creates and migrates its schema.

import ArgumentParser
import Foundation
import Logging
import SlipstreamDelivery
import SlipstreamSecrets
import SlipstreamServer
import SlipstreamStorage

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Xoss integration as an HTTP service: Terra's API for keys, users, ingest and history.",
        discussion: """
            SIGTERM or SIGINT stops taking connections, lets requests in flight finish, then exits 0. \
            TLS belongs to a reverse proxy in front (README).
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one; the log says which).") var port = 8080
    @OptionGroup var database: DatabaseOption
    @Option(help: "Ingest and webhook bodies longer than this many bytes are answered 413.") var maxBodyBytes =
        256 << 20
    @Option(help: "Seconds a terra-signature timestamp may be away from now.") var signatureTolerance: Int64 = 300
    @Option(help: "Seconds an idle connection is kept open.") var idleTimeout: Int64 = 60
    @Option(help: "Seconds a request head may take to arrive (more: 408 and closed).") var headerTimeout: Int64 = 10
    @Option(help: "Bytes a request head may hold (more: 431).") var maxHeaderBytes = 64 << 10
    @Option(help: "Connections open at once (more: 503 and closed at once).") var maxConnections = 4096
    @Option(help: "Seconds a database call may wait before the request is answered 503 (the database is away).")
    var databaseTimeout: Int64 = 5
    @Option(help: "The URL users reach this server at (for auth_url); default http://HOST:PORT.") var publicURL: String?
    @Option(
        help:
            "A slippy-map tile URL ({z}/{x}/{y}) drawn under ride maps in the dashboard, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (mind the tile server's usage policy)."
    ) var mapTiles: String?
    @Option(help: "Hours an end user's connect link (auth_url) stays valid.") var connectLinkHours: Int64 = 168
    @Option(
        help:
            "A secret mixed into every dashboard session, CSRF token and connect link (default: SLIPSTREAM_WEB_SECRET); the same on every server of one database. Without it, whoever can read the database can forge them."
    ) var webSecret: String?
    @Option(help: "Seconds a webhook delivery attempt may take.") var deliveryTimeout: Int64 = 15
    @Option(help: "Waits after each failed delivery attempt (s, m, h, d); after the last, the message fails.")
    var retrySchedule = "5s,5m,30m,2h,5h,10h,10h"
    @Flag(help: "Run no delivery worker in this process (another process sends the outbox).") var noDeliveries = false
    @Option(help: "Days one historical request may span (Terra's rule r1).") var maxRequestDays: Int64 = 1825
    @Option(help: "Days a user's historical requests may span in an hour (Terra's rule r2).") var hourlyRequestDays:
        Int64 = 6000

    func run() async throws {
        var settings = ServiceSettings()
        settings.host = host
        settings.port = port
        settings.maxBodyBytes = maxBodyBytes
        settings.signatureToleranceSeconds = signatureTolerance
        settings.idleTimeoutSeconds = idleTimeout
        settings.headerTimeoutSeconds = headerTimeout
        settings.maxHeaderBytes = maxHeaderBytes
        settings.maxConnections = maxConnections
        settings.databaseTimeoutSeconds = databaseTimeout
        settings.publicURL = publicURL
        settings.mapTiles = mapTiles
        settings.webSecret = webSecret ?? ProcessInfo.processInfo.environment["SLIPSTREAM_WEB_SECRET"]
        guard connectLinkHours > 0 else { throw ValidationError("--connect-link-hours must be 1 or more") }
        settings.connectLinkSeconds = connectLinkHours * 3600
        guard let schedule = DeliverySettings.parseSchedule(retrySchedule) else {
            throw ValidationError("--retry-schedule '\(retrySchedule)': give waits like 5s,5m,2h,1d")
        }
        settings.delivery.schedule = schedule
        settings.delivery.timeoutSeconds = deliveryTimeout
        settings.deliversWebhooks = !noDeliveries
        settings.rateLimit.maxDaysPerRequest = maxRequestDays
        settings.rateLimit.daysPerWindow = hourlyRequestDays
        var logger = Logger(label: "slipstream")
        logger.logLevel =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let opened = try await database.openForService()
        let server = SlipstreamServer(storage: opened.storage, settings: settings)
        try await server.run(logger: logger, services: opened.services, beforeServing: opened.prepare)
    }
}

struct Developers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and list developers (API keys, webhook URLs).",
        subcommands: [
            Create.self, List.self, Show.self, RotateKey.self, SetWebhook.self, EnableWebhook.self, SetScopes.self,
        ])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create a developer; prints {\"dev_id\",\"api_key\",\"webhook_signing_secret\"}. The API key is shown only once."
        )
        @Option(help: "The developer's name.") var name: String
        @Option(help: "Where their webhooks go.") var webhookURL: String?
        @Option(help: "The secret Terra signs its pushes to /webhooks/terra/{dev_id} with.") var terraSigningSecret:
            String?
        @OptionGroup var database: DatabaseOption

        func validate() throws { try validateWebhookURL(webhookURL) }

        func run() async throws {
            let storage = try await database.open()
            let (developer, key) = Developer.new(
                name: name, webhookURL: webhookURL, terraSigningSecret: terraSigningSecret)
            try await storage.insertDeveloper(developer)
            print(
                jsonObject([
                    ("dev_id", developer.id), ("api_key", key),
                    ("webhook_signing_secret", developer.webhookSigningSecret),
                ]))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One JSON line per developer (no keys: they are kept as hashes).")
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            for d in try await database.open().developers() {
                print(
                    jsonObject([
                        ("dev_id", d.id), ("name", d.name), ("webhook_url", d.webhookURL),
                        ("created_at", ISO8601DateFormatter().string(from: d.createdAt)),
                    ]))
            }
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a developer a new API key (the old one stops working); prints it once.")
        @Argument(help: "The developer's id.") var devID: String
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let key = Credentials.newAPIKey()
            guard
                try await database.open().updateDeveloper(
                    id: devID, apiKeyHash: Credentials.hash(apiKey: key), webhookURL: nil)
            else {
                throw ValidationError("no developer \(devID)")
            }
            print(jsonObject([("dev_id", devID), ("api_key", key)]))
        }
    }

    struct SetWebhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set (or with no URL, remove) a developer's webhook URL.")
        @Argument(help: "The developer's id.") var devID: String
        @Argument(help: "The URL; omit to remove.") var url: String?
        @OptionGroup var database: DatabaseOption

        func validate() throws { try validateWebhookURL(url) }

        func run() async throws {
            guard try await database.open().updateDeveloper(id: devID, apiKeyHash: nil, webhookURL: .some(url)) else {
                throw ValidationError("no developer \(devID)")
            }
        }
    }
}

extension Developers {
    struct EnableWebhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable a developer's webhook again after it was disabled (a 410, or a day of failures).")
        @Argument(help: "The developer's id.") var devID: String
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            guard try await database.open().enableWebhook(developerID: devID) else {
                throw ValidationError("no developer \(devID)")
            }
        }
    }
}

/// A webhook URL must be http or https with a host: anything else could never be delivered to.
func validateWebhookURL(_ text: String?) throws {
    guard let text, !WebhookNames.isEndpoint(text) else { return }
    throw ValidationError("'\(text)' is not an http or https URL")
}

/// Members of a nested object in ``jsonObject(_:)``.
struct JSONMembers {
    var members: [(String, Any?)]
    init(_ members: [(String, Any?)]) { self.members = members }
}

/// A one-line JSON object; members are strings, integers, booleans, lists of strings, nested
/// ``JSONMembers`` or null.
func jsonObject(_ members: [(String, Any?)]) -> String {
    func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
    func value(_ member: Any?) -> String {
        switch member {
        case let text as String: quoted(text)
        case let number as Int: String(number)
        case let flag as Bool: flag ? "true" : "false"
        case let list as [String]: "[" + list.map(quoted).joined(separator: ",") + "]"
        case let nested as JSONMembers: jsonObject(nested.members)
        default: "null"
        }
    }
    return "{" + members.map { quoted($0.0) + ":" + value($0.1) }.joined(separator: ",") + "}"
}
