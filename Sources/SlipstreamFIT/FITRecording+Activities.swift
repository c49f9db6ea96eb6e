// The activities a FIT file (or chain) holds, built once it has ended: one per session (or one over
// all the records when there is none), each with its records' samples, timer, metadata and the
// device's totals.
//
// The device's totals are the activity's frame: it starts at the session's start_time and ends
// total_elapsed_time later, wherever the device wrote the session message (last, or first as
// current Garmin watches do). Records are never left out for lying outside a frame: the sessions
// share the records out by their starts (each takes those from its start to the next session's
// start; the first also those before it, the last those after it), and records outside their
// session's frame are kept in it and counted in a note.
//
//     records:   ..  t0 ......... t1 .......... t2 ...... t3 ..
//     sessions:      [start A ···· A + elapsed]  [start B ··· B + elapsed]
//     shared out:  A: ..t0 ... t1 ...........|  B: t2 ...... t3 ..   (t3 past B's frame: kept, counted)

import SlipstreamCore

extension FITRecording {
    /// Merges the `hr` messages' beats into the heart rate of the records that have none (Garmin's
    /// SDK's rule, except that a record's own heart rate stands, as in the device's own totals), and says so.
    mutating func mergeHeartRates() {
        guard heartRates.messages > 0 else { return }
        let channel = Channel.heartRate.rawValue
        var merged = 0
        let beats = heartRates
        beats.merge(recordTimes: times) { record, bpm in
            guard values[record * Self.channelCount + channel].isNaN else { return }
            values[record * Self.channelCount + channel] = bpm
            merged += 1
        }
        var note =
            "\(heartRates.messages) hr messages (heart rate a strap stored and sent afterwards) gave \(merged) records their heart rate"
        if heartRates.unplaced > 0 {
            note += "; \(heartRates.unplaced) of them could not be placed in time and were left out"
        }
        chainNotes.append(note)
    }

    /// The activities of the file, one at a time (only one activity's columns exist at once): one
    /// per session, with the records the sessions share out; without a session, one over all the
    /// records, with a note saying so.
    /// - Returns: how many there were.
    @discardableResult
    func forEachActivity(limits: ReadLimits, _ body: (inout DecodedActivity) throws(SlipstreamError) -> Void)
        throws(SlipstreamError) -> Int
    {
        var notes = chainNotes
        if let untimedNote { notes.append(untimedNote) }
        if let first = times.first, Self.unixSeconds(first) == nil, relativeAnchor == nil {
            notes.append(
                "the device counts time from its power-on and gives no date: times are relative (from 1989-12-31)")
        }
        if sessions.isEmpty {
            guard let first = times.first, let last = times.last else { return 0 }
            let frame = Frame(start: first, endSeconds: Double(last), records: Array(times.indices))
            var activity = try activity(frame, session: nil, limits: limits)
            activity.notes =
                [
                    "no session message: the recording ended without its summary (a device that stopped early); one activity over its \(times.count) records"
                ] + notes + activity.notes
            try body(&activity)
            return 1
        }
        let frames = sharedOut()
        for session in sessions {
            var activity = try activity(frames[session.index], session: session, limits: limits)
            if session.index == 0 { activity.notes = notes + activity.notes }
            try body(&activity)
        }
        return sessions.count
    }

    /// A session's frame: its start, its end (seconds with a fraction) and the records it takes.
    struct Frame {
        var start: Int64
        var endSeconds: Double
        var records: [Int]
    }

    /// Each session's frame, in session order, with the records shared out by the sessions' starts.
    /// A frame runs from start_time for total_elapsed_time, unless that would run into the next
    /// session: then the device counted its elapsed time back from the session message's timestamp
    /// (a multisport file whose first start_time is an official start, after its first records).
    private func sharedOut() -> [Frame] {
        var starts = sessions.map { $0.startTime ?? $0.messageTime ?? times.first ?? 0 }
        var ends = sessions.indices.map { i -> Double? in sessions[i].elapsedSeconds.map { Double(starts[i]) + $0 } }
        let byStart = sessions.indices.sorted { (starts[$0], $0) < (starts[$1], $1) }
        for (rank, index) in byStart.enumerated() where rank + 1 < byStart.count {
            let next = Double(starts[byStart[rank + 1]])
            if let end = ends[index], end > next + 1, let written = sessions[index].messageTime,
                let elapsed = sessions[index].elapsedSeconds,
                Double(written) <= next + 1, written > starts[index]
            {
                ends[index] = Double(written)
                starts[index] = written - Int64(elapsed.rounded())
            }
        }
        let order = sessions.indices.sorted { (starts[$0], $0) < (starts[$1], $1) }
        var frames = [Frame](repeating: Frame(start: 0, endSeconds: 0, records: []), count: sessions.count)
        for (rank, index) in order.enumerated() {
            let start = starts[index]
            // From this start (the first session: from the beginning) to the next session's start.
            let lower: Int64? = rank == 0 ? nil : start
            let upper: Int64? = rank + 1 < order.count ? starts[order[rank + 1]] : nil
            let records: [Int]
            if inTimeOrder {
                let from = lower.map { bound in times.partitionPoint { $0 < bound } } ?? 0
                let to = upper.map { bound in times.partitionPoint { $0 < bound } } ?? times.count
                records = Array(from..<max(from, to))
            } else {
                records = times.indices.filter { i in
                    lower.map { times[i] >= $0 } ?? true && upper.map { times[i] < $0 } ?? true
                }
            }
            var end = ends[index]
            if end == nil, let written = sessions[index].messageTime, written > start { end = Double(written) }
            frames[index] = Frame(
                start: start, endSeconds: end ?? records.last.map { Double(times[$0]) } ?? Double(start),
                records: records)
        }
        return frames
    }

