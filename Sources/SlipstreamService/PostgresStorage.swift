// Storage in PostgreSQL through postgres-nio (the only file that imports it): several `serve`
// processes can share one database, which holds all the state. Migrations run under an advisory
// lock, so that processes starting together migrate once.

import Foundation
import Logging
import NIOCore
import PostgresNIO
import SlipstreamCore

public final class PostgresStorage: Storage {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger = Logger(label: "slipstream.postgres")

    /// The time messages are queued at (injectable for tests).
    let now: @Sendable () -> Date

    private init(client: PostgresClient, now: @escaping @Sendable () -> Date) {
        self.client = client
        self.now = now
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Connects to `postgres://USER[:PASS]@HOST[:PORT]/DB` (`?sslmode=disable|prefer|require`) and migrates.
    public static func open(_ url: URLComponents, now: @escaping @Sendable () -> Date = { Date() }) async throws -> PostgresStorage {
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS =
            switch mode {
            case "require": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
        let configuration = PostgresClient.Configuration(
            host: url.host ?? "127.0.0.1", port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password,
            database: String(url.path.dropFirst()), tls: tls)
        let storage = PostgresStorage(client: PostgresClient(configuration: configuration), now: now)
        try await storage.migrate()
        return storage
    }

    /// A new, empty database on the same server (for tests that want one each).
    public func createDatabase(_ name: String) async throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { throw StorageError.unsupportedDatabase(name) }
        try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
    }

    private static let migrations = [
        ("1-developers-users-activities-outbox", SQLSchema.version1(.postgres)), ("2-rate-buckets", SQLSchema.version2),
        ("3-delivery", SQLSchema.version3(.postgres)),
    ]

    private func migrate() async throws {
        try await client.withTransaction(logger: logger) { db in
            try await db.query("SELECT pg_advisory_xact_lock(7274111)", logger: logger)
            try await db.query("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)", logger: logger)
            var applied: Set<String> = []
            for try await version in try await db.query("SELECT version FROM schema_migrations", logger: logger).decode(String.self) {
                applied.insert(version)
            }
            for (version, statements) in Self.migrations where !applied.contains(version) {
                for statement in statements { try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await db.query("INSERT INTO schema_migrations (version) VALUES (\(version))", logger: logger)
            }
        }
    }

    // MARK: Developers

    typealias DeveloperRow = (String, String, ByteBuffer, String?, String, String?, Int64, Int64?)
    private static let developerColumns =
        "id, name, api_key_hash, webhook_url, webhook_signing_secret, terra_signing_secret, created_at, webhook_disabled_at"

    public func insertDeveloper(_ d: Developer) async throws {
        try await client.query(
            """
            INSERT INTO developers (id, name, api_key_hash, webhook_url, webhook_signing_secret, terra_signing_secret, created_at)
            VALUES (\(d.id), \(d.name), \(ByteBuffer(bytes: d.apiKeyHash)), \(d.webhookURL), \(d.webhookSigningSecret),
                    \(d.terraSigningSecret), \(micros(d.createdAt)))
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
        let rows = try await client.query("SELECT \(unescaped: Self.developerColumns) FROM developers ORDER BY created_at, id", logger: logger)
        for try await row in rows.decode(DeveloperRow.self) { result.append(Self.developer(row)) }
        return result
    }

    public func updateDeveloper(id: String, apiKeyHash: [UInt8]?, webhookURL: String??) async throws -> Bool {
        try await client.withTransaction(logger: logger) { db in
            if let apiKeyHash {
                try await db.query("UPDATE developers SET api_key_hash = \(ByteBuffer(bytes: apiKeyHash)) WHERE id = \(id)", logger: logger)
            }
            if let webhookURL {
                try await db.query("UPDATE developers SET webhook_url = \(webhookURL) WHERE id = \(id)", logger: logger)
            }
            return try await Self.exists(db, "SELECT 1 FROM developers WHERE id = \(id)", logger)
        }
    }

    static func developer(_ r: DeveloperRow) -> Developer {
        var developer = Developer(
            id: r.0, name: r.1, apiKeyHash: Array(buffer: r.2), webhookURL: r.3, webhookSigningSecret: r.4, terraSigningSecret: r.5,
            createdAt: date(r.6))
        developer.webhookDisabledAt = r.7
        return developer
    }

    // MARK: Users

    private typealias UserRow = (String, String, String, String?, Int64)
    private static let userColumns = "id, developer_id, provider, reference_id, created_at"

    public func insertUser(_ user: ServiceUser, announcing event: [UInt8]?) async throws {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { db in
            try await Self.insert(user, db, logger)
            if let event { try await self.queue(db, logger, developerID: user.developerID, userID: user.id, kind: .auth, body: event) }
        }
    }

    func queue(
        _ db: PostgresConnection, _ logger: Logger, developerID: String, userID: String, kind: OutboxMessage.Kind, summaryID: String? = nil,
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
            "SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id) AND developer_id = \(developerID)", logger: logger)
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
            guard try await Self.exists(db, "SELECT 1 FROM users WHERE id = \(id) AND developer_id = \(developerID) FOR UPDATE", logger)
            else { return false }
            try await db.query("DELETE FROM outbox WHERE user_id = \(id) AND status = 'pending'", logger: logger)
            try await db.query("DELETE FROM activity_samples WHERE user_id = \(id)", logger: logger)
            try await db.query("DELETE FROM activities WHERE user_id = \(id)", logger: logger)
            try await db.query("DELETE FROM users WHERE id = \(id)", logger: logger)
            if let event { try await self.queue(db, logger, developerID: developerID, userID: id, kind: .deauth, body: event) }
            return true
        }
    }

    private static func user(_ r: UserRow) -> ServiceUser {
        ServiceUser(id: r.0, developerID: r.1, provider: r.2, referenceID: r.3, createdAt: date(r.4))
    }

    // MARK: Activities

    public func store(_ activities: [StoredActivity], newUsers: [ServiceUser], developerID: String) async throws {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { db in
            for newUser in newUsers {
                try await db.query(
                    """
                    INSERT INTO users (id, developer_id, provider, reference_id, created_at)
                    VALUES (\(newUser.id), \(newUser.developerID), \(newUser.provider), \(newUser.referenceID), \(micros(newUser.createdAt)))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
                guard try await Self.exists(db, "SELECT 1 FROM users WHERE id = \(newUser.id) AND developer_id = \(developerID)", logger)
                else { throw StorageError.userOwnedElsewhere(newUser.id) }
            }
            for a in activities {
                try await db.query(
                    "DELETE FROM activity_samples WHERE user_id = \(a.userID) AND summary_id = \(a.summaryID)", logger: logger)
                try await db.query(
                    """
                    INSERT INTO activities (user_id, summary_id, start_time, end_time, utc_offset_seconds, summary)
                    VALUES (\(a.userID), \(a.summaryID), \(a.startTime), \(a.endTime), \(a.utcOffsetSeconds.map(Int32.init)),
                            \(ByteBuffer(bytes: a.summaryJSON)))
                    ON CONFLICT (user_id, summary_id) DO UPDATE SET start_time = excluded.start_time, end_time = excluded.end_time,
                        utc_offset_seconds = excluded.utc_offset_seconds, summary = excluded.summary
                    """, logger: logger)
                for samples in a.samples {
                    try await db.query(
                        """
                        INSERT INTO activity_samples (user_id, summary_id, channel, data)
                        VALUES (\(a.userID), \(a.summaryID), \(Int32(samples.channel.rawValue)), \(ByteBuffer(bytes: samples.bytes)))
                        """, logger: logger)
                }
                try await self.queue(db, logger, developerID: developerID, userID: a.userID, kind: .activity, summaryID: a.summaryID)
            }
        }
    }

    public func activities(
        userID: String, from: Int64, to: Int64, after cursor: ActivityCursor?, limit: Int, withSamples: Bool
    ) async throws -> [StoredActivity] {
        let logger = self.logger
        return try await client.withConnection { db in
            let afterTime = cursor?.startTime ?? Int64.min
            let afterID = cursor?.summaryID ?? ""
            let rows = try await db.query(
                """
                SELECT user_id, summary_id, start_time, end_time, utc_offset_seconds, summary FROM activities
                WHERE user_id = \(userID) AND start_time >= \(from) AND start_time < \(to)
                AND (start_time > \(afterTime) OR (start_time = \(afterTime) AND summary_id > \(afterID)))
                ORDER BY start_time, summary_id COLLATE "C" LIMIT \(limit)
                """, logger: logger)
            var result: [StoredActivity] = []
            for try await r in rows.decode((String, String, Int64, Int64, Int32?, ByteBuffer).self) {
                result.append(
                    StoredActivity(
                        userID: r.0, summaryID: r.1, startTime: r.2, endTime: r.3, utcOffsetSeconds: r.4.map(Int.init),
                        summaryJSON: Array(buffer: r.5), samples: []))
            }
            guard withSamples else { return result }
            for index in result.indices {
                let samples = try await db.query(
                    """
                    SELECT channel, data FROM activity_samples WHERE user_id = \(userID) AND summary_id = \(result[index].summaryID)
                    ORDER BY channel
                    """, logger: logger)
                for try await (channel, data) in samples.decode((Int32, ByteBuffer).self) {
                    guard let channel = Channel(rawValue: Int(channel)) else { throw StorageError.corrupt("unknown channel") }
                    result[index].samples.append(ChannelSamples(channel: channel, bytes: Array(buffer: data)))
                }
            }
            return result
        }
    }

    public func queueHistorical(
        developerID: String, userID: String, from: Int64, to: Int64, reference: String, large: LargeRequestEvents?
    ) async throws -> Int {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { db in
            var ids: [String] = []
            let rows = try await db.query(
                """
                SELECT summary_id FROM activities WHERE user_id = \(userID) AND start_time >= \(from) AND start_time < \(to)
                ORDER BY start_time, summary_id COLLATE "C"
                """, logger: logger)
            for try await id in rows.decode(String.self) { ids.append(id) }
            if let large {
                try await self.queue(
                    db, logger, developerID: developerID, userID: userID, kind: .largeRequestProcessing, reference: reference, body: large.processing)
                try await self.queue(
                    db, logger, developerID: developerID, userID: userID, kind: .largeRequestSending, reference: reference,
                    body: large.sending(ids.count))
            }
            for id in ids {
                try await self.queue(db, logger, developerID: developerID, userID: userID, kind: .historical, summaryID: id, reference: reference)
            }
            return ids.count
        }
    }

    public func spendRequestedDays(userID: String, days: Int64, now: Int64, limit: Int64, window: Int64) async throws -> RateDecision {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { db in
            // The row is locked until commit, so that two servers spend one budget in turn.
            try await db.query(
                "INSERT INTO rate_buckets (user_id, started_at, days) VALUES (\(userID), \(now), 0) ON CONFLICT (user_id) DO NOTHING",
                logger: logger)
            var (started, spent) = (now, Int64(0))
            let rows = try await db.query("SELECT started_at, days FROM rate_buckets WHERE user_id = \(userID) FOR UPDATE", logger: logger)
            for try await (rowStarted, rowDays) in rows.decode((Int64, Int64).self) where now < rowStarted + window {
                (started, spent) = (rowStarted, rowDays)
            }
            let decision = RateLimit.decide(started: started, spent: spent, days: days, now: now, limit: limit, window: window)
            if decision.allowed {
                try await db.query(
                    "UPDATE rate_buckets SET started_at = \(started), days = \(spent + days) WHERE user_id = \(userID)", logger: logger)
            }
            return decision
        }
    }

    public func recordEvent(developerID: String, type: String, body: [UInt8]) async throws {
        try await client.query(
            """
            INSERT INTO events (developer_id, type, body, received_at)
            VALUES (\(developerID), \(type), \(ByteBuffer(bytes: body)), \(micros(now())))
            """, logger: logger)
    }

    public func pendingMessages(developerID: String, limit: Int) async throws -> [OutboxMessage] {
        let rows = try await client.query(
            """
            SELECT developer_id, user_id, kind, summary_id, reference FROM outbox
            WHERE developer_id = \(developerID) AND status = 'pending' ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var result: [OutboxMessage] = []
        for try await r in rows.decode((String, String, String, String?, String?).self) {
            result.append(
                OutboxMessage(developerID: r.0, userID: r.1, kind: OutboxMessage.Kind(rawValue: r.2) ?? .activity, summaryID: r.3, reference: r.4))
        }
        return result
    }

    /// PostgreSQL checks its pages itself; this checks what ties our tables together.
    public func integrityProblem() async throws -> String? {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM activity_samples s WHERE NOT EXISTS
                      (SELECT 1 FROM activities a WHERE a.user_id = s.user_id AND a.summary_id = s.summary_id))
                 + (SELECT count(*) FROM activities a WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id))
            """, logger: logger)
        for try await orphans in rows.decode(Int64.self) where orphans > 0 { return "\(orphans) orphaned rows" }
        return nil
    }

    private static func exists(_ db: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> Bool {
        for try await _ in try await db.query(query, logger: logger) { return true }
        return false
    }
}
