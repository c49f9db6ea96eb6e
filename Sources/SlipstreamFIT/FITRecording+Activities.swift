// The activities a FIT file holds, built once it has ended: one per session (or one over all the
// records when there is none), each with its records' samples, timer, metadata and the device's totals.

import SlipstreamCore

extension FITRecording {
    /// The activities of the file, one at a time (only one activity's columns exist at once): one
    /// per session, with the records between its start and end; without a session, one over all
    /// the records, with a note saying so.
    /// - Returns: how many there were.
    @discardableResult
    func forEachActivity(limits: ReadLimits, _ body: (inout DecodedActivity) throws(SlipstreamError) -> Void) throws(SlipstreamError) -> Int {
        var notes: [String] = []
        if let untimedNote { notes.append(untimedNote) }
        if let first = times.first, Self.unixSeconds(first) == nil, relativeAnchor == nil {
            notes.append("the device counts time from its power-on and gives no date: times are relative (from 1989-12-31)")
        }
        if sessions.isEmpty {
            guard let first = times.first, let last = times.last else { return 0 }
            var activity = try activity(from: first, to: last, session: nil, limits: limits)
            activity.notes = [
                "no session message: the recording ended without its summary (a device that stopped early); one activity over its \(times.count) records"
            ] + notes
            try body(&activity)
            return 1
        }
        // Records no session covers (a device recording before the start was pressed) are said, not lost silently.
        let windows = sessions.map { (start: $0.startTime ?? times.first ?? 0, end: $0.endTime ?? times.last ?? 0) }
        let outside = times.filter { time in !windows.contains { time >= $0.start && time <= $0.end } }.count
        if outside > 0 {
            notes.append(outside == 1 ? "1 record outside every session was left out" : "\(outside) records outside every session were left out")
        }
        for session in sessions {
            let start = session.startTime ?? times.first ?? 0
            let end = session.endTime ?? times.last ?? start
            var activity = try activity(from: start, to: max(start, end), session: session, limits: limits)
            if session.index == 0 { activity.notes += notes }
            try body(&activity)
        }
        return sessions.count
    }

    private func activity(from start: Int64, to end: Int64, session: FITSession?, limits: ReadLimits) throws(SlipstreamError) -> DecodedActivity {
        var activity = DecodedActivity()
        let (startSeconds, isLocal) = resolve(start)
        let endSeconds = resolve(end).seconds
        activity.startTime = startSeconds * 1_000_000
        activity.endTime = endSeconds * 1_000_000
        activity.summaryID = summaryID(session: session?.index ?? 0)
        activity.metadata = metadata(
            start: startSeconds, end: endSeconds, offset: isLocal ? nil : utcOffset, local: isLocal, session: session,
            summaryID: activity.summaryID!)
        activity.deviceData = device
        for (field, value) in session?.totals ?? [] {
            var json = JSONWriter()
            json.number(value)
            activity.providerValues.append((field, RawJSON(bytes: json.bytes)))
        }
        // The session's own timer origin: timer seconds count from its first record.
        let indices: [Int]
        if inTimeOrder {
            let lower = times.partitionPoint { $0 < start }
            indices = Array(lower..<max(lower, times.partitionPoint { $0 <= end }))
        } else {
            indices = times.indices.filter { times[$0] >= start && times[$0] <= end }
        }
        let timerOrigin = indices.first.map { timers[$0] } ?? 0
        if let first = indices.first, !timers[first].isNaN, let timerEnd = timer(at: end) { activity.timerAtEnd = timerEnd - timerOrigin }
        // A pool swim moves only in its active lengths (as its device counts average speed).
        let swum = lengths.filter { $0.active && $0.start >= start && $0.start <= end }
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
                activity.columns.columns[channel.rawValue].reserveCapacity(forMore: count, withSecondValues: channel == .position)
            }
        }
        for i in indices {
            let (seconds, local) = resolve(times[i])
            let time = seconds * 1_000_000
            let timer = timers[i].isNaN ? nil : timers[i] - timerOrigin
            for channel in Channel.allCases {
                var value = value(channel, record: i)
                guard !value.isNaN else { continue }
                if channel == .distance { value -= distanceBase }
                let longitude = channel == .position ? longitudes[i] : nil
                let outcome = activity.columns.columns[channel.rawValue].store(
                    complete: true, time: time, timer: timer, value: value, longitude: longitude, limit: limits.maxSamplesPerChannel)
                if outcome == .stored && local { activity.columns.countTimestampWithoutOffset() }
                if outcome == .full {
                    throw .limitExceeded(
                        "more than \(limits.maxSamplesPerChannel) samples in one channel", limit: .maxSamplesPerChannel, source: "",
                        byteOffset: nil, jsonPath: nil)
                }
            }
        }
        return activity
    }

    /// From the recording itself, never from the file's name: the same recording gets the same id
    /// from any path, archive or upload.
    func summaryID(session: Int) -> String {
        let created = timeCreated.map { resolve($0).seconds } ?? times.first.map { resolve($0).seconds } ?? 0
        if let serialNumber { return "fit-\(serialNumber)-\(created)-\(session)" }
        return "fit-\(manufacturer ?? 0)-\(product ?? 0)-\(created)-\(session)"
    }

    private func metadata(start: Int64, end: Int64, offset: Int64?, local: Bool, session: FITSession?, summaryID: String) -> RawJSON {
        var json = JSONWriter()
        json.beginObject()
        json.key("summary_id")
        json.string(summaryID)
        json.key("type")
        json.integer(FITProfile.activityType(sport: session?.sport, subSport: session?.subSport))
        json.key("upload_type")
        json.integer(1)  // automatic: recorded by the device
        json.key("start_time")
        json.string(Self.localTime(start, offset: offset, local: local))
        json.key("end_time")
        json.string(Self.localTime(end, offset: offset, local: local))
        json.endObject()
        return RawJSON(bytes: json.bytes)
    }

    /// FIT's `date_time` in Unix seconds; nil for a time relative to power-on (not a date).
    static func unixSeconds(_ fit: Int64) -> Int64? {
        fit >= FITProfile.minimumDateTime ? fit + FITProfile.epochOffset : nil
    }

    /// `2024-05-04T07:30:00.000000+02:00`: UTC seconds shown in local time with its offset; `local`
    /// seconds are local time already and are written without an offset.
    static func localTime(_ seconds: Int64, offset: Int64?, local: Bool = false) -> String {
        let utc = Timestamp.format(microseconds: (seconds + (offset ?? 0)) * 1_000_000)
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
