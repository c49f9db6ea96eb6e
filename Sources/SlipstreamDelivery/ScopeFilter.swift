// A developer's data scopes applied to an activity as it is written out (webhook bodies, history
// answers): the stored summary's top-level members out of scope left out, and the samples of channels
// out of scope not spliced in. The summary is a compact JSON object we wrote, so its members are cut
// by scanning its bytes, as SampleSplicer does, without parsing it into a tree.

import SlipstreamCore
import SlipstreamStorage

package enum ScopeFilter {
    /// `activity` as `scopes` let it be sent; as it is when they are everything.
    package static func apply(_ scopes: DataScopes, to activity: StoredActivity) -> StoredActivity {
        guard !scopes.isEverything else { return activity }
        var scoped = activity
        scoped.summaryJSON = members(of: activity.summaryJSON, keeping: scopes.sends(member:))
        scoped.samples = activity.samples.filter { scopes.sends(samplesOf: $0.channel) }
        return scoped
    }

    /// `object` without the top-level members whose key `keep` refuses.
    package static func members(of object: [UInt8], keeping keep: (String) -> Bool) -> [UInt8] {
        guard let open = object.firstIndex(of: UInt8(ascii: "{")) else { return object }
        var out: [UInt8] = [UInt8(ascii: "{")]
        var i = open + 1
        var wrote = false
        while i < object.count {
            let byte = object[i]
            if byte == UInt8(ascii: "}") { break }
            guard byte == UInt8(ascii: "\"") else {
                i += 1  // white space and the commas between members
                continue
            }
            let keyEnd = endOfString(object, from: i)
            let key = String(decoding: object[(i + 1)..<max(i + 1, keyEnd - 1)], as: UTF8.self)
            var valueStart = keyEnd
            while valueStart < object.count && object[valueStart] != UInt8(ascii: ":") { valueStart += 1 }
            let valueEnd = endOfValue(object, from: valueStart + 1)
            if keep(key) {
                if wrote { out.append(UInt8(ascii: ",")) }
                out += object[i..<valueEnd]
                wrote = true
            }
            i = valueEnd
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The index after the string that starts at `start` (its opening quote).
    static func endOfString(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        return bytes.count
    }

    /// The index after the value that starts at or after `start` (white space first).
    static func endOfValue(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start
        var depth = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""):
                i = endOfString(bytes, from: i)
                if depth == 0 { return i }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return i }  // the end of the enclosing object: a scalar ended here
                depth -= 1
                if depth == 0 { return i + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return i }
            default:
                break
            }
            i += 1
        }
        return bytes.count
    }
}
