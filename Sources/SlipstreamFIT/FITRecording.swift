// What one FIT file says, gathered as its messages arrive; the activities it holds are built once it
// has ended (FITRecording+Activities.swift). Sessions come at the end of a recording, so every record
// is kept (a row of plain numbers each) until then; each session then takes the records between its
// start and its end.
//
//     records:  t0 ... t1 ... t2 ...          sessions:  [start 0, elapsed 3600]  [start 3700, ...]
//     timer:    rebuilt from timer start/stop events, so auto-pause weighs nothing
//
// Times are kept as the file gives them (FIT seconds) and resolved when the activities are built:
// a date is UTC; a time below 0x10000000 counts from the device's power-on, and is placed by the
// activity message's local timestamp when it has one (then it is local time, without an offset).

import SlipstreamCore

/// A session message: one activity, with the device's own totals.
struct FITSession {
    var index: Int
    /// start_time, else the message's timestamp less total_elapsed_time.
    var startTime: Int64?
    /// The message's own timestamp: its end when the device writes it last, its start when first.
    var messageTime: Int64?
    /// total_elapsed_time and total_timer_time, seconds.
    var elapsedSeconds: Double?
    var timerSeconds: Double?
    var sport: Int64?
    var subSport: Int64?
    /// A pool swim's pool length, metres.
    var poolLength: Double?
    /// The device's totals, in Terra's units, by the summary field they fill.
    var totals: [(SummaryField, Double)] = []
}

/// A pool swim's length: when it started, whether it was swum (or a rest at the wall), its timer
/// seconds, strokes, stroke rate (strokes/min) and speed (m/s).
struct FITLength {
    var start: Int64
    var active: Bool
    var seconds: Double
    var strokes: Double?
    var cadence: Double?
    var speed: Double?
}

struct FITRecording {
    /// The input's file (0 the first of a chain) the recording began in.
    var payload = 0
    // file_id
    var fileType: Int64?
    var manufacturer: Int64?
    var product: Int64?
    var serialNumber: Int64?
    var timeCreated: Int64?
    /// device_info of the device that recorded (index 0, else the first).
    var device: RawJSON?
    var deviceIsCreator = false
    /// Seconds to add to UTC for the recording's local time (activity.local_timestamp), when plausible.
    var utcOffset: Int64?
    /// For times counted from power-on: the local date of one of them (activity.local_timestamp).
    var relativeAnchor: (fit: Int64, localUnix: Int64)?

    // The timer, from timer events.
    var timerSeen = false
    var timerRunning = false
    var timerAccumulated = 0.0
    var timerStartedAt: Int64 = 0

    // Records, as columns: UTC seconds, timer seconds (NaN: no timer event yet), a value per
    // channel (NaN: absent), longitude for position.
    var times: [Int64] = []
    var timers: [Double] = []
    /// Record by record, a value per channel: record i's channel c is at i × channelCount + c.
    var values: [Double] = []
    static let channelCount = Channel.allCases.count

    func value(_ channel: Channel, record i: Int) -> Double { values[i * Self.channelCount + channel.rawValue] }
    var longitudes: [Double] = []
    /// compressed_speed_distance's distance: 12 bits of 1/16 m that roll over, accumulated.
    var compressedDistance = 0.0
    var lastCompressedDistance: Int?

    var sessions: [FITSession] = []
    /// A pool swim's lengths, in file order.
    var lengths: [FITLength] = []
    /// Beats from `hr` messages, merged into the records' heart rate when the activities are built.
    var heartRates = FITHeartRates()
    /// What the chain's other files said (a file of `hr` messages merged, a settings file passed over).
    var chainNotes: [String] = []
    /// Record messages with no timestamp (none of their own, none before them): they cannot be placed.
    var untimedRecords = 0
    /// Records came in time order (they do, from every device seen so far): a session's are found by bisection.
    var inTimeOrder = true

    /// Developer fields that carry a record field's quantity: (developer data index, field number)
    /// -> (record field, base type, scale, offset).
    var developerRecordFields: [UInt16: (field: UInt8, type: FITBaseType, scale: Double, offset: Double)] = [:]

    var recordCount: Int { times.count }

    // MARK: - Messages

    /// Timer start and stop events, in order, to tell the timer's value at any time.
    var timerEvents: [(time: Int64, start: Bool)] = []

    /// The timer's value at `time`, from the events before it; nil without any timer event.
    func timer(at time: Int64) -> Double? {
        guard !timerEvents.isEmpty else { return nil }
        var running = false, accumulated = 0.0, startedAt: Int64 = 0
        for event in timerEvents where event.time <= time {
            if event.start && !running { (running, startedAt) = (true, event.time) }
            if !event.start && running {
                (running, accumulated) = (false, accumulated + Double(event.time - startedAt))
            }
        }
        return accumulated + (running ? Double(time - startedAt) : 0)
    }

