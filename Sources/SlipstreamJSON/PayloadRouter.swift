// A state machine over the Terra Activity payload shape, driven by yajl's events.
//
// It keeps a stack of frames, one per open container it understands, and the `slot` the next
// value will fill. A key sets the slot (`"watts"` inside a power sample -> `.sampleValue`), an array
// sets it for each element (`power_samples` -> `.sample`). Values whose slot is `.skip` are counted
// through (`skipDepth`) without looking at them. Which keys matter comes from the schema table,
// through ``TerraKeyTree``. Some subtrees are copied, not interpreted: `metadata`, the envelope's
// `user`, and the summary values a provider sent: those go through a `JSONWriter` (`capture`).
//
//     {"type":"activity","user":{…},"data":[{ "metadata":{…}, "power_data":
//      {"power_samples":[{"timestamp":"…","watts":242}, …]}}]}
//
//     frames: topObject > activityList > activity > container(power_data)
//             > sampleList(power) > sample(power);   key "watts" -> slot .sampleValue(power)
//
// When an activity's object closes, it is handed to the sink as decoded (the stream sorts and
// summarizes it); envelope activities read before the envelope's `user` are marked as awaiting it.
//
// The router's state is only touched by its own methods, one event at a time, never through
// overlapping inout accesses: the stored properties opt out of dynamic exclusivity checks, which
// cost about 15% of a summarize run (callgrind: swift_beginAccess on every event).

import SlipstreamCore

final class PayloadRouter {
    enum Slot: UInt8 {
        case skip
        case payload
        case topObject, topArray
        case activityList, activity
        case envelopeType, user
        /// The HTTP API envelope's `status`, `message` and `reference` (strings).
        case envelopeStatus, envelopeMessage, envelopeReference
        case metadata
        /// The activity's own `slipstream` object: what Terra's shape cannot say (the timer's end).
        case extras
        /// An object of the key tree; the tag is its node.
        case container
        case sampleList, sample, sampleTime, sampleValue, sampleTimer
        case coordinates, coordinate
        case providerValue
    }

    struct Frame {
        var slot: Slot
        /// Channel (sample frames), key-tree node (containers) or summary field (provider values).
        var tag: UInt8
        /// Elements seen so far, for arrays.
        var count: Int32 = 0
        var isArray: Bool
    }

    enum CaptureTarget { case metadata, user, extras, provider(SummaryField) }
    enum MetadataKey {
        case other, startTime, endTime, summaryID, activityType, userID, provider, timerEnd, movingSeconds
    }

    /// Returns the absolute input offset yajl is at; set by the decoder.
    var locate: () -> Int = { 0 }
    /// The input's name, for errors.
    let sourceName: String
    unowned let sink: any DecodedActivitySink
    let lines: LineCounter
    let tree = TerraKeyTree.terra
    /// Each channel's value key and whether it is a coordinate pair, by channel.
    let valueKeys: [StaticString] = Schema.channels.map(\.valueKey)
    let isCoordinate: [Bool] = Schema.channels.map(\.isCoordinate)
    var pendingError: (any Error)?
    /// Gives a sample list to the C reader (the tape) from its first element to its end; nil: read here.
    var handOverSampleList: ((_ channel: Int) -> Void)?
    /// Brings the C reader's position inside a handed-over list into `frames` (before an error's path).
    var syncHandedOverPosition: (() -> Void)?

    // Where we are.
    @exclusivity(unchecked) var frames = ContiguousArray<Frame>()
    @exclusivity(unchecked) var slot: Slot = .payload
    @exclusivity(unchecked) var slotTag: UInt8 = 0
    @exclusivity(unchecked) var skipDepth = 0
    @exclusivity(unchecked) var skippedKey: [UInt8] = []
    /// A key has been read and its value has not begun yet (for error paths).
    @exclusivity(unchecked) var keyAwaitsValue = false

    // Subtree being copied.
    @exclusivity(unchecked) var captureTarget: CaptureTarget?
    @exclusivity(unchecked) var capture = JSONWriter()
    @exclusivity(unchecked) var captureKey: MetadataKey = .other

    // The sample being read.
    @exclusivity(unchecked) var timestamps = TimestampParser()
    @exclusivity(unchecked) var sampleTime: Int64 = 0
    @exclusivity(unchecked) var sampleHasTime = false
    @exclusivity(unchecked) var sampleHasOffset = true
    @exclusivity(unchecked) var sampleValue = 0.0
    @exclusivity(unchecked) var sampleHasValue = false
    @exclusivity(unchecked) var sampleTimer = 0.0
    @exclusivity(unchecked) var sampleHasTimer = false
    @exclusivity(unchecked) var sampleLongitude = 0.0
    @exclusivity(unchecked) var sampleHasLongitude = false

