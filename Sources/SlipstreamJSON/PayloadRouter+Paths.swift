// Where the router is, in words: JSON paths for errors and records, and the errors it reports.

import SlipstreamCore

extension PayloadRouter {
    /// Stops the read: the input went past a limit. Returns false for the callback to hand to yajl.
    @inline(never)
    func exceeded(_ limit: ReadLimits.Key, _ what: String, at offset: Int? = nil) -> Bool {
        if pendingError == nil {
            pendingError = SlipstreamError.limitExceeded(
                what, limit: limit, source: sourceName, byteOffset: offset ?? locate(), jsonPath: currentPath())
        }
        return false
    }

    /// Reports a problem with the value being read (its key is part of the path).
    @inline(never)
    func report(_ message: String, at offset: Int? = nil, kind: SlipstreamError.Kind = .notActivityPayload) {
        let reading = keyAwaitsValue
        keyAwaitsValue = true
        defer { keyAwaitsValue = reading }
        var error = SlipstreamError(
            kind, message, source: sourceName, byteOffset: offset ?? locate(), jsonPath: currentPath())
        if let byte = error.byteOffset { (error.line, error.column) = lines.lineAndColumnWhileParsing(of: byte) }
        sink.problem(error)
    }

    func activityPath() -> String {
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

    /// The JSON path of the value being read, e.g. `$.data[0].power_data.power_samples[12].watts`.
    func currentPath() -> String {
        syncHandedOverPosition?()
        var path = "$"
        for frame in frames {
            path += pathComponent(frame.slot, tag: frame.tag)
            if frame.isArray, frame.count > 0 { path += "[\(frame.count - 1)]" }
        }
        if let last = frames.last, !last.isArray {
            switch captureTarget {
            case .metadata: path += ".metadata"
            case .user: path += ".user"
            case .extras: path += ".slipstream"
            case .provider(let field): path += ".\(field.path.last!)"
            case nil:
                // Inside a value passed over, the key it came under: one we skip, or one whose value
                // had the wrong shape (`"watts":{…}`).
                if skipDepth == 0 && !keyAwaitsValue {
                    break
                } else if slot == .skip {
                    if !skippedKey.isEmpty { path += "." + String(decoding: skippedKey, as: UTF8.self) }
                } else if slot != .payload {
                    path += pathComponent(slot, tag: slotTag)
                }
            }
        }
        return path
    }

    private func pathComponent(_ slot: Slot, tag: UInt8) -> String {
        switch slot {
        case .activityList: ".data"
        case .envelopeType: ".type"
        case .envelopeStatus: ".status"
        case .envelopeMessage: ".message"
        case .envelopeReference: ".reference"
        case .user: ".user"
        case .metadata: ".metadata"
        case .extras: ".slipstream"
        case .container: ".\(tree.nodes[Int(tag)].name)"
        case .sampleList: ".\(Channel(rawValue: Int(tag))!.schema.listKey)"
        case .sampleTime: ".timestamp"
        case .sampleTimer: ".timer_duration_seconds"
        case .sampleValue, .coordinates: ".\(valueKeys[Int(tag)])"
        case .providerValue: "." + "\(SummaryField(rawValue: Int(tag))!.path.last!)"
        default: ""
        }
    }
}
