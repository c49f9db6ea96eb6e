// How the delivery worker sends: timeout, retry schedule (with jitter), when to give up on an
// endpoint. `serve --delivery-timeout` and `--retry-schedule` set them; tests shrink them.

import Foundation
import SlipstreamStorage

public struct DeliverySettings: Sendable {
    /// Seconds one attempt may take.
    public var timeoutSeconds: Int64 = 15
    /// Seconds to wait after the 1st, 2nd, … failed attempt; after the last, the message is failed.
    public var schedule: [Int64] = [5, 300, 1800, 7200, 18000, 36000, 36000]
    /// Each wait is lengthened by up to this fraction, at random, so that retries spread out.
    public var jitter = 0.1
    /// An endpoint failing this long without a success is disabled (its messages kept).
    public var disableAfterSeconds: Int64 = 86_400
    /// The longest `Retry-After` honoured.
    public var maxRetryAfterSeconds: Int64 = 86_400
    /// Messages claimed at once (each to a different user: one user's go in order).
    public var batch = 16
    /// Attempts in flight at once; a slot is refilled as soon as its attempt ends.
    public var inFlight = 128
    /// Seconds between looks at an empty outbox.
    public var idlePollSeconds = 1.0

    public init() {}

    /// `5s,5m,30m,2h,5h,10h,10h`: seconds of each step.
    public static func parseSchedule(_ text: String) -> [Int64]? {
        let steps = text.split(separator: ",").map { step -> Int64? in
            let step = step.trimmingCharacters(in: .whitespaces)
            guard let unit = step.last, let value = Int64(step.dropLast()), value >= 0 else { return Int64(step) }
            switch unit {
            case "s": return value
            case "m": return value * 60
            case "h": return value * 3600
            case "d": return value * 86_400
            default: return nil
            }
        }
        guard !steps.isEmpty, steps.allSatisfy({ $0 != nil }) else { return nil }
        return steps.map { $0! }
    }

    /// What an attempt that got `status` (nil: no answer) comes to, `attempts` made before it.
    package func outcome(status: Int?, retryAfter: String?, error: String, attempts: Int, now: Int64, random: Double)
        -> DeliveryOutcome
    {
        if let status, (200..<300).contains(status) { return .delivered(status: status) }
        if status == 410 { return .endpointGone }
        let made = attempts + 1
        guard made <= schedule.count else { return .failed(status: status, error: error) }
        var wait = Double(schedule[made - 1]) * (1 + jitter * random)
        if status == 429 || status == 503, let text = retryAfter,
            let asked = Self.retryAfterSeconds(text, now: Date(timeIntervalSince1970: Double(now) / 1_000_000))
        {
            wait = Double(min(asked, maxRetryAfterSeconds))
        }
        return .retry(at: now + Int64(wait * 1_000_000), status: status, error: error)
    }

    /// `Retry-After` in seconds: a number, or an HTTP date.
    package static func retryAfterSeconds(_ text: String, now: Date = Date()) -> Int64? {
        if let seconds = Int64(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text).map { max(0, Int64($0.timeIntervalSince(now))) }
    }
}
