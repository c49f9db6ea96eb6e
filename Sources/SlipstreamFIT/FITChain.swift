// FIT files chained in one input are one recording where they belong together: a watch chains the
// `hr` messages a strap stored under water after the activity's file, as files of their own, and
// some chain a settings or device file. A file with records or sessions is an activity of its own;
// a file without them continues the activity next to it (its beats are merged into that activity's
// records, what it is said in a note); a file that is no activity is passed over with a note.
//
//     file 1: records, sessions   file 2: hr   file 3: hr   file 4: records, sessions
//     '------------ one activity (beats merged) -----------'  '-- the next one --'

/// The chain read so far: the last activity file, held until the files after it show whether they
/// continue it.
struct FITChain {
    private var held: FITRecording?
    /// What the next file's `hr` messages continue from (their anchor and accumulated event time).
    private(set) var heartRateState = FITHeartRates()

    /// A file of the chain has ended: `passedOver` says why its content is not read (a settings
    /// file). Returns the recording that is now complete, to be handed on.
    mutating func fileEnded(_ file: FITRecording, number: Int, bytes: Range<Int>, passedOver: String?) -> FITRecording?
    {
        var file = file
        heartRateState = file.heartRates.continuing()
        let place = "file \(number) of the chain (bytes \(bytes.lowerBound)-\(bytes.upperBound))"
        if let passedOver {
            file = FITRecording()
            file.chainNotes = ["\(place) is \(passedOver): passed over"]
        } else if !file.hasActivityContent {
            let beats = file.heartRates.messages
            file.chainNotes.append(
                beats > 0
                    ? "\(place) holds \(beats) hr messages and no record or session: merged"
                    : "\(place) holds no record or session")
        }
        guard let previous = held else {
            held = file
            return nil
        }
        switch (previous.hasActivityContent, file.hasActivityContent) {
        case (true, true):
            held = file
            return previous
        case (_, false):
            held!.absorb(file)
        case (false, true):
            // Files before the first activity file join it.
            var joined = previous
            joined.absorb(file)
            joined.takeActivity(from: file)
            held = joined
        }
        return nil
    }

    /// The input has ended (or broke): the recording still held, if any.
    mutating func close() -> FITRecording? {
        defer { held = nil }
        return held
    }
}

extension FITRecording {
    /// Records or sessions: an activity of its own, not a continuation of the one before.
    var hasActivityContent: Bool { !sessions.isEmpty || !times.isEmpty || untimedRecords > 0 }

    /// Takes the beats and notes of a file that continues this one.
    mutating func absorb(_ other: FITRecording) {
        heartRates.absorb(other.heartRates)
        chainNotes += other.chainNotes
    }

    /// Becomes `file`'s activity, keeping the beats and notes gathered from the files before it.
    mutating func takeActivity(from file: FITRecording) {
        let (beats, notes) = (heartRates, chainNotes)
        self = file
        heartRates = beats
        chainNotes = notes
    }
}
