// Writes FIT files: definition and data messages (normal or compressed-timestamp headers, either
// byte order), the 14-byte header with its CRC, and the file CRC. Used by `slipstream generate
// --format fit` and by tests that need FIT files whose every byte they know.

import SlipstreamFIT

/// A FIT file being written. Define a local type, then write data messages of it; `bytes` is the
/// finished file.
public struct FITEncoder {
    /// A field of a definition: its number, base type byte (FIT's, e.g. 0x84 uint16) and size.
    public struct Field {
        public var number: UInt8
        public var type: UInt8
        public var size: Int

        public init(_ number: UInt8, _ type: UInt8, size: Int? = nil) {
            self.number = number
            self.type = type
            self.size = size ?? FITBaseType(type)?.size ?? 1
        }
    }

    private var records: [UInt8] = []
    private var layouts = [(fields: [Field], bigEndian: Bool)?](repeating: nil, count: 16)

    public init() {}

    /// Defines local type `local` (0-15) as global message `global`.
    public mutating func define(local: UInt8, global: UInt16, fields: [Field], bigEndian: Bool = false) {
        records.append(0x40 | (local & 0x0F))
        records.append(0)
        records.append(bigEndian ? 1 : 0)
        records += bigEndian ? [UInt8(global >> 8), UInt8(global & 0xFF)] : [UInt8(global & 0xFF), UInt8(global >> 8)]
        records.append(UInt8(fields.count))
        for field in fields { records += [field.number, UInt8(field.size), field.type] }
        layouts[Int(local)] = (fields, bigEndian)
    }

    /// A data message of local type `local`: one value per field of its definition, in order; nil
    /// writes the type's invalid value. Strings are given as `.string`.
    public mutating func data(local: UInt8, _ values: [Value?]) {
        records.append(local & 0x0F)
        append(values, local: Int(local))
    }

    /// A data message with a compressed-timestamp header: local type 0-3 and the timestamp's low
    /// five bits (the decoder adds them to the last full timestamp).
    public mutating func compressedData(local: UInt8, timestamp: UInt32, _ values: [Value?]) {
        records.append(0x80 | (local & 0x03) << 5 | UInt8(timestamp & 0x1F))
        append(values, local: Int(local))
    }

    /// Bytes appended as they are (for tests of damaged files).
    public mutating func raw(_ bytes: [UInt8]) { records += bytes }

    public enum Value {
        case integer(Int64)
        case float(Double)
        case string(String)
        /// An array's bytes as they are; the field's other bytes are 0xFF (invalid).
        case bytes([UInt8])
    }

    private mutating func append(_ values: [Value?], local: Int) {
        guard let layout = layouts[local] else { preconditionFailure("local type \(local) is not defined") }
        precondition(values.count == layout.fields.count, "one value per field")
        for (field, value) in zip(layout.fields, values) {
            let type = FITBaseType(field.type)!
            var element: [UInt8]
            switch value {
            case .string(let text)?:
                let bytes = Array(text.utf8.prefix(field.size - 1))
                records += bytes + Array(repeating: 0, count: field.size - bytes.count)
                continue
            case .bytes(let given)?:
                records += given.prefix(field.size) + Array(repeating: 0xFF, count: max(0, field.size - given.count))
                continue
            case .float(let number)?:
                element = Self.littleEndian(
                    type.size == 4 ? UInt64(Float(number).bitPattern) : number.bitPattern, size: type.size)
            case .integer(let number)?:
                element = Self.littleEndian(UInt64(bitPattern: number), size: type.size)
            case nil:
                element = Self.invalid(type)
            }
            if layout.bigEndian { element.reverse() }
            // Whole elements (an array field repeats the value), then 0xFF for a size that is no multiple.
            var bytes: [UInt8] = []
            while bytes.count + element.count <= field.size { bytes += element }
            records += bytes + Array(repeating: 0xFF, count: field.size - bytes.count)
        }
    }

    /// The finished file: a 14-byte header with its CRC, the records, the file CRC.
    public var bytes: [UInt8] {
        var header: [UInt8] = [14, 0x20]
        header += Self.littleEndian(2132, size: 2)  // profile 21.32
        header += Self.littleEndian(UInt64(records.count), size: 4)
        header += Array(".FIT".utf8)
        var crc = FITCRC()
        crc.update(header)
        header += Self.littleEndian(UInt64(crc.value), size: 2)
        var file = header + records
        var fileCRC = FITCRC()
        fileCRC.update(file)
        file += Self.littleEndian(UInt64(fileCRC.value), size: 2)
        return file
    }

    static func littleEndian(_ value: UInt64, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// A type's invalid value, little-endian: all ones, the largest positive for signed types, zero
    /// for the `z` types.
    static func invalid(_ type: FITBaseType) -> [UInt8] {
        if type.zeroIsInvalid { return Array(repeating: 0, count: type.size) }
        if type.kind == .signed { return Array(repeating: 0xFF, count: type.size - 1) + [0x7F] }
        return Array(repeating: 0xFF, count: type.size)
    }
}
