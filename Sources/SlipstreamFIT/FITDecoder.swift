// The FIT decoder behind the decoder seam: chunks of any size in, activities out, no whole-file
// buffer (only the bytes of a record that straddles two chunks wait). It checks the header and
// file CRCs, reads definition and data messages (normal and compressed-timestamp headers, local
// types 0-15 redefined at will, either byte order), skips developer fields by size unless a field
// description names a quantity it reads, and goes on to the next file when several are chained.
// The meaning of the messages is FITRecording's.

import SlipstreamCore

/// Decodes FIT recordings (Garmin's Flexible and Interoperable Data Transfer protocol): activity
/// files from Xoss, Garmin, Wahoo, COROS, Bryton heads and the apps that write the format.
public final class FITDecoder: ActivityDecoder {
    unowned let sink: any DecodedActivitySink
    let source: String
    let limits: ReadLimits
    private let checksCRC: Bool

    private enum State { case header, records, fileCRC }
    private var state = State.header
    /// Bytes not yet consumed, from absolute offset `base`; `position` is the next one to read.
    var pending: [UInt8] = []
    var base = 0
    private var position = 0
    public private(set) var bytesFed = 0
    public private(set) var payloadsBegun = 0
    var filesEnded = 0
    /// The files read so far, as recordings: a file continues the activity before it, or begins one.
    var chain = FITChain()
    var fileStart = 0
    /// What the current file is when it is no activity ("a FIT settings file"): its messages are
    /// passed over. The first such file's error is the input's if it holds no activity at all.
    var passedOver: String?
    var firstPassedOver: SlipstreamError?
    var activitiesHandedOn = 0

    // The file being read.
    private var crc = FITCRC()
    var dataEnd = 0
    private var definitions = [FITDefinition?](repeating: nil, count: 16)
    private var lastTimestamp: Int64 = 0
    private var messages = 0
    var recording = FITRecording()

    /// - Parameters:
    ///   - sink: receives the activities, when each file has ended (its sessions come last); not
    ///     kept alive by the decoder.
    ///   - checksCRC: false reads a file whose header or file CRC does not match (`--ignore-crc`).
    public init(
        sink: any DecodedActivitySink, source: String, limits: ReadLimits = ReadLimits(), checksCRC: Bool = true
    ) {
        self.sink = sink
        self.source = source
        self.limits = limits
        self.checksCRC = checksCRC
    }

    public func feed(_ chunk: UnsafeRawBufferPointer) throws(SlipstreamError) {
        guard chunk.count > 0 else { return }
        pending.append(contentsOf: chunk)
        bytesFed += chunk.count
        try decode()
        if position > 0 {
            pending.removeFirst(position)
            base += position
            position = 0
        }
    }

    public func finish() throws(SlipstreamError) {
        try decode()
        let left = pending.count - position
        switch state {
        case .header where left == 0:
            if payloadsBegun == 0 { throw failure("empty input: expected a FIT file", at: base + position) }
            try handOn(chain.close(), complete: true)
            if activitiesHandedOn == 0, let firstPassedOver { throw firstPassedOver }
        case .header:
            try handOn(chain.close())
            throw failure("a FIT header cut short: \(left) of its bytes", at: base + position)
        case .records, .fileCRC:
            try endFile()
            try handOn(chain.close())
            let missing = dataEnd + 2 - (base + pending.count)
            throw failure(
                "the file ends early: \(missing) bytes of the FIT file are missing (its records and CRC end at byte \(dataEnd + 2))",
                at: base + pending.count)
        }
    }

    // MARK: - The byte stream

    private var available: Int { pending.count - position }
    var offset: Int { base + position }

    private func decode() throws(SlipstreamError) {
        do {
            while try step() {}
        } catch {
            // What was decoded before damage at a known place is kept; a file whose header CRC
            // fails gives nothing (its size may be wrong), one whose file CRC fails its whole records.
            if state != .header { try endFile() }
            try handOn(chain.close())
            state = .header
            throw error
        }
    }

    /// Reads one unit (a header, a record, a CRC) if its bytes are all here; false when more are needed.
    private func step() throws(SlipstreamError) -> Bool {
        switch state {
        case .header: return try readHeader()
        case .records:
            if offset == dataEnd {
                state = .fileCRC
                return true
            }
            return try readRecord()
        case .fileCRC: return try readFileCRC()
        }
    }