    private func activity(_ frame: Frame, session: FITSession?, limits: ReadLimits) throws(SlipstreamError)
        -> DecodedActivity
    {
        var activity = DecodedActivity()
        let (startSeconds, isLocal) = resolve(frame.start)
        let elapsed = max(0, frame.endSeconds - Double(frame.start))
        activity.startTime = startSeconds * 1_000_000
        activity.endTime = startSeconds * 1_000_000 + Int64((elapsed * 1e6).rounded())
        activity.summaryID = summaryID(session: session?.index ?? 0)
        activity.activityType = FITProfile.activityType(sport: session?.sport, subSport: session?.subSport)
        // As the metadata writes it: none for local times, whole minutes.
        if !isLocal { activity.startOffsetSeconds = utcOffset.map { ($0 < 0 ? -1 : 1) * Int(abs($0) / 60 * 60) } ?? 0 }
        activity.metadata = metadata(
            start: activity.startTime!, end: activity.endTime!, offset: isLocal ? nil : utcOffset, local: isLocal,
            session: session,
            summaryID: activity.summaryID!)
        activity.deviceData = device
        for (field, value) in session?.totals ?? [] {
            var json = JSONWriter()
            json.number(value)
            activity.providerValues.append((field, RawJSON(bytes: json.bytes)))
        }
        let indices = frame.records
        if session != nil { activity.notes += outsideNotes(frame) }
        // The session's own timer origin: timer seconds count from its first record.
        let timerOrigin = indices.first.map { timers[$0] } ?? 0
        let lastTime = max(Int64(frame.endSeconds.rounded(.up)), indices.last.map { times[$0] } ?? frame.start)
        if let first = indices.first, !timers[first].isNaN, let timerEnd = timer(at: lastTime) {
            activity.timerAtEnd = timerEnd - timerOrigin
        }
        if let session, let note = timerNote(session, frame: frame, timerAtEnd: activity.timerAtEnd) {
            activity.notes.append(note)
        }
        // A pool swim moves only in its active lengths (as its device counts average speed).
        let lengths = lengths(in: frame)
        let swum = lengths.filter(\.active)
        if !swum.isEmpty { activity.movingSeconds = swum.reduce(0) { $0 + $1.seconds } }
        // Record distances count from the file's start: a session after another counts from the last
        // value before it (unless the device reset the counter for it).
        var distanceBase = 0.0
        if let first = indices.first {
            let before = (0..<first).reversed().lazy.map { value(.distance, record: $0) }.first { !$0.isNaN } ?? 0
            let firstInSession = indices.lazy.map { value(.distance, record: $0) }.first { !$0.isNaN } ?? 0
            if firstInSession >= before { distanceBase = before }
        }
        for channel in Channel.allCases {
            let count = min(indices.count { !value(channel, record: $0).isNaN }, limits.maxSamplesPerChannel)
            if count > 0 {
                activity.columns.columns[channel.rawValue].reserveCapacity(
                    forMore: count, withSecondValues: channel == .position)
            }
        }
        for i in indices {
            for channel in Channel.allCases {
                var value = value(channel, record: i)
                guard !value.isNaN else { continue }
                if channel == .distance { value -= distanceBase }
                let timer = timers[i].isNaN ? nil : timers[i] - timerOrigin
                try store(
                    value, channel, at: times[i], timer: timer, longitude: longitudes[i], into: &activity,
                    limits: limits)
            }
        }
        if let session {
            try storeLengths(lengths, session: session, timerOrigin: timerOrigin, into: &activity, limits: limits)
        }
        return activity
    }

