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
        // 40 slow users' auth events first, then 40 fast ones': a round-at-a-time worker (16 a round)
        // would send no fast message before 2 s had passed three times.
        for n in 0..<80 {
            let developer = n < 40 ? slowDeveloper.id : f.developer.id
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
        // Every fast message arrived while the slow endpoint still held its first answers.
        #expect(fastDone < .milliseconds(1500), "fast messages took \(fastDone)")
        #expect(slow.requests.count >= 16)
    }
}
