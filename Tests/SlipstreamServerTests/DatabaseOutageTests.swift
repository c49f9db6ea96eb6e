// A database that cannot answer is the database's fault, not the client's nor a server bug: 503
// with Retry-After (507 for a full disk), nothing stored, /healthz and /readyz say so, and the
// server answers again as soon as the database does.

import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SlipstreamCore
import SlipstreamSQLite
import SlipstreamServer
import SlipstreamStorage
import Testing

/// A real storage whose database can be taken away: while `down`, every call fails as a lost
/// connection does, and `storageError(for:)` says what the driver's own mapping would.
final class OutageStorage: Storage {
    struct Outage: Error {}
    let inner: any Storage
    let failure = Locked<StorageError?>(nil)
    init(_ inner: any Storage) { self.inner = inner }

    private func call<T>(_ body: () async throws -> T) async throws -> T {
        if failure.withLock({ $0 }) != nil { throw Outage() }
        return try await body()
    }
    func storageError(for error: any Error) -> StorageError? {
        error is Outage ? failure.withLock { $0 } : inner.storageError(for: error)
    }
    func ping() async throws { try await call { try await inner.ping() } }
    func integrityProblem() async throws -> String? { try await call { try await inner.integrityProblem() } }
    func insertDeveloper(_ d: Developer) async throws { try await call { try await inner.insertDeveloper(d) } }
    func developer(id: String) async throws -> Developer? { try await call { try await inner.developer(id: id) } }
    func developers() async throws -> [Developer] { try await call { try await inner.developers() } }
    func updateDeveloper(id: String, apiKeyHash: [UInt8]?, webhookURL: String??) async throws -> Bool {
        try await call { try await inner.updateDeveloper(id: id, apiKeyHash: apiKeyHash, webhookURL: webhookURL) }
    }
    func insertUser(_ user: ServiceUser, announcing event: [UInt8]?) async throws {
        try await call { try await inner.insertUser(user, announcing: event) }
    }
    func user(id: String, developerID: String) async throws -> ServiceUser? {
        try await call { try await inner.user(id: id, developerID: developerID) }
    }
    func users(developerID: String, referenceID: String?) async throws -> [ServiceUser] {
        try await call { try await inner.users(developerID: developerID, referenceID: referenceID) }
    }
    func deleteUser(id: String, developerID: String, announcing event: [UInt8]?) async throws -> Bool {
        try await call { try await inner.deleteUser(id: id, developerID: developerID, announcing: event) }
    }
    func store(_ activities: [StoredActivity], newUsers: [ServiceUser], developerID: String) async throws {
        try await call { try await inner.store(activities, newUsers: newUsers, developerID: developerID) }
    }
    func activities(
        userID: String, from: Int64, to: Int64, after cursor: ActivityCursor?, limit: Int, withSamples: Bool
    ) async throws -> [StoredActivity] {
        try await call {
            try await inner.activities(
                userID: userID, from: from, to: to, after: cursor, limit: limit, withSamples: withSamples)
        }
    }
    func queueHistorical(
        developerID: String, userID: String, from: Int64, to: Int64, reference: String, large: LargeRequestEvents?
    ) async throws -> Int {
        try await call {
            try await inner.queueHistorical(
                developerID: developerID, userID: userID, from: from, to: to, reference: reference, large: large)
        }
    }
    func activity(userID: String, summaryID: String) async throws -> StoredActivity? {
        try await call { try await inner.activity(userID: userID, summaryID: summaryID) }
    }
    func spendRequestedDays(userID: String, days: Int64, now: Int64, limit: Int64, window: Int64) async throws
        -> RateDecision
    {
        try await call {
            try await inner.spendRequestedDays(userID: userID, days: days, now: now, limit: limit, window: window)
        }
    }
    func recordEvent(developerID: String, type: String, body: [UInt8]) async throws {
        try await call { try await inner.recordEvent(developerID: developerID, type: type, body: body) }
    }
    func pendingMessages(developerID: String, limit: Int) async throws -> [OutboxMessage] {
        try await call { try await inner.pendingMessages(developerID: developerID, limit: limit) }
    }
    func claimDeliveries(now: Int64, lease: Int64, limit: Int) async throws -> [Delivery] {
        try await call { try await inner.claimDeliveries(now: now, lease: lease, limit: limit) }
    }
    func completeDelivery(_ delivery: Delivery, outcome: DeliveryOutcome, now: Int64, disableAfter: Int64) async throws
    {
        try await call {
            try await inner.completeDelivery(delivery, outcome: outcome, now: now, disableAfter: disableAfter)
        }
    }
    func deliveries(status: String?, developerID: String?, limit: Int) async throws -> [DeliveryRecord] {
        try await call { try await inner.deliveries(status: status, developerID: developerID, limit: limit) }
    }
    func retryDeliveries(id: Int64?, now: Int64) async throws -> Int {
        try await call { try await inner.retryDeliveries(id: id, now: now) }
    }
    func enableWebhook(developerID: String) async throws -> Bool {
        try await call { try await inner.enableWebhook(developerID: developerID) }
    }
    func pendingCount() async throws -> Int { try await call { try await inner.pendingCount() } }
    func userOverviews(developerID: String, referencePrefix: String?, offset: Int, limit: Int) async throws
        -> [UserOverview]
    {
        try await call {
            try await inner.userOverviews(
                developerID: developerID, referencePrefix: referencePrefix, offset: offset, limit: limit)
        }
    }
    func userCount(developerID: String, referencePrefix: String?) async throws -> Int {
        try await call { try await inner.userCount(developerID: developerID, referencePrefix: referencePrefix) }
    }
    func recentDeliveries(developerID: String, status: String?, beforeID: Int64?, limit: Int) async throws
        -> [DeliveryRecord]
    {
        try await call {
            try await inner.recentDeliveries(developerID: developerID, status: status, beforeID: beforeID, limit: limit)
        }
    }
    func delivery(id: Int64, developerID: String) async throws -> (record: DeliveryRecord, body: [UInt8]?)? {
        try await call { try await inner.delivery(id: id, developerID: developerID) }
    }
    func retryDeliveries(id: Int64?, developerID: String, now: Int64) async throws -> Int {
        try await call { try await inner.retryDeliveries(id: id, developerID: developerID, now: now) }
    }
    func replaceWebhookSecret(developerID: String, secret: String) async throws -> Bool {
        try await call { try await inner.replaceWebhookSecret(developerID: developerID, secret: secret) }
    }
    func latestActivities(userID: String, from: Int64, to: Int64, limit: Int) async throws -> [StoredActivity] {
        try await call { try await inner.latestActivities(userID: userID, from: from, to: to, limit: limit) }
    }
    func replaceScopes(developerID: String, scopes: DataScopes) async throws -> Bool {
        try await call { try await inner.replaceScopes(developerID: developerID, scopes: scopes) }
    }
    func queueTestEvent(developerID: String, body: [UInt8], now: Int64) async throws {
        try await call { try await inner.queueTestEvent(developerID: developerID, body: body, now: now) }
    }
}

