// What the service stores: developers, their users, activities (summary + sample columns) and the
// outbox of messages for the developers' webhooks. Both storage implementations share these types.

import Foundation
import SlipstreamCore
import SlipstreamSecrets

/// A developer: one API key (stored as its SHA-256 only) and their webhook settings.
public struct Developer: Sendable, Equatable {
    public var id: String
    public var name: String
    public var apiKeyHash: [UInt8]
    public var webhookURL: String?
    /// Signs what we push to the developer (`whsec_…`).
    public var webhookSigningSecret: String
    /// Set when deliveries stopped: a 410, or a day of failures without a success (UTC µs).
    public var webhookDisabledAt: Int64? = nil
    /// Verifies what Terra pushes to us for this developer (`POST /webhooks/terra/{dev_id}`).
    public var terraSigningSecret: String?
    /// What the developer receives: events, Activity groups, samples (DataScopes.swift).
    public var scopes: DataScopes = .everything
    public var createdAt: Date

    public init(
        id: String, name: String, apiKeyHash: [UInt8], webhookURL: String?, webhookSigningSecret: String,
        terraSigningSecret: String?,
        createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.apiKeyHash = apiKeyHash
        self.webhookURL = webhookURL
        self.webhookSigningSecret = webhookSigningSecret
        self.terraSigningSecret = terraSigningSecret
        self.createdAt = createdAt
    }

    /// A new developer with a new id, API key (returned, stored only as its hash) and signing secret.
    public static func new(name: String, webhookURL: String?, terraSigningSecret: String?, now: Date = Date()) -> (
        Developer, apiKey: String
    ) {
        let key = Credentials.newAPIKey()
        let developer = Developer(
            id: Credentials.newDeveloperID(name: name), name: name, apiKeyHash: Credentials.hash(apiKey: key),
            webhookURL: webhookURL,
            webhookSigningSecret: Credentials.newWebhookSecret(), terraSigningSecret: terraSigningSecret, createdAt: now
        )
        return (developer, key)
    }
}

/// One connected account of a developer's end user (a Terra `user`).
public struct ServiceUser: Sendable, Equatable {
    public var id: String
    public var developerID: String
    public var provider: String
    public var referenceID: String?
    public var createdAt: Date

    public init(id: String, developerID: String, provider: String, referenceID: String? = nil, createdAt: Date) {
        self.id = id
        self.developerID = developerID
        self.provider = provider
        self.referenceID = referenceID
        self.createdAt = createdAt
    }
}

/// One activity as stored: its Terra summary object (no samples) and its columns (``SampleCodec``).
public struct StoredActivity: Sendable, Equatable {
    public var userID: String
    public var summaryID: String
    /// UTC epoch microseconds.
    public var startTime: Int64
    public var endTime: Int64
    /// The offset of the samples' timestamps as they were sent; nil when they were local time.
    public var utcOffsetSeconds: Int?
    /// The Terra Activity object without samples, as `summarize` writes it.
    public var summaryJSON: [UInt8]
    /// One entry per channel with samples; empty when read without samples.
    public var samples: [ChannelSamples]

    public init(
        userID: String, summaryID: String, startTime: Int64, endTime: Int64, utcOffsetSeconds: Int? = nil,
        summaryJSON: [UInt8], samples: [ChannelSamples]
    ) {
        self.userID = userID
        self.summaryID = summaryID
        self.startTime = startTime
        self.endTime = endTime
        self.utcOffsetSeconds = utcOffsetSeconds
        self.summaryJSON = summaryJSON
        self.samples = samples
    }
}

/// One channel's samples of one activity, encoded by ``SampleCodec``.
public struct ChannelSamples: Sendable, Equatable {
    public var channel: Channel
    public var bytes: [UInt8]

    public init(channel: Channel, bytes: [UInt8]) {
        self.channel = channel
        self.bytes = bytes
    }
}

/// Where a stored activity stands in a user's history: ordered by start time, then summary id.
public struct ActivityCursor: Sendable, Equatable {
    public var startTime: Int64
    public var summaryID: String

    public init(startTime: Int64, summaryID: String) {
        self.startTime = startTime
        self.summaryID = summaryID
    }
}

/// A message waiting for the developer's webhook (sent by the delivery worker).
public struct OutboxMessage: Sendable, Equatable {
    /// `activity`: a stored activity; `historical`: one answering a historical request (its
    /// `reference`); the others are Terra's events, their body kept with the message.
    public enum Kind: String, Sendable {
        case activity, historical, auth, deauth
        case largeRequestProcessing = "large_request_processing"
        case largeRequestSending = "large_request_sending"
        /// A test of the developer's endpoint (from the dashboard): of no user.
        case healthcheck
    }
    /// The user id of a message for the developer as a whole (`healthcheck`): its own queue, which
    /// deleting a user never touches.
    public static let developerWide = ""
    public var developerID: String
    public var userID: String
    public var kind: Kind
    /// The activity announced (for `activity`), nil otherwise.
    public var summaryID: String?
    /// The historical request it answers (`terra-reference`), nil for pushes.
    public var reference: String?

