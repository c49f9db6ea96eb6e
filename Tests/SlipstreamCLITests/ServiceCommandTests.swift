// The service's commands that run without a server: developers, deliveries, webhooks verify.

import Foundation
import Testing

@Suite struct ServiceCommandTests {
    private func database() -> String { NSTemporaryDirectory() + "slipstream-cli-\(UUID().uuidString).sqlite" }

    @Test func developersAreCreatedListedAndRotatedAndTheKeyIsShownOnce() throws {
        let db = database()
        let created = try run(["developers", "create", "--name", "Acme Fitness", "--database", db])
        #expect(created.status == 0)
        let developer = try json(created.stdout.split(separator: "\n")[0])
        let id = try #require(developer["dev_id"] as? String)
        #expect(id.hasPrefix("acme-fitness-"))
        #expect((developer["api_key"] as? String)?.count == 43)
        #expect((developer["webhook_signing_secret"] as? String)?.hasPrefix("whsec_") == true)
        let listed = try run(["developers", "list", "--database", db])
        #expect(listed.stdout.contains(#""dev_id":"\#(id)""#) && !listed.stdout.contains("api_key"))
        let rotated = try json(
            try run(["developers", "rotate-key", id, "--database", db]).stdout.split(separator: "\n")[0])
        #expect(rotated["api_key"] as? String != developer["api_key"] as? String)
        #expect(try run(["developers", "rotate-key", "nobody", "--database", db]).status == 64)
    }

    @Test func aWebhookURLThatCannotBeDeliveredToIsRefused() throws {
        let result = try run([
            "developers", "create", "--name", "x", "--webhook-url", "ftp://example.com", "--database", database(),
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("'ftp://example.com' is not an http or https URL"))
    }

    @Test func deliveriesListAndRetryOnAnEmptyOutbox() throws {
        let db = database()
        #expect(try run(["deliveries", "list", "--database", db]).stdout == "")
        #expect(try run(["deliveries", "list", "--status", "lost", "--database", db]).status == 64)
        let retried = try run(["deliveries", "retry", "--all-failed", "--database", db])
        #expect(retried.status == 0 && retried.stdout == "0 messages pending again\n")
        #expect(try run(["deliveries", "retry", "msg_7", "--database", db]).status == 1)
        #expect(try run(["deliveries", "retry", "--database", db]).status == 64)
    }

    @Test func webhooksVerifySaysWhyASignatureIsRefused() throws {
        let body = #"{"type":"auth"}"#
        let stale = try run(
            ["webhooks", "verify", "--secret", "whsec_x", "--signature", "t=1700000000,v1=00"], stdin: body)
        #expect(stale.status == 1)
        #expect(stale.stderr.hasPrefix("invalid: the terra-signature timestamp is "))
        let malformed = try run(["webhooks", "verify", "--secret", "whsec_x", "--signature", "v1=00"], stdin: body)
        #expect(
            malformed.status == 1 && malformed.stderr == "invalid: the terra-signature header is not t=UNIX,v1=HEX\n")
    }
}
