// Handing on what the decoder read: each file's recording goes to the chain when the file ends (or
// breaks), and the chain's complete recordings become activities for the sink.

import SlipstreamCore

extension FITDecoder {
    /// The current file has ended (or broke): the chain takes it.
    func endFile() throws(SlipstreamError) {
        let file = recording
        recording = FITRecording()
        filesEnded += 1
        try handOn(
            chain.fileEnded(
                file, number: filesEnded, bytes: fileStart..<min(dataEnd + 2, base + pending.count),
                passedOver: passedOver))
    }

    /// Hands a recording's activities to the sink. A `complete` input without any activity is
    /// reported; a damaged one has its error.
    func handOn(_ recording: FITRecording?, complete: Bool = false) throws(SlipstreamError) {
        guard var recording else { return }
        recording.mergeHeartRates()
        let (sink, source, payload, offset) = (self.sink, self.source, recording.payload, self.offset)
        let count: Int
        do {
            count = try recording.forEachActivity(limits: limits) {
                (activity: inout DecodedActivity) throws(SlipstreamError) in
                activity.jsonPath = "$"
                activity.payload = payload
                do {
                    try sink.activityDecoded(&activity)
                } catch let error as SlipstreamError {
                    throw error
                } catch {
                    throw SlipstreamError(.outputFailed, "\(error)", source: source)
                }
            }
        } catch {
            // A limit met while the columns were built is located at the end of the file's records.
            throw error.source.isEmpty ? Self.located(error, source: source, at: offset) : error
        }
        activitiesHandedOn += count
        if count == 0 && complete
            && (firstPassedOver == nil || recording.heartRates.messages > 0 || recording.untimedRecords > 0)
        {
            let why =
                recording.untimedNote
                ?? (recording.heartRates.messages > 0
                    ? "the FIT file holds \(recording.heartRates.messages) hr messages and no session or record: heart rate a strap stored "
                        + "while it could not send (as in a swim), sent afterwards, without the activity it belongs to"
                    : "the FIT file has no session and no record with a time")
            sink.problem(
                SlipstreamError(.notActivityPayload, "no activity: \(why)", source: source, byteOffset: offset))
        }
        do {
            try sink.payloadEnded(user: nil, discardsActivities: false)
        } catch let error as SlipstreamError {
            throw error
        } catch {
            throw SlipstreamError(.outputFailed, "\(error)", source: source)
        }
    }

    static func located(_ error: SlipstreamError, source: String, at offset: Int) -> SlipstreamError {
        var located = error
        located.source = source
        located.byteOffset = offset
        return located
    }
}
