// Webhook delivery with the time under the test's control: a worker round at a time against a
// receiver on loopback that fails, times out, is gone or asks to wait.

import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Slipstream
import Testing

@testable import SlipstreamDelivery
@testable import SlipstreamSecrets

@Suite struct DeliveryTests {
    static let start: Double = 1_767_225_600  // 2026-01-01T00:00:00Z

    /// Runs `body` with a fixture whose developer's webhook is `receiver`, a clock, and a worker on
    /// the same storage; stops the worker and the receiver however `body` ends.
    private func withDelivery(
        _ kind: StorageKind, _ receiver: WebhookReceiver, schedule: [Int64] = [5, 300, 1800], timeout: Int64 = 5,
        _ body: (ServiceFixture, TestClock, DeliveryWorker) async throws -> Void
    ) async throws {
        try await receiver.start()
        defer { receiver.stop() }
        let clock = TestClock(Self.start)
        let f = try await ServiceFixture.make(kind, webhookURL: receiver.url) { $0.now = { clock.now } }
        var settings = DeliverySettings()
        settings.schedule = schedule
        settings.timeoutSeconds = timeout
        let worker = DeliveryWorker(storage: f.storage, settings: settings, now: { clock.now }, random: { 0 })
        do {
            try await body(f, clock, worker)
        } catch {
            try? await worker.shutdown()
            throw error
        }
        try await worker.shutdown()
    }

    /// Rounds until one sends nothing.
    private func drain(_ worker: DeliveryWorker) async throws {
        while try await worker.runOnce() > 0 {}
    }

