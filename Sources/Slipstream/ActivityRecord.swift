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

extension ActivityReader {
    /// Reads every payload in `source`, calling `body` with each finished activity in input order.
    /// - Parameters:
    ///   - problem: valid JSON that is not what an activity payload should be; reading goes on.
    /// - Throws: as ``read(_:into:)``; an error thrown by `body` stops the read and comes back as
    ///   kind `outputFailed`.
    @discardableResult
    public func forEachActivity(
        in source: inout some ByteSource, problem: (SlipstreamError) -> Void = { _ in },
        _ body: (ActivityRecord) throws -> Void
    ) throws(SlipstreamError) -> ReadReport {
        try withoutActuallyEscaping(body) { body throws(SlipstreamError) in
            try withoutActuallyEscaping(problem) { problem throws(SlipstreamError) in
                try read(&source, into: ClosureConsumer(activity: body, problem: problem))
            }
        }
    }
}

private final class ClosureConsumer: ActivityConsumer {
    let onActivity: (ActivityRecord) throws -> Void
    let onProblem: (SlipstreamError) -> Void

    init(activity: @escaping (ActivityRecord) throws -> Void, problem: @escaping (SlipstreamError) -> Void) {
        onActivity = activity
        onProblem = problem
    }

    func activity(_ record: ActivityRecord) throws { try onActivity(record) }
    func problem(_ error: SlipstreamError) { onProblem(error) }
}
