// `hr` messages: heart rate that a strap (HRM-Swim, HRM-Tri) stored while it could not send, under
// water, and sent when the swim ended, often as FIT files chained after the activity. They are
// read and merged into the records as Garmin's FIT SDK does (its HrMesgUtils):
//
//     hr messages   anchor: timestamp + fractional_timestamp = event_timestamp e0
//                   beats:  event_timestamp[i] (or 12-bit deltas, accumulated), filtered_bpm[i]
//     expanded      a beat at anchor + (e_i - e0); a gap is filled with the beat before it, every
//                   250 ms, for up to 5 s
//     merged        a record's heart rate = the mean of the beats in (previous record, record],
//                   rounded half up; the SDK overwrites a record's own, Slipstream keeps it (the
//                   device's own totals are its records': a FR935's avg 80 bpm, 85 with the beats)

/// The beats of a recording's `hr` messages, expanded as the SDK does.
struct FITHeartRates {
    /// Beats: FIT seconds (with fraction) and bpm, in message order.
    private(set) var beats: [(time: Double, bpm: Double)] = []
    private(set) var messages = 0
    /// Messages that could not be placed (no anchor before them, counts that do not match, times
    /// that go back): left out, and said.
    private(set) var unplaced = 0

    private var anchorTime: Double?
    private var anchorEvent: Double = 0
    /// event_timestamp accumulated in 1/1024 s, and the last 12-bit value added to it.
    private var accumulated: Int64?
    private var last12: Int64 = 0

    mutating func add(_ message: FITMessage, timestamp: Int64?) {
        typealias H = FITProfile.HeartRate
        messages += 1
        let full = message.integers(H.eventTimestamp)
        var events: [Int64] = full.compactMap { $0 }
        if let last = events.last {
            accumulated = last
            last12 = last
        } else if full.isEmpty, let packed = message.rawBytes(H.eventTimestamp12) {
            events = unpack12(packed)
        }
        let bpms = message.integers(H.filteredBPM)
        if let timestamp {
            let fraction =
                message.number(H.fractionalTimestamp).map { $0 / 32768 } ?? message.number(H.time256).map { $0 / 256 }
                ?? 0
            guard events.count == 1 else {
                unplaced += 1
                return
            }
            anchorTime = Double(timestamp) + fraction
            anchorEvent = Double(events[0]) / 1024
        }
        guard let anchorTime, events.count == bpms.count else {
            unplaced += 1
            return
        }
        var placed: [(Double, Double)] = []
        for (raw, bpm) in zip(events, bpms) {
            var event = Double(raw) / 1024
            if event < anchorEvent {
                guard anchorEvent - event > 0x40_0000 else {
                    unplaced += 1
                    return
                }
                event += 0x40_0000  // event_timestamp rolled over (2^32 / 1024 s)
            }
            guard let bpm else { continue }
            placed.append((anchorTime + event - anchorEvent, Double(bpm)))
        }
        for beat in placed { append(beat) }
    }

    /// The 12-bit event times packed in `event_timestamp_12`, accumulated onto the last full one.
    private mutating func unpack12(_ packed: ArraySlice<UInt8>) -> [Int64] {
        let bytes = Array(packed)
        var values: [Int64] = []
        var bit = 0
        while bit + 12 <= bytes.count * 8 {
            var value: Int64 = 0
            for i in 0..<12 where bytes[(bit + i) / 8] >> ((bit + i) % 8) & 1 == 1 { value |= 1 << i }
            bit += 12
            let total = (accumulated ?? value) + ((value - last12) & 0xFFF)
            accumulated = accumulated == nil ? value : total
            last12 = value
            values.append(accumulated!)
        }
        return values
    }

    private mutating func append(_ beat: (time: Double, bpm: Double)) {
        if let previous = beats.last {
            // The SDK carries the beat before a gap forward every 250 ms, 20 steps at the most.
            var gap = abs(beat.time - previous.time) * 1000
            var step = 1.0
            while gap > 250 && step <= 20 {
                beats.append((previous.time + 0.25 * step, previous.bpm))
                gap -= 250
                step += 1
            }
        }
        beats.append(beat)
    }

    /// The state the next file of a chain continues from (anchor, accumulated event time), without beats.
    func continuing() -> FITHeartRates {
        var next = self
        next.beats = []
        next.messages = 0
        next.unplaced = 0
        return next
    }

    mutating func absorb(_ other: FITHeartRates) {
        for beat in other.beats { append(beat) }
        messages += other.messages
        unplaced += other.unplaced
    }

    /// Each record's heart rate from the beats in its interval, as the SDK merges them: `times`
    /// are the records' FIT seconds in file order; `set(i, bpm)` is given record i's.
    func merge(recordTimes times: [Int64], set: (Int, Double) -> Void) {
        guard !beats.isEmpty else { return }
        var index = 0
        var rangeStart: Double?
        for (record, time) in times.enumerated() {
            let end = Double(time)
            var sum = 0.0
            var count = 0
            if rangeStart == nil { rangeStart = end }
            if rangeStart == end {
                rangeStart = end - 1
                index = max(index - 1, 0)
            }
            while index < beats.count {
                let beat = beats[index]
                if beat.time > rangeStart! && beat.time <= end {
                    sum += beat.bpm
                    count += 1
                } else if beat.time > end {
                    if count > 0 { set(record, (sum / Double(count) + 0.5).rounded(.down)) }
                    rangeStart = end
                    break
                }
                index += 1
            }
        }
    }
}
