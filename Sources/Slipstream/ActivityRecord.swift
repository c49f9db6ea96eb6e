/// One finished activity: what was computed, plus what was copied verbatim from the payload.
public struct ActivityRecord: Sendable {
    /// The activity's `metadata` object re-serialized compactly, keys in input order; nil when absent.
    public var metadata: RawJSON?
    /// `metadata.summary_id` when it was a string.
    public var summaryID: String?
    public var summary: ActivitySummary
    /// Summary values the payload itself carried, by field, as compact JSON, in input order.
    public var providerValues: [(field: SummaryField, value: RawJSON)]
    /// The envelope's `user.user_id` and `user.provider`, when the activity came in an envelope that had them.
    public var userID: String?
    public var providerName: String?
    /// Where the activity stands in the input, e.g. `$.data[2]` or `$[0]`; `payload` counts top-level values from 0.
    public var jsonPath: String
    public var payload: Int
}

/// Receives what ``ActivityReader`` finds, in input order.
public protocol ActivityConsumer: AnyObject {
    /// An activity's samples, right when its JSON object closes; valid only during the call.
    /// The record's user fields may still be nil here when the envelope's `user` comes after `data`.
    func columns(_ columns: ActivityColumns, of record: ActivityRecord) throws
    /// A finished activity, with its envelope's user when there is one (held back until the user is read).
    func activity(_ record: ActivityRecord) throws
    /// A top-level JSON value has ended; `user` is its envelope's `user`, if it had one.
    func payloadEnded(user: RawJSON?) throws
    /// Valid JSON that is not what an activity payload should be; reading goes on.
    func problem(_ error: SlipstreamError)
}

extension ActivityConsumer {
    public func columns(_ columns: ActivityColumns, of record: ActivityRecord) throws {}
    public func payloadEnded(user: RawJSON?) throws {}
}
