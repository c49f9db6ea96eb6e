// Deterministic, realistic Terra Activity payloads: a 1 Hz ride per activity with heart rate,
// power (zeros while coasting), cadence, speed, cumulative distance, elevation and a GPS track,
// timestamps with microseconds and a +02:00 offset, and pauses (the clock jumps, the timer does
// not). The same seed gives the same bytes.
//
// Each activity also carries a device summary (`avg_hr_bpm`, `max_watts`, `distance_meters`, …)
// computed here the plain way a head unit would, over the seconds of riding, so that a reader can
// be checked against numbers it did not compute.
//
// Output goes to a closure in pieces of about 64 KiB: a 200 MB payload never sits in memory.

import Foundation
import SlipstreamCore

/// Options of ``PayloadGenerator``.
public struct GeneratorOptions: Sendable {
    /// Recorded seconds per activity (one sample per channel per second).
    public var seconds: Int
    public var activities: Int
    public var seed: UInt64
    public var pretty: Bool
    /// FIT: the sessions written before the records, their timestamp their start (as current
    /// Garmin watches write them).
    public var summaryFirst = false
    /// FIT: the first session's heart rate stored by a strap, as under water: its records carry
    /// none, and it follows as chained FIT files of `hr` messages.
    public var strapHeartRate = false

    public init(seconds: Int = 3600, activities: Int = 1, seed: UInt64 = 1, pretty: Bool = false) {
        self.seconds = seconds
        self.activities = activities
        self.seed = seed
        self.pretty = pretty
    }
}

/// What the generator knows about each activity it wrote, computed independently of the reader.
public struct GeneratedActivity: Sendable, Equatable {
    public var summaryID: String
    public var samples: Int
    public var heartRateMean: Double
    public var heartRateMax: Double
    public var heartRateMin: Double
    public var powerMean: Double
    public var powerMax: Double
    public var cadenceMax: Double
    public var speedMax: Double
    public var distanceMeters: Double
    public var elevationMin: Double
    public var elevationMax: Double
    public var pauses: Int
    public var pausedSeconds: Int
    public var elapsedSeconds: Double
    public var start: [Double]
    public var end: [Double]
}

public enum PayloadGenerator {
    /// Writes one webhook envelope with `options.activities` rides.
    /// - Parameter output: receives the payload in pieces, in order.
    /// - Returns: the plain summary of each activity written.
    @discardableResult
    public static func generate(_ options: GeneratorOptions, output: @escaping ([UInt8]) throws -> Void) throws
        -> [GeneratedActivity]
    {
        var out = Output(pretty: options.pretty, output: output)
        var random = SplitMix64(seed: options.seed)
        var written: [GeneratedActivity] = []
        out.text("{")
        out.newline(1)
        out.text("\"type\":\"activity\",")
        out.newline(1)
        out.text("\"user\":{\"user_id\":\"\(userID(options.seed))\",\"provider\":\"XOSS\",\"active\":true,")
        out.text(
            "\"scopes\":null,\"reference_id\":\"athlete-\(options.seed)\",\"created_at\":null,\"last_webhook_update\":null},"
        )
        out.newline(1)
        out.text("\"version\":\"2022-03-16\",")
        out.newline(1)
        out.text("\"data\":[")
        for index in 0..<options.activities {
            if index > 0 { out.text(",") }
            out.newline(2)
            written.append(try activity(index: index, options: options, random: &random, out: &out))
        }
        out.newline(1)
        out.text("]")
        out.newline(0)
        out.text("}\n")
        try out.flush()
        return written
    }

    /// The generated payload as one byte array; for tests and small inputs.
    public static func bytes(_ options: GeneratorOptions) -> (bytes: [UInt8], activities: [GeneratedActivity]) {
        final class Collected { var bytes: [UInt8] = [] }
        let all = Collected()
        let activities = try! generate(options) { all.bytes.append(contentsOf: $0) }
        return (all.bytes, activities)
    }

    private static func userID(_ seed: UInt64) -> String {
        var r = SplitMix64(seed: seed ^ 0x5EED)
        func hex(_ n: Int) -> String {
            var s = ""
            for _ in 0..<n { s += String(r.next() % 16, radix: 16) }
            return s
        }
        return "\(hex(8))-\(hex(4))-4\(hex(3))-a\(hex(3))-\(hex(12))"
    }

