// The router's slots and frames (where in the payload an event is), and how keys choose the slot
// of the value that follows them.

import SlipstreamCore

extension PayloadRouter {
    // MARK: - Slots and frames

    /// The slot of the value that starts now; counts array elements.
    @inline(__always)
    func takeSlot() -> (Slot, UInt8) {
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

    func push(_ slot: Slot, tag: UInt8 = 0, isArray: Bool) {
        frames.append(Frame(slot: slot, tag: tag, isArray: isArray))
        self.slot = .skip
    }

    /// A scalar where the slot expected something else.
    func scalar(_ slot: Slot, tag: UInt8, found: String) {
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
            sampleDropped(Int(tag))
        case .envelopeType:
            report("payload type must be a string, found \(found)")
        default:
            break  // a null or mistyped value of a sample field: the sample lacks it
        }
    }

    // MARK: - Keys

    func topObjectKey(_ key: UnsafeRawBufferPointer) -> Slot {
        if key == "data" {
            sawData = true
            return envelopeType == nil || envelopeType == "activity" ? .activityList : .skip
        }
        if key == "user" { return .user }
        if key == "type" { return .envelopeType }
        if key == "status" { return .envelopeStatus }
        if key == "message" { return .envelopeMessage }
        if key == "reference" { return .envelopeReference }
        if key == "version" { return .skip }
        let slot = activityKey(key)
        if slot != .skip { sawActivityKey = true }
        return slot
    }

    func activityKey(_ key: UnsafeRawBufferPointer) -> Slot {
        if key == "metadata" { return .metadata }
        if key == "slipstream" { return .extras }
        return treeKey(key, node: 0)
    }

    /// A key inside an object of the key tree: a nested object, a sample list or a provider value.
    func treeKey(_ key: UnsafeRawBufferPointer, node: Int) -> Slot {
        switch tree.child(of: node, key: key) {
        case .container(let child):
            slotTag = child
            return .container
        case .samples(let channel):
            slotTag = UInt8(channel.rawValue)
            return .sampleList
        case .provider(let field):
            slotTag = UInt8(field.rawValue)
            return .providerValue
        case nil:
            return .skip
        }
    }

    @inline(__always)
    func sampleKey(_ key: UnsafeRawBufferPointer, channel: Int) -> Slot {
        if key == "timestamp" { return .sampleTime }
        if key == "timer_duration_seconds" { return .sampleTimer }
        if key == valueKeys[channel] { return isCoordinate[channel] ? .coordinates : .sampleValue }
        return .skip
    }
}
