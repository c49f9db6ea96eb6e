// The router's work at the ends of things: a sample (stored through the shared column rules), a
// copied subtree, an activity (handed to the sink), a payload (the envelope's user and end).

import SlipstreamCore

extension PayloadRouter {
    // MARK: - Samples

    func beginSample() {
        sampleHasTime = false
        sampleHasValue = false
        sampleHasTimer = false
        sampleHasLongitude = false
        sampleHasOffset = true
    }

    @inline(__always)
    func sampleTime(_ text: UnsafeRawBufferPointer) {
        if let parsed = timestamps.parse(text) { sampleTime(parsed.microseconds, hasOffset: parsed.hasOffset) }
    }

    /// A time the C tape parsed.
    @inline(__always)
    func sampleTime(_ microseconds: Int64, hasOffset: Bool) {
        sampleTime = microseconds
        sampleHasOffset = hasOffset
        sampleHasTime = true
    }

    /// The value, or a coordinate pair's latitude.
    @inline(__always)
    func sampleValue(_ text: UnsafeRawBufferPointer) {
        if let value = NumberParser.parse(text) { sampleValue(value) }
    }

    @inline(__always)
    func sampleValue(_ value: Double) {
        sampleValue = value
        sampleHasValue = true
    }

    @inline(__always)
    func sampleTimer(_ text: UnsafeRawBufferPointer) {
        if let value = NumberParser.parse(text) { sampleTimer(value) }
    }

    @inline(__always)
    func sampleTimer(_ value: Double) {
        sampleTimer = value
        sampleHasTimer = true
    }

    @inline(__always)
    func sampleLongitude(_ text: UnsafeRawBufferPointer) {
        if let value = NumberParser.parse(text) { sampleLongitude(value) }
    }

    @inline(__always)
    func sampleLongitude(_ value: Double) {
        sampleLongitude = value
        sampleHasLongitude = true
    }

    /// An element of a sample list that is not an object.
    func sampleDropped(_ channel: Int) {
        activity.columns.columns[channel].countDropped()
    }

    /// Stores the sample just closed. Returns false when its channel is full (see `channelFull`).
    func endSample(_ channel: Int) -> Bool {
        let timer: Double? = sampleHasTimer && sampleTimer.isFinite ? sampleTimer : nil
        let coordinate = isCoordinate[channel]
        let outcome = activity.columns.columns[channel].store(
            complete: sampleHasTime && sampleHasValue && (!coordinate || sampleHasLongitude), time: sampleTime,
            timer: timer,
            value: sampleValue, longitude: coordinate ? sampleLongitude : nil, limit: limits.maxSamplesPerChannel)
        switch outcome {
        case .stored: if !sampleHasOffset { activity.columns.countTimestampWithoutOffset() }
        case .dropped: break
        case .full: return false
        }
        return true
    }

    /// Stops the read: a sample closing at `offset` found its channel full. `element` is its 1-based
    /// place in the list when the C reader read it (the list's frame has not counted it).
    func channelFull(at offset: Int, element: Int? = nil) -> Bool {
        if let element { frames[frames.count - 1].count = Int32(clamping: element) }
        return exceeded(
            .maxSamplesPerChannel, "more than \(limits.maxSamplesPerChannel) samples in one channel", at: offset)
    }

    /// Takes the C reader's position inside the handed-over list (the list's frame is the last).
    func adoptHandedOverPosition(
        elements: Int, inSample: Bool, field: Slot, keyPending: Bool, coordinates: Int?, skipDepth: Int, nesting: Int,
        skippedKey: UnsafeRawBufferPointer?
    ) {
        let list = frames[frames.count - 1]
        frames[frames.count - 1].count = Int32(clamping: elements)
        if inSample {
            frames.append(Frame(slot: .sample, tag: list.tag, isArray: false))
            slot = field
            slotTag = list.tag
            keyAwaitsValue = keyPending
        }
        if let coordinates {
            frames.append(Frame(slot: .coordinates, tag: list.tag, count: Int32(clamping: coordinates), isArray: true))
            slot = .skip
            keyAwaitsValue = false
        }
        self.skipDepth = skipDepth
        depth += nesting
        if let skippedKey { self.skippedKey = Array(skippedKey) }
    }

    // MARK: - Captured subtrees

    func beginCapture(_ slot: Slot, tag: UInt8) {
        switch slot {
        case .metadata: captureTarget = .metadata
        case .user: captureTarget = .user
        case .extras: captureTarget = .extras
        default: captureTarget = .provider(SummaryField(rawValue: Int(tag))!)
        }
        capture.reset()
        captureKey = .other
    }