    /// One sample of every channel at one second of riding.
    private struct Second {
        var time: Int64
        var timer: Int
        var bpm: Int
        var watts: Int
        var cadence: Int
        var speed: Double
        var distance: Double
        var elevation: Double
        var latitude: Double
        var longitude: Double
    }

    private static func activity(
        index: Int, options: GeneratorOptions, random: inout SplitMix64, out: inout Output
    ) throws -> GeneratedActivity {
        // 2024-05-04T07:30:00+02:00, one day later per activity.
        let startMicros =
            Int64(Timestamp.daysFromCivil(year: 2024, month: 5, day: 4) + index) * 86_400_000_000
            + Int64(5 * 3600 + 30 * 60) * 1_000_000
        var seconds: [Second] = []
        seconds.reserveCapacity(options.seconds)
        var clock = startMicros + Int64(random.next() % 1_000_000)
        var distance = 0.0
        var latitude = 45.0703 + Double(index) * 0.01
        var longitude = 7.6869
        var heading = random.unit() * 6.283
        var coastLeft = 0
        var pauses = 0
        var pausedSeconds = 0
        var heart = 95.0
        for second in 0..<options.seconds {
            if second > 0 && second % 1200 == 0 {
                let pause = 30 + Int(random.next() % 90)
                clock += Int64(pause) * 1_000_000
                pauses += 1
                pausedSeconds += pause
            }
            if coastLeft == 0 && random.next() % 40 == 0 { coastLeft = 5 + Int(random.next() % 20) }
            let coasting = coastLeft > 0
            if coasting { coastLeft -= 1 }
            let climb = sin(Double(second) / 900.0)
            heart += ((coasting ? 118.0 : 140.0 + 15 * climb) - heart) * 0.05 + (random.unit() - 0.5) * 2
            let speed = max(0.5, (coasting ? 9.5 : 8.0 - 2.5 * climb) + (random.unit() - 0.5))
            distance += speed
            heading += (random.unit() - 0.5) * 0.05
            latitude += speed * cos(heading) / 111_320.0
            longitude += speed * sin(heading) / (111_320.0 * cos(latitude * .pi / 180))
            seconds.append(
                Second(
                    time: clock, timer: second, bpm: Int(heart.rounded()),
                    watts: coasting ? 0 : Int(180 + 70 * climb + (random.unit() - 0.5) * 60),
                    cadence: coasting ? 0 : 82 + Int(random.next() % 12),
                    speed: (speed * 100).rounded() / 100, distance: (distance * 10).rounded() / 10,
                    elevation: ((240 + 90 * climb + (random.unit() - 0.5) * 0.6) * 10).rounded() / 10,
                    latitude: (latitude * 1e6).rounded() / 1e6, longitude: (longitude * 1e6).rounded() / 1e6))
            clock += 1_000_000
        }
        let endMicros = (seconds.last?.time ?? startMicros) + 1_000_000
        let summaryID = "xoss-\(options.seed)-\(index)"
        let info = GeneratedActivity(
            summaryID: summaryID, samples: seconds.count,
            heartRateMean: mean(seconds.map { Double($0.bpm) }), heartRateMax: Double(seconds.map(\.bpm).max() ?? 0),
            heartRateMin: Double(seconds.map(\.bpm).min() ?? 0),
            powerMean: mean(seconds.map { Double($0.watts) }), powerMax: Double(seconds.map(\.watts).max() ?? 0),
            cadenceMax: Double(seconds.map(\.cadence).max() ?? 0), speedMax: seconds.map(\.speed).max() ?? 0,
            distanceMeters: seconds.last?.distance ?? 0,  // cumulative from the start, as a device's total
            elevationMin: seconds.map(\.elevation).min() ?? 0, elevationMax: seconds.map(\.elevation).max() ?? 0,
            pauses: pauses, pausedSeconds: pausedSeconds, elapsedSeconds: Double(endMicros - startMicros) / 1e6,
            start: seconds.first.map { [$0.latitude, $0.longitude] } ?? [],
            end: seconds.last.map { [$0.latitude, $0.longitude] } ?? [])

        out.text("{")
        out.newline(3)
        out.text(
            "\"metadata\":{\"summary_id\":\"\(summaryID)\",\"name\":\"Morning Ride\",\"type\":1,\"upload_type\":1,")
        out.text("\"start_time\":\"\(localTime(startMicros))\",\"end_time\":\"\(localTime(endMicros))\",")
        out.text("\"city\":\"Torino\",\"state\":null,\"country\":\"Italy\",\"timestamp_localization\":0},")
        out.newline(3)
        out.text("\"device_data\":{\"name\":\"XOSS NAV\",\"manufacturer\":\"XOSS\",\"software_version\":\"2.3.1\"},")
        if !seconds.isEmpty {
            out.newline(3)
            out.text("\"heart_rate_data\":{\"summary\":{\"avg_hr_bpm\":\(Int(info.heartRateMean.rounded())),")
            out.text(
                "\"max_hr_bpm\":\(Int(info.heartRateMax)),\"min_hr_bpm\":\(Int(info.heartRateMin)),\"user_max_hr_bpm\":188},"
            )
            out.text("\"detailed\":{\"hr_samples\":")
            try samples(seconds, out: &out) { o, s in o.text("\"bpm\":\(s.bpm)") }
            out.text("}},")
            out.newline(3)
            out.text(
                "\"power_data\":{\"avg_watts\":\(Int(info.powerMean.rounded())),\"max_watts\":\(Int(info.powerMax)),\"power_samples\":"
            )
            try samples(seconds, out: &out) { o, s in o.text("\"watts\":\(s.watts)") }
            out.text("},")
            out.newline(3)
            out.text("\"movement_data\":{\"cadence_samples\":")
            try samples(seconds, out: &out) { o, s in o.text("\"cadence_rpm\":\(s.cadence)") }
            out.text(",\"speed_samples\":")
            try samples(seconds, out: &out) { o, s in o.text("\"speed_meters_per_second\":\(s.speed)") }
            out.text("},")
            out.newline(3)
            out.text("\"distance_data\":{\"summary\":{\"distance_meters\":\(info.distanceMeters.rounded()),")
            out.text("\"elevation\":{\"min_meters\":\(info.elevationMin),\"max_meters\":\(info.elevationMax)}},")
            out.text("\"detailed\":{\"distance_samples\":")
            try samples(seconds, out: &out) { o, s in o.text("\"distance_meters\":\(s.distance)") }
            out.text(",\"elevation_samples\":")
            try samples(seconds, out: &out) { o, s in o.text("\"elev_meters\":\(s.elevation)") }
            out.text("}},")
            out.newline(3)
            out.text("\"position_data\":{\"position_samples\":")
            try samples(seconds, out: &out) { o, s in o.text("\"coords_lat_lng_deg\":[\(s.latitude),\(s.longitude)]") }
            out.text("}")
        } else {
            out.text("\"heart_rate_data\":null")
        }
        out.newline(2)
        out.text("}")
        return info
    }

