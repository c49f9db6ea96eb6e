// Activities, samples, rate buckets and events in PostgreSQL: what ingest, the historical API and
// Terra's pushes write and read.

import Foundation
import Logging
import NIOCore
import PostgresNIO
import SlipstreamCore
import SlipstreamStorage

extension PostgresStorage {
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
                guard
                    try await Self.exists(
                        db, "SELECT 1 FROM users WHERE id = \(newUser.id) AND developer_id = \(developerID)", logger)
                else { throw StorageError.userOwnedElsewhere(newUser.id) }
            }
            for a in activities {
                try await db.query(
                    "DELETE FROM activity_samples WHERE user_id = \(a.userID) AND summary_id = \(a.summaryID)",
                    logger: logger)
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
                try await self.queue(
                    db, logger, developerID: developerID, userID: a.userID, kind: .activity, summaryID: a.summaryID)
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
                SELECT \(unescaped: Self.activityColumns) FROM activities
                WHERE user_id = \(userID) AND start_time >= \(from) AND start_time < \(to)
                AND (start_time > \(afterTime) OR (start_time = \(afterTime) AND summary_id > \(afterID)))
                ORDER BY start_time, summary_id COLLATE "C" LIMIT \(limit)
                """, logger: logger)
            var result = try await Self.storedActivities(rows)
            guard withSamples else { return result }
            for index in result.indices {
                result[index].samples = try await Self.samples(
                    db, userID: userID, summaryID: result[index].summaryID, logger)
            }
            return result
        }
    }

    public func latestActivities(userID: String, from: Int64, to: Int64, limit: Int) async throws
        -> [StoredActivity]
    {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.activityColumns) FROM activities
            WHERE user_id = \(userID) AND start_time >= \(from) AND start_time < \(to)
            ORDER BY start_time DESC, summary_id COLLATE "C" DESC LIMIT \(limit)
            """, logger: logger)
        return try await Self.storedActivities(rows)
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
                    db, logger, developerID: developerID, userID: userID, kind: .largeRequestProcessing,
                    reference: reference, body: large.processing)
                try await self.queue(
                    db, logger, developerID: developerID, userID: userID, kind: .largeRequestSending,
                    reference: reference,
                    body: large.sending(ids.count))
            }
            for id in ids {
                try await self.queue(
                    db, logger, developerID: developerID, userID: userID, kind: .historical, summaryID: id,
                    reference: reference)
            }
            return ids.count
        }
    }

    public func spendRequestedDays(userID: String, days: Int64, now: Int64, limit: Int64, window: Int64) async throws
        -> RateDecision
    {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { db in
            // The row is locked until commit, so that two servers spend one budget in turn.
            try await db.query(
                "INSERT INTO rate_buckets (user_id, started_at, days) VALUES (\(userID), \(now), 0) ON CONFLICT (user_id) DO NOTHING",
                logger: logger)
            var (started, spent) = (now, Int64(0))
            let rows = try await db.query(
                "SELECT started_at, days FROM rate_buckets WHERE user_id = \(userID) FOR UPDATE", logger: logger)
            for try await (rowStarted, rowDays) in rows.decode((Int64, Int64).self) where now < rowStarted + window {
                (started, spent) = (rowStarted, rowDays)
            }
            let decision = RateDecision.decide(
                started: started, spent: spent, days: days, now: now, limit: limit, window: window)
            if decision.allowed {
                try await db.query(
                    "UPDATE rate_buckets SET started_at = \(started), days = \(spent + days) WHERE user_id = \(userID)",
                    logger: logger)
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
                OutboxMessage(
                    developerID: r.0, userID: r.1, kind: OutboxMessage.Kind(rawValue: r.2) ?? .activity, summaryID: r.3,
                    reference: r.4))
        }
        return result
    }

    static let activityColumns = "user_id, summary_id, start_time, end_time, utc_offset_seconds, summary"

    /// Rows of ``activityColumns`` as stored activities, without their samples.
    static func storedActivities(_ rows: PostgresRowSequence) async throws -> [StoredActivity] {
        var result: [StoredActivity] = []
        for try await r in rows.decode((String, String, Int64, Int64, Int32?, ByteBuffer).self) {
            result.append(
                StoredActivity(
                    userID: r.0, summaryID: r.1, startTime: r.2, endTime: r.3, utcOffsetSeconds: r.4.map(Int.init),
                    summaryJSON: Array(buffer: r.5), samples: []))
        }
        return result
    }

    /// One activity's `activity_samples` rows.
    static func samples(_ db: PostgresConnection, userID: String, summaryID: String, _ logger: Logger) async throws
        -> [ChannelSamples]
    {
        let rows = try await db.query(
            "SELECT channel, data FROM activity_samples WHERE user_id = \(userID) AND summary_id = \(summaryID) ORDER BY channel",
            logger: logger)
        var result: [ChannelSamples] = []
        for try await (channel, data) in rows.decode((Int32, ByteBuffer).self) {
            guard let channel = Channel(rawValue: Int(channel)) else { throw StorageError.corrupt("unknown channel") }
            result.append(ChannelSamples(channel: channel, bytes: Array(buffer: data)))
        }
        return result
    }
}
