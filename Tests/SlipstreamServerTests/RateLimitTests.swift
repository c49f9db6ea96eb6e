// Terra's two rules on requested days, with the time under the test's control.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SlipstreamServer
import Testing

final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double
    init(_ seconds: Double) { self.seconds = seconds }
    var now: Date { lock.withLock { Date(timeIntervalSince1970: seconds) } }
    func advance(_ by: Double) { lock.withLock { seconds += by } }
}

@Suite struct RateLimitTests {
    @Test(arguments: StorageKind.available)
    func requestedDaysAreLimitedPerRequestAndPerHour(_ kind: StorageKind) async throws {
        let clock = TestClock(1_767_225_600)  // 2026-01-01
        let f = try await ServiceFixture.make(kind) {
            $0.now = { clock.now }
            $0.rateLimit.maxDaysPerRequest = 60
            $0.rateLimit.daysPerWindow = 100
        }
        @Sendable func get(_ client: any TestClientProtocol, _ user: String, _ start: String, _ end: String)
            async throws -> TestResponse
        {
            try await client.execute(
                uri: "/v2/activity?user_id=\(user)&start_date=\(start)&end_date=\(end)&to_webhook=false", method: .get,
                headers: f.headers)
        }
        let limit = HTTPField.Name("X-Terra-RateLimit-Limit")!
        let remaining = HTTPField.Name("X-Terra-RateLimit-Remaining")!
        let reset = HTTPField.Name("X-Terra-RateLimit-Reset-After")!
        let rule = HTTPField.Name("X-Terra-RateLimit-Rule")!
        try await f.test { client in
            let user = try await f.newUser(client)
            let other = try await f.newUser(client)
            var r = try await get(client, user, "2025-01-01", "2025-01-31")  // 30 days
            #expect(r.status == .ok)
            #expect(r.headers[limit] == "100" && r.headers[remaining] == "70" && r.headers[reset] == "3600")
            r = try await get(client, user, "2025-01-01", "2025-03-03")  // 61 days: too wide, whatever is left
            #expect(r.status == .tooManyRequests)
            #expect(r.headers[rule] == "r1" && r.headers[.retryAfter] == nil)
            clock.advance(600)
            r = try await get(client, user, "2025-02-01", "2025-03-03")  // 30 days
            #expect(r.headers[remaining] == "40" && r.headers[reset] == "3000")
            r = try await get(client, user, "2025-01-01", "2025-02-11")  // 41 days: one too many
            #expect(r.status == .tooManyRequests)
            #expect(r.headers[rule] == "r2" && r.headers[.retryAfter] == "3000")
            #expect(
                field(r.body, "detail") as? String
                    == "rate limit exceeded: 41 days asked, 40 of 100 left until the bucket resets in 3000 s (rule r2)")
            // Each user has their own budget; and a new hour, a new bucket.
            #expect(try await get(client, other, "2025-01-01", "2025-02-11").status == .ok)
            clock.advance(3000)
            r = try await get(client, user, "2025-01-01", "2025-02-11")
            #expect(r.status == .ok && r.headers[remaining] == "59" && r.headers[reset] == "3600")
        }
    }
}
