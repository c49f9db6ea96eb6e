// A storage that times each call into `slipstream_database_duration_seconds{operation}`, says its
// driver's outages and full disks as StorageError (answered 503 and 507), and remembers whether the
// database answered last (for /healthz, which asks nothing of it).

import Dispatch
import SlipstreamCore
import SlipstreamStorage

struct MeasuredStorage: Storage {
    let inner: any Storage
    let metrics: ServiceMetrics
    /// How long a call may wait for the database (a connection, a lock) before it is an outage.
    let timeout: Duration
    /// Whether the last call reached the database.
    let reachable = Locked(true)

    private func timed<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> T) async throws
        -> T
    {
        let clock = ContinuousClock()
        let start = clock.now
        defer { metrics.database(operation, duration: clock.now - start) }
        do {
            let result = try await withTimeout(body)
            reachable.withLock { $0 = true }
            return result
        } catch {
            guard let failure = error as? StorageError ?? inner.storageError(for: error) else { throw error }
            switch failure {
            case .unavailable, .noAnswer: reachable.withLock { $0 = false }
            default: break
            }
            throw failure
        }
    }

    /// A database that does not answer in `timeout` (PostgreSQL down: the pool waits for a
    /// connection that never comes) is unavailable. The answer comes at the timeout whether or not
    /// the call heeds its cancellation (a connection attempt may not, for its own 10 s).
    private func withTimeout<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = self.timeout
        let answered = Locked(false)
        /// True for the first of the call and the timer to finish: it answers.
        let first: @Sendable () -> Bool = {
            answered.withLock { was in
                defer { was = true }
                return !was
            }
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let timer = Locked<DispatchWorkItem?>(nil)
            let call = Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                timer.withLock { $0?.cancel() }
                if first() { continuation.resume(with: result) }
            }
            // A dispatch timer, not a sleeping task: one cheap timer a call, cancelled when it answers.
            let expiry = DispatchWorkItem {
                guard first() else { return }
                call.cancel()
                continuation.resume(throwing: StorageError.noAnswer(seconds: timeout.components.seconds))
            }
            timer.withLock { $0 = expiry }
            let (seconds, attoseconds) = timeout.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: expiry)
        }
    }
    func insertDeveloper(_ developer: Developer) async throws {
        try await timed("insert_developer") { try await inner.insertDeveloper(developer) }
    }
    func developer(id: String) async throws -> Developer? {
        try await timed("developer") { try await inner.developer(id: id) }
    }
    func developers() async throws -> [Developer] { try await timed("developers") { try await inner.developers() } }
    func updateDeveloper(id: String, apiKeyHash: [UInt8]?, webhookURL: String??) async throws -> Bool {
        try await timed("update_developer") {
            try await inner.updateDeveloper(id: id, apiKeyHash: apiKeyHash, webhookURL: webhookURL)
        }
    }
    func insertUser(_ user: ServiceUser, announcing event: [UInt8]?) async throws {
        try await timed("insert_user") { try await inner.insertUser(user, announcing: event) }
    }
    func user(id: String, developerID: String) async throws -> ServiceUser? {
        try await timed("user") { try await inner.user(id: id, developerID: developerID) }
    }
    func users(developerID: String, referenceID: String?) async throws -> [ServiceUser] {
        try await timed("users") { try await inner.users(developerID: developerID, referenceID: referenceID) }
    }
    func deleteUser(id: String, developerID: String, announcing event: [UInt8]?) async throws -> Bool {
        try await timed("delete_user") {
            try await inner.deleteUser(id: id, developerID: developerID, announcing: event)
        }
    }
    func store(_ activities: [StoredActivity], newUsers: [ServiceUser], developerID: String) async throws {
        try await timed("store") { try await inner.store(activities, newUsers: newUsers, developerID: developerID) }
    }
    func activities(
        userID: String, from: Int64, to: Int64, after cursor: ActivityCursor?, limit: Int, withSamples: Bool
    ) async throws -> [StoredActivity] {
        try await timed("activities") {
            try await inner.activities(
                userID: userID, from: from, to: to, after: cursor, limit: limit, withSamples: withSamples)
        }
    }
    func queueHistorical(
        developerID: String, userID: String, from: Int64, to: Int64, reference: String, large: LargeRequestEvents?
    ) async throws -> Int {
        try await timed("queue_historical") {
            try await inner.queueHistorical(
                developerID: developerID, userID: userID, from: from, to: to, reference: reference, large: large)
        }
    }
    func spendRequestedDays(userID: String, days: Int64, now: Int64, limit: Int64, window: Int64) async throws
        -> RateDecision
    {
        try await timed("spend_requested_days") {
            try await inner.spendRequestedDays(userID: userID, days: days, now: now, limit: limit, window: window)
        }
    }
    func recordEvent(developerID: String, type: String, body: [UInt8]) async throws {
        try await timed("record_event") {
            try await inner.recordEvent(developerID: developerID, type: type, body: body)
        }
    }
    func pendingMessages(developerID: String, limit: Int) async throws -> [OutboxMessage] {
        try await timed("pending_messages") { try await inner.pendingMessages(developerID: developerID, limit: limit) }
    }
    func claimDeliveries(now: Int64, lease: Int64, limit: Int) async throws -> [Delivery] {
        try await timed("claim_deliveries") { try await inner.claimDeliveries(now: now, lease: lease, limit: limit) }
    }
    func completeDelivery(_ delivery: Delivery, outcome: DeliveryOutcome, now: Int64, disableAfter: Int64) async throws
    {
        try await timed("complete_delivery") {
            try await inner.completeDelivery(delivery, outcome: outcome, now: now, disableAfter: disableAfter)
        }
    }
    func activity(userID: String, summaryID: String) async throws -> StoredActivity? {
        try await timed("activity") { try await inner.activity(userID: userID, summaryID: summaryID) }
    }
    func deliveries(status: String?, developerID: String?, limit: Int) async throws -> [DeliveryRecord] {
        try await timed("deliveries") {
            try await inner.deliveries(status: status, developerID: developerID, limit: limit)
        }
    }
    func retryDeliveries(id: Int64?, now: Int64) async throws -> Int {
        try await timed("retry_deliveries") { try await inner.retryDeliveries(id: id, now: now) }
    }
    func enableWebhook(developerID: String) async throws -> Bool {
        try await timed("enable_webhook") { try await inner.enableWebhook(developerID: developerID) }
    }
    func pendingCount() async throws -> Int { try await timed("pending_count") { try await inner.pendingCount() } }
    func userOverviews(developerID: String, referencePrefix: String?, offset: Int, limit: Int) async throws
        -> [UserOverview]
    {
        try await timed("user_overviews") {
            try await inner.userOverviews(
                developerID: developerID, referencePrefix: referencePrefix, offset: offset, limit: limit)
        }
    }
    func userCount(developerID: String, referencePrefix: String?) async throws -> Int {
        try await timed("user_count") {
            try await inner.userCount(developerID: developerID, referencePrefix: referencePrefix)
        }
    }
    func recentDeliveries(developerID: String, status: String?, beforeID: Int64?, limit: Int) async throws
        -> [DeliveryRecord]
    {
        try await timed("recent_deliveries") {
            try await inner.recentDeliveries(developerID: developerID, status: status, beforeID: beforeID, limit: limit)
        }
    }
    func delivery(id: Int64, developerID: String) async throws -> (record: DeliveryRecord, body: [UInt8]?)? {
        try await timed("delivery") { try await inner.delivery(id: id, developerID: developerID) }
    }
    func retryDeliveries(id: Int64?, developerID: String, now: Int64) async throws -> Int {
        try await timed("retry_developer_deliveries") {
            try await inner.retryDeliveries(id: id, developerID: developerID, now: now)
        }
    }
    func replaceWebhookSecret(developerID: String, secret: String) async throws -> Bool {
        try await timed("replace_webhook_secret") {
            try await inner.replaceWebhookSecret(developerID: developerID, secret: secret)
        }
    }
    func latestActivities(userID: String, from: Int64, to: Int64, limit: Int) async throws -> [StoredActivity] {
        try await timed("latest_activities") {
            try await inner.latestActivities(userID: userID, from: from, to: to, limit: limit)
        }
    }
    func replaceScopes(developerID: String, scopes: DataScopes) async throws -> Bool {
        try await timed("replace_scopes") { try await inner.replaceScopes(developerID: developerID, scopes: scopes) }
    }
    func queueTestEvent(developerID: String, body: [UInt8], now: Int64) async throws {
        try await timed("queue_test_event") {
            try await inner.queueTestEvent(developerID: developerID, body: body, now: now)
        }
    }
    func integrityProblem() async throws -> String? {
        try await timed("integrity") { try await inner.integrityProblem() }
    }
    func ping() async throws { try await timed("ping") { try await inner.ping() } }
    func storageError(for error: any Error) -> StorageError? {
        error as? StorageError ?? inner.storageError(for: error)
    }
}
