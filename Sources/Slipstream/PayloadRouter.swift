// A state machine over the Terra Activity payload shape, driven by yajl's events.
//
// It keeps a stack of frames, one per open container it understands, and the `slot` the next
// value will fill. A key sets the slot (`"bpm"` inside an hr sample -> `.sampleValue`), an array
// sets it for each element (`hr_samples` -> `.sample`). Values whose slot is `.skip` are counted
// through (`skipDepth`) without looking at them. Some subtrees are copied, not interpreted:
// `metadata`, the envelope's `user`, and the summary values a provider sent: those go through a
// `JSONWriter` (`capture`).
//
//     {"type":"activity","user":{…},"data":[{ "metadata":{…}, "heart_rate_data":{"detailed":
//      {"hr_samples":[{"timestamp":"…","bpm":142}, …]}}}]}
//
//     frames: topObject > activityList > activity > heartRateData > heartRateDetailed
//             > sampleList(hr) > sample(hr);   key "bpm" -> slot .sampleValue(hr)
//
// When an activity's object closes, its summary is computed and handed on, and the columns are
// cleared for the next one. Envelope activities wait for the envelope's `user` (it may come after
// `data`), at the latest until the envelope closes.

// The router's state is only touched by its own methods, one event at a time, never through
// overlapping inout accesses: the stored properties opt out of dynamic exclusivity checks, which
// cost about 15% of a summarize run (callgrind: swift_beginAccess on every event).
final class PayloadRouter {
    enum Slot: UInt8 {
        case skip
        case payload
        case topObject, topArray
        case activityList, activity
        case envelopeType, user
        case metadata
        case heartRateData, heartRateDetailed, heartRateSummary
        case powerData, movementData
        case distanceData, distanceDetailed, distanceSummary, elevationSummary
        case positionData
        case polylineData, activeDurations, trainingStress
        case sampleList, sample, sampleTime, sampleValue, sampleTimer
        case coordinates, coordinate
        case providerValue
    }

    struct Frame {
        var slot: Slot
        /// Channel (sample frames) or summary field (provider values).
        var tag: UInt8
        /// Elements seen so far, for arrays.
        var count: Int32 = 0
        /// For objects: the slot set by the last key, kept for error paths.
        var isArray: Bool
    }

    private enum CaptureTarget { case metadata, user, provider(SummaryField) }

    /// Returns the absolute input offset yajl is at; set by the parser.
    var locate: () -> Int = { 0 }
    /// The input's name, for errors.
    var sourceName = ""

    private let consumer: any ActivityConsumer
    private var pendingError: (any Error)?

    // Where we are.
    @exclusivity(unchecked) private var frames = ContiguousArray<Frame>()
    @exclusivity(unchecked) private var slot: Slot = .payload
    @exclusivity(unchecked) private var slotTag: UInt8 = 0
    @exclusivity(unchecked) private var skipDepth = 0
    @exclusivity(unchecked) private var skippedKey: [UInt8] = []
    /// A key has been read and its value has not begun yet (for error paths).
    @exclusivity(unchecked) private var keyAwaitsValue = false

    // Subtree being copied.
    @exclusivity(unchecked) private var captureTarget: CaptureTarget?
    @exclusivity(unchecked) private var capture = JSONWriter()
    @exclusivity(unchecked) private var captureKey: MetadataKey = .other
    private enum MetadataKey { case other, startTime, endTime, summaryID, userID, provider }

    // The sample being read.
    @exclusivity(unchecked) private var timestamps = TimestampParser()
    @exclusivity(unchecked) private var sampleTime: Int64 = 0
    @exclusivity(unchecked) private var sampleHasTime = false
    @exclusivity(unchecked) private var sampleHasOffset = true
    @exclusivity(unchecked) private var sampleValue = 0.0
    @exclusivity(unchecked) private var sampleHasValue = false
    @exclusivity(unchecked) private var sampleTimer = 0.0
    @exclusivity(unchecked) private var sampleHasTimer = false
    @exclusivity(unchecked) private var sampleLongitude = 0.0
    @exclusivity(unchecked) private var sampleHasLongitude = false

