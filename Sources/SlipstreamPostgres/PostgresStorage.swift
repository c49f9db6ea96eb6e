// Storage in PostgreSQL through postgres-nio (this target is the only one that imports it): several
// `serve` processes can share one database, which holds all the state. Migrations run under an
// advisory lock, so that processes starting together migrate once. `serve` runs the client as a
// service of its application (`connect`, then `run` in the service group); one-shot commands and
// tests `open` a storage that runs its client in a task of its own.

import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import SlipstreamStorage

public final class PostgresStorage: Storage, Service {
    let client: PostgresClient
    private let runner: Task<Void, Never>?
    let logger = Logger(label: "slipstream.postgres")

    /// The time messages are queued at (injectable for tests).
    let now: @Sendable () -> Date

    private init(client: PostgresClient, now: @escaping @Sendable () -> Date, runsItself: Bool) {
        self.client = client
        self.now = now
        runner = runsItself ? Task { await client.run() } : nil
    }

    deinit { runner?.cancel() }

    /// Connects to `postgres://USER[:PASS]@HOST[:PORT]/DB`, running its client in a task of its own, and migrates.
    public static func open(_ url: URLComponents, now: @escaping @Sendable () -> Date = { Date() }) async throws
        -> PostgresStorage
    {
        let storage = PostgresStorage(
            client: PostgresClient(configuration: configuration(url)), now: now, runsItself: true)
        try await storage.migrate()
        return storage
    }

    /// A storage whose client runs when ``run()`` does (as a service beside the server); ``migrate()`` once it runs.
    public static func connect(_ url: URLComponents, now: @escaping @Sendable () -> Date = { Date() })
        -> PostgresStorage
    {
        PostgresStorage(client: PostgresClient(configuration: configuration(url)), now: now, runsItself: false)
    }

    /// Runs the connection pool until the service group shuts down.
    public func run() async throws {
        await client.run()
    }

