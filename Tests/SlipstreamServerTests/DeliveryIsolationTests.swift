// The worker as `serve` runs it: attempts in flight at once, a free slot filled at once, so that a
// developer whose endpoint takes 2 s per answer holds only its own messages, never another's.

import Foundation
import Logging
import NIOCore
import Slipstream
import SlipstreamStorage
import Testing

@testable import SlipstreamDelivery

@Suite struct DeliveryIsolationTests {
    @Test func aSlowEndpointHoldsBackNoOtherDevelopersMessages() async throws {
        let fast = WebhookReceiver()
        let slow = WebhookReceiver { _ in .init(delaySeconds: 2) }
        try await fast.start()
        try await slow.start()
        defer {
            fast.stop()
            slow.stop()
        }
        let f = try await ServiceFixture.make(.sqlite, webhookURL: fast.url)
        let (slowDeveloper, _) = Developer.new(name: "Slow", webhookURL: slow.url, terraSigningSecret: nil)
        try await f.storage.insertDeveloper(slowDeveloper)
        // 24 slow users' auth events first, then 40 fast ones': a round-at-a-time worker (16 a round)
        // would send the first fast message after 2 s and the last after 6 s.
        for n in 0..<64 {
            let developer = n < 24 ? slowDeveloper.id : f.developer.id
            let user = ServiceUser(id: "u\(n)", developerID: developer, provider: "XOSS", createdAt: Date())
            try await f.storage.insertUser(user, announcing: Array(#"{"type":"auth","n":\#(n)}"#.utf8))
        }
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical  // the slow attempts cut off by the end of the test say so
        let worker = DeliveryWorker(storage: f.storage, settings: DeliverySettings(), logger: quiet)
        let running = Task { try await worker.run() }
        let started = ContinuousClock.now
        while fast.requests.count < 40 && ContinuousClock.now - started < .seconds(10) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let fastDone = ContinuousClock.now - started
        running.cancel()
        _ = try? await running.value
        #expect(fast.requests.count == 40)
        // Every fast message arrived well before a round of the slow endpoint's would have ended twice.
        #expect(fastDone < .milliseconds(3500), "fast messages took \(fastDone)")
    }

    @Test(arguments: StorageKind.available) func anAttemptThatOutlivedItsLeaseRecordsNothing(_ kind: StorageKind)
        async throws
    {
        let f = try await ServiceFixture.make(kind, webhookURL: "http://127.0.0.1:9/hook")
        let user = ServiceUser(id: "late", developerID: f.developer.id, provider: "XOSS", createdAt: Date())
        try await f.storage.insertUser(user, announcing: Array(#"{"type":"auth"}"#.utf8))
        let lease: Int64 = 35_000_000
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000) + 1_000
        let first = try #require(try await f.storage.claimDeliveries(now: now, lease: lease, limit: 1).first)
        #expect(first.leasedUntil == now + lease)
        // The lease ran out; another worker claims the message again and delivers it.
        let again = try #require(
            try await f.storage.claimDeliveries(now: now + 1_000 + lease, lease: lease, limit: 1).first)
        #expect(again.id == first.id && again.leasedUntil == now + 1_000 + 2 * lease)
        try await f.storage.completeDelivery(
            again, outcome: .delivered(status: 200), now: now + 2_000 + lease, disableAfter: 1)
        // The first attempt's late failure changes nothing: still delivered, one attempt.
        try await f.storage.completeDelivery(
            first, outcome: .failed(status: 500, error: "late"), now: now + 3_000 + lease, disableAfter: 1)
        let record = try #require(try await f.storage.delivery(id: first.id, developerID: f.developer.id)).record
        #expect(record.status == "delivered" && record.attempts == 1 && record.lastStatus == 200)
    }
}
