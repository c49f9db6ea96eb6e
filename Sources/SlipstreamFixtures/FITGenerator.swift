// `slipstream generate --format fit`: a deterministic ride recorded as a head unit records it:
// one record a second with compressed-timestamp headers, the timer stopped for a pause every
// 20 minutes, one session per activity (several make a multisport-like file), and the session
// totals a device writes, computed from the very samples written. Its layouts: the sessions after
// the records (most devices) or before them (current Garmin watches), and the first session's heart
// rate in the records or stored by a strap and chained after the file as `hr` messages.

import SlipstreamCore
import SlipstreamFIT
import SlipstreamSummaries

public enum FITGenerator {
    /// The FIT file of `options.activities` sessions of `options.seconds` records each.
    public static func ride(_ options: GeneratorOptions) -> [UInt8] {
        let start =
            Int64(Timestamp.daysFromCivil(year: 2024, month: 5, day: 4)) * 86_400 + 5 * 3600 + 30 * 60
            - FITProfile.epochOffset
        var ride = FITEncoder()
        fileID(&ride, start: start, options: options)
        var strap: [(time: Int64, bpm: Int64)] = []
        if options.summaryFirst {
            // The totals are known once the records are: the same ride twice, its sessions first.
            var first = FITEncoder()
            let sessions = records(&first, start: start, options: options, strap: &strap)
            defineSession(&ride)
            for var session in sessions {
                session[0] = session[1]  // the session's timestamp is its start
                ride.data(local: 4, session)
            }
            strap = []
        }
        let sessions = records(&ride, start: start, options: options, strap: &strap)
        if !options.summaryFirst {
            defineSession(&ride)
            for session in sessions { ride.data(local: 4, session) }
        }
        typealias F = FITEncoder.Field
        let end = sessions.last.flatMap { if case .integer(let t)? = $0.first { t } else { nil } } ?? start
        ride.define(local: 5, global: 34, fields: [F(253, 0x86), F(1, 0x84), F(5, 0x86)])
        // local time: +02:00
        ride.data(local: 5, [.integer(end), .integer(Int64(sessions.count)), .integer(end + 7200)])
        guard !strap.isEmpty else { return ride.bytes }
        // The strap's heart rate in two chained files, each anchored (as a FR935 writes them).
        let half = strap.count / 2
        return ride.bytes + heartRateFile(Array(strap[..<half]), start: start, options: options)
            + heartRateFile(Array(strap[half...]), start: start, options: options)
    }

    private static func fileID(_ fit: inout FITEncoder, start: Int64, options: GeneratorOptions) {
        typealias F = FITEncoder.Field
        fit.define(local: 0, global: 0, fields: [F(0, 0x00), F(1, 0x84), F(2, 0x84), F(3, 0x8C), F(4, 0x86)])
        fit.data(
            local: 0, [.integer(4), .integer(255), .integer(1), .integer(1000 + Int64(options.seed)), .integer(start)])
    }

    private static func defineSession(_ fit: inout FITEncoder) {
        typealias F = FITEncoder.Field
        fit.define(
            local: 4, global: 18,
            fields: [
                F(253, 0x86), F(2, 0x86), F(7, 0x86), F(8, 0x86), F(9, 0x86), F(5, 0x00), F(6, 0x00), F(16, 0x02),
                F(17, 0x02),
                F(18, 0x02), F(19, 0x02), F(20, 0x84), F(21, 0x84), F(22, 0x84), F(23, 0x84), F(124, 0x86),
                F(125, 0x86),
            ])
    }