    // The activity being read.
    @exclusivity(unchecked) private(set) var columns = ActivityColumns()
    @exclusivity(unchecked) private var metadata: RawJSON?
    @exclusivity(unchecked) private var summaryID: String?
    @exclusivity(unchecked) private var startTime: Int64?
    @exclusivity(unchecked) private var endTime: Int64?
    @exclusivity(unchecked) private var providerValues: [(field: SummaryField, value: RawJSON)] = []

    // The payload (top-level value) being read.
    @exclusivity(unchecked) private var payloadIndex = -1
    @exclusivity(unchecked) private var user: RawJSON?
    @exclusivity(unchecked) private var userID: String?
    @exclusivity(unchecked) private var providerName: String?
    @exclusivity(unchecked) private var userSeen = false
    @exclusivity(unchecked) private var sawData = false
    @exclusivity(unchecked) private var sawActivityKey = false
    @exclusivity(unchecked) private var envelopeType: String?
    @exclusivity(unchecked) private var heldBack: [ActivityRecord] = []
    /// Offset of the current top-level value's first byte.
    @exclusivity(unchecked) private(set) var payloadStart = 0

    private let options: SummaryOptions
    private let limits: ReadLimits
    /// Open arrays and objects, whatever is done with them.
    @exclusivity(unchecked) private var depth = 0
    /// yajl events so far (the reader watches for tokens that never end).
    @exclusivity(unchecked) private(set) var events = 0

    init(consumer: any ActivityConsumer, options: SummaryOptions = SummaryOptions(), limits: ReadLimits = ReadLimits()) {
        self.consumer = consumer
        self.options = options
        self.limits = limits
        frames.reserveCapacity(32)
    }

    /// Top-level values begun so far.
    var payloadsBegun: Int { payloadIndex + 1 }

    /// True while a top-level value has begun and not ended.
    var hasOpenValue: Bool { !frames.isEmpty || skipDepth > 0 || captureTarget != nil }

    func takePendingError() -> (any Error)? {
        defer { pendingError = nil }
        return pendingError
    }

    // MARK: - Events

    func onStartMap() -> Bool {
        events &+= 1
        depth += 1
        if depth > limits.maxDepth { return exceeded("nesting deeper than \(limits.maxDepth) levels", flag: "--max-depth") }
        if skipDepth > 0 {
            skipDepth += 1
            return true
        }
        if captureTarget != nil {
            capture.beginObject()
            return true
        }
        let (slot, tag) = takeSlot()
        switch slot {
        case .payload:
            beginPayload()
            push(.topObject, isArray: false)
            beginActivity()
        case .activity:
            push(.activity, isArray: false)
            beginActivity()
        case .heartRateData, .heartRateDetailed, .heartRateSummary, .powerData, .movementData,
            .distanceData, .distanceDetailed, .distanceSummary, .elevationSummary, .positionData,
            .polylineData, .activeDurations, .trainingStress:
            push(slot, isArray: false)
        case .sample:
            push(.sample, tag: tag, isArray: false)
            beginSample()
        case .metadata, .user, .providerValue:
            beginCapture(slot, tag: tag)
            capture.beginObject()
        case .activityList:
            report("`data` must be an array of activities, found an object")
            skipDepth = 1
        default:
            skipDepth = 1
        }
        return pendingError == nil
    }

    func onEndMap() -> Bool {
        events &+= 1
        depth -= 1
        if skipDepth > 0 {
            skipDepth -= 1
            return true
        }
        if captureTarget != nil {
            capture.endObject()
            if capture.depth == 0 { endCapture() }
            return true
        }
        let frame = frames.removeLast()
        switch frame.slot {
        case .sample: endSample(Channel(rawValue: Int(frame.tag))!)
        case .activity: endActivity()
        case .topObject: endTopObject()
        default: break
        }
        if frames.isEmpty { endPayload() }
        return pendingError == nil
    }

    func onStartArray() -> Bool {
        events &+= 1
        depth += 1
        if depth > limits.maxDepth { return exceeded("nesting deeper than \(limits.maxDepth) levels", flag: "--max-depth") }
        if skipDepth > 0 {
            skipDepth += 1
            return true
        }
        if captureTarget != nil {
            capture.beginArray()
            return true
        }
        let (slot, tag) = takeSlot()
        switch slot {
        case .payload:
            beginPayload()
            push(.topArray, isArray: true)
        case .activityList: push(.activityList, isArray: true)
        case .sampleList: push(.sampleList, tag: tag, isArray: true)
        case .coordinates: push(.coordinates, isArray: true)
        case .metadata, .user, .providerValue:
            beginCapture(slot, tag: tag)
            capture.beginArray()
        case .activity:
            report("expected an activity object, found an array")
            skipDepth = 1
        case .sample:
            columns.columns[Int(tag)].dropped += 1
            skipDepth = 1
        default:
            skipDepth = 1
        }
        return pendingError == nil
    }

