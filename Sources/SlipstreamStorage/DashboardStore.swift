// What the developer dashboard asks of storage beyond the API's own calls: pages of users with what
// they hold, the outbox newest first, one message with its body, retries, a new signing secret and a
// test message. Every call is scoped by developer: another developer's rows are never seen nor changed.

/// What the developer dashboard reads and changes beyond the API's own calls.
public protocol DashboardStore: Sendable {
    /// A page of the developer's users in creation order (created_at, id), each with its activity
    /// count and the start of its latest activity.
    /// - Parameters:
    ///   - referencePrefix: keeps the users whose reference id starts with it, taken literally
    ///     (`%`, `_`, `*` are characters like any other) and case-sensitively; nil keeps them all.
    func userOverviews(developerID: String, referencePrefix: String?, offset: Int, limit: Int) async throws
        -> [UserOverview]
    /// How many of the developer's users match `referencePrefix` (as ``userOverviews`` reads it).
    func userCount(developerID: String, referencePrefix: String?) async throws -> Int
    /// The developer's outbox newest first, with `status` when given, older than `beforeID` when given.
    func recentDeliveries(developerID: String, status: String?, beforeID: Int64?, limit: Int) async throws
        -> [DeliveryRecord]
    /// One outbox message of the developer, with its stored body when it has one (events); nil for
    /// an unknown id and for another developer's.
    func delivery(id: Int64, developerID: String) async throws -> (record: DeliveryRecord, body: [UInt8]?)?
    /// Makes the developer's failed messages (one by id, or every failed one) pending again, due at
    /// `now` (UTC µs); returns how many.
    func retryDeliveries(id: Int64?, developerID: String, now: Int64) async throws -> Int
    /// Replaces the developer's webhook signing secret; false when there is no such developer.
    func replaceWebhookSecret(developerID: String, secret: String) async throws -> Bool
    /// Queues a test message (`body`, Terra's `healthcheck` event) for the developer's webhook, due
    /// at `now` (UTC µs), under ``OutboxMessage/developerWide``; nothing for an unknown developer.
    func queueTestEvent(developerID: String, body: [UInt8], now: Int64) async throws
    /// Replaces the developer's data scopes; false when there is no such developer.
    func replaceScopes(developerID: String, scopes: DataScopes) async throws -> Bool
}

/// One user as the dashboard lists it.
public struct UserOverview: Sendable, Equatable {
    public var user: ServiceUser
    public var activityCount: Int
    /// The start of the user's latest activity (UTC µs); nil when there is none.
    public var lastActivityStart: Int64?

    public init(user: ServiceUser, activityCount: Int, lastActivityStart: Int64?) {
        self.user = user
        self.activityCount = activityCount
        self.lastActivityStart = lastActivityStart
    }
}

/// A literal prefix as each database's pattern matching spells it.
package enum PrefixPattern {
    /// For PostgreSQL's `LIKE … ESCAPE '\'`: `a%b_` is `a\%b\_%`.
    package static func like(_ prefix: String) -> String {
        var pattern = ""
        for character in prefix {
            if character == "\\" || character == "%" || character == "_" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }

    /// For SQLite's `GLOB`, which, unlike its `LIKE`, tells case apart: `a*b?[` is `a[*]b[?][[]*`.
    package static func glob(_ prefix: String) -> String {
        var pattern = ""
        for character in prefix {
            if character == "*" || character == "?" || character == "[" {
                pattern += "[\(character)]"
            } else {
                pattern.append(character)
            }
        }
        return pattern + "*"
    }
}
