// `slipstream deliveries` (the outbox, for the operator) and `slipstream webhooks` (for the
// developer receiving them: verify a signature, or listen on a port as their endpoint would).

import ArgumentParser
import Foundation
import Logging
import Slipstream
import SlipstreamSecrets
import SlipstreamServer
import SlipstreamStorage

struct Deliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Webhook messages: list them, send failed ones again.", subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One JSON line per message, oldest first.")
        @Option(help: "pending, failed, delivered or skipped (out of the developer's data scopes).") var status: String?
        @Option(help: "Only this developer's.") var developer: String?
        @Option(help: "At most this many.") var limit = 1000
        @OptionGroup var database: DatabaseOption

        func validate() throws {
            if let status, !["pending", "failed", "delivered", "skipped"].contains(status) {
                throw ValidationError("--status is pending, failed, delivered or skipped")
            }
        }

        func run() async throws {
            for d in try await database.open().deliveries(status: status, developerID: developer, limit: limit) {
                let time = { (micros: Int64) in Timestamp.format(microseconds: micros) }
                print(
                    jsonObject([
                        ("webhook_id", "msg_\(d.id)"), ("developer", d.developerID), ("user_id", d.userID),
                        ("type", d.kind),
                        ("summary_id", d.summaryID), ("reference", d.reference), ("status", d.status),
                        ("attempts", d.attempts),
                        ("created_at", time(d.createdAt)),
                        ("next_attempt_at", d.status == "pending" ? time(d.nextAttemptAt) : nil),
                        ("last_status", d.lastStatus), ("last_error", d.lastError),
                        ("delivered_at", d.deliveredAt.map(time)),
                    ]))
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send failed messages again: one (msg_N or N), or all of them.")
        @Argument(help: "The message's webhook-id.") var id: String?
        @Flag(help: "Every failed message.") var allFailed = false
        @OptionGroup var database: DatabaseOption

        func validate() throws {
            guard (id == nil) != !allFailed else { throw ValidationError("give a message id or --all-failed") }
            if let id, WebhookNames.messageNumber(id) == nil {
                throw ValidationError("'\(id)' is not a message id (msg_N)")
            }
        }

        func run() async throws {
            let number = id.flatMap(WebhookNames.messageNumber)
            let count = try await database.open().retryDeliveries(
                id: number, now: Int64(Date().timeIntervalSince1970 * 1_000_000))
            print("\(count) message\(count == 1 ? "" : "s") pending again")
            if count == 0 && number != nil { throw ExitCode(1) }
        }
    }
}

struct Webhooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "For the developer receiving webhooks: verify a signature, or listen like an endpoint.",
        subcommands: [Verify.self, Listen.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a terra-signature header against the body on standard input.",
            discussion: "Exit 0: valid. Exit 1: invalid, with the reason (bad HMAC, stale timestamp, malformed header)."
        )
        @Option(help: "The signing secret (whsec_…).") var secret: String
        @Option(help: "The terra-signature header: t=UNIX,v1=HEX.") var signature: String
        @Option(help: "Seconds the timestamp may be from now.") var tolerance: Int64 = 300

        func run() throws {
            var check: TerraSignature
            do {
                check = try TerraSignature(
                    header: signature, secret: secret, now: Int64(Date().timeIntervalSince1970), tolerance: tolerance)
                let input = FileHandle.standardInput
                while let chunk = try input.read(upToCount: 1 << 16), !chunk.isEmpty {
                    chunk.withUnsafeBytes { check.update($0) }
                }
                try check.verify()
            } catch let failure as TerraSignature.Failure {
                FileHandle.standardError.write(Data("invalid: \(failure)\n".utf8))
                throw ExitCode(1)
            }
            print("valid")
        }
    }

    struct Listen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A local webhook endpoint: verifies each push, answers 200 (401 if its signature is bad), and prints its summaries."
        )
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on.") var port = 8090
        @Option(help: "The signing secret (whsec_…).") var secret: String
        @Option(help: "Seconds a signature's timestamp may be from now.") var tolerance: Int64 = 300

        func run() async throws {
            var logger = Logger(label: "slipstream.listen")
            logger.logLevel = .warning
            let listener = WebhookListener(secret: secret, tolerance: tolerance)
            FileHandle.standardError.write(Data("slipstream: listening on http://\(host):\(port)/ for webhooks\n".utf8))
            try await listener.run(host: host, port: port, logger: logger)
        }
    }
}