    private static func samples(
        _ seconds: [Second], out: inout Output, value: (inout Output, Second) -> Void
    ) throws {
        out.text("[")
        for (i, s) in seconds.enumerated() {
            if i > 0 { out.text(",") }
            out.newline(4)
            out.text("{\"timestamp\":\"\(localTime(s.time))\",")
            value(&out, s)
            out.text(",\"timer_duration_seconds\":\(s.timer)}")
            try out.flushIfFull()
        }
        out.newline(3)
        out.text("]")
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff+02:00` for a UTC instant.
    private static func localTime(_ utcMicros: Int64) -> String {
        let utc = Timestamp.format(microseconds: utcMicros + 7200 * 1_000_000)
        return String(utc.dropLast()) + "+02:00"
    }

    private struct Output {
        let pretty: Bool
        let output: ([UInt8]) throws -> Void
        var buffer: [UInt8] = []

        init(pretty: Bool, output: @escaping ([UInt8]) throws -> Void) {
            self.pretty = pretty
            self.output = output
            buffer.reserveCapacity(1 << 17)
        }

        mutating func text(_ s: String) { buffer.append(contentsOf: s.utf8) }

        mutating func newline(_ level: Int) {
            guard pretty else { return }
            buffer.append(UInt8(ascii: "\n"))
            buffer.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
        }

        mutating func flushIfFull() throws {
            if buffer.count >= 1 << 16 { try flush() }
        }

        mutating func flush() throws {
            try output(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

/// A small, fast, deterministic generator (Steele, Lea, Flood: SplitMix64).
package struct SplitMix64 {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    package mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