    func onEndArray() -> Bool {
        events &+= 1
        depth -= 1
        if skipDepth > 0 {
            skipDepth -= 1
            return true
        }
        if captureTarget != nil {
            capture.endArray()
            if capture.depth == 0 { endCapture() }
            return true
        }
        frames.removeLast()
        if frames.isEmpty { endPayload() }
        return pendingError == nil
    }

    func onKey(_ key: UnsafeRawBufferPointer) -> Bool {
        events &+= 1
        if skipDepth > 0 { return true }
        if captureTarget != nil {
            capture.key(key)
            if capture.depth == 1 { captureKey = metadataKey(key) }
            return true
        }
        let frame = frames[frames.count - 1]
        slotTag = 0
        keyAwaitsValue = true
        switch frame.slot {
        case .sample:
            slot = sampleKey(key, channel: frame.tag)
            slotTag = frame.tag
        case .activity: slot = activityKey(key)
        case .topObject: slot = topObjectKey(key)
        case .heartRateData:
            slot = key == "detailed" ? .heartRateDetailed : key == "summary" ? .heartRateSummary : .skip
        case .heartRateDetailed:
            slot = list(key == "hr_samples", .heartRate)
        case .heartRateSummary:
            slot = provider(key, [
                ("avg_hr_bpm", .avgHeartRate), ("max_hr_bpm", .maxHeartRate), ("min_hr_bpm", .minHeartRate),
                ("user_max_hr_bpm", .userMaxHeartRate), ("hr_zone_data", .heartRateZones),
            ])
        case .powerData:
            if key == "power_samples" {
                slot = list(true, .power)
            } else {
                slot = provider(key, [("avg_watts", .avgWatts), ("max_watts", .maxWatts)])
            }
        case .movementData:
            if key == "speed_samples" {
                slot = list(true, .speed)
            } else if key == "cadence_samples" {
                slot = list(true, .cadence)
            } else {
                slot = provider(key, [
                    ("avg_speed_meters_per_second", .avgSpeed), ("max_speed_meters_per_second", .maxSpeed),
                    ("avg_cadence_rpm", .avgCadence), ("max_cadence_rpm", .maxCadence),
                ])
            }
        case .distanceData:
            slot = key == "detailed" ? .distanceDetailed : key == "summary" ? .distanceSummary : .skip
        case .distanceDetailed:
            if key == "distance_samples" {
                slot = list(true, .distance)
            } else {
                slot = list(key == "elevation_samples", .elevation)
            }
        case .distanceSummary:
            if key == "elevation" {
                slot = .elevationSummary
            } else {
                slot = provider(key, [("distance_meters", .distance)])
            }
        case .elevationSummary:
            slot = provider(key, [
                ("min_meters", .minElevation), ("max_meters", .maxElevation), ("avg_meters", .avgElevation),
                ("gain_actual_meters", .elevationGain), ("loss_actual_meters", .elevationLoss),
            ])
        case .positionData:
            if key == "position_samples" {
                slot = list(true, .position)
            } else {
                slot = provider(key, [
                    ("start_pos_lat_lng_deg", .startPosition), ("end_pos_lat_lng_deg", .endPosition),
                    ("center_pos_lat_lng_deg", .centerPosition),
                ])
            }
        case .polylineData:
            slot = provider(key, [("summary_polyline", .polyline)])
        case .activeDurations:
            slot = provider(key, [("activity_seconds", .activitySeconds)])
        case .trainingStress:
            slot = provider(key, [("TSS_samples", .trainingStress)])
        default:
            slot = .skip
        }
        if slot == .skip {
            skippedKey.removeAll(keepingCapacity: true)
            skippedKey.append(contentsOf: key)
        }
        return true
    }

