// Compact JSON written straight into a byte buffer: commas and escaping handled here, so callers
// only say begin/key/value/end. Used to re-serialize captured subtrees (`metadata`, `user`,
// provider summary values) and to write every output record.

/// A JSON value kept as its compact UTF-8 text, e.g. a captured `metadata` object.
public struct RawJSON: Equatable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public static let null = RawJSON(bytes: Array("null".utf8))
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// One entry per open container: whether it already holds an element.
    private var hasElement: [Bool] = []
    private var afterKey = false

    package init() {
        bytes.reserveCapacity(1024)
        hasElement.reserveCapacity(16)
    }

    package var depth: Int { hasElement.count }

    package mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        hasElement.removeAll(keepingCapacity: true)
        afterKey = false
    }

    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
            return
        }
        if let last = hasElement.indices.last {
            if hasElement[last] { bytes.append(UInt8(ascii: ",")) } else { hasElement[last] = true }
        }
    }

    package mutating func beginObject() {
        beforeValue()
        bytes.append(UInt8(ascii: "{"))
        hasElement.append(false)
    }

    package mutating func endObject() {
        hasElement.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        beforeValue()
        bytes.append(UInt8(ascii: "["))
        hasElement.append(false)
    }

    package mutating func endArray() {
        hasElement.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    package mutating func key(_ name: UnsafeRawBufferPointer) {
        beforeValue()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    package mutating func key(_ name: StaticString) {
        key(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    package mutating func key(_ name: String) {
        var name = name
        name.withUTF8 { key(UnsafeRawBufferPointer($0)) }
    }

    package mutating func string(_ value: UnsafeRawBufferPointer) {
        beforeValue()
        appendQuoted(value)
    }

    /// A string whose text `write` appends and that needs no escaping (digits, dashes, colons).
    package mutating func plainString(_ write: (inout [UInt8]) -> Void) {
        beforeValue()
        bytes.append(UInt8(ascii: "\""))
        write(&bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    package mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(UnsafeRawBufferPointer($0)) }
    }

    /// Writes number text exactly as given (already valid JSON number text).
    package mutating func numberText(_ text: UnsafeRawBufferPointer) {
        beforeValue()
        bytes.append(contentsOf: text)
    }

    /// A finite Double as the shortest text that reads back to it; integral values without `.0`;
    /// nil and non-finite values as `null`.
    package mutating func number(_ value: Double?) {
        beforeValue()
        guard let value, value.isFinite else {
            appendLiteral("null")
            return
        }
        Self.appendNumber(value, to: &bytes)
    }

    /// A finite Double as the shortest text that reads back to it, integral values without `.0`
    /// (JSON and CSV write numbers alike).
    package static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        if value == value.rounded(), abs(value) < 1e15 {
            appendDecimal(value == 0 ? 0 : Int64(value), to: &bytes)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    package mutating func integer(_ value: Int) {
        beforeValue()
        appendDecimal(Int64(value))
    }

    package mutating func bool(_ value: Bool) {
        beforeValue()
        appendLiteral(value ? "true" : "false")
    }

    package mutating func null() {
        beforeValue()
        appendLiteral("null")
    }

    package mutating func raw(_ json: RawJSON?) {
        beforeValue()
        if let json { bytes.append(contentsOf: json.bytes) } else { appendLiteral("null") }
    }

    package mutating func appendNewline() { bytes.append(UInt8(ascii: "\n")) }

    private mutating func appendLiteral(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func appendDecimal(_ value: Int64) { Self.appendDecimal(value, to: &bytes) }

    package static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, enough for 20 digits
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: buffer[i...])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ text: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x0A:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "n"))
            case 0x0D:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "r"))
            case 0x09:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Re-indents compact JSON (as this library writes it) with two spaces per level.
package func prettyPrinted(_ compact: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(compact.count * 2)
    var indent = 0
    var inString = false
    var escaped = false
    var i = 0
    func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }
    while i < compact.count {
        let c = compact[i]
        if inString {
            out.append(c)
            if escaped {
                escaped = false
            } else if c == UInt8(ascii: "\\") {
                escaped = true
            } else if c == UInt8(ascii: "\"") {
                inString = false
            }
            i += 1
            continue
        }
        switch c {
        case UInt8(ascii: "\""):
            inString = true
            out.append(c)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            out.append(c)
            let next = i + 1 < compact.count ? compact[i + 1] : 0
            if next == UInt8(ascii: "}") || next == UInt8(ascii: "]") {
                out.append(next)
                i += 1
            } else {
                indent += 1
                newline(&out, indent)
            }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            indent -= 1
            newline(&out, indent)
            out.append(c)
        case UInt8(ascii: ","):
            out.append(c)
            newline(&out, indent)
        case UInt8(ascii: ":"):
            out.append(c)
            out.append(UInt8(ascii: " "))
        default:
            out.append(c)
        }
        i += 1
    }
    return out
}
