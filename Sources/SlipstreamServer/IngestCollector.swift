// Receives the activities of one ingest request as they are decoded and turns each into what is
// stored: the Terra summary object and the encoded columns. The request commits them all at once.

import SlipstreamCore
import SlipstreamOutput
import SlipstreamSecrets
import SlipstreamStorage

final class IngestCollector: ActivityConsumer {
    /// The user every activity is stored under; nil takes each payload's `user.user_id` (Terra's pushes).
    private let fixedUserID: String?
    private(set) var activities: [StoredActivity] = []
    private(set) var problems: [SlipstreamError] = []
    /// Users named by the payloads (Terra's pushes), in first-seen order.
    private(set) var payloadUsers: [String] = []
    /// The `type` of the body's first payload (a Terra event's: `auth`, `deauth`…), when it has one.
    private(set) var eventType: String?
    /// The request body's length as received.
    var bodyBytes = 0

    init(userID: String?) { fixedUserID = userID }

    func activity(_ decoded: ActivityRecord) throws {
        var record = decoded
        guard let userID = fixedUserID ?? record.userID else {
            problems.append(
                SlipstreamError(
                    .notActivityPayload, "the activity at \(record.jsonPath) has no user.user_id", source: "body"))
            return
        }
        if fixedUserID == nil, !payloadUsers.contains(userID) { payloadUsers.append(userID) }
        let times = Channel.allCases.map { record.columns[$0] }.filter { $0.count > 0 }
        guard let start = record.startTime ?? times.compactMap(\.times.first).min() else {
            problems.append(
                SlipstreamError(
                    .notActivityPayload, "the activity at \(record.jsonPath) has no start_time and no samples",
                    source: "body"))
            return
        }
        let end = record.endTime ?? times.compactMap(\.times.last).max() ?? start
        // The summary names the user it is stored under, whatever the payload called them.
        record.userID = userID
        var writer = JSONWriter()
        SummaryWriter.encode(record, into: &writer)
        let stored = times.reduce(0) { $0 + $1.count }
        let local = stored > 0 && record.columns.timestampsWithoutOffset == stored
        let activity = StoredActivity(
            userID: userID, summaryID: record.summaryID ?? Self.derivedSummaryID(record, start: start),
            startTime: start, endTime: end,
            utcOffsetSeconds: local ? nil : record.startOffsetSeconds ?? 0, summaryJSON: writer.bytes,
            samples: SampleCodec.encode(record.columns))
        // A summary id sent twice in one request: the later copy wins, as it would across requests.
        activities.removeAll { $0.userID == activity.userID && $0.summaryID == activity.summaryID }
        activities.append(activity)
    }

    func problem(_ error: SlipstreamError) { problems.append(error) }

    func typeRead(_ type: String) {
        if eventType == nil { eventType = type }
    }

    /// An id for an activity whose metadata has none: the same activity sent again gets the same id.
    static func derivedSummaryID(_ record: ActivityRecord, start: Int64) -> String {
        "slipstream-" + Credentials.contentID([Array(String(start).utf8), record.metadata?.bytes ?? []], bytes: 12)
    }
}