    func onNumber(_ text: UnsafeRawBufferPointer) -> Bool {
        events &+= 1
        if skipDepth > 0 { return true }
        if captureTarget != nil {
            captured { $0.numberText(text) }
            return true
        }
        let (slot, tag) = takeSlot()
        switch slot {
        case .sampleValue:
            if let value = NumberParser.parse(text) {
                sampleValue = value
                sampleHasValue = true
            }
        case .sampleTimer:
            if let value = NumberParser.parse(text) {
                sampleTimer = value
                sampleHasTimer = true
            }
        case .coordinate:
            let index = frames[frames.count - 1].count - 1
            if let value = NumberParser.parse(text) {
                if index == 0 {
                    sampleValue = value
                    sampleHasValue = true
                } else if index == 1 {
                    sampleLongitude = value
                    sampleHasLongitude = true
                }
            }
        case .metadata, .user, .providerValue:
            beginCapture(slot, tag: tag)
            captured { $0.numberText(text) }
        default:
            scalar(slot, tag: tag, found: "a number")
        }
        return pendingError == nil
    }

    func onString(_ text: UnsafeRawBufferPointer) -> Bool {
        events &+= 1
        if skipDepth > 0 { return true }
        if captureTarget != nil {
            if capture.depth == 1 { noteCapturedString(text) }
            captured { $0.string(text) }
            return true
        }
        let (slot, tag) = takeSlot()
        switch slot {
        case .sampleTime:
            if let parsed = timestamps.parse(text) {
                sampleTime = parsed.microseconds
                sampleHasOffset = parsed.hasOffset
                sampleHasTime = true
            }
        case .envelopeType:
            envelopeType = String(decoding: text, as: UTF8.self)
            if envelopeType != "activity" {
                report("payload type is \"\(envelopeType!)\"; expected \"activity\"")
            }
        case .metadata, .user, .providerValue:
            beginCapture(slot, tag: tag)
            captured { $0.string(text) }
        default:
            scalar(slot, tag: tag, found: "a string")
        }
        return pendingError == nil
    }

    func onNull() -> Bool {
        events &+= 1
        if skipDepth > 0 { return true }
        if captureTarget != nil {
            captured { $0.null() }
            return true
        }
        let (slot, tag) = takeSlot()
        switch slot {
        case .metadata, .user:
            beginCapture(slot, tag: tag)
            captured { $0.null() }
        case .providerValue:
            break  // a null summary value is no value
        default:
            scalar(slot, tag: tag, found: "null")  // a null sample value or time is a missing one
        }
        return pendingError == nil
    }

    func onBool(_ value: Bool) -> Bool {
        events &+= 1
        if skipDepth > 0 { return true }
        if captureTarget != nil {
            captured { $0.bool(value) }
            return true
        }
        let (slot, tag) = takeSlot()
        switch slot {
        case .metadata, .user, .providerValue:
            beginCapture(slot, tag: tag)
            captured { $0.bool(value) }
        default:
            scalar(slot, tag: tag, found: value ? "true" : "false")
        }
        return pendingError == nil
    }

    // MARK: - Slots and frames

    /// The slot of the value that starts now; counts array elements.
    @inline(__always)
    private func takeSlot() -> (Slot, UInt8) {
        guard let last = frames.indices.last else { return (.payload, 0) }
        let frame = frames[last]
        guard frame.isArray else {
            keyAwaitsValue = false
            return (slot, slotTag)
        }
        frames[last].count += 1
        switch frame.slot {
        case .sampleList: return (.sample, frame.tag)
        case .coordinates: return (.coordinate, 0)
        case .activityList, .topArray: return (.activity, 0)
        default: return (.skip, 0)
        }
    }

    private func push(_ slot: Slot, tag: UInt8 = 0, isArray: Bool) {
        frames.append(Frame(slot: slot, tag: tag, isArray: isArray))
        self.slot = .skip
    }

    /// A scalar where the slot expected something else.
    private func scalar(_ slot: Slot, tag: UInt8, found: String) {
        switch slot {
        case .payload:
            beginPayload()
            report("expected an activity payload (an object or an array), found \(found)")
            endPayload()
        case .activity:
            report("expected an activity object, found \(found)")
        case .activityList:
            if found != "null" { report("`data` must be an array of activities, found \(found)") }
            sawData = true
        case .sample:
            columns.columns[Int(tag)].dropped += 1
        case .envelopeType:
            report("payload type must be a string, found \(found)")
        default:
            break  // a null or mistyped value of a sample field: the sample lacks it
        }
    }