    mutating func timerEvent(type: Int64, at time: Int64) {
        if !timerSeen, FITProfile.Event.stops.contains(type), let first = times.first, first < time {
            // A stop before any start: the timer ran from the first record (a start event left unwritten).
            timerEvent(type: FITProfile.Event.start, at: first)
            for i in timers.indices { timers[i] = Double(times[i] - first) }
        }
        if type == FITProfile.Event.start || FITProfile.Event.stops.contains(type) {
            timerEvents.append((time, type == FITProfile.Event.start))
        }
        timerSeen = true
        if type == FITProfile.Event.start {
            if !timerRunning { timerStartedAt = time }
            timerRunning = true
        } else if FITProfile.Event.stops.contains(type), timerRunning {
            timerAccumulated += Double(time - timerStartedAt)
            timerRunning = false
        }
    }

    mutating func record(_ message: FITMessage, at time: Int64) {
        typealias R = FITProfile.Record
        // The record's values go straight into the table (no array per record).
        let base = values.count
        values.append(contentsOf: repeatElement(.nan, count: Self.channelCount))
        func set(_ channel: Channel, _ value: Double?) { if let value { values[base + channel.rawValue] = value } }
        /// Sets a channel that no standard field set (a developer field or packed value stands in).
        func fill(_ channel: Channel, _ value: Double) {
            if values[base + channel.rawValue].isNaN { values[base + channel.rawValue] = value }
        }
        set(.heartRate, message.number(R.heartRate))
        set(.power, message.number(R.power))
        if let cadence = message.number(R.cadence) {
            set(.cadence, cadence + (message.number(R.fractionalCadence).map { $0 / 128 } ?? 0))
        }
        set(.speed, (message.number(R.enhancedSpeed) ?? message.number(R.speed)).map { $0 / 1000 })
        set(.distance, message.number(R.distance).map { $0 / 100 })
        // scale 5, offset 500
        set(.elevation, (message.number(R.enhancedAltitude) ?? message.number(R.altitude)).map { ($0 - 2500) / 5 })
        set(.temperature, message.number(R.temperature))
        if let packed = message.rawBytes(R.compressedSpeedDistance), packed.count == 3 {
            let b = packed.map(Int.init)
            let speed = b[0] | (b[1] & 0x0F) << 8
            let distance = (b[1] >> 4) | b[2] << 4
            if speed != 0xFFF { fill(.speed, Double(speed) / 100) }
            if let last = lastCompressedDistance { compressedDistance += Double((distance - last + 4096) % 4096) / 16 }
            lastCompressedDistance = distance
            fill(.distance, compressedDistance)
        }
        var longitude = Double.nan
        if let lat = message.integer(R.positionLat), let long = message.integer(R.positionLong) {
            set(.position, Double(lat) * 180 / 2_147_483_648)
            longitude = Double(long) * 180 / 2_147_483_648
        }
        for (key, meaning) in developerRecordFields {
            let (index, number) = (UInt8(key >> 8), UInt8(key & 0xFF))
            guard
                let raw = message.definition.developerValue(
                    index: index, number: number, type: meaning.type, in: message.bytes)
            else { continue }
            let value = raw / meaning.scale - meaning.offset
            switch meaning.field {
            case R.heartRate: fill(.heartRate, value)
            case R.power: fill(.power, value)
            case R.cadence: fill(.cadence, value)
            case R.speed: fill(.speed, value)
            case R.temperature: fill(.temperature, value)
            default: break
            }
        }
        if let last = times.last, time < last { inTimeOrder = false }
        times.append(time)
        timers.append(timerSeen ? timerAccumulated + (timerRunning ? Double(time - timerStartedAt) : 0) : .nan)
        longitudes.append(longitude)
    }

    mutating func length(_ message: FITMessage, at time: Int64?) {
        typealias L = FITProfile.Length
        guard let start = message.integer(L.startTime) ?? time, let milliseconds = message.number(L.totalTimerTime)
        else { return }
        lengths.append(
            FITLength(
                start: start, active: message.integer(L.lengthType) == L.active, seconds: milliseconds / 1000,
                strokes: message.number(L.totalStrokes), cadence: message.number(L.avgSwimmingCadence),
                speed: message.number(L.avgSpeed).map { $0 / 1000 }))
    }

