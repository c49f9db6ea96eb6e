// The FIT protocol's building blocks (Garmin's FIT SDK, "FIT Protocol"): the CRC-16 of headers and
// files, base types and their invalid values, definition messages and how a data message's fields
// are laid out. Nothing here knows what a message means; FITProfile.swift does.
//
//     file:    header (12 or 14 bytes, ".FIT" at 8) | records (data size bytes) | CRC-16 (2 bytes)
//     record:  header byte | definition (reserved, architecture, global number, fields...) or data
//     header:  1lltttt  compressed timestamp (local type 0-3, 5-bit time offset), data
//              01d0tttt definition of local type t (d: developer fields follow)
//              00000ttt data of local type t

import SlipstreamCore

/// FIT's CRC-16 (polynomial 0xA001, reflected, processed a nibble at a time as the SDK does).
package struct FITCRC {
    private static let table: [UInt16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
        0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ]
    package private(set) var value: UInt16 = 0

    package init() {}

    package mutating func update(_ byte: UInt8) {
        var tmp = Self.table[Int(value & 0xF)]
        value = (value >> 4) & 0x0FFF
        value ^= tmp ^ Self.table[Int(byte & 0xF)]
        tmp = Self.table[Int(value & 0xF)]
        value = (value >> 4) & 0x0FFF
        value ^= tmp ^ Self.table[Int((byte >> 4) & 0xF)]
    }

    package mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { update(byte) }
    }
}

/// A FIT base type: its size and its invalid value (a field holding it has no value).
package struct FITBaseType: Equatable {
    package enum Kind { case unsigned, signed, float, string, bytes }
    package var number: UInt8
    package var size: Int
    package var kind: Kind
    /// Zero is the invalid value (uint8z, uint16z, uint32z, uint64z, string).
    package var zeroIsInvalid: Bool

    /// The base type of a definition's type byte (its low five bits); nil for a number FIT does not define.
    package init?(_ byte: UInt8) {
        number = byte & 0x1F
        switch number {
        case 0: (size, kind, zeroIsInvalid) = (1, .unsigned, false)  // enum
        case 1: (size, kind, zeroIsInvalid) = (1, .signed, false)
        case 2: (size, kind, zeroIsInvalid) = (1, .unsigned, false)
        case 3: (size, kind, zeroIsInvalid) = (2, .signed, false)
        case 4: (size, kind, zeroIsInvalid) = (2, .unsigned, false)
        case 5: (size, kind, zeroIsInvalid) = (4, .signed, false)
        case 6: (size, kind, zeroIsInvalid) = (4, .unsigned, false)
        case 7: (size, kind, zeroIsInvalid) = (1, .string, true)
        case 8: (size, kind, zeroIsInvalid) = (4, .float, false)
        case 9: (size, kind, zeroIsInvalid) = (8, .float, false)
        case 10: (size, kind, zeroIsInvalid) = (1, .unsigned, true)  // uint8z
        case 11: (size, kind, zeroIsInvalid) = (2, .unsigned, true)
        case 12: (size, kind, zeroIsInvalid) = (4, .unsigned, true)
        case 13: (size, kind, zeroIsInvalid) = (1, .bytes, false)  // byte: all 0xFF is invalid
        case 14: (size, kind, zeroIsInvalid) = (8, .signed, false)
        case 15: (size, kind, zeroIsInvalid) = (8, .unsigned, false)
        case 16: (size, kind, zeroIsInvalid) = (8, .unsigned, true)
        default: return nil
        }
    }
}

/// One field of a definition message.
struct FITFieldDefinition {
    var number: UInt8
    var size: Int
    var type: FITBaseType
    /// Offset of the field in its data message (after the record header).
    var offset: Int
}

/// A definition message: how the data messages of one local type are laid out.
struct FITDefinition {
    var globalNumber: UInt16
    var bigEndian: Bool
    var fields: [FITFieldDefinition]
    /// Developer fields: (developer data index, field number, size, offset).
    var developerFields: [(index: UInt8, number: UInt8, size: Int, offset: Int)]
    /// Bytes of a data message after its header.
    var size: Int
    /// Index in `fields` by field number, -1 for none (fields are looked up for every message).
    private var index: [Int16]

    init(
        globalNumber: UInt16, bigEndian: Bool, fields: [FITFieldDefinition],
        developerFields: [(index: UInt8, number: UInt8, size: Int, offset: Int)], size: Int
    ) {
        self.globalNumber = globalNumber
        self.bigEndian = bigEndian
        self.fields = fields
        self.developerFields = developerFields
        self.size = size
        index = Array(repeating: -1, count: 256)
        for (i, field) in fields.enumerated() where index[Int(field.number)] < 0 { index[Int(field.number)] = Int16(i) }
    }

