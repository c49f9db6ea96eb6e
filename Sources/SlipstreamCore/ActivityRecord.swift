// One finished activity, and the protocol of whoever receives finished activities.

/// One finished activity: its samples in time order, what was computed from them, and what was
/// copied verbatim from the input.
public struct ActivityRecord: Sendable {
    /// The activity's `metadata` object re-serialized compactly, keys in input order; nil when absent.
    public var metadata: RawJSON?
    /// `metadata.summary_id` when it was a string.
    public var summaryID: String?
    /// Empty (every value nil) when the stream was asked for no summaries (`slipstream columns`).
    public var summary: ActivitySummary
    /// Summary values the payload itself carried, by field, as compact JSON, in input order.
    public var providerValues: [(field: SummaryField, value: RawJSON)]
    /// The envelope's `user.user_id` and `user.provider`, when the activity came in an envelope that had them.
    public var userID: String?
    public var providerName: String?
    /// Where the activity stands in the input, e.g. `$.data[2]` or `$[0]`; `payload` counts top-level values from 0.
    public var jsonPath: String
    public var payload: Int
    /// The samples, one column per channel, in time order without duplicate timestamps.
    public var columns: ActivityColumns
    /// The recording device, as Terra's `device_data` (FIT recordings have it).
    public var deviceData: RawJSON?
    /// Metadata `start_time` and `end_time`, UTC epoch microseconds.
    public var startTime: Int64?
    public var endTime: Int64?
    /// The UTC offset written in metadata `start_time`; nil when it has none.
    public var startOffsetSeconds: Int?
    /// Metadata `type` (Terra's ActivityType), when it is a whole number.
    public var activityType: Int?
    /// The timer's value at the end, when the input said (``DecodedActivity/timerAtEnd``).
    public var timerAtEnd: Double?
    /// Seconds in motion, when the input said (``DecodedActivity/movingSeconds``).
    public var movingSeconds: Double?

    /// A decoded activity with its summary.
    public init(_ decoded: DecodedActivity, summary: ActivitySummary) {
        metadata = decoded.metadata
        summaryID = decoded.summaryID
        self.summary = summary
        providerValues = decoded.providerValues
        userID = decoded.userID
        providerName = decoded.providerName
        jsonPath = decoded.jsonPath
        payload = decoded.payload
        columns = decoded.columns
        deviceData = decoded.deviceData
        startTime = decoded.startTime
        endTime = decoded.endTime
        startOffsetSeconds = decoded.startOffsetSeconds
        activityType = decoded.activityType
        timerAtEnd = decoded.timerAtEnd
        movingSeconds = decoded.movingSeconds
    }
}

/// Receives finished activities, in input order.
public protocol ActivityConsumer: AnyObject {
    /// A finished activity, with its envelope's user when there is one.
    func activity(_ record: ActivityRecord) throws
    /// A top-level value's `type` (Terra's event type: `activity`, `auth`, `deauth`…) has been read.
    func typeRead(_ type: String)
    /// A top-level value of the input has ended; `user` is its envelope's `user`, if it had one.
    func payloadEnded(user: RawJSON?) throws
    /// Something in the input that is not what an activity payload should be; reading goes on.
    func problem(_ error: SlipstreamError)
}

extension ActivityConsumer {
    public func payloadEnded(user: RawJSON?) throws {}
    public func typeRead(_ type: String) {}
}
