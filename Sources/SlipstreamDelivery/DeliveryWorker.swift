// Sends the outbox to the developers' webhooks: claims due messages (each leased, so that no other
// worker sends it meanwhile), builds each body from storage, signs it on a first pass, streams it
// on a second, and records what the endpoint said. A crash leaves the lease to expire, and the
// message is sent again with the same `webhook-id`: at least once.

import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import SlipstreamCore
import SlipstreamSecrets
import SlipstreamStorage

/// What the worker reads and writes: the outbox, and the activities and users its messages name.
public typealias DeliveryStores = OutboxStore & ActivityStore & AccountStore

/// Who watches the worker (the server's metrics).
public protocol DeliveryObserver: Sendable {
    /// Messages not yet delivered nor failed, after each round.
    func queueDepth(_ pending: Int)
    /// One attempt: the endpoint's status (nil: no answer), what came of it, how long it took.
    func deliveryAttempt(status: Int?, outcome: DeliveryOutcome, duration: Duration)
}

public final class DeliveryWorker: Service, Sendable {
    private let storage: any DeliveryStores
    private let settings: DeliverySettings
    private let client: HTTPClient
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let metrics: (any DeliveryObserver)?
    private let logger: Logger

    /// - Parameters:
    ///   - now: the clock, injectable so that a day of retries runs in a test's seconds.
    ///   - random: in [0, 1), for the jitter.
    public init(
        storage: any DeliveryStores, settings: DeliverySettings, metrics: (any DeliveryObserver)? = nil,
        logger: Logger = Logger(label: "slipstream.delivery"),
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.storage = storage
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.random = random
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(
            connect: .seconds(settings.timeoutSeconds), read: .seconds(settings.timeoutSeconds))
        // Connections per endpoint: a slow one then holds up to 32 of the attempts in flight.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends until a graceful shutdown, which lets the attempts in flight finish. Up to
    /// `settings.inFlight` attempts run at once, and free slots are filled a claim of `batch` at a
    /// time as soon as there are that many: a slow endpoint holds only its own slots, never a round of
    /// everyone's, and claims (write transactions) stay one per `batch` messages.
    public func run() async throws {
        enum Event { case attemptEnded, tick }
        var failures = 0
        await withTaskGroup(of: Event.self) { group in
            var inFlight = 0
            var ticking = false
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                var claimed = 0
                if settings.inFlight - inFlight >= settings.batch || inFlight == 0 {
                    do {
                        let due = try await claim(limit: settings.batch)
                        if failures > 0 {
                            logger.info("delivery: the outbox can be read again", metadata: ["after": "\(failures)"])
                        }
                        failures = 0
                        for delivery in due {
                            group.addTask {
                                await self.attempt(delivery)
                                return .attemptEnded
                            }
                        }
                        claimed = due.count
                        inFlight += due.count
                    } catch {
                        failures += 1
                        if failures == 1 || failures.isMultiple(of: 10) {
                            logger.error(
                                "delivery: the outbox could not be read",
                                metadata: ["error": "\(error)", "failures": "\(failures)"])
                        }
                    }
                }
                // Claimed a full slice and slots are free: claim again at once. Otherwise wait for an
                // attempt to end or for the next look at the outbox (longer while the database is away).
                if claimed == settings.batch && settings.inFlight - inFlight >= settings.batch { continue }
                if claimed == 0 && inFlight == 0 {
                    metrics?.queueDepth((try? await storage.pendingCount()) ?? 0)
                }
                if !ticking {
                    let wait = failures > 0 ? Double(min(30, 1 << min(failures - 1, 5))) : settings.idlePollSeconds
                    group.addTask {
                        try? await Task.sleep(for: .seconds(wait))
                        return .tick
                    }
                    ticking = true
                }
                switch await group.next() {
                case .attemptEnded: inFlight -= 1
                case .tick: ticking = false
                case nil: break
                }
            }
            // Shutting down: the attempts in flight finish (the tick too).
            while let event = await group.next() {
                if case .attemptEnded = event { inFlight -= 1 }
            }
        }
        try await shutdown()
    }