    private func readHeader() throws(SlipstreamError) -> Bool {
        guard available >= 1 else { return false }
        let size = Int(pending[position])
        guard size == 12 || size == 14 else {
            if filesEnded > 0 {
                throw failure(
                    "\(available)+ bytes after the end of the FIT file are not a FIT file (a header size of \(size))",
                    at: offset)
            }
            throw failure("not a FIT file: a header size of \(size), not 12 or 14", at: offset)
        }
        guard available >= size else { return false }
        let header = pending[position..<(position + size)]
        guard header.dropFirst(8).prefix(4).elementsEqual(".FIT".utf8) else {
            throw failure("no \".FIT\" in the header at byte \(offset + 8)", at: offset)
        }
        let dataSize = Int(uint32(header.dropFirst(4).prefix(4), bigEndian: false))
        if size == 14, checksCRC {
            let stored = UInt16(header[header.startIndex + 12]) | UInt16(header[header.startIndex + 13]) << 8
            var computed = FITCRC()
            computed.update(header.prefix(12))
            if stored != 0 && stored != computed.value {
                throw failure(
                    "header CRC 0x\(hex(stored)) does not match its bytes' 0x\(hex(computed.value)) (the check can be turned off to read it anyway)",
                    at: offset + 12)
            }
        }
        crc = FITCRC()
        crc.update(header)
        fileStart = offset
        dataEnd = offset + size + dataSize
        definitions = Array(repeating: nil, count: 16)
        lastTimestamp = 0
        messages = 0
        recording = FITRecording()
        recording.heartRates = chain.heartRateState
        recording.payload = payloadsBegun
        passedOver = nil
        payloadsBegun += 1
        position += size
        state = .records
        return true
    }

    private func readFileCRC() throws(SlipstreamError) -> Bool {
        guard available >= 2 else { return false }
        let stored = UInt16(pending[position]) | UInt16(pending[position + 1]) << 8
        if checksCRC && stored != crc.value {
            // Its records were read whole: they are kept, and the CRC reported.
            throw failure(
                "file CRC 0x\(hex(stored)) does not match its content's 0x\(hex(crc.value)) (the check can be turned off to read it anyway)",
                at: offset)
        }
        position += 2
        try endFile()
        state = .header
        return true
    }

    private func readRecord() throws(SlipstreamError) -> Bool {
        guard available >= 1 else { return false }
        let header = pending[position]
        if header & 0x80 != 0 {
            let local = Int(header >> 5 & 0x3)
            let timeOffset = Int64(header & 0x1F)
            var timestamp = (lastTimestamp & ~0x1F) + timeOffset
            if timeOffset < lastTimestamp & 0x1F { timestamp += 0x20 }
            return try readData(local: local, headerSize: 1, compressedTimestamp: timestamp)
        }
        if header & 0x40 != 0 { return try readDefinition(local: Int(header & 0x0F), developer: header & 0x20 != 0) }
        return try readData(local: Int(header & 0x0F), headerSize: 1, compressedTimestamp: nil)
    }

    private func readDefinition(local: Int, developer: Bool) throws(SlipstreamError) -> Bool {
        guard available >= 6 else { return false }
        let fieldCount = Int(pending[position + 5])
        var length = 6 + 3 * fieldCount
        if developer {
            guard available >= length + 1 else { return false }
            length += 1 + 3 * Int(pending[position + length])
        }
        if offset + length > dataEnd {
            throw failure(
                "a definition of local type \(local) overruns the file's records (it ends at byte \(offset + length), they at \(dataEnd))",
                at: offset)
        }
        guard available >= length else { return false }
        let architecture = pending[position + 2]
        guard architecture <= 1 else {
            throw failure(
                "a definition of local type \(local) has architecture \(architecture), neither 0 (little-endian) nor 1",
                at: offset + 2)
        }
        let bigEndian = architecture == 1
        let global = UInt16(uint32(pending[(position + 3)..<(position + 5)], bigEndian: bigEndian))
        var fields: [FITFieldDefinition] = []
        var size = 0
        for i in 0..<fieldCount {
            let at = position + 6 + 3 * i
            let (number, fieldSize, typeByte) = (pending[at], Int(pending[at + 1]), pending[at + 2])
            guard fieldSize > 0 else {
                throw failure(
                    "field \(number) of message \(global) (local type \(local)) has size 0", at: base + at + 1)
            }
            // A type FIT does not define is read as bytes: its data is skipped by its size.
            let type = FITBaseType(typeByte) ?? FITBaseType(0x0D)!
            fields.append(FITFieldDefinition(number: number, size: fieldSize, type: type, offset: size))
            size += fieldSize
        }
        var developerFields: [(index: UInt8, number: UInt8, size: Int, offset: Int)] = []
        if developer {
            let first = position + 6 + 3 * fieldCount + 1
            for i in 0..<Int(pending[first - 1]) {
                let at = first + 3 * i
                guard pending[at + 1] > 0 else {
                    throw failure("developer field \(pending[at]) of message \(global) has size 0", at: base + at + 1)
                }
                developerFields.append((pending[at + 2], pending[at], Int(pending[at + 1]), size))
                size += Int(pending[at + 1])
            }
        }
        definitions[local] = FITDefinition(
            globalNumber: global, bigEndian: bigEndian, fields: fields, developerFields: developerFields, size: size)
        consume(length)
        return true
    }

