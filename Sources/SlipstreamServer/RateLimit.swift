// Terra's limits on the historical API, per user: a request may span at most 1,825 days (rule r1),
// and a user's requests may add up to at most 6,000 days in an hour's bucket (rule r2). Refused
// requests are 429 with `X-Terra-RateLimit-Rule` (and `Retry-After` for r2); accepted ones say
// what is left (`X-Terra-RateLimit-Limit`, `-Remaining`, `-Reset-After`). The buckets live in the
// database, so that every server spends the same budget.

import HTTPTypes
import Hummingbird
import SlipstreamStorage

public struct RateLimit: Sendable {
    public var maxDaysPerRequest: Int64 = 1825
    public var daysPerWindow: Int64 = 6000
    public var windowSeconds: Int64 = 3600

    public init() {}

    static let ruleHeader = HTTPField.Name("X-Terra-RateLimit-Rule")!

    /// The headers of an accepted request; throws the 429 of a refused one.
    func spend(_ range: DateRange, userID: String, storage: any RateBucketStore, now: Int64) async throws -> HTTPFields
    {
        let days = max(1, Int64(range.days))
        guard days <= maxDaysPerRequest else {
            var problem = Problem(
                .tooManyRequests,
                "rate limit exceeded: the range spans \(days) days, more than \(maxDaysPerRequest) (rule r1)")
            problem.headers[Self.ruleHeader] = "r1"
            throw problem
        }
        let decision: RateDecision
        do {
            decision = try await storage.spendRequestedDays(
                userID: userID, days: days, now: now, limit: daysPerWindow, window: windowSeconds)
        } catch StorageError.full {
            // A full disk cannot count the days, and reads must go on: the request is let through
            // uncounted (it says nothing of a budget).
            return [:]
        }
        guard decision.allowed else {
            var problem = Problem(
                .tooManyRequests,
                "rate limit exceeded: \(days) days asked, \(decision.remaining) of \(daysPerWindow) left until the bucket resets in \(decision.resetAfter) s (rule r2)"
            )
            problem.headers[Self.ruleHeader] = "r2"
            problem.headers[.retryAfter] = String(decision.resetAfter)
            throw problem
        }
        return [
            HTTPField.Name("X-Terra-RateLimit-Limit")!: String(daysPerWindow),
            HTTPField.Name("X-Terra-RateLimit-Remaining")!: String(decision.remaining),
            HTTPField.Name("X-Terra-RateLimit-Reset-After")!: String(decision.resetAfter),
        ]
    }
}
