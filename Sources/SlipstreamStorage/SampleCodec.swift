// An activity's columns as the bytes stored beside its summary: lossless and about 3 bytes a sample.
//
//     per channel: version 1 | count | times | timers | values [| longitudes]
//
// Times are integers (UTC microseconds) stored as zigzag LEB128 deltas in the largest power-of-ten
// unit that divides them all (1 s steps cost one byte). A double column is stored the same way when
// every value is a decimal with at most 9 digits after the point that comes back bit for bit
// (heart rate, power, 7-digit coordinates); otherwise as raw IEEE bits. All-NaN timers cost one byte.

import SlipstreamCore

package enum SampleCodec {
    package static let version: UInt8 = 1

    /// One channel's samples.
    package static func encode(_ column: SampleColumn, channel: Channel) -> [UInt8] {
        var out: [UInt8] = [version]
        putVarint(UInt64(column.count), into: &out)
        putIntegers(column.times, into: &out)
        putDoubles(column.timers, into: &out)
        putDoubles(column.values, into: &out)
        if channel.schema.isCoordinate { putDoubles(column.secondValues, into: &out) }
        return out
    }

    /// The stored samples of every channel that has some.
    package static func encode(_ columns: ActivityColumns) -> [ChannelSamples] {
        Channel.allCases.filter { columns[$0].count > 0 }.map {
            ChannelSamples(channel: $0, bytes: encode(columns[$0], channel: $0))
        }
    }

    package static func decode(_ stored: [ChannelSamples]) throws -> ActivityColumns {
        var columns = ActivityColumns()
        for samples in stored { try decode(samples.bytes, into: &columns[samples.channel], channel: samples.channel) }
        return columns
    }

    package static func decode(_ bytes: [UInt8], into column: inout SampleColumn, channel: Channel) throws {
        var reader = Reader(bytes: bytes)
        guard try reader.byte() == version else { throw StorageError.corrupt("samples: unknown encoding version") }
        let count = Int(try reader.varint())
        guard count <= bytes.count else { throw StorageError.corrupt("samples: count beyond the data") }
        let times = try reader.integers(count)
        let timers = try reader.doubles(count)
        let values = try reader.doubles(count)
        let longitudes = channel.schema.isCoordinate ? try reader.doubles(count) : []
        guard reader.atEnd else { throw StorageError.corrupt("samples: bytes after the last value") }
        column.reserveCapacity(forMore: count, withSecondValues: channel.schema.isCoordinate)
        for i in 0..<count {
            let timer = timers[i].isNaN ? nil : timers[i]
            if channel.schema.isCoordinate {
                column.append(time: times[i], timer: timer, latitude: values[i], longitude: longitudes[i])
            } else {
                column.append(time: times[i], timer: timer, value: values[i])
            }
        }
    }

    // MARK: Integers

    private static func putIntegers(_ values: ContiguousArray<Int64>, into out: inout [UInt8]) {
        var exponent = 0
        var unit: Int64 = 1
        while exponent < 6, values.allSatisfy({ $0 % (unit * 10) == 0 }) {
            exponent += 1
            unit *= 10
        }
        out.append(UInt8(exponent))
        var previous: Int64 = 0
        for value in values {
            let scaled = value / unit
            putVarint(zigzag(scaled &- previous), into: &out)
            previous = scaled
        }
    }

    // MARK: Doubles

    private enum DoubleMode: UInt8 { case allNaN = 0, decimal = 1, raw = 2 }
    private static let powersOfTen: [Double] = (0...9).map { (0..<$0).reduce(1.0) { r, _ in r * 10 } }

    private static func putDoubles(_ values: ContiguousArray<Double>, into out: inout [UInt8]) {
        if values.allSatisfy(\.isNaN) {
            out.append(DoubleMode.allNaN.rawValue)
        } else if let digits = decimalDigits(values) {
            out.append(DoubleMode.decimal.rawValue)
            out.append(UInt8(digits))
            var previous: Int64 = 0
            for value in values {
                let scaled = Int64((value * powersOfTen[digits]).rounded())
                putVarint(zigzag(scaled &- previous), into: &out)
                previous = scaled
            }
        } else {
            out.append(DoubleMode.raw.rawValue)
            for value in values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
        }
    }

    /// The fewest digits after the point with which every value comes back bit for bit, if any.
    private static func decimalDigits(_ values: ContiguousArray<Double>) -> Int? {
        digits: for digits in 0...9 {
            let power = powersOfTen[digits]
            for value in values {
                let scaled = (value * power).rounded()
                guard abs(scaled) < 9.0e15, (scaled / power).bitPattern == value.bitPattern else { continue digits }
            }
            return digits
        }
        return nil
    }

    // MARK: Varints

    private static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    fileprivate static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    private static func putVarint(_ value: UInt64, into out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var atEnd: Bool { index == bytes.count }

        mutating func byte() throws -> UInt8 {
            guard index < bytes.count else { throw StorageError.corrupt("samples: cut short") }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw StorageError.corrupt("samples: varint too long") }
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
        }

        mutating func integers(_ count: Int) throws -> [Int64] {
            let exponent = Int(try byte())
            guard exponent <= 6 else { throw StorageError.corrupt("samples: bad time unit") }
            let unit = (0..<exponent).reduce(Int64(1)) { r, _ in r * 10 }
            var previous: Int64 = 0
            var result: [Int64] = []
            result.reserveCapacity(count)
            for _ in 0..<count {
                previous = previous &+ SampleCodec.unzigzag(try varint())
                result.append(previous &* unit)
            }
            return result
        }

        mutating func doubles(_ count: Int) throws -> [Double] {
            switch DoubleMode(rawValue: try byte()) {
            case .allNaN:
                return Array(repeating: .nan, count: count)
            case .decimal:
                let digits = Int(try byte())
                guard digits < SampleCodec.powersOfTen.count else {
                    throw StorageError.corrupt("samples: bad digit count")
                }
                let power = SampleCodec.powersOfTen[digits]
                var previous: Int64 = 0
                var result: [Double] = []
                result.reserveCapacity(count)
                for _ in 0..<count {
                    previous = previous &+ SampleCodec.unzigzag(try varint())
                    result.append(Double(previous) / power)
                }
                return result
            case .raw:
                var result: [Double] = []
                result.reserveCapacity(count)
                for _ in 0..<count {
                    var bits: UInt64 = 0
                    for shift in stride(from: 0, to: 64, by: 8) { bits |= UInt64(try byte()) << UInt64(shift) }
                    result.append(Double(bitPattern: bits))
                }
                return result
            case nil:
                throw StorageError.corrupt("samples: unknown value encoding")
            }
        }
    }
}