    private func topObjectKey(_ key: UnsafeRawBufferPointer) -> Slot {
        if key == "data" {
            sawData = true
            return envelopeType == nil || envelopeType == "activity" ? .activityList : .skip
        }
        if key == "user" { return .user }
        if key == "type" { return .envelopeType }
        if key == "status" || key == "version" || key == "message" || key == "reference" { return .skip }
        let slot = activityKey(key)
        if slot != .skip { sawActivityKey = true }
        return slot
    }

    private func activityKey(_ key: UnsafeRawBufferPointer) -> Slot {
        switch key.count {
        case 8:
            if key == "metadata" { return .metadata }
            return key == "TSS_data" ? .trainingStress : .skip
        case 10: return key == "power_data" ? .powerData : .skip
        case 13:
            if key == "movement_data" { return .movementData }
            if key == "distance_data" { return .distanceData }
            if key == "position_data" { return .positionData }
            return .skip
        case 15: return key == "heart_rate_data" ? .heartRateData : .skip
        case 17: return key == "polyline_map_data" ? .polylineData : .skip
        case 21: return key == "active_durations_data" ? .activeDurations : .skip
        default: return .skip
        }
    }

    @inline(__always)
    private func sampleKey(_ key: UnsafeRawBufferPointer, channel: UInt8) -> Slot {
        if key == "timestamp" { return .sampleTime }
        if key == "timer_duration_seconds" { return .sampleTimer }
        guard let channel = Channel(rawValue: Int(channel)) else { return .skip }
        if key == valueKey(channel) {
            return channel == .position ? .coordinates : .sampleValue
        }
        return .skip
    }

    private func list(_ matches: Bool, _ channel: Channel) -> Slot {
        guard matches else { return .skip }
        slotTag = UInt8(channel.rawValue)
        return .sampleList
    }

    private func provider(_ key: UnsafeRawBufferPointer, _ fields: [(StaticString, SummaryField)]) -> Slot {
        for (name, field) in fields where key == name {
            slotTag = UInt8(field.rawValue)
            return .providerValue
        }
        return .skip
    }

    // MARK: - Samples

    private func beginSample() {
        sampleHasTime = false
        sampleHasValue = false
        sampleHasTimer = false
        sampleHasLongitude = false
        sampleHasOffset = true
    }

    private func endSample(_ channel: Channel) {
        let timer: Double? = sampleHasTimer && sampleTimer.isFinite ? sampleTimer : nil
        let complete = sampleHasTime && sampleHasValue && (channel != .position || sampleHasLongitude)
        // A heart rate of 0 or below is a sensor dropout, not a measurement.
        guard complete, channel != .heartRate || sampleValue > 0 else {
            columns.columns[channel.rawValue].dropped += 1
            return
        }
        guard Channel.plausible[channel.rawValue].contains(sampleValue),
            channel != .position || (-180.0...180.0).contains(sampleLongitude)
        else {
            columns.columns[channel.rawValue].dropped += 1
            columns.columns[channel.rawValue].outOfRange += 1
            return
        }
        guard columns.columns[channel.rawValue].count < limits.maxSamplesPerChannel else {
            _ = exceeded("more than \(limits.maxSamplesPerChannel) samples in one channel", flag: "--max-samples")
            return
        }
        if channel == .position {
            columns.columns[channel.rawValue].append(
                time: sampleTime, timer: timer, latitude: sampleValue, longitude: sampleLongitude)
        } else {
            columns.columns[channel.rawValue].append(time: sampleTime, timer: timer, value: sampleValue)
        }
        if !sampleHasOffset { columns.timestampsWithoutOffset += 1 }
    }

    // MARK: - Captured subtrees

    private func beginCapture(_ slot: Slot, tag: UInt8) {
        switch slot {
        case .metadata: captureTarget = .metadata
        case .user: captureTarget = .user
        default: captureTarget = .provider(SummaryField(rawValue: Int(tag))!)
        }
        capture.reset()
        captureKey = .other
    }

    /// Writes into the capture; the capture ends when its outermost value is complete.
    private func captured(_ write: (inout JSONWriter) -> Void) {
        write(&capture)
        if capture.depth == 0 { endCapture() }
    }

