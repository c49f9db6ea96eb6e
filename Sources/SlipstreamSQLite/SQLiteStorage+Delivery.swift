// The outbox in SQLite: claiming due messages (one write transaction, so one worker at a time),
// recording attempts, listing and retrying.

import Foundation
import GRDB
import SlipstreamStorage

extension SQLiteStorage {
    public func claimDeliveries(now: Int64, lease: Int64, limit: Int) async throws -> [Delivery] {
        try await pool.write { db in
            let rows = try Row.fetchAll(db, sql: SQLDelivery.due, arguments: [now, now, limit])
            var deliveries = rows.map(Self.delivery)
            for index in deliveries.indices { deliveries[index].leasedUntil = now + lease }
            for delivery in deliveries {
                try db.execute(
                    sql: "UPDATE outbox SET locked_until = ? WHERE id = ?", arguments: [now + lease, delivery.id])
            }
            return deliveries
        }
    }

    private static func delivery(_ row: Row) -> Delivery {
        var developer = Developer(
            id: row["developer_id"], name: row["d_name"], apiKeyHash: [UInt8](row["d_key"] as Data),
            webhookURL: row["d_url"],
            webhookSigningSecret: row["d_secret"], terraSigningSecret: row["d_terra"], createdAt: date(row["d_created"])
        )
        developer.webhookDisabledAt = row["d_disabled"]
        developer.scopes = DataScopes(text: row["d_scopes"])
        return Delivery(
            id: row["id"], developer: developer, userID: row["user_id"],
            kind: OutboxMessage.Kind(rawValue: row["kind"]) ?? .activity, summaryID: row["summary_id"],
            reference: row["reference"],
            body: (row["body"] as Data?).map { [UInt8]($0) }, attempts: row["attempts"], createdAt: row["created_at"])
    }

    public func completeDelivery(_ delivery: Delivery, outcome: DeliveryOutcome, now: Int64, disableAfter: Int64)
        async throws
    {
        try await pool.write { db in
            for (sql, arguments) in SQLDelivery.complete(
                delivery, outcome: outcome, now: now, disableAfter: disableAfter)
            {
                let values: [(any DatabaseValueConvertible)?] = arguments.map {
                    switch $0 {
                    case .text(let text): text
                    case .integer(let integer): integer
                    }
                }
                try db.execute(sql: sql.replacingOccurrences(of: "$", with: "?"), arguments: StatementArguments(values))
            }
        }
    }

    public func activity(userID: String, summaryID: String) async throws -> StoredActivity? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM activities WHERE user_id = ? AND summary_id = ?",
                arguments: [userID, summaryID]
            )
            .map { try Self.storedActivity($0, db, withSamples: true) }
        }
    }

    public func deliveries(status: String?, developerID: String?, limit: Int) async throws -> [DeliveryRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE (? IS NULL OR status = ?) AND (? IS NULL OR developer_id = ?) ORDER BY id LIMIT ?
                    """,
                arguments: [status, status, developerID, developerID, limit]
            ).map(Self.deliveryRecord)
        }
    }

    /// An `outbox` row as listed.
    static func deliveryRecord(_ row: Row) -> DeliveryRecord {
        DeliveryRecord(
            id: row["id"], developerID: row["developer_id"], userID: row["user_id"], kind: row["kind"],
            summaryID: row["summary_id"],
            reference: row["reference"], status: row["status"], attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"],
            lastStatus: row["last_status"], lastError: row["last_error"], createdAt: row["created_at"],
            deliveredAt: row["delivered_at"])
    }

    public func retryDeliveries(id: Int64?, now: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql:
                    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, locked_until = 0 WHERE status = 'failed' AND (? IS NULL OR id = ?)",
                arguments: [now, id, id])
            return db.changesCount
        }
    }

    public func enableWebhook(developerID: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE developers SET webhook_disabled_at = NULL, webhook_failing_since = NULL WHERE id = ?",
                arguments: [developerID])
            return db.changesCount == 1
        }
    }

    public func pendingCount() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE status = 'pending'") ?? 0
        }
    }
}