    /// `?sslmode=disable|prefer|require`, default disable.
    private static func configuration(_ url: URLComponents) -> PostgresClient.Configuration {
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS =
            switch mode {
            case "require": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
        let configuration = PostgresClient.Configuration(
            host: url.host ?? "127.0.0.1", port: url.port ?? 5432, username: url.user ?? "postgres",
            password: url.password,
            database: String(url.path.dropFirst()), tls: tls)
        return configuration
    }

    /// A new, empty database on the same server (for tests that want one each).
    public func createDatabase(_ name: String) async throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StorageError.unsupportedDatabase(name)
        }
        try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
    }

    /// Creates or updates the schema.
    public func migrate() async throws {
        try await client.withTransaction(logger: logger) { db in
            try await db.query("SELECT pg_advisory_xact_lock(7274111)", logger: logger)
            try await db.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)", logger: logger)
            var applied: Set<String> = []
            for try await version in try await db.query("SELECT version FROM schema_migrations", logger: logger).decode(
                String.self)
            {
                applied.insert(version)
            }
            for (version, statements) in SQLSchema.migrations(.postgres) where !applied.contains(version) {
                for statement in statements { try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await db.query("INSERT INTO schema_migrations (version) VALUES (\(version))", logger: logger)
            }
        }
    }

    // MARK: Developers

    typealias DeveloperRow = (String, String, ByteBuffer, String?, String, String?, Int64, Int64?, String?)
    private static let developerColumns =
        "id, name, api_key_hash, webhook_url, webhook_signing_secret, terra_signing_secret, created_at, webhook_disabled_at, scopes"

    public func insertDeveloper(_ d: Developer) async throws {
        try await client.query(
            """
            INSERT INTO developers (id, name, api_key_hash, webhook_url, webhook_signing_secret, terra_signing_secret, created_at, scopes)
            VALUES (\(d.id), \(d.name), \(ByteBuffer(bytes: d.apiKeyHash)), \(d.webhookURL), \(d.webhookSigningSecret),
                    \(d.terraSigningSecret), \(micros(d.createdAt)), \(d.scopes.isEverything ? nil : d.scopes.text))
            """, logger: logger)
    }

    public func developer(id: String) async throws -> Developer? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.developerColumns) FROM developers WHERE id = \(id)", logger: logger)
        for try await row in rows.decode(DeveloperRow.self) { return Self.developer(row) }
        return nil
    }

    public func developers() async throws -> [Developer] {
        var result: [Developer] = []
        let rows = try await client.query(
            "SELECT \(unescaped: Self.developerColumns) FROM developers ORDER BY created_at, id", logger: logger)
        for try await row in rows.decode(DeveloperRow.self) { result.append(Self.developer(row)) }
        return result
    }

    public func updateDeveloper(id: String, apiKeyHash: [UInt8]?, webhookURL: String??) async throws -> Bool {
        try await client.withTransaction(logger: logger) { db in
            if let apiKeyHash {
                try await db.query(
                    "UPDATE developers SET api_key_hash = \(ByteBuffer(bytes: apiKeyHash)) WHERE id = \(id)",
                    logger: logger)
            }
            if let webhookURL {
                try await db.query("UPDATE developers SET webhook_url = \(webhookURL) WHERE id = \(id)", logger: logger)
            }
            return try await Self.exists(db, "SELECT 1 FROM developers WHERE id = \(id)", logger)
        }
    }

    static func developer(_ r: DeveloperRow) -> Developer {
        var developer = Developer(
            id: r.0, name: r.1, apiKeyHash: Array(buffer: r.2), webhookURL: r.3, webhookSigningSecret: r.4,
            terraSigningSecret: r.5,
            createdAt: date(r.6))
        developer.webhookDisabledAt = r.7
        developer.scopes = DataScopes(text: r.8)
        return developer
    }

    // MARK: Users

    typealias UserRow = (String, String, String, String?, Int64)
    static let userColumns = "id, developer_id, provider, reference_id, created_at"

    public func insertUser(_ user: ServiceUser, announcing event: [UInt8]?) async throws {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { db in
            try await Self.insert(user, db, logger)
            if let event {
                try await self.queue(
                    db, logger, developerID: user.developerID, userID: user.id, kind: .auth, body: event)
            }
        }
    }

    func queue(
        _ db: PostgresConnection, _ logger: Logger, developerID: String, userID: String, kind: OutboxMessage.Kind,
        summaryID: String? = nil,
        reference: String? = nil, body: [UInt8]? = nil
    ) async throws {
        let now = micros(self.now())
        try await db.query(
            """
            INSERT INTO outbox (developer_id, user_id, kind, summary_id, reference, body, created_at, next_attempt_at)
            VALUES (\(developerID), \(userID), \(kind.rawValue), \(summaryID), \(reference), \(body.map { ByteBuffer(bytes: $0) }), \(now), \(now))
            """, logger: logger)
    }

    private static func insert(_ u: ServiceUser, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.query(
            """
            INSERT INTO users (id, developer_id, provider, reference_id, created_at)
            VALUES (\(u.id), \(u.developerID), \(u.provider), \(u.referenceID), \(micros(u.createdAt)))
            """, logger: logger)
    }

    public func user(id: String, developerID: String) async throws -> ServiceUser? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id) AND developer_id = \(developerID)",
            logger: logger)
        for try await row in rows.decode(UserRow.self) { return Self.user(row) }
        return nil
    }

    public func users(developerID: String, referenceID: String?) async throws -> [ServiceUser] {
        let rows =
            if let referenceID {
                try await client.query(
                    """
                    SELECT \(unescaped: Self.userColumns) FROM users WHERE developer_id = \(developerID) AND reference_id = \(referenceID)
                    ORDER BY created_at, id
                    """, logger: logger)
            } else {
                try await client.query(
                    "SELECT \(unescaped: Self.userColumns) FROM users WHERE developer_id = \(developerID) ORDER BY created_at, id",
                    logger: logger)
            }
        var result: [ServiceUser] = []
        for try await row in rows.decode(UserRow.self) { result.append(Self.user(row)) }
        return result
    }

    public func deleteUser(id: String, developerID: String, announcing event: [UInt8]?) async throws -> Bool {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { db in
            guard
                try await Self.exists(
                    db, "SELECT 1 FROM users WHERE id = \(id) AND developer_id = \(developerID) FOR UPDATE", logger)
            else { return false }
            // The developer's own messages stay, even beside a user whose id is empty.
            try await db.query(
                """
                DELETE FROM outbox WHERE developer_id = \(developerID) AND user_id = \(id) AND status = 'pending'
                AND kind <> \(OutboxMessage.Kind.healthcheck.rawValue)
                """, logger: logger)
            try await db.query("DELETE FROM activity_samples WHERE user_id = \(id)", logger: logger)
            try await db.query("DELETE FROM activities WHERE user_id = \(id)", logger: logger)
            try await db.query("DELETE FROM users WHERE id = \(id)", logger: logger)
            if let event {
                try await self.queue(db, logger, developerID: developerID, userID: id, kind: .deauth, body: event)
            }
            return true
        }
    }

    static func user(_ r: UserRow) -> ServiceUser {
        ServiceUser(id: r.0, developerID: r.1, provider: r.2, referenceID: r.3, createdAt: date(r.4))
    }

    static func exists(_ db: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> Bool {
        for try await _ in try await db.query(query, logger: logger) { return true }
        return false
    }
}
