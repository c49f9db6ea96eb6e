// What the dashboard asks of storage, on each database, against expectations worked out by hand:
// pages of users with their activities, prefixes taken literally, a developer's own messages only,
// retries of failed ones, a new signing secret, and a test event the worker delivers.

import Crypto
import Foundation
import NIOCore
import SlipstreamCore
import SlipstreamDelivery
import SlipstreamSecrets
import SlipstreamStorage
import Testing

@Suite struct DashboardStoreTests {
    static let start: Double = 1_767_225_600  // 2026-01-01T00:00:00Z

    /// A user of `developer` created `second` seconds after the start.
    static func user(_ id: String, _ developer: Developer, second: Double, reference: String?) -> ServiceUser {
        ServiceUser(
            id: id, developerID: developer.id, provider: "XOSS", referenceID: reference,
            createdAt: Date(timeIntervalSince1970: start + second))
    }

    static func activity(_ userID: String, _ summaryID: String, start: Int64) -> StoredActivity {
        StoredActivity(
            userID: userID, summaryID: summaryID, startTime: start, endTime: start + 60,
            summaryJSON: Array(#"{"metadata":{}}"#.utf8), samples: [])
    }

    @Test(arguments: StorageKind.available)
    func usersComeInCreationOrderWithTheirActivitiesAndPrefixesAreLiteral(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        let s = f.storage
        let (other, _) = Developer.new(name: "Other", webhookURL: nil, terraSigningSecret: nil)
        try await s.insertDeveloper(other)
        let d = f.developer
        let users = [
            Self.user("u1", d, second: 0, reference: "ab%c-1"), Self.user("u2", d, second: 1, reference: "ab_c-2"),
            Self.user("u6", d, second: 2, reference: "ab%cd"), Self.user("u3", d, second: 2, reference: "abXc-3"),
            Self.user("u4", d, second: 3, reference: "ABc"), Self.user("u5", d, second: 4, reference: nil),
            Self.user("u7", d, second: 5, reference: #"a*[?\b"#), Self.user("u8", d, second: 6, reference: "azz"),
            Self.user("o1", other, second: 0, reference: "ab%c-9"),
        ]
        for user in users { try await s.insertUser(user, announcing: nil) }
        try await s.store(
            [
                Self.activity("u1", "a", start: 100), Self.activity("u1", "b", start: 300),
                Self.activity("u1", "c", start: 200), Self.activity("u3", "a", start: 50),
            ], newUsers: [], developerID: d.id)
        try await s.store([Self.activity("o1", "a", start: 900)], newUsers: [], developerID: other.id)

        // (created_at, id): u3 and u6 were created in the same second, u3 first by id.
        let all = try await s.userOverviews(developerID: d.id, referencePrefix: nil, offset: 0, limit: 100)
        #expect(all.map(\.user.id) == ["u1", "u2", "u3", "u6", "u4", "u5", "u7", "u8"])
        #expect(all.map(\.activityCount) == [3, 0, 1, 0, 0, 0, 0, 0])
        #expect(all.map(\.lastActivityStart) == [300, nil, 50, nil, nil, nil, nil, nil])
        #expect(all[0].user == users[0])
        #expect(try await s.userCount(developerID: d.id, referencePrefix: nil) == 8)

        let page = { (prefix: String?, offset: Int, limit: Int) in
            try await s.userOverviews(developerID: d.id, referencePrefix: prefix, offset: offset, limit: limit).map(
                \.user.id)
        }
        #expect(try await page(nil, 2, 2) == ["u3", "u6"])
        #expect(try await page(nil, 6, 5) == ["u7", "u8"])
        #expect(try await page(nil, 8, 5) == [])
        // `%` and `_` are themselves; so are GLOB's `*`, `?` and `[`; case counts; another's user never.
        let expected: [(String, [String])] = [
            ("ab%c", ["u1", "u6"]), ("ab_", ["u2"]), ("ab", ["u1", "u2", "u3", "u6"]), ("AB", ["u4"]),
            ("a*", ["u7"]), (#"a*[?\"#, ["u7"]), ("", ["u1", "u2", "u3", "u6", "u4", "u7", "u8"]), ("zz", []),
        ]
        for (prefix, ids) in expected {
            #expect(try await page(prefix, 0, 100) == ids, "prefix \(prefix)")
            #expect(try await s.userCount(developerID: d.id, referencePrefix: prefix) == ids.count, "prefix \(prefix)")
        }
        #expect(try await page("ab", 1, 2) == ["u2", "u3"])
        #expect(try await s.userCount(developerID: other.id, referencePrefix: "ab%") == 1)
    }

    @Test(arguments: StorageKind.available)
    func aDevelopersMessagesAreTheirsAloneAndOnlyFailedOnesAreRetried(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind, webhookURL: "http://127.0.0.1:9/hook")
        let s = f.storage
        let (other, _) = Developer.new(name: "Other", webhookURL: "http://127.0.0.1:9/other", terraSigningSecret: nil)
        try await s.insertDeveloper(other)
        let users = [
            Self.user("a1", f.developer, second: 0, reference: nil),
            Self.user("a2", f.developer, second: 1, reference: nil),
            Self.user("b1", other, second: 0, reference: nil),
        ]
        for user in users { try await s.insertUser(user, announcing: TerraEvents.auth(user)) }
        // Claimed as if much later: the messages were queued at the fixture's (real) time.
        let now = Int64.max / 4
        let claimed = try await s.claimDeliveries(now: now, lease: 1, limit: 10)
        let id = Dictionary(uniqueKeysWithValues: claimed.map { ($0.userID, $0.id) })
        #expect(id.count == 3)
        for delivery in claimed {
            let outcome: DeliveryOutcome =
                delivery.userID == "a2" ? .delivered(status: 204) : .failed(status: 500, error: "HTTP 500")
            try await s.completeDelivery(delivery, outcome: outcome, now: now, disableAfter: now)
        }

        let failed = try #require(try await s.delivery(id: id["a1"]!, developerID: f.developer.id))
        #expect(failed.record.status == "failed" && failed.record.kind == "auth" && failed.record.attempts == 1)
        #expect(failed.record.lastStatus == 500 && failed.record.userID == "a1")
        #expect(failed.body == TerraEvents.auth(users[0]))
        #expect(try await s.delivery(id: id["b1"]!, developerID: f.developer.id) == nil)
        #expect(try await s.delivery(id: id["b1"]! + 1000, developerID: f.developer.id) == nil)

        // Newest first, by status, before an id; never another developer's.
        let recent = { (status: String?, before: Int64?) in
            try await s.recentDeliveries(developerID: f.developer.id, status: status, beforeID: before, limit: 10).map(
                \.id)
        }
        #expect(try await recent(nil, nil) == [id["a2"]!, id["a1"]!])
        #expect(try await recent(nil, id["a2"]!) == [id["a1"]!])
        #expect(try await recent("delivered", nil) == [id["a2"]!])
        #expect(try await recent("pending", nil) == [])

        // Another developer's message, and a delivered one, are not retried.
        #expect(try await s.retryDeliveries(id: id["b1"]!, developerID: f.developer.id, now: now + 7) == 0)
        #expect(try await s.retryDeliveries(id: id["a2"]!, developerID: f.developer.id, now: now + 7) == 0)
        #expect(try await s.retryDeliveries(id: nil, developerID: f.developer.id, now: now + 7) == 1)
        let retried = try #require(try await s.delivery(id: id["a1"]!, developerID: f.developer.id)).record
        #expect(retried.status == "pending" && retried.attempts == 0 && retried.nextAttemptAt == now + 7)
        #expect(try await s.delivery(id: id["b1"]!, developerID: other.id)?.record.status == "failed")
        #expect(try await s.delivery(id: id["a2"]!, developerID: f.developer.id)?.record.status == "delivered")
        #expect(try await s.retryDeliveries(id: nil, developerID: f.developer.id, now: now + 8) == 0)
        #expect(try await s.retryDeliveries(id: id["b1"]!, developerID: other.id, now: now + 8) == 1)
    }

    @Test(arguments: StorageKind.available)
    func aTestEventGoesOutSignedWithTheNewSecretAndNoUsersDeletionTouchesIt(_ kind: StorageKind) async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { receiver.stop() }
        let clock = TestClock(Self.start)
        let f = try await ServiceFixture.make(kind, webhookURL: receiver.url) { $0.now = { clock.now } }
        let s = f.storage
        let user = try await f.test { client in
            let user = try await f.newUser(client)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: ServiceTests.example)
            ) { #expect($0.status == .ok) }
            return user
        }
        let secret = Credentials.newWebhookSecret()
        #expect(try await s.replaceWebhookSecret(developerID: f.developer.id, secret: secret))
        #expect(try await s.replaceWebhookSecret(developerID: "nobody", secret: secret) == false)
        #expect(try await s.developer(id: f.developer.id)?.webhookSigningSecret == secret)

        let now = Int64(Self.start) * 1_000_000
        let event = TerraEvents.healthcheck(created: now, sentLastHour: 3)
        try await s.queueTestEvent(developerID: f.developer.id, body: event, now: now)
        try await s.queueTestEvent(developerID: "nobody", body: event, now: now)
        #expect(try await s.deliveries(status: nil, developerID: "nobody", limit: 10).isEmpty)
        // A user whose id is empty, as a Terra push may make one, leaves the developer's own messages be.
        try await s.insertUser(Self.user("", f.developer, second: 9, reference: nil), announcing: nil)
        #expect(try await s.deleteUser(id: "", developerID: f.developer.id, announcing: nil))
        let newest = try await s.recentDeliveries(developerID: f.developer.id, status: nil, beforeID: nil, limit: 1)
        let test = try #require(newest.first)
        #expect(test.kind == "healthcheck" && test.userID == OutboxMessage.developerWide && test.status == "pending")

        // What the dashboard would show of each message is what the worker sends.
        var expected: [String: [UInt8]] = [:]
        for record in try await s.recentDeliveries(developerID: f.developer.id, status: nil, beforeID: nil, limit: 10) {
            let stored = try #require(try await s.delivery(id: record.id, developerID: f.developer.id))
            expected["msg_\(record.id)"] = try await MessageBodies.bytes(
                of: record, event: stored.body, scopes: .everything, from: s)
        }
        #expect(expected.count == 4)  // auth, two activities, the test
        let worker = DeliveryWorker(storage: s, settings: DeliverySettings(), now: { clock.now }, random: { 0 })
        do {
            while try await worker.runOnce() > 0 {}
        } catch {
            try? await worker.shutdown()
            throw error
        }
        try await worker.shutdown()
        let got = receiver.requests
        #expect(Set(got.compactMap { $0.json["type"] as? String }) == ["auth", "activity", "healthcheck"])
        #expect(got.count == 4)
        for request in got { #expect(request.body == expected[request.header("webhook-id") ?? ""]) }
        let healthcheck = try #require(got.first { $0.json["type"] as? String == "healthcheck" })
        #expect(healthcheck.body == event)
        #expect(healthcheck.json["status"] as? String == "normal")
        #expect(healthcheck.json["creation_timestamp"] as? String == "2026-01-01T00:00:00.000000+00:00")
        #expect(healthcheck.json["sent_webhooks_last_hour"] as? Int == 3)
        #expect(healthcheck.json["trend_percentage"] as? Int == 0)
        #expect(healthcheck.json["user"] == nil)
        for request in got {
            // Signed with the new secret, both ways (see DeliveryTests).
            var terra = try TerraSignature(
                header: request.header("terra-signature"), secret: secret, now: Int64(Self.start), tolerance: 0)
            request.body.withUnsafeBytes { terra.update($0) }
            try terra.verify()
            let key = SymmetricKey(data: Data(base64Encoded: String(secret.dropFirst(6)))!)
            let signed =
                Data("\(request.header("webhook-id")!).\(request.header("webhook-timestamp")!).".utf8)
                + Data(request.body)
            let expected = "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
            #expect(request.header("webhook-signature") == expected)
        }
        #expect(try await s.user(id: user, developerID: f.developer.id) != nil)
    }
}
