import Foundation
import Testing

@testable import SlipstreamCore
@testable import SlipstreamStorage

@Suite struct SampleCodecTests {
    /// Columns of every kind the codec has a mode for, read back bit for bit.
    @Test func everyColumnComesBackBitForBit() throws {
        var columns = ActivityColumns()
        let start: Int64 = 1_714_800_600_000_000
        for i in 0..<600 {
            let time = start + Int64(i) * 1_000_000
            columns[.heartRate].append(time: time, timer: Double(i), value: Double(90 + i % 60))
            // Speeds with three decimals, one sample without a timer.
            columns[.speed].append(
                time: time + 374_487, timer: i == 7 ? nil : Double(i), value: Double(i % 900) / 1000 + 5)
            // Coordinates with 7 decimals, negative longitudes.
            columns[.position].append(
                time: time, timer: nil, latitude: 45.0703710 + Double(i) * 1e-5,
                longitude: -7.6869090 - Double(i) * 1e-5)
            // Values that are no short decimal: raw bits, -0.0 and a tiny number included.
            columns[.temperature].append(
                time: time, timer: nil, value: i == 0 ? -0.0 : (i == 1 ? 1e-300 : Double(i) / 3))
        }
        let stored = SampleCodec.encode(columns)
        #expect(stored.map(\.channel) == [.heartRate, .speed, .position, .temperature])
        let decoded = try SampleCodec.decode(stored)
        for channel in Channel.allCases {
            let a = columns[channel]
            let b = decoded[channel]
            #expect(a.times == b.times, "\(channel)")
            #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern), "\(channel)")
            #expect(a.secondValues.map(\.bitPattern) == b.secondValues.map(\.bitPattern), "\(channel)")
            #expect(a.timers.map(\.bitPattern) == b.timers.map(\.bitPattern), "\(channel)")
            #expect(a.missingTimers == b.missingTimers, "\(channel)")
        }
    }

    /// One-second heart rate with a timer: 1 byte each for the time, timer and value deltas.
    @Test func aSecondByHeartRateCostsThreeBytesASample() {
        var column = SampleColumn(.heartRate)
        for i in 0..<3600 {
            column.append(
                time: 1_714_800_600_000_000 + Int64(i) * 1_000_000, timer: Double(i), value: Double(120 + i % 20))
        }
        let bytes = SampleCodec.encode(column, channel: .heartRate)
        // Version, count 3600 (2-byte varint); times: unit, first second 1,714,800,600 (zigzag: 5-byte
        // varint), 3599 one-byte deltas; timers: mode, digits, 0, 3599 deltas; values: mode, digits,
        // 120 (zigzag 240: 2 bytes), 3599 deltas of +1 or -19.
        #expect(bytes.count == 1 + 2 + (1 + 5 + 3599) + (2 + 1 + 3599) + (2 + 2 + 3599))
    }

    @Test func damagedBytesAreAnErrorNotACrash() {
        var column = SampleColumn(.power)
        for i in 0..<50 { column.append(time: Int64(i) * 1_000_000, timer: nil, value: Double(200 + i)) }
        let bytes = SampleCodec.encode(column, channel: .power)
        for cut in 0..<bytes.count {
            var target = SampleColumn(.power)
            #expect(throws: StorageError.self) {
                try SampleCodec.decode(Array(bytes[..<cut]), into: &target, channel: .power)
            }
        }
        var target = SampleColumn(.power)
        #expect(throws: StorageError.self) { try SampleCodec.decode(bytes + [0], into: &target, channel: .power) }
    }
}