    mutating func session(_ message: FITMessage, at time: Int64?) {
        typealias S = FITProfile.Session
        var session = FITSession(index: sessions.count)
        session.messageTime = time
        session.elapsedSeconds = message.number(S.totalElapsedTime).map { $0 / 1000 }
        session.timerSeconds = message.number(S.totalTimerTime).map { $0 / 1000 }
        session.startTime =
            message.integer(S.startTime)
            ?? time.flatMap { end in session.elapsedSeconds.map { end - Int64($0.rounded(.up)) } }
        session.poolLength = message.number(S.poolLength).map { $0 / 100 }
        session.sport = message.integer(S.sport)
        session.subSport = message.integer(S.subSport)
        func total(_ field: SummaryField, _ value: Double?) { if let value { session.totals.append((field, value)) } }
        total(.avgHeartRate, message.number(S.avgHeartRate))
        total(.maxHeartRate, message.number(S.maxHeartRate))
        total(.avgWatts, message.number(S.avgPower))
        total(.maxWatts, message.number(S.maxPower))
        total(.avgSpeed, (message.number(S.enhancedAvgSpeed) ?? message.number(S.avgSpeed)).map { $0 / 1000 })
        total(.maxSpeed, (message.number(S.enhancedMaxSpeed) ?? message.number(S.maxSpeed)).map { $0 / 1000 })
        total(.avgCadence, message.number(S.avgCadence))
        total(.maxCadence, message.number(S.maxCadence))
        total(.distance, message.number(S.totalDistance).map { $0 / 100 })
        total(.elevationGain, message.number(S.totalAscent))
        total(.elevationLoss, message.number(S.totalDescent))
        total(.activitySeconds, message.number(S.totalTimerTime).map { $0 / 1000 })
        session.totals.sort { $0.0.rawValue < $1.0.rawValue }
        sessions.append(session)
    }

    mutating func deviceInfo(_ message: FITMessage) {
        typealias D = FITProfile.DeviceInfo
        let isCreator = message.integer(D.deviceIndex) == 0
        guard device == nil || (isCreator && !deviceIsCreator) else { return }
        var json = JSONWriter()
        json.beginObject()
        json.key("name")
        if let name = message.string(D.productName) { json.string(name) } else { json.null() }
        json.key("manufacturer")
        if let id = message.integer(D.manufacturer) ?? manufacturer {
            json.string(FITProfile.manufacturerName(id))
        } else {
            json.null()
        }
        json.key("serial_number")
        if let serial = message.integer(D.serialNumber) { json.string("\(serial)") } else { json.null() }
        json.key("software_version")
        if let version = message.number(D.softwareVersion) {
            json.string(Self.version(version / 100))
        } else {
            json.null()
        }
        json.key("hardware_version")
        if let version = message.integer(D.hardwareVersion) { json.string("\(version)") } else { json.null() }
        json.key("product_id")
        if let product = message.integer(D.product) { json.integer(Int(product)) } else { json.null() }
        json.endObject()
        device = RawJSON(bytes: json.bytes)
        deviceIsCreator = isCreator
    }

    /// A version with two decimals, as devices show it ("4.20").
    private static func version(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }

    mutating func activity(_ message: FITMessage, at time: Int64?) {
        guard let time, let local = message.integer(FITProfile.Activity.localTimestamp).flatMap(Self.unixSeconds) else {
            return
        }
        guard let utc = Self.unixSeconds(time) else {
            relativeAnchor = (time, local)
            return
        }
        let offset = ((local - utc) / 900) * 900  // whole quarter hours, as time zones are
        if abs(offset) <= 14 * 3600 { utcOffset = offset }
    }

    /// A FIT time as Unix seconds, and whether it is local time (a time from power-on placed by the
    /// local timestamp) rather than UTC.
    func resolve(_ fit: Int64) -> (seconds: Int64, isLocal: Bool) {
        if let utc = Self.unixSeconds(fit) { return (utc, false) }
        if let anchor = relativeAnchor { return (anchor.localUnix - (anchor.fit - fit), true) }
        return (fit + FITProfile.epochOffset, false)
    }

    mutating func fieldDescription(_ message: FITMessage) {
        typealias F = FITProfile.FieldDescription
        guard let index = message.integer(F.developerDataIndex), let number = message.integer(F.fieldDefinitionNumber),
            let typeByte = message.integer(F.baseType), let type = FITBaseType(UInt8(truncatingIfNeeded: typeByte))
        else { return }
        let key = UInt16(truncatingIfNeeded: index) << 8 | UInt16(truncatingIfNeeded: number)
        let scale = message.number(F.scale) ?? 1
        let offset = message.number(F.offset) ?? 0
        // A field the description maps onto a record field, or one named after a quantity we read.
        if message.integer(F.nativeMessage) == Int64(FITProfile.Message.record),
            let native = message.integer(F.nativeField)
        {
            developerRecordFields[key] = (UInt8(truncatingIfNeeded: native), type, scale == 0 ? 1 : scale, offset)
        } else if let name = message.string(F.fieldName)?.lowercased() {
            let known: [String: UInt8] = [
                "heart_rate": FITProfile.Record.heartRate, "power": FITProfile.Record.power,
                "cadence": FITProfile.Record.cadence,
                "speed": FITProfile.Record.speed, "temperature": FITProfile.Record.temperature,
            ]
            if let field = known[name] { developerRecordFields[key] = (field, type, scale == 0 ? 1 : scale, offset) }
        }
    }

    /// What to say of records that could not be placed in time, if any.
    var untimedNote: String? {
        untimedRecords == 0
            ? nil : "\(untimedRecords) record messages without a timestamp were left out: nothing places them in time"
    }
}
