// A developer's webhook endpoint on loopback for the delivery tests: records every request and
// answers as the test says (a status, headers, a delay).

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

final class WebhookReceiver: @unchecked Sendable {
    struct Received {
        var headers: HTTPFields
        var body: [UInt8]
        func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:] }
    }

    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var headers: HTTPFields = [:]
        var delaySeconds: Double = 0
    }

    private let lock = NSLock()
    private var received: [Received] = []
    /// The answer to the request with this index (from 0).
    private let answer: @Sendable (Int) -> Answer
    private var task: Task<Void, any Error>?
    private(set) var port = 0

    init(answer: @escaping @Sendable (Int) -> Answer = { _ in Answer() }) { self.answer = answer }

    var requests: [Received] { lock.withLock { received } }
    var url: String { "http://127.0.0.1:\(port)/hook" }

    func start() async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 256 << 20)
            let index = self.lock.withLock {
                self.received.append(Received(headers: request.headers, body: Array(buffer: bytes)))
                return self.received.count - 1
            }
            let answer = self.answer(index)
            if answer.delaySeconds > 0 { try await Task.sleep(for: .seconds(answer.delaySeconds)) }
            return Response(status: answer.status, headers: answer.headers)
        }
        let started = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                started.continuation.yield(channel.localAddress?.port ?? 0)
                started.continuation.finish()
            }, logger: logger)
        task = Task { try await app.run() }
        for await port in started.stream { self.port = port }
    }

    func stop() { task?.cancel() }
}
