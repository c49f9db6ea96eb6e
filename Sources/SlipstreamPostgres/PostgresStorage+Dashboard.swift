// The dashboard's reads and changes in PostgreSQL. A page of users is read first (users_by_creation
// walks it in order), then a lateral join counts only its users' activities, through
// activities_by_start.

import Foundation
import Logging
import NIOCore
import PostgresNIO
import SlipstreamStorage

extension PostgresStorage {
    public func userOverviews(developerID: String, referencePrefix: String?, offset: Int, limit: Int) async throws
        -> [UserOverview]
    {
        let pattern = referencePrefix.map(PrefixPattern.like)
        let rows = try await client.query(
            """
            SELECT u.id, u.developer_id, u.provider, u.reference_id, u.created_at, s.n, s.last
            FROM (SELECT \(unescaped: Self.userColumns) FROM users
                  WHERE developer_id = \(developerID) AND (\(pattern)::text IS NULL OR reference_id LIKE \(pattern) ESCAPE '\\')
                  ORDER BY created_at, id LIMIT \(limit) OFFSET \(offset)) u
            CROSS JOIN LATERAL (SELECT count(*) AS n, max(a.start_time) AS last FROM activities a WHERE a.user_id = u.id) s
            ORDER BY u.created_at, u.id
            """, logger: logger)
        var result: [UserOverview] = []
        for try await r in rows.decode((String, String, String, String?, Int64, Int64, Int64?).self) {
            result.append(
                UserOverview(
                    user: Self.user((r.0, r.1, r.2, r.3, r.4)), activityCount: Int(r.5), lastActivityStart: r.6))
        }
        return result
    }

    public func userCount(developerID: String, referencePrefix: String?) async throws -> Int {
        let pattern = referencePrefix.map(PrefixPattern.like)
        let rows = try await client.query(
            """
            SELECT count(*) FROM users
            WHERE developer_id = \(developerID) AND (\(pattern)::text IS NULL OR reference_id LIKE \(pattern) ESCAPE '\\')
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    public func recentDeliveries(developerID: String, status: String?, beforeID: Int64?, limit: Int) async throws
        -> [DeliveryRecord]
    {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.deliveryColumns) FROM outbox
            WHERE developer_id = \(developerID) AND id < \(beforeID ?? Int64.max) AND (\(status)::text IS NULL OR status = \(status))
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var result: [DeliveryRecord] = []
        for try await row in rows.decode(DeliveryRow.self) { result.append(Self.deliveryRecord(row)) }
        return result
    }

    public func delivery(id: Int64, developerID: String) async throws -> (record: DeliveryRecord, body: [UInt8]?)? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.deliveryColumns), body FROM outbox WHERE id = \(id) AND developer_id = \(developerID)
            """, logger: logger)
        for try await row in rows {
            let record = try row.decode(DeliveryRow.self)
            let body = try row.makeRandomAccess()["body"].decode(ByteBuffer?.self)
            return (Self.deliveryRecord(record), body.map { Array(buffer: $0) })
        }
        return nil
    }

    public func retryDeliveries(id: Int64?, developerID: String, now: Int64) async throws -> Int {
        let rows = try await client.query(
            """
            WITH retried AS (
                UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = \(now), locked_until = 0
                WHERE developer_id = \(developerID) AND status = 'failed' AND (\(id)::bigint IS NULL OR id = \(id))
                RETURNING 1)
            SELECT count(*) FROM retried
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    public func replaceWebhookSecret(developerID: String, secret: String) async throws -> Bool {
        let rows = try await client.query(
            """
            WITH replaced AS (
                UPDATE developers SET webhook_signing_secret = \(secret) WHERE id = \(developerID) RETURNING 1)
            SELECT count(*) FROM replaced
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return count == 1 }
        return false
    }

    public func replaceScopes(developerID: String, scopes: DataScopes) async throws -> Bool {
        let text = scopes.isEverything ? nil : scopes.text
        let rows = try await client.query(
            """
            WITH replaced AS (UPDATE developers SET scopes = \(text) WHERE id = \(developerID) RETURNING 1)
            SELECT count(*) FROM replaced
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return count == 1 }
        return false
    }

    public func queueTestEvent(developerID: String, body: [UInt8], now: Int64) async throws {
        try await client.query(
            """
            INSERT INTO outbox (developer_id, user_id, kind, body, created_at, next_attempt_at)
            SELECT id, \(OutboxMessage.developerWide), \(OutboxMessage.Kind.healthcheck.rawValue), \(ByteBuffer(bytes: body)),
                   \(now), \(now)
            FROM developers WHERE id = \(developerID)
            """, logger: logger)
    }
}
