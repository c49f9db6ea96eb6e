// Puts sample lists back into a stored summary object where Terra's Activity has them
// (`heart_rate_data.detailed.hr_samples`, `power_data.power_samples`, …), creating the containers the
// summary lacks, without parsing the summary into a tree. The result is a list of segments, summary
// bytes and sample lists, so that a response streams the samples in slices instead of building them.

import SlipstreamCore

package enum SplicedSegment: Equatable {
    case bytes(ArraySlice<UInt8>)
    case samples(Channel)
}

package enum SampleSplicer {
    /// `summary` is a compact JSON object written by us; `channels` those with samples, in schema order.
    package static func splice(summary: [UInt8], channels: [Channel]) -> [SplicedSegment] {
        guard !channels.isEmpty else { return [.bytes(summary[...])] }
        var segments: [SplicedSegment] = []
        var copiedUpTo = 0
        // Per open container: its key path (nil inside arrays) and the keys seen in it.
        var stack: [(path: [String]?, seen: Set<String>, isObject: Bool)] = []
        var lastKey: String?
        var i = 0
        while i < summary.count {
            switch summary[i] {
            case UInt8(ascii: "\""):
                let end = endOfString(summary, from: i)
                // A string right after `{` or `,` in an object is a key.
                if let top = stack.last, top.isObject,
                    previousSignificant(summary, before: i).map({ $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: ",") })
                        ?? false
                {
                    let key = String(decoding: summary[(i + 1)..<(end - 1)], as: UTF8.self)
                    stack[stack.count - 1].seen.insert(key)
                    lastKey = key
                }
                i = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = summary[i] == UInt8(ascii: "{")
                var path: [String]? = nil
                if stack.isEmpty {
                    path = []
                } else if let top = stack.last, top.isObject, let parent = top.path, let key = lastKey {
                    path = parent + [key]
                }
                stack.append((isObject ? path : nil, [], isObject))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                let frame = stack.removeLast()
                if frame.isObject, let path = frame.path {
                    let insert = insertions(at: path, seen: frame.seen, channels: channels)
                    if !insert.isEmpty {
                        segments.append(.bytes(summary[copiedUpTo..<i]))
                        copiedUpTo = i
                        var first = previousSignificant(summary, before: i) == UInt8(ascii: "{")
                        for segment in insert {
                            if case .bytes(let text) = segment, first, text.first == UInt8(ascii: ",") {
                                segments.append(.bytes(text.dropFirst()))
                            } else {
                                segments.append(segment)
                            }
                            first = false
                        }
                    }
                }
            default:
                break
            }
            i += 1
        }
        segments.append(.bytes(summary[copiedUpTo...]))
        return segments
    }

    /// What goes before the `}` of the object at `path`: lists whose container it is, then new
    /// child objects for containers below it that it does not have; each starts with a comma.
    private static func insertions(at path: [String], seen: Set<String>, channels: [Channel]) -> [SplicedSegment] {
        var result: [SplicedSegment] = []
        for channel in channels where channel.schema.containerPath == path {
            result.append(.bytes(Array(",\"\(channel.schema.listKey)\":".utf8)[...]))
            result.append(.samples(channel))
        }
        var created: [String] = []
        for channel in channels {
            let container = channel.schema.containerPath
            guard container.count > path.count, Array(container.prefix(path.count)) == path else { continue }
            let child = container[path.count]
            guard !seen.contains(child), !created.contains(child) else { continue }
            created.append(child)
            result.append(.bytes(Array(",\"\(child)\":{".utf8)[...]))
            let inner = insertions(at: path + [child], seen: [], channels: channels)
            for (index, segment) in inner.enumerated() {
                if index == 0, case .bytes(let text) = segment {
                    result.append(.bytes(text.dropFirst()))
                } else {
                    result.append(segment)
                }
            }
            result.append(.bytes([UInt8(ascii: "}")][...]))
        }
        return result
    }

    private static func endOfString(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        return bytes.count
    }

    private static func previousSignificant(_ bytes: [UInt8], before index: Int) -> UInt8? {
        var i = index - 1
        while i >= 0, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\n") { i -= 1 }
        return i >= 0 ? bytes[i] : nil
    }
}

extension ChannelSchema {
    var containerPath: [String] { container.map { "\($0)" } }
}
