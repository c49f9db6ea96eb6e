// The decoder seam: bytes of one input format in, decoded activities (columns and what the input
// said about them) out. Terra JSON (SlipstreamJSON) is the first implementation; the stream
// (SlipstreamStream/ActivityStream.swift) chooses one from the input's first bytes and finishes
// what it decodes (time order, summaries) in one place for every format.

/// An activity as a decoder read it: samples stored through ``SampleColumn/store(complete:time:timer:value:longitude:limit:)``
/// in input order, not yet sorted or summarized.
public struct DecodedActivity: Sendable {
    public var metadata: RawJSON?
    public var summaryID: String?
    /// Metadata `start_time` and `end_time`, UTC epoch microseconds.
    public var startTime: Int64?
    public var endTime: Int64?
    /// Summary values the input carried (a provider's or a device's own totals), in input order.
    public var providerValues: [(field: SummaryField, value: RawJSON)] = []
    public var userID: String?
    public var providerName: String?
    /// Where the activity stands in the input (`$.data[2]`), and which top-level value it is in.
    public var jsonPath = "$"
    public var payload = 0
    /// The user this activity belongs to is still to come in the input (an envelope whose `user`
    /// follows `data`): hand it on at ``DecodedActivitySink/userRead(userID:providerName:)`` or at
    /// the end of its payload.
    public var awaitsUser = false
    /// The input's description of the device that recorded (Terra's `device_data`), when it has one.
    public var deviceData: RawJSON?
    /// Timer seconds at the activity's end, on the same axis as the samples' `timer_duration_seconds`,
    /// when the input says when the timer stopped (FIT timer events): the last sample weighs no more
    /// than the time left to it.
    public var timerAtEnd: Double?
    /// Seconds in motion, when the input says (a pool swim's active lengths, its rests at the wall
    /// left out): they replace the moving time found from speeds, and average speed is distance over them.
    public var movingSeconds: Double?
    /// What the decoder wants said about the activity (it joins the summary's notes).
    public var notes: [String] = []
    public var columns = ActivityColumns()

    public init() {}

    /// Empties the activity for the next one, keeping the columns' capacity.
    package mutating func reset() {
        metadata = nil
        summaryID = nil
        startTime = nil
        endTime = nil
        providerValues.removeAll(keepingCapacity: true)
        userID = nil
        providerName = nil
        awaitsUser = false
        deviceData = nil
        timerAtEnd = nil
        movingSeconds = nil
        notes.removeAll()
        columns.removeAll()
    }
}

/// Receives what a decoder reads, in input order. Errors it reports are located (source, byte,
/// line and column where the format has lines, JSON path where it has paths).
public protocol DecodedActivitySink: AnyObject {
    /// An activity has ended in the input. The columns are the decoder's: valid during the call
    /// (copy the activity to keep it, which copies the columns' storage when the decoder reuses it).
    func activityDecoded(_ activity: inout DecodedActivity) throws
    /// The user of the activities that awaited one has been read.
    func userRead(userID: String?, providerName: String?) throws
    /// A top-level value of the input has ended; `user` is its envelope's `user`. With
    /// `discardsActivities`, the activities that still await the user are not activities after all
    /// (the envelope's `type` turned out not to be `activity`).
    func payloadEnded(user: RawJSON?, discardsActivities: Bool) throws
    /// Something in the input that is not what an activity payload should be; reading goes on.
    func problem(_ error: SlipstreamError)
}

/// One input format's decoder: fed chunks of any size as they arrive, it hands what it reads to
/// its sink during ``feed(_:)`` and ``finish()``.
public protocol ActivityDecoder: AnyObject {
    /// Decodes one chunk; the bytes are not kept after the call.
    /// - Throws: ``SlipstreamError``, located; activities that ended before the error were handed on.
    func feed(_ chunk: UnsafeRawBufferPointer) throws(SlipstreamError)
    /// The input has ended.
    func finish() throws(SlipstreamError)
    /// Bytes fed so far.
    var bytesFed: Int { get }
    /// Top-level values (payloads) begun so far.
    var payloadsBegun: Int { get }
}