    public init(developerID: String, userID: String, kind: Kind, summaryID: String? = nil, reference: String? = nil) {
        self.developerID = developerID
        self.userID = userID
        self.kind = kind
        self.summaryID = summaryID
        self.reference = reference
    }
}

public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// Stored bytes that cannot be read back (a damaged database).
    case corrupt(String)
    /// The user id exists under another developer.
    case userOwnedElsewhere(String)
    case unsupportedDatabase(String)
    /// The database cannot be reached now (down, restarting, the connection lost): try again soon.
    case unavailable(String)
    /// The database did not answer in time: what the call meant to write may or may not be stored.
    case noAnswer(seconds: Int64)
    /// The database has no room left (a full disk): nothing of the write was stored.
    case full(String)

    public var description: String {
        switch self {
        case .corrupt(let what): "the database holds damaged data (\(what))"
        case .userOwnedElsewhere(let id): "user \(id) belongs to another developer"
        case .unavailable(let why): "the database is unavailable (\(why))"
        case .full(let why): "the database has no room left (\(why))"
        case .noAnswer(let seconds): "the database did not answer within \(seconds) s"
        case .unsupportedDatabase(let url):
            "unsupported database URL \(url): give a file path, sqlite:PATH or postgres://USER@HOST/DB"
        }
    }
}

/// What one historical request spent of its user's hourly budget of requested days.
public struct RateDecision: Sendable, Equatable {
    public var allowed: Bool
    /// Days left in the bucket (after this request, when allowed).
    public var remaining: Int64
    /// Seconds until the bucket starts again.
    public var resetAfter: Int64

    /// Spending `days` at `now` from a bucket `started` then that has `spent` of `limit` days a `window` long.
    package static func decide(started: Int64, spent: Int64, days: Int64, now: Int64, limit: Int64, window: Int64)
        -> RateDecision
    {
        let resetAfter = max(0, started + window - now)
        guard spent + days <= limit else {
            return RateDecision(allowed: false, remaining: limit - spent, resetAfter: resetAfter)
        }
        return RateDecision(allowed: true, remaining: limit - spent - days, resetAfter: resetAfter)
    }

    public init(allowed: Bool, remaining: Int64, resetAfter: Int64) {
        self.allowed = allowed
        self.remaining = remaining
        self.resetAfter = resetAfter
    }
}

/// A message claimed for sending: what to send, and where.
public struct Delivery: Sendable {
    public var id: Int64
    /// `webhook-id`: the same on every attempt.
    public var messageID: String { "msg_\(id)" }
    public var developer: Developer
    public var userID: String
    public var kind: OutboxMessage.Kind
    public var summaryID: String?
    public var reference: String?
    /// The event's JSON (events only).
    public var body: [UInt8]?
    /// Attempts made before this one.
    public var attempts: Int
    /// When the message was stored (UTC µs): `x-terra-ordering-timestamp`.
    public var createdAt: Int64
    /// The end of this claim's lease (UTC µs), as written: the token an outcome must still find, so
    /// that an attempt which outlived its lease cannot undo what another worker's attempt recorded.
    public var leasedUntil: Int64 = 0

    public init(
        id: Int64, developer: Developer, userID: String, kind: OutboxMessage.Kind, summaryID: String? = nil,
        reference: String? = nil, body: [UInt8]? = nil, attempts: Int, createdAt: Int64
    ) {
        self.id = id
        self.developer = developer
        self.userID = userID
        self.kind = kind
        self.summaryID = summaryID
        self.reference = reference
        self.body = body
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// What an attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(status: Int)
    /// Try again at this time (UTC µs).
    case retry(at: Int64, status: Int?, error: String)
    /// No attempts left: kept as failed, for `deliveries retry`.
    case failed(status: Int?, error: String)
    /// 410: the endpoint is disabled at once; the message waits for it to be enabled again.
    case endpointGone
    /// Not sent: its event is not in the developer's scopes.
    case skipped
}

/// One outbox row as `deliveries list` shows it.
public struct DeliveryRecord: Sendable, Equatable {
    public var id: Int64
    public var developerID: String
    public var userID: String
    public var kind: String
    public var summaryID: String?
    public var reference: String?
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Int64
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Int64
    public var deliveredAt: Int64?

    public init(
        id: Int64, developerID: String, userID: String, kind: String, summaryID: String? = nil,
        reference: String? = nil, status: String, attempts: Int, nextAttemptAt: Int64, lastStatus: Int? = nil,
        lastError: String? = nil, createdAt: Int64, deliveredAt: Int64? = nil
    ) {
        self.id = id
        self.developerID = developerID
        self.userID = userID
        self.kind = kind
        self.summaryID = summaryID
        self.reference = reference
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}

/// Terra's events ahead of a large historical request's payloads.
public struct LargeRequestEvents: Sendable {
    public var processing: [UInt8]
    /// The `large_request_sending` event, given the number of payloads to expect.
    public var sending: @Sendable (Int) -> [UInt8]

    public init(processing: [UInt8], sending: @escaping @Sendable (Int) -> [UInt8]) {
        self.processing = processing
        self.sending = sending
    }
}

/// UTC epoch microseconds, as the tables keep times.
package func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
package func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