    @inline(__always)
    func field(_ number: UInt8) -> FITFieldDefinition? {
        let i = index[Int(number)]
        return i < 0 ? nil : fields[Int(i)]
    }
}

/// The bytes of one data message, read as the definition says.
struct FITMessage {
    let definition: FITDefinition
    let bytes: ArraySlice<UInt8>

    /// The field's value as an integer (the first element of an array field); nil when the field is
    /// absent, holds its type's invalid value, or is not an integer.
    func integer(_ number: UInt8) -> Int64? {
        // A size that is no multiple of the type's makes the field an array of bytes (the SDK's rule).
        guard let field = definition.field(number), field.size % field.type.size == 0 else { return nil }
        let start = bytes.startIndex + field.offset
        let size = field.type.size
        switch field.type.kind {
        case .unsigned, .signed, .bytes:
            var raw: UInt64 = 0
            for i in 0..<size {
                let byte = UInt64(bytes[start + (definition.bigEndian ? i : size - 1 - i)])
                raw = raw << 8 | byte
            }
            if field.type.zeroIsInvalid && raw == 0 { return nil }
            let bits = UInt64(size * 8)
            let allOnes: UInt64 = bits == 64 ? .max : (1 << bits) - 1
            if field.type.kind == .signed {
                let invalid = allOnes >> 1  // 0x7F..., the largest positive value
                if raw == invalid { return nil }
                let signBit: UInt64 = 1 << (bits - 1)
                return raw & signBit != 0 ? Int64(bitPattern: raw | ~allOnes) : Int64(raw)
            }
            if raw == allOnes { return nil }
            return raw > UInt64(Int64.max) ? nil : Int64(raw)
        case .float, .string:
            return nil
        }
    }

    /// The field's value as a number, integers and floats alike.
    func number(_ number: UInt8) -> Double? {
        if let integer = integer(number) { return Double(integer) }
        guard let field = definition.field(number), field.type.kind == .float, field.size % field.type.size == 0 else {
            return nil
        }
        let start = bytes.startIndex + field.offset
        var raw: UInt64 = 0
        for i in 0..<field.type.size {
            raw = raw << 8 | UInt64(bytes[start + (definition.bigEndian ? i : field.type.size - 1 - i)])
        }
        if field.type.size == 4 {
            if raw == 0xFFFF_FFFF { return nil }
            let value = Double(Float(bitPattern: UInt32(raw)))
            return value.isFinite ? value : nil
        }
        if raw == .max { return nil }
        let value = Double(bitPattern: raw)
        return value.isFinite ? value : nil
    }

    /// A string field, up to its first NUL; nil when empty or not valid UTF-8.
    func string(_ number: UInt8) -> String? {
        guard let field = definition.field(number), field.type.kind == .string else { return nil }
        let start = bytes.startIndex + field.offset
        let raw = bytes[start..<(start + field.size)].prefix { $0 != 0 }
        guard !raw.isEmpty else { return nil }
        return String(validating: raw, as: UTF8.self)
    }

    /// An array field's elements as integers (nil for an invalid element); empty when the field is
    /// absent or not of an integer type.
    func integers(_ number: UInt8) -> [Int64?] {
        guard let field = definition.field(number), field.type.kind != .float, field.type.kind != .string,
            field.size % field.type.size == 0
        else { return [] }
        let size = field.type.size
        return (0..<(field.size / size)).map { element in
            let one = FITFieldDefinition(number: 0, size: size, type: field.type, offset: field.offset + element * size)
            let shape = FITDefinition(
                globalNumber: 0, bigEndian: definition.bigEndian, fields: [one], developerFields: [],
                size: definition.size)
            return FITMessage(definition: shape, bytes: bytes).integer(0)
        }
    }

    /// A field's raw bytes (an array of bytes, such as compressed speed and distance).
    func rawBytes(_ number: UInt8) -> ArraySlice<UInt8>? {
        guard let field = definition.field(number) else { return nil }
        let start = bytes.startIndex + field.offset
        return bytes[start..<(start + field.size)]
    }
}

extension FITDefinition {
    /// A developer field's value as a number of the given base type.
    func developerValue(index: UInt8, number: UInt8, type: FITBaseType, in bytes: ArraySlice<UInt8>) -> Double? {
        guard let field = developerFields.first(where: { $0.index == index && $0.number == number }) else { return nil }
        let shape = FITDefinition(
            globalNumber: globalNumber, bigEndian: bigEndian,
            fields: [FITFieldDefinition(number: 0, size: field.size, type: type, offset: field.offset)],
            developerFields: [], size: size)
        return FITMessage(definition: shape, bytes: bytes).number(0)
    }
}