/// What the first bytes of an input say it is.
public enum InputFormat: String, Sendable {
    case json, fit, gzip, zip, zstd, bzip2, xz, tar
    /// Neither a payload nor an archive: binary data (an image, a document...), said as it is.
    case binary

    /// The format of an input that starts with `prefix`; nil while more bytes are needed to tell
    /// (at most ``bytesToTell``). Anything that is none of the others is JSON: its parser says what
    /// is wrong with it.
    public static func detect(_ prefix: UnsafeRawBufferPointer, isComplete: Bool) -> InputFormat? {
        guard let first = prefix.first else { return isComplete ? .json : nil }
        // Magic numbers: gzip 1F 8B, zip "PK\3\4", zstd 28 B5 2F FD, bzip2 "BZh", xz FD "7zXZ".
        let magics: [(InputFormat, [UInt8])] = [
            (.gzip, [0x1F, 0x8B]), (.zip, [0x50, 0x4B, 0x03, 0x04]), (.zstd, [0x28, 0xB5, 0x2F, 0xFD]),
            (.bzip2, [0x42, 0x5A, 0x68]), (.xz, [0xFD, 0x37, 0x7A, 0x58, 0x5A]),
        ]
        for (format, magic) in magics where magic.first == first {
            let n = min(magic.count, prefix.count)
            guard prefix.prefix(n).elementsEqual(magic.prefix(n)) else { continue }
            if n == magic.count { return format }
            if !isComplete { return nil }
        }
        // FIT: a header of 12 or 14 bytes whose bytes 8...11 are ".FIT".
        if first == 12 || first == 14 {
            if prefix.count >= 12 { return prefix[8...11].elementsEqual(".FIT".utf8) ? .fit : .json }
            // A header cut short is still a FIT file's once what there is of ".FIT" matches.
            if prefix.count >= 9 && prefix[8...].elementsEqual(".FIT".utf8.prefix(prefix.count - 8)) { return isComplete ? .fit : nil }
            return isComplete ? .json : nil
        }
        // Binary data: a control byte other than white space, or a byte that starts no UTF-8 text
        // (0x80-0xBF, 0xF8-0xFF) where JSON must begin. (0xEF starts a byte-order mark.)
        if (first < 0x20 && first != 0x09 && first != 0x0A && first != 0x0D) || (first >= 0x80 && first < 0xC2) || first >= 0xF5 {
            return .binary
        }
        // tar: "ustar" at byte 257; JSON cannot start with a name's bytes, so only a letter, digit
        // or punctuation a file name may start with needs the wait.
        if first != UInt8(ascii: "{") && first != UInt8(ascii: "[") && first > 0x20 && first != 0xEF {
            if prefix.count >= 262 { return prefix[257...261].elementsEqual("ustar".utf8) ? .tar : .json }
            return isComplete ? .json : nil
        }
        return .json
    }

    /// The most bytes ``detect(_:isComplete:)`` needs.
    public static let bytesToTell = 262

    /// What binary data that is no payload looks like, from its first bytes: `a PNG image (first
    /// bytes 89 50 4E 47)`.
    public static func describeBinary(_ prefix: UnsafeRawBufferPointer) -> String {
        let known: [(String, [UInt8])] = [
            ("a PNG image", [0x89, 0x50, 0x4E, 0x47]), ("a JPEG image", [0xFF, 0xD8, 0xFF]), ("a GIF image", Array("GIF8".utf8)),
            ("a PDF document", Array("%PDF".utf8)), ("a SQLite database", Array("SQLite format 3".utf8)),
            ("an ELF executable", [0x7F, 0x45, 0x4C, 0x46]),
        ]
        let first = prefix.prefix(8).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: " ")
        let kind = known.first { prefix.starts(with: $0.1) }?.0 ?? "binary data"
        return "\(kind) (first bytes \(first))"
    }
}
