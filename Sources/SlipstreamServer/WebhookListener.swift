// `slipstream webhooks listen`: a developer's endpoint on their own machine (what `stripe listen` is
// for Stripe). Each push's terra-signature is checked on the bytes as they stream in, while the
// body is decoded (SignedBody, as the server reads Terra's pushes); once it holds, the activities'
// summaries (or the event) go to standard output.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SlipstreamCore
import SlipstreamDelivery
import SlipstreamOutput
import SlipstreamStream

public struct WebhookListener: Sendable {
    let secret: String
    let tolerance: Int64
    let output: @Sendable ([UInt8]) -> Void

    public init(
        secret: String, tolerance: Int64,
        output: @escaping @Sendable ([UInt8]) -> Void = { FileHandle.standardOutput.write(Data($0)) }
    ) {
        self.secret = secret
        self.tolerance = tolerance
        self.output = output
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/") { request, _ in try await receive(request) }
        router.post("/**") { request, _ in try await receive(request) }
        return router
    }

    /// Serves until SIGTERM or SIGINT.
    public func run(host: String, port: Int, logger: Logger) async throws {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "slipstream-listen"), logger: logger)
        try await app.runService()
    }

    func receive(_ request: Request) async throws -> Response {
        var summaries: [UInt8] = []
        var activities = 0
        let writer = SummaryWriter(output: { summaries += $0 }, problem: { _ in })
        let counting = Counting(inner: writer) { activities += 1 }
        let body = try await SignedBody.read(
            request, secret: secret, now: Int64(Date().timeIntervalSince1970), tolerance: tolerance, maxBodyBytes: .max,
            into: ActivityStream(source: "webhook", consumer: counting))
        if activities > 0 {
            output(summaries)
        } else if counting.eventType != nil, let event = body.event {
            output(event.filter { $0 != UInt8(ascii: "\n") } + [UInt8(ascii: "\n")])
        } else if let decodeError = body.decodeError {
            throw Problem(.badRequest, decodeError.message, location: decodeError)
        }
        return ServiceJSON.response { TerraJSON.statusObject(&$0) }
    }

    /// Counts what passes to the writer.
    private final class Counting: ActivityConsumer {
        let inner: SummaryWriter
        let counted: () -> Void
        init(inner: SummaryWriter, counted: @escaping () -> Void) {
            self.inner = inner
            self.counted = counted
        }
        func activity(_ record: ActivityRecord) throws {
            counted()
            try inner.activity(record)
        }
        func payloadEnded(user: RawJSON?) throws { try inner.payloadEnded(user: user) }
        func problem(_ error: SlipstreamError) { inner.problem(error) }
        /// The first payload's `type`.
        private(set) var eventType: String?
        func typeRead(_ type: String) {
            if eventType == nil { eventType = type }
        }
    }
}
