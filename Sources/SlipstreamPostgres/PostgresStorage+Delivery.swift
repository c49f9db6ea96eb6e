// The outbox in PostgreSQL: several servers claim due messages at once, each row leased by one of
// them (`FOR UPDATE SKIP LOCKED` while claiming, then `locked_until`), so that no message is sent by
// two at the same time.

import Foundation
import Logging
import NIOCore
import PostgresNIO
import SlipstreamStorage

extension PostgresStorage {
    public func claimDeliveries(now: Int64, lease: Int64, limit: Int) async throws -> [Delivery] {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { db in
            // A lease lost in a crash leaves the message due again: no waiting for the WAL's flush.
            try await db.query("SET LOCAL synchronous_commit TO off", logger: logger)
            // Postgres numbers its parameters; the shared text writes `?`.
            var query = PostgresQuery(unsafeSQL: Self.numbered(SQLDelivery.due + " FOR UPDATE OF o SKIP LOCKED"))
            query.binds.append(now, context: .default)
            query.binds.append(now, context: .default)
            query.binds.append(limit, context: .default)
            var deliveries: [Delivery] = []
            let rows = try await db.query(query, logger: logger)
            for try await row in rows {
                let r = try row.decode(
                    (
                        Int64, String, String, String, String?, String?, ByteBuffer?, Int32, Int64, String, ByteBuffer,
                        String?, String, String?, Int64, Int64?, String?
                    ).self)
                let developer = Self.developer((r.1, r.9, r.10, r.11, r.12, r.13, r.14, r.15, r.16))
                deliveries.append(
                    Delivery(
                        id: r.0, developer: developer, userID: r.2,
                        kind: OutboxMessage.Kind(rawValue: r.3) ?? .activity, summaryID: r.4,
                        reference: r.5, body: r.6.map { Array(buffer: $0) }, attempts: Int(r.7), createdAt: r.8))
            }
            for index in deliveries.indices { deliveries[index].leasedUntil = now + lease }
            for delivery in deliveries {
                try await db.query(
                    "UPDATE outbox SET locked_until = \(now + lease) WHERE id = \(delivery.id)", logger: logger)
            }
            return deliveries
        }
    }

    /// `?` parameters as `$1`, `$2`, …
    static func numbered(_ sql: String) -> String {
        var result = ""
        var n = 0
        for character in sql {
            if character == "?" || character == "$" {
                n += 1
                result += "$\(n)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    public func completeDelivery(_ delivery: Delivery, outcome: DeliveryOutcome, now: Int64, disableAfter: Int64)
        async throws
    {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { db in
            // An outcome lost in a crash only means the message goes again when its lease ends,
            // which at-least-once delivery allows: no waiting for the WAL's flush.
            try await db.query("SET LOCAL synchronous_commit TO off", logger: logger)
            for (sql, values) in SQLDelivery.complete(delivery, outcome: outcome, now: now, disableAfter: disableAfter)
            {
                var query = PostgresQuery(unsafeSQL: Self.numbered(sql))
                for value in values {
                    switch value {
                    case .text(let text): query.binds.append(text, context: .default)
                    case .integer(let integer): query.binds.append(integer, context: .default)
                    }
                }
                try await db.query(query, logger: logger)
            }
        }
    }

    public func activity(userID: String, summaryID: String) async throws -> StoredActivity? {
        let logger = self.logger
        return try await client.withConnection { db in
            let rows = try await db.query(
                "SELECT \(unescaped: Self.activityColumns) FROM activities WHERE user_id = \(userID) AND summary_id = \(summaryID)",
                logger: logger)
            guard var activity = try await Self.storedActivities(rows).first else { return nil }
            activity.samples = try await Self.samples(db, userID: userID, summaryID: summaryID, logger)
            return activity
        }
    }

    public func deliveries(status: String?, developerID: String?, limit: Int) async throws -> [DeliveryRecord] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.deliveryColumns)
            FROM outbox WHERE (\(status)::text IS NULL OR status = \(status)) AND (\(developerID)::text IS NULL OR developer_id = \(developerID))
            ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var result: [DeliveryRecord] = []
        for try await row in rows.decode(DeliveryRow.self) { result.append(Self.deliveryRecord(row)) }
        return result
    }

    typealias DeliveryRow = (
        Int64, String, String, String, String?, String?, String, Int32, Int64, Int32?, String?, Int64, Int64?
    )
    static let deliveryColumns = """
        id, developer_id, user_id, kind, summary_id, reference, status, attempts, next_attempt_at, last_status, last_error,
        created_at, delivered_at
        """

    /// Columns ``deliveryColumns`` of an `outbox` row as listed.
    static func deliveryRecord(_ r: DeliveryRow) -> DeliveryRecord {
        DeliveryRecord(
            id: r.0, developerID: r.1, userID: r.2, kind: r.3, summaryID: r.4, reference: r.5, status: r.6,
            attempts: Int(r.7), nextAttemptAt: r.8, lastStatus: r.9.map(Int.init), lastError: r.10, createdAt: r.11,
            deliveredAt: r.12)
    }

    public func retryDeliveries(id: Int64?, now: Int64) async throws -> Int {
        let rows = try await client.query(
            """
            WITH retried AS (
                UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = \(now), locked_until = 0
                WHERE status = 'failed' AND (\(id)::bigint IS NULL OR id = \(id)) RETURNING 1)
            SELECT count(*) FROM retried
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    public func enableWebhook(developerID: String) async throws -> Bool {
        let rows = try await client.query(
            """
            WITH enabled AS (
                UPDATE developers SET webhook_disabled_at = NULL, webhook_failing_since = NULL WHERE id = \(developerID) RETURNING 1)
            SELECT count(*) FROM enabled
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return count == 1 }
        return false
    }

    public func pendingCount() async throws -> Int {
        let rows = try await client.query("SELECT count(*) FROM outbox WHERE status = 'pending'", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