    /// The activity being read.
    @exclusivity(unchecked) var activity = DecodedActivity()

    // The payload (top-level value) being read.
    @exclusivity(unchecked) var payloadIndex = -1
    @exclusivity(unchecked) var user: RawJSON?
    @exclusivity(unchecked) var userID: String?
    @exclusivity(unchecked) var providerName: String?
    @exclusivity(unchecked) var userSeen = false
    @exclusivity(unchecked) var sawData = false
    @exclusivity(unchecked) var sawActivityKey = false
    @exclusivity(unchecked) var envelopeType: String?
    @exclusivity(unchecked) var envelopeStatus: String?
    @exclusivity(unchecked) var envelopeMessage: String?
    @exclusivity(unchecked) var envelopeReference: String?
    /// Offset of the current top-level value's first byte.
    @exclusivity(unchecked) var payloadStart = 0

    let limits: ReadLimits
    /// Open arrays and objects, whatever is done with them.
    @exclusivity(unchecked) var depth = 0
    /// yajl events so far (the decoder watches for tokens that never end).
    @exclusivity(unchecked) var events = 0

    init(sink: any DecodedActivitySink, lines: LineCounter, sourceName: String, limits: ReadLimits = ReadLimits()) {
        self.sink = sink
        self.lines = lines
        self.sourceName = sourceName
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
        if depth > limits.maxDepth { return exceeded(.maxDepth, "nesting deeper than \(limits.maxDepth) levels") }
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
            activity.reset()
        case .activity:
            push(.activity, isArray: false)
            activity.reset()
        case .container:
            push(.container, tag: tag, isArray: false)
        case .sample:
            push(.sample, tag: tag, isArray: false)
            beginSample()
        case .metadata, .user, .extras, .providerValue:
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
        case .sample: if !endSample(Int(frame.tag)) { return channelFull(at: locate()) }
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
        if depth > limits.maxDepth { return exceeded(.maxDepth, "nesting deeper than \(limits.maxDepth) levels") }
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
        case .sampleList:
            push(.sampleList, tag: tag, isArray: true)
            handOverSampleList?(Int(tag))
        case .coordinates: push(.coordinates, tag: tag, isArray: true)
        case .metadata, .user, .extras, .providerValue:
            beginCapture(slot, tag: tag)
            capture.beginArray()
        case .activity:
            report("expected an activity object, found an array")
            skipDepth = 1
        case .sample:
            sampleDropped(Int(tag))
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
            slot = sampleKey(key, channel: Int(frame.tag))
            slotTag = frame.tag
        case .activity: slot = activityKey(key)
        case .topObject: slot = topObjectKey(key)
        case .container: slot = treeKey(key, node: Int(frame.tag))
        default: slot = .skip
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
            if capture.depth == 1 {
                switch captureKey {
                case .timerEnd: activity.timerAtEnd = NumberParser.parse(text)
                case .movingSeconds: activity.movingSeconds = NumberParser.parse(text)
                case .activityType: activity.activityType = Self.wholeNumber(text)
                default: break
                }
            }
            captured { $0.numberText(text) }
            return true
        }
        let (slot, tag) = takeSlot()
        switch slot {
        case .sampleValue: sampleValue(text)
        case .sampleTimer: sampleTimer(text)
        case .coordinate:
            let index = frames[frames.count - 1].count - 1
            if index == 0 {
                sampleValue(text)
            } else if index == 1 {
                sampleLongitude(text)
            }
        case .metadata, .user, .extras, .providerValue:
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
        case .sampleTime: sampleTime(text)
        case .envelopeStatus: envelopeStatus = String(decoding: text, as: UTF8.self)
        case .envelopeMessage: envelopeMessage = String(decoding: text, as: UTF8.self)
        case .envelopeReference: envelopeReference = String(decoding: text, as: UTF8.self)
        case .envelopeType:
            envelopeType = String(decoding: text, as: UTF8.self)
            sink.typeRead(envelopeType!)
            if envelopeType != "activity" {
                report("payload type is \"\(envelopeType!)\"; expected \"activity\"")
            }
        case .metadata, .user, .extras, .providerValue:
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
        case .metadata, .user, .extras:
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
        case .metadata, .user, .extras, .providerValue:
            beginCapture(slot, tag: tag)
            captured { $0.bool(value) }
        default:
            scalar(slot, tag: tag, found: value ? "true" : "false")
        }
        return pendingError == nil
    }
}
