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
            movingSeconds: activity.movingSeconds, activityType: activity.activityType)
        let provider = activity.providerValues.compactMap { field, value in
            value.bytes.withUnsafeBytes { NumberParser.parse($0) }.map { (field: field, value: $0) }
        }
        let contradictions = Summarizer.contradictions(provider: provider, summary: summary, columns: activity.columns)
        summary.notes = activity.notes + summary.notes + contradictions
        return ActivityRecord(activity, summary: summary)
    }

    /// The activity's own `heart_rate_data.summary.user_max_hr_bpm`, when it is a number.
    private func payloadMaxHeartRate(_ activity: DecodedActivity) -> Double? {
        guard let value = activity.providerValues.last(where: { $0.field == .userMaxHeartRate })?.value else {
            return nil
        }
        return value.bytes.withUnsafeBytes { NumberParser.parse($0) }
    }
}