    /// A FIT file of `hr` messages: four beats a second, each second's at its record's bpm (so that
    /// the SDK's merge gives each record exactly it); the first message anchors the event times.
    private static func heartRateFile(_ beats: [(time: Int64, bpm: Int64)], start: Int64, options: GeneratorOptions)
        -> [UInt8]
    {
        typealias F = FITEncoder.Field
        var fit = FITEncoder()
        fileID(&fit, start: start, options: options)
        fit.define(local: 1, global: 132, fields: [F(253, 0x86), F(0, 0x84), F(9, 0x86), F(6, 0x02)])
        fit.define(local: 2, global: 132, fields: [F(10, 0x0D, size: 12), F(6, 0x02, size: 8)])
        // Event times in 1/1024 s (from an origin of the strap's own): beat k of second t at t - 0.75 + 0.25 k.
        let origin: Int64 = 5_000_000
        var events: [(raw: Int64, bpm: Int64)] = []
        for beat in beats {
            for k in 0..<4 { events.append((origin + (beat.time - start) * 1024 - 768 + 256 * Int64(k), beat.bpm)) }
        }
        var rest = events[...]
        if let anchor = rest.popFirst() {
            // timestamp + fractional_timestamp (1/32768 s) is the anchor event's time.
            let time = start * 1024 + anchor.raw - origin
            fit.data(
                local: 1,
                [.integer(time >> 10), .integer((time & 1023) * 32), .integer(anchor.raw), .integer(anchor.bpm)])
        }
        while !rest.isEmpty {
            let group = Array(rest.prefix(8))
            rest = rest.dropFirst(group.count)
            var packed = [UInt8](repeating: 0, count: 12)
            for (i, event) in group.enumerated() {
                let twelve = Int(event.raw & 0xFFF)
                for bit in 0..<12 where twelve >> bit & 1 == 1 {
                    packed[(12 * i + bit) / 8] |= 1 << ((12 * i + bit) % 8)
                }
            }
            let size = (12 * group.count + 7) / 8
            if group.count < 8 {  // a last, shorter group: arrays of its own size
                fit.define(local: 3, global: 132, fields: [F(10, 0x0D, size: size), F(6, 0x02, size: group.count)])
            }
            fit.data(
                local: group.count < 8 ? 3 : 2,
                [.bytes(Array(packed.prefix(size))), .bytes(group.map { UInt8($0.bpm) })])
        }
        return fit.bytes
    }