    private func noteCapturedString(_ text: UnsafeRawBufferPointer) {
        switch captureKey {
        case .startTime: startTime = Timestamp.parse(text)?.microseconds
        case .endTime: endTime = Timestamp.parse(text)?.microseconds
        case .summaryID: summaryID = String(decoding: text, as: UTF8.self)
        case .userID: userID = String(decoding: text, as: UTF8.self)
        case .provider: providerName = String(decoding: text, as: UTF8.self)
        case .other: break
        }
    }

    private func metadataKey(_ key: UnsafeRawBufferPointer) -> MetadataKey {
        switch captureTarget {
        case .metadata:
            if key == "start_time" { return .startTime }
            if key == "end_time" { return .endTime }
            if key == "summary_id" { return .summaryID }
        case .user:
            if key == "user_id" { return .userID }
            if key == "provider" { return .provider }
        default: break
        }
        return .other
    }

    private func endCapture() {
        let value = RawJSON(bytes: capture.bytes)
        switch captureTarget {
        case .metadata:
            metadata = value
        case .user:
            user = value
            userSeen = true
            releaseHeldBack()
        case .provider(let field):
            providerValues.append((field, value))
        case nil:
            break
        }
        captureTarget = nil
        captureKey = .other
        slot = .skip
    }

    // MARK: - Activities and payloads

    private func beginPayload() {
        payloadIndex += 1
        payloadStart = max(0, locate() - 1)
        user = nil
        userID = nil
        providerName = nil
        userSeen = false
        sawData = false
        sawActivityKey = false
        envelopeType = nil
        heldBack.removeAll()
    }

    private func beginActivity() {
        columns.removeAll()
        metadata = nil
        summaryID = nil
        startTime = nil
        endTime = nil
        providerValues.removeAll(keepingCapacity: true)
    }

    /// The activity's own `heart_rate_data.summary.user_max_hr_bpm`, when it is a number.
    private func payloadMaxHeartRate() -> Double? {
        guard let value = providerValues.last(where: { $0.field == .userMaxHeartRate })?.value else { return nil }
        return value.bytes.withUnsafeBytes { NumberParser.parse($0) }
    }

    private func endActivity() {
        let isEnvelopeMember = frames.first?.slot == .topObject
        columns.putInTimeOrder()
        var record = ActivityRecord(
            metadata: metadata, summaryID: summaryID,
            summary: Summarizer.summarize(
                columns, startTime: startTime, endTime: endTime, options: options, payloadMaxHeartRate: payloadMaxHeartRate()),
            providerValues: providerValues, userID: userID, providerName: providerName,
            jsonPath: activityPath(), payload: payloadIndex)
        do {
            try consumer.columns(columns, of: record)
            if isEnvelopeMember && !userSeen {
                heldBack.append(record)
            } else {
                record.userID = userID
                record.providerName = providerName
                try consumer.activity(record)
            }
        } catch {
            pendingError = error
        }
    }

    private func endTopObject() {
        if let envelopeType, envelopeType != "activity" {
            heldBack.removeAll()
            return
        }
        if sawData && sawActivityKey {
            report("an envelope with `data` also has activity keys at its top level; they were ignored")
        } else if sawActivityKey {
            endActivity()
        } else if !sawData {
            report("expected an activity payload: an envelope with a `data` array, or an Activity with `metadata`", at: payloadStart)
        }
        releaseHeldBack()
    }

    private func endPayload() {
        do {
            try consumer.payloadEnded(user: user)
        } catch {
            pendingError = error
        }
    }

    /// Hands on the envelope activities that waited for the user (all of them when reading stops).
    func releaseHeldBack() {
        guard !heldBack.isEmpty else { return }
        let records = heldBack
        heldBack.removeAll()
        do {
            for var record in records {
                record.userID = userID
                record.providerName = providerName
                try consumer.activity(record)
            }
        } catch {
            pendingError = error
        }
    }

    // MARK: - Locations

    /// Stops the read: the input went past a limit. Returns false for the callback to hand to yajl.
    @inline(never)
    private func exceeded(_ what: String, flag: String) -> Bool {
        if pendingError == nil {
            pendingError = SlipstreamError.limitExceeded(
                what, flag: flag, source: sourceName, byteOffset: locate(), jsonPath: currentPath())
        }
        return false
    }

