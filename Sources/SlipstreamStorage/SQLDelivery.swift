// The delivery statements both databases run (parameters written `$`, which SQLite reads as `?`).

package enum SQLDelivery {
    /// Due messages: for each developer's user, the oldest one neither delivered nor failed, if it is
    /// due and not leased, to an endpoint that is set and enabled (the developer's own messages, of
    /// ``OutboxMessage/developerWide``, are a queue of their own). Parameters: now, now, limit.
    package static let due = """
        SELECT o.id, o.developer_id, o.user_id, o.kind, o.summary_id, o.reference, o.body, o.attempts, o.created_at,
               d.name AS d_name, d.api_key_hash AS d_key, d.webhook_url AS d_url, d.webhook_signing_secret AS d_secret,
               d.terra_signing_secret AS d_terra, d.created_at AS d_created, d.webhook_disabled_at AS d_disabled,
               d.scopes AS d_scopes
        FROM outbox o JOIN developers d ON d.id = o.developer_id
        WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND o.locked_until <= ?
          AND d.webhook_url IS NOT NULL AND d.webhook_disabled_at IS NULL
          AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.developer_id = o.developer_id AND p.user_id = o.user_id AND p.status = 'pending')
        ORDER BY o.id LIMIT ?
        """

    /// A statement's text and its parameters (text, integer or null).
    package enum Value: Sendable {
        case text(String?), integer(Int64?)
    }

    /// What an outcome writes: the message's row, then the endpoint's failing period.
    package static func complete(_ d: Delivery, outcome: DeliveryOutcome, now: Int64, disableAfter: Int64) -> [(
        String, [Value]
    )] {
        let id = Value.integer(d.id)
        // The claim's lease as the token: an attempt that outlived its lease records nothing.
        let lease = Value.integer(d.leasedUntil)
        let developer = Value.text(d.developer.id)
        // Written only when they change, so that a developer's attempts in flight do not all take
        // the lock of that developer's row.
        let succeeded =
            "UPDATE developers SET webhook_failing_since = NULL WHERE id = $ AND webhook_failing_since IS NOT NULL"
        let failing =
            "UPDATE developers SET webhook_failing_since = $ WHERE id = $ AND webhook_failing_since IS NULL"
        let disableIfLong = """
            UPDATE developers SET webhook_disabled_at = $
            WHERE id = $ AND webhook_failing_since IS NOT NULL AND webhook_failing_since <= $ AND webhook_disabled_at IS NULL
            """
        func failed(_ row: String, _ values: [Value]) -> [(String, [Value])] {
            [
                (row, values), (failing, [.integer(now), developer]),
                (disableIfLong, [.integer(now), developer, .integer(now - disableAfter)]),
            ]
        }
        switch outcome {
        case .delivered(let status):
            return [
                (
                    "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, last_status = $, last_error = NULL, delivered_at = $, locked_until = 0 WHERE id = $ AND locked_until = $",
                    [.integer(Int64(status)), .integer(now), id, lease]
                ),
                (succeeded, [developer]),
            ]
        case .retry(let at, let status, let error):
            return failed(
                "UPDATE outbox SET attempts = attempts + 1, last_status = $, last_error = $, next_attempt_at = $, locked_until = 0 WHERE id = $ AND locked_until = $",
                [.integer(status.map(Int64.init)), .text(error), .integer(at), id, lease])
        case .failed(let status, let error):
            return failed(
                "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_status = $, last_error = $, locked_until = 0 WHERE id = $ AND locked_until = $",
                [.integer(status.map(Int64.init)), .text(error), id, lease])
        case .skipped:
            return [
                (
                    "UPDATE outbox SET status = 'skipped', last_error = 'not in the developer''s scopes', locked_until = 0 WHERE id = $ AND locked_until = $",
                    [id, lease]
                )
            ]
        case .endpointGone:
            return [
                (
                    "UPDATE outbox SET attempts = attempts + 1, last_status = 410, last_error = 'endpoint gone (410): disabled', locked_until = 0 WHERE id = $ AND locked_until = $",
                    [id, lease]
                ),
                ("UPDATE developers SET webhook_disabled_at = $ WHERE id = $", [.integer(now), developer]),
            ]
        }
    }
}