    /// The records, timer events and the sessions' totals (written by the caller) of every activity.
    private static func records(
        _ fit: inout FITEncoder, start: Int64, options: GeneratorOptions, strap: inout [(time: Int64, bpm: Int64)]
    ) -> [[FITEncoder.Value?]] {
        typealias F = FITEncoder.Field
        var random = SplitMix64(seed: options.seed &+ 0xF17)
        fit.define(
            local: 0, global: 23,
            fields: [F(253, 0x86), F(0, 0x02), F(2, 0x84), F(3, 0x8C), F(5, 0x84), F(27, 0x07, size: 16)])
        fit.data(
            local: 0,
            [
                .integer(start), .integer(0), .integer(255), .integer(1000 + Int64(options.seed)), .integer(231),
                .string("Slipstream"),
            ])
        fit.define(local: 2, global: 21, fields: [F(253, 0x86), F(0, 0x00), F(1, 0x00)])
        // Records carry no timestamp field: their compressed headers give it.
        fit.define(
            local: 1, global: 20,
            fields: [
                F(3, 0x02), F(7, 0x84), F(4, 0x02), F(6, 0x84), F(5, 0x86), F(2, 0x84), F(0, 0x85), F(1, 0x85),
                F(13, 0x01),
            ])
        var clock = start
        var distanceCM: Int64 = 0
        var latitude = 45.0703
        var longitude = 7.6869
        var heading = random.unit() * 6.283
        var heart = 95.0
        var sessions: [[FITEncoder.Value?]] = []
        for activity in 0..<max(0, options.activities) {
            let strapped = options.strapHeartRate && activity == 0
            let sessionStart = clock
            fit.data(local: 2, [.integer(clock), .integer(0), .integer(0)])  // timer start
            var heartRates: [Double] = [], powers: [Double] = [], cadences: [Double] = [], speeds: [Double] = []
            var altitudes: [Double] = []
            var timer: Int64 = 0
            let sessionDistanceStart = distanceCM
            var coastLeft = 0
            for second in 0..<options.seconds {
                if second > 0 && second % 1200 == 0 {
                    fit.data(local: 2, [.integer(clock), .integer(0), .integer(1)])  // timer stop
                    clock += 30 + Int64(random.next() % 90)
                    fit.data(local: 2, [.integer(clock), .integer(0), .integer(0)])  // and start again
                }
                if coastLeft == 0 && random.next() % 40 == 0 { coastLeft = 5 + Int(random.next() % 20) }
                let coasting = coastLeft > 0
                if coasting { coastLeft -= 1 }
                let climb = Double.sin(Double(second) / 900.0)
                heart += ((coasting ? 118.0 : 140.0 + 15 * climb) - heart) * 0.05 + (random.unit() - 0.5) * 2
                let speedMM = Int64(
                    (max(0.5, (coasting ? 9.5 : 8.0 - 2.5 * climb) + (random.unit() - 0.5)) * 1000).rounded())
                distanceCM += speedMM / 10
                heading += (random.unit() - 0.5) * 0.05
                latitude += Double(speedMM) / 1000 * Double.cos(heading) / 111_320.0
                longitude +=
                    Double(speedMM) / 1000 * Double.sin(heading) / (111_320.0 * Double.cos(latitude * .pi / 180))
                let bpm = Int64(heart.rounded())
                let watts: Int64 = coasting ? 0 : Int64(180 + 70 * climb + (random.unit() - 0.5) * 60)
                let cadence: Int64 = coasting ? 0 : 82 + Int64(random.next() % 12)
                let altitude = Int64(((240 + 90 * climb + 500) * 5).rounded())  // (m + 500) × 5
                if strapped { strap.append((clock, bpm)) }
                fit.compressedData(
                    local: 1, timestamp: UInt32(truncatingIfNeeded: clock),
                    [
                        strapped ? nil : .integer(bpm), .integer(watts), .integer(cadence), .integer(speedMM),
                        .integer(distanceCM), .integer(altitude),
                        .integer(Int64((latitude * 2_147_483_648 / 180).rounded())),
                        .integer(Int64((longitude * 2_147_483_648 / 180).rounded())),
                        .integer(21 + Int64(second / 1800)),
                    ])
                heartRates.append(Double(bpm))
                powers.append(Double(watts))
                cadences.append(Double(cadence))
                speeds.append(Double(speedMM) / 1000)
                altitudes.append(Double(altitude) / 5 - 500)
                clock += 1
                timer += 1
            }
            // The strap beats on after the last record (what places the last record's beats).
            if strapped, let last = heartRates.last { strap.append((clock, Int64(last))) }
            fit.data(local: 2, [.integer(clock), .integer(0), .integer(1)])  // timer stop at the session's end
            let gainLoss = Metrics.elevationGainLoss(altitudes, hysteresis: 2) ?? (0, 0)
            let pedalling = cadences.filter { $0 > 0 }
            func mean(_ values: [Double]) -> Int64 {
                values.isEmpty ? 0 : Int64((values.reduce(0, +) / Double(values.count)).rounded())
            }
            let distance = distanceCM - sessionDistanceStart
            sessions.append([
                .integer(clock), .integer(sessionStart), .integer((clock - sessionStart) * 1000),
                .integer(timer * 1000),
                .integer(distance), .integer(2), .integer(7), .integer(mean(heartRates)),
                .integer(Int64(heartRates.max() ?? 0)),
                .integer(mean(pedalling)), .integer(Int64(cadences.max() ?? 0)), .integer(mean(powers)),
                .integer(Int64(powers.max() ?? 0)),
                .integer(Int64(gainLoss.gain.rounded())), .integer(Int64(gainLoss.loss.rounded())),
                .integer(timer > 0 ? distance * 10 / timer : 0),
                .integer(Int64(((speeds.max() ?? 0) * 1000).rounded())),
            ])
            clock += 60  // a transition before the next session
        }
        return sessions
    }
}
