// Storage in one SQLite file through GRDB (this target is the only one that imports it): WAL, synchronous=FULL so
// that a commit that returned survives a crash, versioned migrations run on open.

import Foundation
import GRDB
import SlipstreamCore
import SlipstreamStorage

public final class SQLiteStorage: Storage {
    let pool: DatabasePool
    /// The time messages are queued at (injectable for tests).
    let now: @Sendable () -> Date

    /// Opens (creating and migrating) the database at `path`.
    public init(path: String, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.now = now
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (name, statements) in SQLSchema.migrations(.sqlite) {
            migrator.registerMigration(name) { db in
                for statement in statements { try db.execute(sql: statement) }
            }
        }
        return migrator
    }

    // MARK: Developers

    public func insertDeveloper(_ d: Developer) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO developers (id, name, api_key_hash, webhook_url, webhook_signing_secret, terra_signing_secret, created_at, scopes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    d.id, d.name, Data(d.apiKeyHash), d.webhookURL, d.webhookSigningSecret, d.terraSigningSecret,
                    micros(d.createdAt), d.scopes.isEverything ? nil : d.scopes.text,
                ])
        }
    }

    public func developer(id: String) async throws -> Developer? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM developers WHERE id = ?", arguments: [id]).map(Self.developer)
        }
    }

    public func developers() async throws -> [Developer] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM developers ORDER BY created_at, id").map(Self.developer)
        }
    }

    public func updateDeveloper(id: String, apiKeyHash: [UInt8]?, webhookURL: String??) async throws -> Bool {
        try await pool.write { db in
            if let apiKeyHash {
                try db.execute(
                    sql: "UPDATE developers SET api_key_hash = ? WHERE id = ?", arguments: [Data(apiKeyHash), id])
            }
            if let webhookURL {
                try db.execute(sql: "UPDATE developers SET webhook_url = ? WHERE id = ?", arguments: [webhookURL, id])
            }
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM developers WHERE id = ?", arguments: [id]) ?? false
        }
    }

    static func developer(_ row: Row) -> Developer {
        var developer = Developer(
            id: row["id"], name: row["name"], apiKeyHash: [UInt8](row["api_key_hash"] as Data),
            webhookURL: row["webhook_url"], webhookSigningSecret: row["webhook_signing_secret"],
            terraSigningSecret: row["terra_signing_secret"], createdAt: date(row["created_at"]))
        developer.webhookDisabledAt = row["webhook_disabled_at"]
        developer.scopes = DataScopes(text: row["scopes"])
        return developer
    }

    // MARK: Users

    public func insertUser(_ user: ServiceUser, announcing event: [UInt8]?) async throws {
        try await pool.write { db in
            try Self.insert(user, db)
            if let event {
                try self.queue(db, developerID: user.developerID, userID: user.id, kind: .auth, body: event)
            }
        }
    }

    func queue(
        _ db: Database, developerID: String, userID: String, kind: OutboxMessage.Kind, summaryID: String? = nil,
        reference: String? = nil,
        body: [UInt8]? = nil
    ) throws {
        let now = micros(self.now())
        try db.execute(
            sql: """
                INSERT INTO outbox (developer_id, user_id, kind, summary_id, reference, body, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [developerID, userID, kind.rawValue, summaryID, reference, body.map { Data($0) }, now, now])
    }

    private static func insert(_ u: ServiceUser, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO users (id, developer_id, provider, reference_id, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [u.id, u.developerID, u.provider, u.referenceID, micros(u.createdAt)])
    }

    public func user(id: String, developerID: String) async throws -> ServiceUser? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM users WHERE id = ? AND developer_id = ?", arguments: [id, developerID]
            ).map(Self.user)
        }
    }

    public func users(developerID: String, referenceID: String?) async throws -> [ServiceUser] {
        try await pool.read { db in
            if let referenceID {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM users WHERE developer_id = ? AND reference_id = ? ORDER BY created_at, id",
                    arguments: [developerID, referenceID]
                ).map(Self.user)
            }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM users WHERE developer_id = ? ORDER BY created_at, id", arguments: [developerID]
            )
            .map(Self.user)
        }
    }

    public func deleteUser(id: String, developerID: String, announcing event: [UInt8]?) async throws -> Bool {
        try await pool.write { db in
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM users WHERE id = ? AND developer_id = ?", arguments: [id, developerID])
                    != nil
            else { return false }
            // The developer's own messages stay, even beside a user whose id is empty.
            try db.execute(
                sql: "DELETE FROM outbox WHERE developer_id = ? AND user_id = ? AND status = 'pending' AND kind <> ?",
                arguments: [developerID, id, OutboxMessage.Kind.healthcheck.rawValue])
            try db.execute(sql: "DELETE FROM activity_samples WHERE user_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM activities WHERE user_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [id])
            if let event { try self.queue(db, developerID: developerID, userID: id, kind: .deauth, body: event) }
            return true
        }
    }

    static func user(_ row: Row) -> ServiceUser {
        ServiceUser(
            id: row["id"], developerID: row["developer_id"], provider: row["provider"],
            referenceID: row["reference_id"],
            createdAt: date(row["created_at"]))
    }

    // MARK: Activities

    public func store(_ activities: [StoredActivity], newUsers: [ServiceUser], developerID: String) async throws {
        try await pool.write { db in
            for newUser in newUsers {
                let owner = try String.fetchOne(
                    db, sql: "SELECT developer_id FROM users WHERE id = ?", arguments: [newUser.id])
                if owner == nil {
                    try Self.insert(newUser, db)
                } else if owner != developerID {
                    throw StorageError.userOwnedElsewhere(newUser.id)
                }
            }
            for a in activities {
                try db.execute(
                    sql: "DELETE FROM activity_samples WHERE user_id = ? AND summary_id = ?",
                    arguments: [a.userID, a.summaryID])
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO activities (user_id, summary_id, start_time, end_time, utc_offset_seconds, summary)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [a.userID, a.summaryID, a.startTime, a.endTime, a.utcOffsetSeconds, Data(a.summaryJSON)])
                for samples in a.samples {
                    try db.execute(
                        sql: "INSERT INTO activity_samples (user_id, summary_id, channel, data) VALUES (?, ?, ?, ?)",
                        arguments: [a.userID, a.summaryID, samples.channel.rawValue, Data(samples.bytes)])
                }
                try self.queue(db, developerID: developerID, userID: a.userID, kind: .activity, summaryID: a.summaryID)
            }
        }
    }

    public func activities(
        userID: String, from: Int64, to: Int64, after cursor: ActivityCursor?, limit: Int, withSamples: Bool
    ) async throws -> [StoredActivity] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM activities WHERE user_id = ? AND start_time >= ? AND start_time < ?
                    AND (start_time > ? OR (start_time = ? AND summary_id > ?))
                    ORDER BY start_time, summary_id LIMIT ?
                    """,
                arguments: [
                    userID, from, to, cursor?.startTime ?? Int64.min, cursor?.startTime ?? Int64.min,
                    cursor?.summaryID ?? "", limit,
                ])
            return try rows.map { try Self.storedActivity($0, db, withSamples: withSamples) }
        }
    }

    public func latestActivities(userID: String, from: Int64, to: Int64, limit: Int) async throws
        -> [StoredActivity]
    {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM activities WHERE user_id = ? AND start_time >= ? AND start_time < ?
                    ORDER BY start_time DESC, summary_id DESC LIMIT ?
                    """,
                arguments: [userID, from, to, limit]
            ).map { try Self.storedActivity($0, db, withSamples: false) }
        }
    }

    /// An `activities` row, with its `activity_samples` rows when asked.
    static func storedActivity(_ row: Row, _ db: Database, withSamples: Bool) throws -> StoredActivity {
        var activity = StoredActivity(
            userID: row["user_id"], summaryID: row["summary_id"], startTime: row["start_time"],
            endTime: row["end_time"],
            utcOffsetSeconds: row["utc_offset_seconds"], summaryJSON: [UInt8](row["summary"] as Data), samples: [])
        guard withSamples else { return activity }
        activity.samples = try Row.fetchAll(
            db, sql: "SELECT channel, data FROM activity_samples WHERE user_id = ? AND summary_id = ? ORDER BY channel",
            arguments: [activity.userID, activity.summaryID]
        ).map { sample in
            guard let channel = Channel(rawValue: sample["channel"]) else {
                throw StorageError.corrupt("unknown channel")
            }
            return ChannelSamples(channel: channel, bytes: [UInt8](sample["data"] as Data))
        }
        return activity
    }

    public func queueHistorical(
        developerID: String, userID: String, from: Int64, to: Int64, reference: String, large: LargeRequestEvents?
    ) async throws -> Int {
        try await pool.write { db in
            let ids = try String.fetchAll(
                db,
                sql:
                    "SELECT summary_id FROM activities WHERE user_id = ? AND start_time >= ? AND start_time < ? ORDER BY start_time, summary_id",
                arguments: [userID, from, to])
            if let large {
                try self.queue(
                    db, developerID: developerID, userID: userID, kind: .largeRequestProcessing, reference: reference,
                    body: large.processing)
                try self.queue(
                    db, developerID: developerID, userID: userID, kind: .largeRequestSending, reference: reference,
                    body: large.sending(ids.count))
            }
            for id in ids {
                try self.queue(
                    db, developerID: developerID, userID: userID, kind: .historical, summaryID: id, reference: reference
                )
            }
            return ids.count
        }
    }

    public func spendRequestedDays(userID: String, days: Int64, now: Int64, limit: Int64, window: Int64) async throws
        -> RateDecision
    {
        try await pool.write { db in
            var (started, spent) = (now, Int64(0))
            if let row = try Row.fetchOne(
                db, sql: "SELECT started_at, days FROM rate_buckets WHERE user_id = ?", arguments: [userID]),
                now < (row["started_at"] as Int64) + window
            {
                (started, spent) = (row["started_at"], row["days"])
            }
            let decision = RateDecision.decide(
                started: started, spent: spent, days: days, now: now, limit: limit, window: window)
            if decision.allowed {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO rate_buckets (user_id, started_at, days) VALUES (?, ?, ?)",
                    arguments: [userID, started, spent + days])
            }
            return decision
        }
    }

    public func recordEvent(developerID: String, type: String, body: [UInt8]) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO events (developer_id, type, body, received_at) VALUES (?, ?, ?, ?)",
                arguments: [developerID, type, Data(body), micros(now())])
        }
    }

    public func pendingMessages(developerID: String, limit: Int) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM outbox WHERE developer_id = ? AND status = 'pending' ORDER BY id LIMIT ?",
                arguments: [developerID, limit]
            ).map { row in
                OutboxMessage(
                    developerID: row["developer_id"], userID: row["user_id"],
                    kind: OutboxMessage.Kind(rawValue: row["kind"]) ?? .activity,
                    summaryID: row["summary_id"], reference: row["reference"])
            }
        }
    }
}