    /// Due messages, each leased for twice the timeout and 5 s.
    private func claim(limit: Int) async throws -> [Delivery] {
        let lease = (settings.timeoutSeconds * 2 + 5) * 1_000_000
        return try await storage.claimDeliveries(now: micros(now()), lease: lease, limit: limit)
    }

    /// Closes the HTTP client; `run()` does it when it ends, whoever calls `runOnce()` does it after.
    public func shutdown() async throws { try await client.shutdown() }

    /// One round: claims the due messages and attempts each (different users at once). Returns how
    /// many were attempted.
    @discardableResult
    public func runOnce() async throws -> Int {
        let due = try await claim(limit: settings.batch)
        await withTaskGroup(of: Void.self) { group in
            for delivery in due { group.addTask { await self.attempt(delivery) } }
        }
        return due.count
    }

    private func attempt(_ delivery: Delivery) async {
        guard delivery.developer.scopes.sends(event: delivery.kind.rawValue) else {
            metrics?.deliveryAttempt(status: nil, outcome: .skipped, duration: .zero)
            await record(delivery, .skipped)
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        var status: Int?
        var retryAfter: String?
        var reason = ""
        do {
            let response = try await send(delivery)
            status = Int(response.status.code)
            retryAfter = response.headers.first(name: "retry-after")
            reason = (200..<300).contains(status!) ? "" : "HTTP \(status!)"
        } catch {
            reason = "\(error)"
        }
        let outcome = settings.outcome(
            status: status, retryAfter: retryAfter, error: reason, attempts: delivery.attempts, now: micros(now()),
            random: random())
        metrics?.deliveryAttempt(status: status, outcome: outcome, duration: clock.now - start)
        logger.info(
            "delivery",
            metadata: [
                "webhook-id": "\(delivery.messageID)", "kind": "\(delivery.kind.rawValue)",
                "status": "\(status.map(String.init) ?? reason)",
            ])
        await record(delivery, outcome)
    }

    private func record(_ delivery: Delivery, _ outcome: DeliveryOutcome) async {
        do {
            try await storage.completeDelivery(
                delivery, outcome: outcome, now: micros(now()), disableAfter: settings.disableAfterSeconds * 1_000_000)
        } catch {
            // The lease expires and the message goes again: at least once.
            logger.error(
                "delivery: the outcome could not be recorded",
                metadata: ["webhook-id": "\(delivery.messageID)", "error": "\(error)"])
        }
    }

    private func send(_ delivery: Delivery) async throws -> HTTPClientResponse {
        guard let url = delivery.developer.webhookURL else { throw DeliveryError.noEndpoint }
        let body = try await MessageBodies.chunks(
            userID: delivery.userID, developerID: delivery.developer.id, summaryID: delivery.summaryID,
            event: delivery.body, scopes: delivery.developer.scopes, from: storage)
        var signer = WebhookSigner(
            secret: delivery.developer.webhookSigningSecret, messageID: delivery.messageID,
            timestamp: Int64(now().timeIntervalSince1970))
        var length = 0
        body.forEach { chunk in
            signer.update(chunk)
            length += chunk.count
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "slipstream-webhooks")
        for (name, value) in signer.headers() { request.headers.add(name: name, value: value) }
        request.headers.add(
            name: "x-terra-ordering-timestamp", value: Timestamp.format(microseconds: delivery.createdAt))
        if let reference = delivery.reference { request.headers.add(name: "terra-reference", value: reference) }
        request.body = .stream(body, length: .known(Int64(length)))
        let response = try await client.execute(request, timeout: .seconds(settings.timeoutSeconds))
        _ = try? await response.body.collect(upTo: 64 << 10)
        return response
    }
}

enum DeliveryError: Error, CustomStringConvertible {
    case noEndpoint, gone
    var description: String {
        switch self {
        case .noEndpoint: "the developer has no webhook URL"
        case .gone: "the activity is no longer stored"
        }
    }
}