    func store(
        _ value: Double, _ channel: Channel, at fitTime: Int64, timer: Double?, longitude: Double,
        into activity: inout DecodedActivity,
        limits: ReadLimits
    ) throws(SlipstreamError) {
        let (seconds, local) = resolve(fitTime)
        let outcome = activity.columns.columns[channel.rawValue].store(
            complete: true, time: seconds * 1_000_000, timer: timer, value: value,
            longitude: channel == .position ? longitude : nil,
            limit: limits.maxSamplesPerChannel)
        if outcome == .stored && local { activity.columns.countTimestampWithoutOffset() }
        if outcome == .full {
            throw .limitExceeded(
                "more than \(limits.maxSamplesPerChannel) samples in one channel", limit: .maxSamplesPerChannel,
                source: "",
                byteOffset: nil, jsonPath: nil)
        }
    }

    /// Records the session takes that lie outside the device's frame, said.
    private func outsideNotes(_ frame: Frame) -> [String] {
        let before = frame.records.count { times[$0] < frame.start }
        let after = frame.records.count { Double(times[$0]) > frame.endSeconds.rounded(.up) }
        var notes: [String] = []
        func records(_ n: Int) -> String { n == 1 ? "1 record" : "\(n) records" }
        if before > 0 {
            notes.append(
                "\(records(before)) before the session's start_time are kept in it (the device's totals leave them out)"
            )
        }
        if after > 0 {
            notes.append(
                "\(records(after)) after the session's end (start_time + total_elapsed_time) are kept in it (the device's totals leave them out)"
            )
        }
        return notes
    }

    /// A note when the timer rebuilt here and the device's total_timer_time differ by more than a second.
    private func timerNote(_ session: FITSession, frame: Frame, timerAtEnd: Double?) -> String? {
        guard let device = session.timerSeconds, let first = frame.records.first, let last = frame.records.last else {
            return nil
        }
        let ours = timerAtEnd ?? Double(times[last] - times[first])
        guard abs(ours - device) > 1 else { return nil }
        let why: String
        if timerEvents.isEmpty {
            why = "the file has no timer events, so the timer follows the records' timestamps"
        } else if ours > device {
            why =
                "the device counted less time than its timer events show running (time it paused without writing an event)"
        } else {
            why =
                "the device counted time its timer events and records do not show (before the first record or after the last)"
        }
        return
            "timer: \(Self.seconds(ours)) from the timer events and records, \(Self.seconds(device)) by the device (total_timer_time): \(why)"
    }

    static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10)) s"
    }

    /// From the recording itself, never from the file's name: the same recording gets the same id
    /// from any path, archive or upload.
    func summaryID(session: Int) -> String {
        let created = timeCreated.map { resolve($0).seconds } ?? times.first.map { resolve($0).seconds } ?? 0
        if let serialNumber { return "fit-\(serialNumber)-\(created)-\(session)" }
        return "fit-\(manufacturer ?? 0)-\(product ?? 0)-\(created)-\(session)"
    }

    private func metadata(
        start: Int64, end: Int64, offset: Int64?, local: Bool, session: FITSession?, summaryID: String
    ) -> RawJSON {
        var json = JSONWriter()
        json.beginObject()
        json.key("summary_id")
        json.string(summaryID)
        json.key("type")
        json.integer(FITProfile.activityType(sport: session?.sport, subSport: session?.subSport))
        json.key("upload_type")
        json.integer(1)  // automatic: recorded by the device
        json.key("start_time")
        json.string(Self.localTime(microseconds: start, offset: offset, local: local))
        json.key("end_time")
        json.string(Self.localTime(microseconds: end, offset: offset, local: local))
        json.endObject()
        return RawJSON(bytes: json.bytes)
    }

    /// FIT's `date_time` in Unix seconds; nil for a time relative to power-on (not a date).
    static func unixSeconds(_ fit: Int64) -> Int64? {
        fit >= FITProfile.minimumDateTime ? fit + FITProfile.epochOffset : nil
    }

    /// `2024-05-04T07:30:00.000000+02:00`: UTC microseconds shown in local time with its offset;
    /// `local` times are local already and are written without an offset.
    static func localTime(microseconds: Int64, offset: Int64?, local: Bool = false) -> String {
        let utc = Timestamp.format(microseconds: microseconds + (offset ?? 0) * 1_000_000)
        if local { return String(utc.dropLast()) }
        guard let offset, utc.hasSuffix("Z") else { return utc }
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return String(utc.dropLast()) + "\(sign)\(two(minutes / 60)):\(two(minutes % 60))"
    }
}

extension Array {
    /// The first index whose element does not satisfy `predicate` (elements satisfying it come first).
    func partitionPoint(_ predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
