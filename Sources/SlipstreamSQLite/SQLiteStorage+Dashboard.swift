// The dashboard's reads and changes in SQLite. A page of users is read first (users_by_creation
// walks it in order), then only its users' activities are counted, through activities_by_start.

import Foundation
import GRDB
import SlipstreamStorage

extension SQLiteStorage {
    public func userOverviews(developerID: String, referencePrefix: String?, offset: Int, limit: Int) async throws
        -> [UserOverview]
    {
        try await pool.read { db in
            let (filter, arguments) = Self.users(of: developerID, referencePrefix)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT u.*,
                           (SELECT count(*) FROM activities a WHERE a.user_id = u.id) AS activity_count,
                           (SELECT max(a.start_time) FROM activities a WHERE a.user_id = u.id) AS last_start
                    FROM (SELECT * FROM users WHERE \(filter) ORDER BY created_at, id LIMIT ? OFFSET ?) u
                    ORDER BY u.created_at, u.id
                    """,
                arguments: arguments + [limit, offset]
            ).map { row in
                UserOverview(
                    user: Self.user(row), activityCount: row["activity_count"], lastActivityStart: row["last_start"])
            }
        }
    }

    public func userCount(developerID: String, referencePrefix: String?) async throws -> Int {
        try await pool.read { db in
            let (filter, arguments) = Self.users(of: developerID, referencePrefix)
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE \(filter)", arguments: arguments) ?? 0
        }
    }

    /// The condition on `users` for a developer's users whose reference id starts with `prefix`.
    private static func users(of developerID: String, _ prefix: String?) -> (String, StatementArguments) {
        guard let prefix else { return ("developer_id = ?", [developerID]) }
        return ("developer_id = ? AND reference_id GLOB ?", [developerID, PrefixPattern.glob(prefix)])
    }

    public func recentDeliveries(developerID: String, status: String?, beforeID: Int64?, limit: Int) async throws
        -> [DeliveryRecord]
    {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE developer_id = ? AND id < ? AND (? IS NULL OR status = ?)
                    ORDER BY id DESC LIMIT ?
                    """,
                arguments: [developerID, beforeID ?? Int64.max, status, status, limit]
            ).map(Self.deliveryRecord)
        }
    }

    public func delivery(id: Int64, developerID: String) async throws -> (record: DeliveryRecord, body: [UInt8]?)? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM outbox WHERE id = ? AND developer_id = ?", arguments: [id, developerID]
            ).map { row in (Self.deliveryRecord(row), (row["body"] as Data?).map { [UInt8]($0) }) }
        }
    }

    public func retryDeliveries(id: Int64?, developerID: String, now: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, locked_until = 0
                    WHERE developer_id = ? AND status = 'failed' AND (? IS NULL OR id = ?)
                    """,
                arguments: [now, developerID, id, id])
            return db.changesCount
        }
    }

    public func replaceWebhookSecret(developerID: String, secret: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE developers SET webhook_signing_secret = ? WHERE id = ?", arguments: [secret, developerID])
            return db.changesCount == 1
        }
    }

    public func replaceScopes(developerID: String, scopes: DataScopes) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE developers SET scopes = ? WHERE id = ?",
                arguments: [scopes.isEverything ? nil : scopes.text, developerID])
            return db.changesCount == 1
        }
    }

    public func queueTestEvent(developerID: String, body: [UInt8], now: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox (developer_id, user_id, kind, body, created_at, next_attempt_at)
                    SELECT id, ?, ?, ?, ?, ? FROM developers WHERE id = ?
                    """,
                arguments: [
                    OutboxMessage.developerWide, OutboxMessage.Kind.healthcheck.rawValue, Data(body), now, now,
                    developerID,
                ])
        }
    }
}
