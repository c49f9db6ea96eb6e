// The decoder seam: bytes of one input format in, decoded activities (columns and what the input
// said about them) out. Terra JSON (SlipstreamJSON) is the first implementation; the stream
// (SlipstreamStream/ActivityStream.swift) chooses one from the input's first bytes and finishes
// what it decodes (time order, summaries) in one place for every format.

/// An activity as a decoder read it: samples stored through ``SampleColumn/store(complete:time:timer:value:longitude:limit:)``
/// in input order, not yet sorted or summarized.
public struct DecodedActivity: Sendable {
    public var metadata: RawJSON?
    public var summaryID: String?
    /// Metadata `start_time` and `end_time`, UTC epoch microseconds.
    public var startTime: Int64?
    public var endTime: Int64?
    /// The UTC offset written in metadata `start_time` (`…+02:00`: 7200, `…Z`: 0); nil when it has none.
    public var startOffsetSeconds: Int?
    /// Metadata `type` (Terra's ActivityType), when it is a whole number.
    public var activityType: Int?
    /// Summary values the input carried (a provider's or a device's own totals), in input order.
    public var providerValues: [(field: SummaryField, value: RawJSON)] = []
    public var userID: String?
    public var providerName: String?
    /// Where the activity stands in the input (`$.data[2]`), and which top-level value it is in.
    public var jsonPath = "$"
    public var payload = 0
    /// The user this activity belongs to is still to come in the input (an envelope whose `user`
    /// follows `data`): hand it on at ``DecodedActivitySink/userRead(userID:providerName:)`` or at
    /// the end of its payload.
    public var awaitsUser = false
    /// The input's description of the device that recorded (Terra's `device_data`), when it has one.
    public var deviceData: RawJSON?
    /// Timer seconds at the activity's end, on the same axis as the samples' `timer_duration_seconds`,
    /// when the input says when the timer stopped (FIT timer events): the last sample weighs no more
    /// than the time left to it.
    public var timerAtEnd: Double?
    /// Seconds in motion, when the input says (a pool swim's active lengths, its rests at the wall
    /// left out): they replace the moving time found from speeds, and average speed is distance over them.
    public var movingSeconds: Double?
    /// What the decoder wants said about the activity (it joins the summary's notes).
    public var notes: [String] = []
    public var columns = ActivityColumns()

    public init() {}

    /// Empties the activity for the next one, keeping the columns' capacity.
    package mutating func reset() {
        metadata = nil
        summaryID = nil
        startTime = nil
        endTime = nil
        startOffsetSeconds = nil
        activityType = nil
        providerValues.removeAll(keepingCapacity: true)
        userID = nil
        providerName = nil
        awaitsUser = false
        deviceData = nil
        timerAtEnd = nil
        movingSeconds = nil
        notes.removeAll()
        columns.removeAll()
    }
}

/// Receives what a decoder reads, in input order. Errors it reports are located (source, byte,
/// line and column where the format has lines, JSON path where it has paths).
public protocol DecodedActivitySink: AnyObject {
    /// An activity has ended in the input. The columns are the decoder's: valid during the call
    /// (copy the activity to keep it, which copies the columns' storage when the decoder reuses it).
    func activityDecoded(_ activity: inout DecodedActivity) throws
    /// The user of the activities that awaited one has been read.
    func userRead(userID: String?, providerName: String?) throws
    /// A top-level value's `type` (Terra's event type: `activity`, `auth`, `deauth`…) has been read.
    func typeRead(_ type: String)
    /// A top-level value of the input has ended; `user` is its envelope's `user`. With
    /// `discardsActivities`, the activities that still await the user are not activities after all
    /// (the envelope's `type` turned out not to be `activity`).
    func payloadEnded(user: RawJSON?, discardsActivities: Bool) throws
    /// Something in the input that is not what an activity payload should be; reading goes on.
    func problem(_ error: SlipstreamError)
}

extension DecodedActivitySink {
    public func typeRead(_ type: String) {}
}

/// One input format's decoder: fed chunks of any size as they arrive, it hands what it reads to
/// its sink during ``feed(_:)`` and ``finish()``.
public protocol ActivityDecoder: AnyObject {
    /// Decodes one chunk; the bytes are not kept after the call.
    /// - Throws: ``SlipstreamError``, located; activities that ended before the error were handed on.
    func feed(_ chunk: UnsafeRawBufferPointer) throws(SlipstreamError)
    /// The input has ended.
    func finish() throws(SlipstreamError)
    /// Bytes fed so far.
    var bytesFed: Int { get }
    /// Top-level values (payloads) begun so far.
    var payloadsBegun: Int { get }
}