    private func readData(local: Int, headerSize: Int, compressedTimestamp: Int64?) throws(SlipstreamError) -> Bool {
        guard let definition = definitions[local] else {
            throw failure("a data message of local type \(local), which no definition has defined", at: offset)
        }
        let length = headerSize + definition.size
        if offset + length > dataEnd {
            throw failure(
                "message #\(messages + 1) (global \(definition.globalNumber)) overruns the file's records (it ends at byte \(offset + length), they at \(dataEnd))",
                at: offset)
        }
        guard available >= length else { return false }
        messages += 1
        let message = FITMessage(definition: definition, bytes: pending[(position + headerSize)..<(position + length)])
        let start = offset
        consume(length)
        try handle(message, compressedTimestamp: compressedTimestamp, at: start)
        return true
    }

    private func consume(_ count: Int) {
        crc.update(pending[position..<(position + count)])
        position += count
    }

    // MARK: - Messages

    /// Messages kept until the file's end are bounded as they arrive, by the sample limit: `count`
    /// of `what` are kept already; the message at byte `start` would be one more.
    private func bound(_ count: Int, _ what: String, at start: Int) throws(SlipstreamError) {
        guard count < limits.maxSamplesPerChannel else {
            throw .limitExceeded(
                "more than \(limits.maxSamplesPerChannel) \(what)", limit: .maxSamplesPerChannel, source: source,
                byteOffset: start,
                jsonPath: nil)
        }
    }

    private func handle(_ message: FITMessage, compressedTimestamp: Int64?, at start: Int) throws(SlipstreamError) {
        var time: Int64?
        if let compressedTimestamp {
            lastTimestamp = compressedTimestamp
            time = compressedTimestamp
        } else if let stamp = message.integer(FITProfile.timestamp) {
            lastTimestamp = stamp
            time = stamp
        }
        if passedOver != nil { return }
        switch message.definition.globalNumber {
        case FITProfile.Message.fileID:
            recording.fileType = message.integer(FITProfile.FileID.type)
            recording.manufacturer = message.integer(FITProfile.FileID.manufacturer)
            recording.product = message.integer(FITProfile.FileID.product)
            recording.serialNumber = message.integer(FITProfile.FileID.serialNumber)
            recording.timeCreated = message.integer(FITProfile.FileID.timeCreated)
            if let type = recording.fileType, type != 4 {
                let what = "a FIT \(FITProfile.fileTypeName(type)) file"
                passedOver = what
                if firstPassedOver == nil {
                    firstPassedOver = SlipstreamError(
                        .notActivityPayload, "\(what), not an activity", source: source, byteOffset: start)
                }
            }
        case FITProfile.Message.record:
            guard let time else {
                recording.untimedRecords += 1
                return
            }
            // Records wait for the sessions at the end of the file: bound them as they arrive.
            try bound(recording.recordCount, "records in one FIT file (each holds a sample per channel)", at: start)
            recording.record(message, at: time)
        case FITProfile.Message.event:
            if let time, message.integer(FITProfile.Event.event) == FITProfile.Event.timer,
                let type = message.integer(FITProfile.Event.eventType)
            {
                recording.timerEvent(type: type, at: time)
            }
        case FITProfile.Message.session: recording.session(message, at: time)
        case FITProfile.Message.length:
            try bound(recording.lengths.count, "lengths in one FIT file", at: start)
            recording.length(message, at: time)
        case FITProfile.Message.deviceInfo: recording.deviceInfo(message)
        case FITProfile.Message.activity: recording.activity(message, at: time)
        case FITProfile.Message.fieldDescription: recording.fieldDescription(message)
        case FITProfile.Message.hr:
            try bound(recording.heartRates.messages, "hr messages in one FIT file", at: start)
            recording.heartRates.add(message, timestamp: time)
        default: break
        }
    }

    // MARK: - Helpers

    @inline(never)
    private func failure(_ message: String, at byte: Int) -> SlipstreamError {
        SlipstreamError(.malformedFIT, message, source: source, byteOffset: byte)
    }

    private func uint32(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> UInt32 {
        let ordered = bigEndian ? Array(bytes) : bytes.reversed()
        return ordered.reduce(0) { $0 << 8 | UInt32($1) }
    }

    private func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