@Suite struct DatabaseOutageTests {
    @Test func anOutageIs503WithRetryAfterAndTheServerAnswersAgainWhenTheDatabaseDoes() async throws {
        let base = try await ServiceFixture.make(.sqlite)
        let storage = OutageStorage(base.storage)
        let f = ServiceFixture(
            storage: storage, server: SlipstreamServer(storage: storage, settings: base.server.settings),
            developer: base.developer, apiKey: base.apiKey)
        try await f.test { client in
            let user = try await f.newUser(client)
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            storage.failure.withLock { $0 = .unavailable("connection refused") }
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: ServiceTests.example)
            ) {
                #expect($0.status == .serviceUnavailable)
                #expect($0.headers[.retryAfter] == "2")
                #expect($0.headers[.contentType] == "application/problem+json")
                #expect(
                    field($0.body, "detail") as? String
                        == "the database is unavailable (connection refused); try again (an activity sent again replaces its copy)"
                )
            }
            try await client.execute(uri: "/healthz", method: .get) {
                #expect($0.status == .ok)  // liveness: the process serves
                #expect(String(buffer: $0.body) == #"{"status":"success","slipstream":{"database":"down"}}"#)
            }
            try await client.execute(uri: "/readyz", method: .get) {
                #expect($0.status == .serviceUnavailable && $0.headers[.retryAfter] == "2")
            }
            storage.failure.withLock { $0 = .full("database or disk is full") }
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: ServiceTests.example)
            ) {
                #expect($0.status.code == 507)
                #expect(field($0.body, "title") as? String == "insufficient storage")
            }
            storage.failure.withLock { $0 = nil }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/healthz", method: .get) {
                #expect(String(buffer: $0.body) == #"{"status":"success","slipstream":{"database":"up"}}"#)
            }
            // Nothing of the refused ingests was stored; the next one is.
            #expect(
                try await base.storage.activities(
                    userID: user, from: 0, to: .max, after: nil, limit: 10, withSamples: false
                ).isEmpty)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: ServiceTests.example)
            ) { #expect($0.status == .ok) }
        }
    }

    @Test func sqliteSaysAFullDiskAndABusyDatabaseApart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SQLiteStorage(path: directory.appendingPathComponent("db.sqlite").path)
        #expect(storage.storageError(for: DatabaseError(resultCode: .SQLITE_FULL)) == .full("database or disk is full"))
        #expect(
            storage.storageError(for: DatabaseError(resultCode: .SQLITE_BUSY, message: "database is locked"))
                == .unavailable("database is locked"))
        #expect(storage.storageError(for: DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil)
        #expect(storage.storageError(for: CocoaError(.fileNoSuchFile)) == nil)
    }
}