    /// Reports a problem with the value being read (its key is part of the path).
    private func report(_ message: String, at offset: Int? = nil) {
        let reading = keyAwaitsValue
        keyAwaitsValue = true
        defer { keyAwaitsValue = reading }
        consumer.problem(
            SlipstreamError(.notActivityPayload, message, source: sourceName, byteOffset: offset ?? locate(), jsonPath: currentPath()))
    }

    private func activityPath() -> String {
        var path = "$"
        for frame in frames {
            switch frame.slot {
            case .activityList: path += ".data[\(frame.count - 1)]"
            case .topArray: path += "[\(frame.count - 1)]"
            default: break
            }
        }
        return path
    }

    /// The JSON path of the value being read, e.g. `$.data[0].heart_rate_data.detailed.hr_samples[12].bpm`.
    func currentPath() -> String {
        var path = "$"
        var previous: Slot = .payload
        for frame in frames {
            path += pathComponent(frame.slot, tag: frame.tag, parent: previous)
            if frame.isArray, frame.count > 0 { path += "[\(frame.count - 1)]" }
            previous = frame.slot
        }
        if let last = frames.last, !last.isArray {
            switch captureTarget {
            case .metadata: path += ".metadata"
            case .user: path += ".user"
            case .provider(let field): path += ".\(field.path.last!)"
            case nil:
                if skipDepth == 0 && !keyAwaitsValue {
                    break
                } else if skipDepth > 0 || slot == .skip {
                    if !skippedKey.isEmpty { path += "." + String(decoding: skippedKey, as: UTF8.self) }
                } else if slot != .payload {
                    path += pathComponent(slot, tag: slotTag, parent: last.slot)
                }
            }
        }
        return path
    }

    private func pathComponent(_ slot: Slot, tag: UInt8, parent: Slot) -> String {
        switch slot {
        case .activityList: ".data"
        case .envelopeType: ".type"
        case .user: ".user"
        case .metadata: ".metadata"
        case .heartRateData: ".heart_rate_data"
        case .heartRateDetailed, .distanceDetailed: ".detailed"
        case .heartRateSummary, .distanceSummary: ".summary"
        case .powerData: ".power_data"
        case .movementData: ".movement_data"
        case .distanceData: ".distance_data"
        case .elevationSummary: ".elevation"
        case .positionData: ".position_data"
        case .polylineData: ".polyline_map_data"
        case .activeDurations: ".active_durations_data"
        case .trainingStress: ".TSS_data"
        case .sampleList: ".\(listKey(Channel(rawValue: Int(tag))!))"
        case .sampleTime: ".timestamp"
        case .sampleTimer: ".timer_duration_seconds"
        case .sampleValue, .coordinates: ".\(valueKey(Channel(rawValue: Int(tag)) ?? .position))"
        case .providerValue: "." + "\(SummaryField(rawValue: Int(tag))!.path.last!)"
        default: ""
        }
    }
}

/// The key of a channel's sample array.
func listKey(_ channel: Channel) -> StaticString {
    switch channel {
    case .heartRate: "hr_samples"
    case .power: "power_samples"
    case .cadence: "cadence_samples"
    case .speed: "speed_samples"
    case .distance: "distance_samples"
    case .elevation: "elevation_samples"
    case .position: "position_samples"
    }
}

/// The key of a channel's value inside one sample.
func valueKey(_ channel: Channel) -> StaticString {
    switch channel {
    case .heartRate: "bpm"
    case .power: "watts"
    case .cadence: "cadence_rpm"
    case .speed: "speed_meters_per_second"
    case .distance: "distance_meters"
    case .elevation: "elev_meters"
    case .position: "coords_lat_lng_deg"
    }
}

/// Compares a key with a literal, eight bytes at a time, without building a String.
@inline(__always)
func == (key: UnsafeRawBufferPointer, name: StaticString) -> Bool {
    let count = name.utf8CodeUnitCount
    guard key.count == count else { return false }
    let literal = UnsafeRawBufferPointer(start: name.utf8Start, count: count)
    var i = 0
    while i + 8 <= count {
        if key.loadUnaligned(fromByteOffset: i, as: UInt64.self) != literal.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < count {
        if key[i] != literal[i] { return false }
        i += 1
    }
    return true
}
