// What the service keeps, one protocol per concern: accounts, activities and their samples, the
// outbox and its deliveries, rate buckets, the database's health, what the dashboard asks besides.
// SQLite (SQLiteStorage, the embedded default) and PostgreSQL implement them all, and one test suite
// runs against both. Every method is one transaction; a write that returns has been committed durably.

/// All the stores of one database.
public typealias Storage = AccountStore & ActivityStore & OutboxStore & RateBucketStore & DatabaseHealth
    & DashboardStore

/// Developers and their users.
public protocol AccountStore: Sendable {
    func insertDeveloper(_ developer: Developer) async throws
    func developer(id: String) async throws -> Developer?
    func developers() async throws -> [Developer]
    /// False when there is no such developer.
    func updateDeveloper(id: String, apiKeyHash: [UInt8]?, webhookURL: String??) async throws -> Bool

    // Users
    /// Inserts the user and, when given, queues `announcing` (an `auth` event) in the same transaction.
    func insertUser(_ user: ServiceUser, announcing event: [UInt8]?) async throws
    /// The user when it belongs to `developerID`; nil for an unknown id and for another developer's.
    func user(id: String, developerID: String) async throws -> ServiceUser?
    func users(developerID: String, referenceID: String?) async throws -> [ServiceUser]
    /// Deletes the user, their activities and their pending messages, then queues `announcing` (a
    /// `deauth` event); false when there was no such user.
    func deleteUser(id: String, developerID: String, announcing event: [UInt8]?) async throws -> Bool
}

/// Activities with their samples, and the historical answers made of them.
public protocol ActivityStore: Sendable {

    /// Stores (or replaces, by user and summary id) the activities of one request, creating those of
    /// `newUsers` that are absent first, and queues one outbox message per activity: all or nothing.
    /// Throws ``StorageError/userOwnedElsewhere(_:)`` when one of `newUsers` is another developer's.
    func store(_ activities: [StoredActivity], newUsers: [ServiceUser], developerID: String) async throws

    /// A user's activities whose start time is in [`from`, `to`), after `cursor`, in start-time order.
    func activities(
        userID: String, from: Int64, to: Int64, after cursor: ActivityCursor?, limit: Int, withSamples: Bool
    ) async throws -> [StoredActivity]

    /// Queues the answer of a historical request: one `historical` message per activity in range,
    /// after `large` (Terra's `large_request_processing`, then `large_request_sending`, given how many
    /// follow) when given. Returns how many activities were queued.
    func queueHistorical(
        developerID: String, userID: String, from: Int64, to: Int64, reference: String, large: LargeRequestEvents?
    ) async throws -> Int

    /// One stored activity with its samples.
    func activity(userID: String, summaryID: String) async throws -> StoredActivity?

    /// A user's activities whose start time is in [`from`, `to`), newest first, without samples
    /// (the dashboard's and the connect page's lists).
    func latestActivities(userID: String, from: Int64, to: Int64, limit: Int) async throws -> [StoredActivity]
}

/// Terra's per-user budgets of requested days.
public protocol RateBucketStore: Sendable {
    /// Spends `days` of the user's budget (`limit` days a `window` seconds long, from the first
    /// request of a bucket) at `now` (unix seconds), unless that would go past the limit.
    func spendRequestedDays(userID: String, days: Int64, now: Int64, limit: Int64, window: Int64) async throws
        -> RateDecision

}

/// The outbox: what is to be sent to developers' webhooks, and how sending went.
public protocol OutboxStore: Sendable {
    /// Records a Terra event that is not an activity (`auth`, `deauth`, …), as received.
    func recordEvent(developerID: String, type: String, body: [UInt8]) async throws

    /// Messages waiting in the outbox, oldest first (for the delivery worker and for tests).
    func pendingMessages(developerID: String, limit: Int) async throws -> [OutboxMessage]
    /// Up to `limit` messages due at `now` (UTC µs), each leased until `now + lease`: for each of a
    /// developer's users only the oldest message not yet delivered (so that a user's messages go out
    /// in order), only to enabled endpoints, never one leased by another worker.
    func claimDeliveries(now: Int64, lease: Int64, limit: Int) async throws -> [Delivery]
    /// Records an attempt; a failure starts (or, after `disableAfter` µs of failures without a
    /// success, ends with disabling) the endpoint's failing period.
    func completeDelivery(_ delivery: Delivery, outcome: DeliveryOutcome, now: Int64, disableAfter: Int64) async throws
    func deliveries(status: String?, developerID: String?, limit: Int) async throws -> [DeliveryRecord]
    /// Makes failed messages (one by id, or every failed one) pending again, due at `now`.
    func retryDeliveries(id: Int64?, now: Int64) async throws -> Int
    /// Enables a developer's endpoint again after a 410 or a day of failures.
    func enableWebhook(developerID: String) async throws -> Bool
    /// Messages not yet delivered nor failed.
    func pendingCount() async throws -> Int
}

/// The database as a whole.
public protocol DatabaseHealth: Sendable {
    /// One round trip to the database: throws when it cannot answer now.
    func ping() async throws
    /// What a failure of this database's driver means for a caller, when it is an outage
    /// (``StorageError/unavailable(_:)``) or a full disk (``StorageError/full(_:)``); nil otherwise.
    func storageError(for error: any Error) -> StorageError?
    /// Runs the database's own consistency check; nil when it passes, else what it reported.
    func integrityProblem() async throws -> String?
}
