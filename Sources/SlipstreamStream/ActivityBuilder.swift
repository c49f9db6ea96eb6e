// Finishes a decoded activity, the same way whatever decoded it: samples in time order without
// duplicate timestamps, then the summaries (unless the caller wants columns only).

import SlipstreamCore
import SlipstreamSummaries

struct ActivityBuilder {
    let options: SummaryOptions
    let summaries: Bool

    func finish(_ activity: inout DecodedActivity) -> ActivityRecord {
        activity.columns.putInTimeOrder()
        guard summaries else { return ActivityRecord(activity, summary: ActivitySummary()) }
        var summary = Summarizer.summarize(
            activity.columns, startTime: activity.startTime, endTime: activity.endTime, options: options,
            payloadMaxHeartRate: payloadMaxHeartRate(activity), timerEnd: activity.timerAtEnd,
            movingSeconds: activity.movingSeconds, activityType: Self.activityType(activity.metadata))
        let provider = activity.providerValues.compactMap { field, value in
            value.bytes.withUnsafeBytes { NumberParser.parse($0) }.map { (field: field, value: $0) }
        }
        let contradictions = Summarizer.contradictions(provider: provider, summary: summary, columns: activity.columns)
        summary.notes = activity.notes + summary.notes + contradictions
        return ActivityRecord(activity, summary: summary)
    }

    /// `metadata.type` (Terra's ActivityType) when it is a number: the key `type` of the object's
    /// own members, not of a nested object's.
    static func activityType(_ metadata: RawJSON?) -> Int? {
        guard let bytes = metadata?.bytes else { return nil }
        var depth = 0
        var i = 0
        var expectsKey = false
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectsKey = bytes[i] == UInt8(ascii: "{") && depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectsKey = depth == 1
            case UInt8(ascii: "\""):
                var end = i + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                if expectsKey, bytes[(i + 1)..<min(end, bytes.count)].elementsEqual("type".utf8), end + 1 < bytes.count,
                    bytes[end + 1] == UInt8(ascii: ":")
                {
                    let digits = bytes[(end + 2)...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                    return digits.isEmpty ? nil : Int(String(decoding: digits, as: UTF8.self))
                }
                expectsKey = false
                i = end
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// The activity's own `heart_rate_data.summary.user_max_hr_bpm`, when it is a number.
    private func payloadMaxHeartRate(_ activity: DecodedActivity) -> Double? {
        guard let value = activity.providerValues.last(where: { $0.field == .userMaxHeartRate })?.value else { return nil }
        return value.bytes.withUnsafeBytes { NumberParser.parse($0) }
    }
}