    /// Writes into the capture; the capture ends when its outermost value is complete.
    func captured(_ write: (inout JSONWriter) -> Void) {
        write(&capture)
        if capture.depth == 0 { endCapture() }
    }

    func noteCapturedString(_ text: UnsafeRawBufferPointer) {
        switch captureKey {
        case .startTime:
            activity.startTime = Timestamp.parse(text)?.microseconds
            activity.startOffsetSeconds = Timestamp.writtenOffsetSeconds(text)
        case .endTime: activity.endTime = Timestamp.parse(text)?.microseconds
        case .summaryID: activity.summaryID = String(decoding: text, as: UTF8.self)
        case .userID: userID = String(decoding: text, as: UTF8.self)
        case .provider: providerName = String(decoding: text, as: UTF8.self)
        case .other, .timerEnd, .movingSeconds, .activityType: break
        }
    }

    /// The leading digits of a number's text (`3` of `3.5`); nil when it starts with none (`-1`).
    static func wholeNumber(_ text: UnsafeRawBufferPointer) -> Int? {
        let digits = text.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return digits.isEmpty ? nil : Int(String(decoding: digits, as: UTF8.self))
    }

    func metadataKey(_ key: UnsafeRawBufferPointer) -> MetadataKey {
        switch captureTarget {
        case .metadata:
            if key == "start_time" { return .startTime }
            if key == "end_time" { return .endTime }
            if key == "summary_id" { return .summaryID }
            if key == "type" { return .activityType }
        case .user:
            if key == "user_id" { return .userID }
            if key == "provider" { return .provider }
        case .extras:
            if key == "timer_end_seconds" { return .timerEnd }
            if key == "moving_seconds" { return .movingSeconds }
        default: break
        }
        return .other
    }

    func endCapture() {
        let value = RawJSON(bytes: capture.bytes)
        let target = captureTarget
        captureTarget = nil
        captureKey = .other
        slot = .skip
        switch target {
        case .metadata:
            activity.metadata = value
        case .user:
            user = value
            userSeen = true
            handOn { try sink.userRead(userID: userID, providerName: providerName) }
        case .provider(let field):
            activity.providerValues.append((field, value))
        case .extras, nil:
            break
        }
    }

    // MARK: - Activities and payloads

    func beginPayload() {
        payloadIndex += 1
        payloadStart = max(0, locate() - 1)
        user = nil
        userID = nil
        providerName = nil
        userSeen = false
        sawData = false
        sawActivityKey = false
        envelopeType = nil
        envelopeStatus = nil
        envelopeMessage = nil
        envelopeReference = nil
    }

    func endActivity() {
        activity.jsonPath = activityPath()
        activity.payload = payloadIndex
        activity.awaitsUser = frames.first?.slot == .topObject && !userSeen
        if userSeen {
            activity.userID = userID
            activity.providerName = providerName
        }
        handOn { try sink.activityDecoded(&activity) }
    }

    func endTopObject() {
        if let envelopeType, envelopeType != "activity" {
            return
        }
        // Terra's HTTP API answers a failed request with a status other than "success" and a message.
        if let status = envelopeStatus, status != "success" {
            report(
                "Terra error response (status \"\(status)\"): \(envelopeMessage ?? "no message")", at: payloadStart,
                kind: .errorResponse)
            return
        }
        // A successful request whose data Terra sends to the webhook instead carries no `data`.
        if envelopeStatus == "success" && !sawData && !sawActivityKey {
            var details = [envelopeMessage.map { "\"\($0)\"" }, envelopeReference.map { "reference \($0)" }].compactMap
            { $0 }
            if details.isEmpty { details = ["no reference"] }
            report(
                "no activities in this response: Terra sends the data to the webhook (\(details.joined(separator: ", ")))",
                at: payloadStart, kind: .noActivities)
            return
        }
        if sawData && sawActivityKey {
            report("an envelope with `data` also has activity keys at its top level; they were ignored")
        } else if sawActivityKey {
            endActivity()
        } else if !sawData {
            report(
                "expected an activity payload: an envelope with a `data` array, or an Activity with `metadata`",
                at: payloadStart)
        }
    }

    func endPayload() {
        let discards = envelopeType.map { $0 != "activity" } ?? false
        handOn { try sink.payloadEnded(user: user, discardsActivities: discards) }
    }

    /// Calls the sink; what it throws stops the parse (yajl cannot unwind it) and is rethrown by the decoder.
    private func handOn(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            if pendingError == nil { pendingError = error }
        }
    }
}
