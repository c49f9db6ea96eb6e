// The tables of both databases: one text, with the two words they spell differently filled in.

import Foundation

package enum SQLDialect { case sqlite, postgres }

package enum SQLSchema {
    /// Every migration, named (the names are what each database records as applied), in order, as
    /// `dialect` spells it.
    package static func migrations(_ dialect: SQLDialect) -> [(name: String, statements: [String])] {
        let bytes = dialect == .sqlite ? "BLOB" : "BYTEA"
        let serial = dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
        let spelled = { (statements: [String]) in
            statements.map {
                $0.replacingOccurrences(of: "BYTEA", with: bytes).replacingOccurrences(of: "SERIAL_KEY", with: serial)
            }
        }
        return [
            ("1-developers-users-activities-outbox", spelled(version1)), ("2-rate-buckets", spelled(version2)),
            ("3-delivery", spelled(version3)), ("4-dashboard", version4),
            ("5-data-scopes", version5), ("6-pending-by-id", version6),
        ]
    }

    /// The dashboard's pages: a developer's users in creation order, their outbox newest first.
    /// Each developer's data scopes (`DataScopes.text`); null is everything.
    private static let version5 = ["ALTER TABLE developers ADD COLUMN scopes TEXT"]

    /// The pending messages in id order: a claim reads the first due ones and stops, however long the
    /// backlog (without it PostgreSQL sorted every pending row per claim: 60 ms with 2,500 waiting).
    private static let version6 = ["CREATE INDEX outbox_pending_id ON outbox (id) WHERE status = 'pending'"]

    private static let version4 = [
        "CREATE INDEX users_by_creation ON users (developer_id, created_at, id)",
        "CREATE INDEX outbox_by_developer ON outbox (developer_id, id)",
    ]

    /// Terra's per-user budget of requested days (`RateLimit`): one bucket per user.
    private static let version2 = [
        "CREATE TABLE rate_buckets (user_id TEXT PRIMARY KEY, started_at BIGINT NOT NULL, days BIGINT NOT NULL)"
    ]

    /// Webhook delivery: what each attempt said, a lease for the message in flight, and the state
    /// of each developer's endpoint. A message's `webhook-id` is `msg_` and its row id.
    private static let version3 = [
        "ALTER TABLE outbox ADD COLUMN body BYTEA",
        "ALTER TABLE outbox ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE outbox ADD COLUMN last_status INTEGER",
        "ALTER TABLE outbox ADD COLUMN last_error TEXT",
        "ALTER TABLE outbox ADD COLUMN delivered_at BIGINT",
        "CREATE INDEX outbox_by_user ON outbox (developer_id, user_id, status, id)",
        "ALTER TABLE developers ADD COLUMN webhook_disabled_at BIGINT",
        "ALTER TABLE developers ADD COLUMN webhook_failing_since BIGINT",
    ]

    private static let version1 = [
        """
        CREATE TABLE developers (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, api_key_hash BYTEA NOT NULL, webhook_url TEXT,
            webhook_signing_secret TEXT NOT NULL, terra_signing_secret TEXT, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY, developer_id TEXT NOT NULL REFERENCES developers(id), provider TEXT NOT NULL,
            reference_id TEXT, created_at BIGINT NOT NULL)
        """,
        "CREATE INDEX users_by_developer ON users (developer_id, reference_id)",
        """
        CREATE TABLE activities (
            user_id TEXT NOT NULL REFERENCES users(id), summary_id TEXT NOT NULL, start_time BIGINT NOT NULL,
            end_time BIGINT NOT NULL, utc_offset_seconds INTEGER, summary BYTEA NOT NULL,
            PRIMARY KEY (user_id, summary_id))
        """,
        "CREATE INDEX activities_by_start ON activities (user_id, start_time, summary_id)",
        """
        CREATE TABLE activity_samples (
            user_id TEXT NOT NULL, summary_id TEXT NOT NULL, channel INTEGER NOT NULL, data BYTEA NOT NULL,
            PRIMARY KEY (user_id, summary_id, channel),
            FOREIGN KEY (user_id, summary_id) REFERENCES activities (user_id, summary_id))
        """,
        """
        CREATE TABLE outbox (
            id SERIAL_KEY, developer_id TEXT NOT NULL, user_id TEXT NOT NULL, kind TEXT NOT NULL,
            summary_id TEXT, reference TEXT, created_at BIGINT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL)
        """,
        "CREATE INDEX outbox_pending ON outbox (status, next_attempt_at)",
        """
        CREATE TABLE events (
            id SERIAL_KEY, developer_id TEXT NOT NULL, type TEXT NOT NULL, body BYTEA NOT NULL,
            received_at BIGINT NOT NULL)
        """,
    ]
}