    @Test(arguments: StorageKind.available)
    func everyMessageArrivesSignedInOrderAsTerraSendsIt(_ kind: StorageKind) async throws {
        let receiver = WebhookReceiver()
        try await withDelivery(kind, receiver) { f, _, worker in
            let user = try await f.test { client in
                let user = try await f.newUser(client)
                try await client.execute(
                    uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                    body: ByteBuffer(bytes: ServiceTests.example)
                ) {
                    #expect($0.status == .ok)
                }
                return user
            }
            try await drain(worker)
            let got = receiver.requests
            #expect(got.map { $0.json["type"] as? String } == ["auth", "activity", "activity"])
            #expect(got.map { ($0.json["user"] as? [String: Any])?["user_id"] as? String } == [user, user, user])
            #expect(Set(got.compactMap { $0.header("webhook-id") }).count == 3)
            for request in got {
                // Terra's signature, keyed with the secret's text.
                var terra = try TerraSignature(
                    header: request.header("terra-signature"), secret: f.developer.webhookSigningSecret,
                    now: Int64(Self.start), tolerance: 0)
                request.body.withUnsafeBytes { terra.update($0) }
                try terra.verify()
                // Standard Webhooks: keyed with the secret's bytes, over "{id}.{timestamp}.{body}".
                let key = SymmetricKey(
                    data: Data(base64Encoded: String(f.developer.webhookSigningSecret.dropFirst(6)))!)
                let signed =
                    Data("\(request.header("webhook-id")!).\(request.header("webhook-timestamp")!).".utf8)
                    + Data(request.body)
                let expected =
                    "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
                #expect(request.header("webhook-signature") == expected)
                #expect(request.header("webhook-timestamp") == String(Int64(Self.start)))
                #expect(request.header("content-type") == "application/json")
            }
            // The activities, samples included, are what was ingested.
            let sent = try ServiceTests.samples(ServiceTests.example)
            let delivered = try got.dropFirst().flatMap { try ServiceTests.samples($0.body) }
            #expect(delivered == sent)
            #expect(got[1].json["version"] as? String == "2022-03-16")
            #expect(
                try await f.storage.deliveries(status: "delivered", developerID: f.developer.id, limit: 10).count == 3)
            #expect(try await worker.runOnce() == 0)
        }
    }

    @Test(arguments: StorageKind.available)
    func failuresAreRetriedOnTheScheduleWithTheSameIDAndHoldBackTheUsersLaterMessages(_ kind: StorageKind) async throws
    {
        let receiver = WebhookReceiver { $0 < 2 ? .init(status: .internalServerError) : .init() }
        try await withDelivery(kind, receiver) { f, clock, worker in
            try await f.test { client in
                let user = try await f.newUser(client)
                try await client.execute(
                    uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                    body: ByteBuffer(bytes: ServiceTests.example)
                ) {
                    #expect($0.status == .ok)
                }
            }
            #expect(try await worker.runOnce() == 1)  // auth: 500
            #expect(try await worker.runOnce() == 0)  // due in 5 s; the activities wait behind it
            clock.advance(4.9)
            #expect(try await worker.runOnce() == 0)
            clock.advance(0.1)
            #expect(try await worker.runOnce() == 1)  // auth: 500 again, next in 300 s
            clock.advance(299)
            #expect(try await worker.runOnce() == 0)
            clock.advance(1)
            try await drain(worker)
            let got = receiver.requests
            #expect(got.map { $0.json["type"] as? String } == ["auth", "auth", "auth", "activity", "activity"])
            #expect(Set(got.prefix(3).map { $0.header("webhook-id") }).count == 1)
            #expect(got.prefix(3).map { $0.header("webhook-timestamp") } == ["1767225600", "1767225605", "1767225905"])
            let auth = try #require(
                try await f.storage.deliveries(status: nil, developerID: f.developer.id, limit: 1).first)
            #expect(auth.status == "delivered" && auth.attempts == 3 && auth.lastStatus == 200)
        }
    }

    @Test(arguments: StorageKind.available)
    func a410DisablesTheEndpointUntilItIsEnabledAgain(_ kind: StorageKind) async throws {
        let receiver = WebhookReceiver { $0 == 0 ? .init(status: .gone) : .init() }
        try await withDelivery(kind, receiver) { f, clock, worker in
            _ = try await f.test { client in try await f.newUser(client) }
            #expect(try await worker.runOnce() == 1)
            clock.advance(3600)
            #expect(try await worker.runOnce() == 0)
            #expect(
                try await f.storage.developer(id: f.developer.id)?.webhookDisabledAt == Int64(Self.start) * 1_000_000)
            #expect(try await f.storage.enableWebhook(developerID: f.developer.id))
            #expect(try await worker.runOnce() == 1)
            #expect(
                receiver.requests.count == 2
                    && receiver.requests[0].header("webhook-id") == receiver.requests[1].header("webhook-id"))
        }
    }

    @Test(arguments: StorageKind.available)
    func retryAfterOnA429IsHonoured(_ kind: StorageKind) async throws {
        let receiver = WebhookReceiver {
            $0 == 0 ? .init(status: .tooManyRequests, headers: [.retryAfter: "120"]) : .init()
        }
        try await withDelivery(kind, receiver) { f, clock, worker in
            _ = try await f.test { client in try await f.newUser(client) }
            #expect(try await worker.runOnce() == 1)
            let record = try #require(
                try await f.storage.deliveries(status: "pending", developerID: f.developer.id, limit: 1).first)
            #expect(record.nextAttemptAt == (Int64(Self.start) + 120) * 1_000_000 && record.lastStatus == 429)
            clock.advance(119)
            #expect(try await worker.runOnce() == 0)
            clock.advance(1)
            #expect(try await worker.runOnce() == 1)
        }
    }

    @Test func aReceiverThatDoesNotAnswerInTimeIsAFailure() async throws {
        let receiver = WebhookReceiver { $0 == 0 ? .init(delaySeconds: 3) : .init() }
        try await withDelivery(.sqlite, receiver, timeout: 1) { f, clock, worker in
            _ = try await f.test { client in try await f.newUser(client) }
            #expect(try await worker.runOnce() == 1)
            let record = try #require(
                try await f.storage.deliveries(status: "pending", developerID: f.developer.id, limit: 1).first)
            #expect(record.attempts == 1 && record.lastStatus == nil && record.lastError != nil)
            clock.advance(5)
            #expect(try await worker.runOnce() == 1)
            #expect(
                try await f.storage.deliveries(status: "delivered", developerID: f.developer.id, limit: 1).count == 1)
        }
    }

    @Test(arguments: StorageKind.available)
    func afterTheLastStepAMessageFailsAndRetryRevivesIt(_ kind: StorageKind) async throws {
        let receiver = WebhookReceiver { $0 < 3 ? .init(status: .badGateway) : .init() }
        try await withDelivery(kind, receiver, schedule: [1, 1]) { f, clock, worker in
            _ = try await f.test { client in try await f.newUser(client) }
            for _ in 0..<3 {
                #expect(try await worker.runOnce() == 1)
                clock.advance(1)
            }
            #expect(try await worker.runOnce() == 0)
            let failed = try await f.storage.deliveries(status: "failed", developerID: f.developer.id, limit: 10)
            #expect(failed.count == 1 && failed[0].attempts == 3 && failed[0].lastStatus == 502)
            #expect(
                try await f.storage.retryDeliveries(id: nil, now: Int64(clock.now.timeIntervalSince1970 * 1_000_000))
                    == 1)
            #expect(try await worker.runOnce() == 1)
            #expect(receiver.requests.count == 4)
        }
    }

    @Test(arguments: StorageKind.available)
    func aDayOfFailuresWithoutASuccessDisablesTheEndpoint(_ kind: StorageKind) async throws {
        let receiver = WebhookReceiver { _ in .init(status: .serviceUnavailable) }
        try await withDelivery(kind, receiver, schedule: [50_000, 50_000, 50_000]) { f, clock, worker in
            _ = try await f.test { client in try await f.newUser(client) }
            #expect(try await worker.runOnce() == 1)  // failing since the start
            clock.advance(50_000)
            #expect(try await worker.runOnce() == 1)  // 13.9 h: still enabled
            #expect(try await f.storage.developer(id: f.developer.id)?.webhookDisabledAt == nil)
            clock.advance(50_000)
            #expect(try await worker.runOnce() == 1)  // 27.8 h: disabled, the message kept
            #expect(try await f.storage.developer(id: f.developer.id)?.webhookDisabledAt != nil)
            #expect(
                try await f.storage.deliveries(status: "pending", developerID: f.developer.id, limit: 10).count == 1)
        }
    }

    @Test func retryAfterReadsSecondsAndDates() {
        #expect(DeliverySettings.retryAfterSeconds("120") == 120)
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        #expect(DeliverySettings.retryAfterSeconds("Thu, 01 Jan 2026 00:01:00 GMT", now: now) == 60)
        #expect(DeliverySettings.retryAfterSeconds("soon") == nil)
        #expect(DeliverySettings.parseSchedule("5s,5m,30m,2h,5h,10h,10h") == [5, 300, 1800, 7200, 18000, 36000, 36000])
        #expect(DeliverySettings.parseSchedule("5s,x") == nil)
    }
}
