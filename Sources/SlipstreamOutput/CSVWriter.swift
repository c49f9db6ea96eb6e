// CSV (RFC 4180): fields separated by commas, rows ended by a newline; a field holding a comma, a
// quote or a line break is quoted, its quotes doubled. An absent value is an empty field.

import SlipstreamCore

struct CSVWriter {
    private(set) var bytes: [UInt8] = []
    private var rowHasField = false

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        rowHasField = false
    }

    private mutating func separate() {
        if rowHasField { bytes.append(UInt8(ascii: ",")) }
        rowHasField = true
    }

    mutating func text(_ value: String?) {
        separate()
        guard var value else { return }
        value.withUTF8 { utf8 in
            let needsQuotes = utf8.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
            }
            guard needsQuotes else {
                bytes.append(contentsOf: utf8)
                return
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in utf8 {
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// A finite number as JSON writes it; nil and non-finite values leave the field empty.
    mutating func number(_ value: Double?) {
        separate()
        if let value, value.isFinite { JSONWriter.appendNumber(value, to: &bytes) }
    }

    mutating func integer(_ value: Int?) {
        separate()
        if let value { JSONWriter.appendDecimal(Int64(value), to: &bytes) }
    }

    mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        rowHasField = false
    }
}
