// A pool swim's lengths: the device counts a swim by them (strokes, stroke rate, speed, active or a
// rest at the wall), and some watches record nothing else but heart rate in their records.

import SlipstreamCore

extension FITRecording {
    /// A pool swim's lengths that start in the frame.
    func lengths(in frame: Frame) -> [FITLength] {
        let end = max(Int64(frame.endSeconds.rounded(.up)), frame.records.last.map { times[$0] } ?? frame.start)
        let start = min(frame.start, frame.records.first.map { times[$0] } ?? frame.start)
        return lengths.filter { $0.start >= start && $0.start <= end }
    }

    /// A pool swim's channels the records lack, from its lengths, as the device counts them: stroke
    /// rate and speed per length (a rest at the wall is 0), distance by pool lengths swum.
    func storeLengths(
        _ lengths: [FITLength], session: FITSession, timerOrigin: Double, into activity: inout DecodedActivity,
        limits: ReadLimits
    ) throws(SlipstreamError) {
        guard !lengths.isEmpty else { return }
        func missing(_ channel: Channel) -> Bool { activity.columns[channel].count == 0 }
        let (cadence, speed, distance) = (
            missing(.cadence), missing(.speed), missing(.distance) && session.poolLength != nil
        )
        guard cadence || speed || distance else { return }
        let filled = [(cadence, "stroke rate"), (speed, "speed"), (distance, "distance")].filter(\.0).map(\.1)
        var swum = 0.0
        for length in lengths {
            let timer = timer(at: length.start).map { $0 - timerOrigin }
            if cadence, let rate = length.cadence ?? (length.active ? nil : 0) {
                try store(
                    length.active ? rate : 0, .cadence, at: length.start, timer: timer, longitude: .nan,
                    into: &activity, limits: limits)
            }
            if speed, let pace = length.speed ?? (length.active ? nil : 0) {
                try store(
                    length.active ? pace : 0, .speed, at: length.start, timer: timer, longitude: .nan, into: &activity,
                    limits: limits)
            }
            if distance, let pool = session.poolLength {
                if length.start == lengths.first?.start {
                    try store(
                        0, .distance, at: length.start, timer: timer, longitude: .nan, into: &activity, limits: limits)
                }
                if length.active { swum += pool }
                let end = length.start + Int64(length.seconds.rounded())
                try store(
                    swum, .distance, at: end, timer: timer.map { $0 + length.seconds }, longitude: .nan,
                    into: &activity, limits: limits)
            }
        }
        activity.notes.append(
            "a pool swim: \(filled.joined(separator: ", ")) from its \(lengths.count) lengths, which its records do not carry"
        )
    }
}
