// Fixed-format ISO8601 parsing over bytes, to UTC epoch microseconds, without allocating.
//
// Accepted: `YYYY-MM-DDTHH:MM:SS` (a space may stand for `T`), an optional fraction of 1 to 9
// digits (kept to the microsecond, further digits truncated), then `Z`, `+HH:MM`, `-HH:MM`,
// `+HHMM`, `-HHMM`, or nothing. Without an offset the time is the user's local time (Terra's rule):
// it is read as if it were UTC and the result says so, so callers can count it.
//
//     "2022-10-20T10:00:01.250000+02:00" -> 1666252801250000 (08:00:01.25 UTC), hasOffset
//     "2022-10-20T10:00:01Z"             -> 1666260001000000, hasOffset
//     "2022-10-20T10:00:01"              -> 1666260001000000, local

/// A parsed timestamp: UTC epoch microseconds and whether the text carried a UTC offset.
public struct ParsedTimestamp: Equatable, Sendable {
    public var microseconds: Int64
    public var hasOffset: Bool
}

public enum Timestamp {
    /// Parses an ISO8601 timestamp from its UTF-8 bytes; nil when the text is not one.
    public static func parse(_ text: UnsafeRawBufferPointer) -> ParsedTimestamp? {
        guard text.count >= 19, let minute = minuteSeconds(text) else { return nil }
        return parseRest(text, minuteSeconds: minute)
    }

    @inline(__always)
    private static func digit(_ text: UnsafeRawBufferPointer, _ i: Int) -> Int {
        let d = Int(text[i]) &- 48
        return (d >= 0 && d <= 9) ? d : -1_000_000
    }

    @inline(__always)
    private static func two(_ text: UnsafeRawBufferPointer, _ i: Int) -> Int {
        digit(text, i) * 10 + digit(text, i + 1)
    }

    /// Validates `YYYY-MM-DDTHH:MM` (the first 16 bytes; the caller checked there are 19) and
    /// returns that minute in epoch seconds, read as UTC.
    package static func minuteSeconds(_ text: UnsafeRawBufferPointer) -> Int64? {
        let year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3)
        let month = two(text, 5)
        let day = two(text, 8)
        let hour = two(text, 11)
        let minute = two(text, 14)
        guard text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"),
            text[10] == UInt8(ascii: "T") || text[10] == UInt8(ascii: " ") || text[10] == UInt8(ascii: "t"),
            text[13] == UInt8(ascii: ":"),
            year >= 0, month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month),
            hour >= 0, hour <= 23, minute >= 0, minute <= 59
        else { return nil }
        return Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60)
    }

    /// Parses what follows the minute: `:SS`, the fraction and the offset.
    @inline(__always)
    package static func parseRest(_ text: UnsafeRawBufferPointer, minuteSeconds: Int64) -> ParsedTimestamp? {
        let n = text.count
        let second = two(text, 17)
        guard text[16] == UInt8(ascii: ":"), second >= 0, second <= 60 else { return nil }

        var index = 19
        var fraction = 0
        if index < n, text[index] == UInt8(ascii: ".") || text[index] == UInt8(ascii: ",") {
            index += 1
            var fractionDigits = 0
            while index < n, case let d = digit(text, index), d >= 0 {
                if fractionDigits < 6 { fraction = fraction * 10 + d }
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits >= 1, fractionDigits <= 9 else { return nil }
            for _ in min(fractionDigits, 6)..<6 { fraction *= 10 }
        }

        var offsetSeconds = 0
        var hasOffset = false
        if index < n {
            let sign = text[index]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                guard index + 1 == n else { return nil }
                hasOffset = true
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                let rest = n - index - 1
                let offsetHours: Int
                let offsetMinutes: Int
                if rest == 5, text[index + 3] == UInt8(ascii: ":") {
                    offsetHours = two(text, index + 1)
                    offsetMinutes = two(text, index + 4)
                } else if rest == 4 {
                    offsetHours = two(text, index + 1)
                    offsetMinutes = two(text, index + 3)
                } else if rest == 2 {
                    offsetHours = two(text, index + 1)
                    offsetMinutes = 0
                } else {
                    return nil
                }
                guard offsetHours >= 0, offsetHours <= 23, offsetMinutes >= 0, offsetMinutes <= 59 else { return nil }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
                hasOffset = true
            } else {
                return nil
            }
        }

        let seconds = minuteSeconds + Int64(second - offsetSeconds)
        return ParsedTimestamp(microseconds: seconds * 1_000_000 + Int64(fraction), hasOffset: hasOffset)
    }

    /// Formats UTC epoch microseconds as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    /// The UTC offset a timestamp's text is written with, in seconds (`…T10:00+02:00`: 7200, `…Z`: 0);
    /// nil when the text has none or is no timestamp. Read from the text after `T` as written,
    /// whether or not the rest of it parses.
    public static func writtenOffsetSeconds(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let t = text.firstIndex(of: "T") else { return nil }
        let clock = text[t...]
        if clock.hasSuffix("Z") || clock.hasSuffix("z") { return 0 }
        guard let signIndex = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) else { return nil }
        let digits = clock[clock.index(after: signIndex)...].filter(\.isNumber)
        guard digits.count == 4 || digits.count == 2, let value = Int(digits) else { return nil }
        let minutes = digits.count == 4 ? value / 100 * 60 + value % 100 : value * 60
        return (clock[signIndex] == "-" ? -1 : 1) * minutes * 60
    }

    public static func format(microseconds: Int64) -> String {
        var bytes: [UInt8] = []
        append(microseconds: microseconds, offsetSeconds: 0, suffix: .z, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `format(microseconds:)` as the wall clock of a place `offsetSeconds` east of UTC, with that
    /// offset written (`2024-05-04T07:30:00.000000+02:00`); nil offset writes local time, no suffix.
    public static func format(microseconds: Int64, offsetSeconds: Int?) -> String {
        var bytes: [UInt8] = []
        append(
            microseconds: microseconds, offsetSeconds: offsetSeconds ?? 0,
            suffix: offsetSeconds == nil ? .none : .offset, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What follows the time: `Z`, nothing (local time), or the offset (`+02:00`).
    package enum Suffix { case z, none, offset }

    /// Appends the text of `format` to `bytes` without building a `String` (samples are written by
    /// the million): the wall clock at `offsetSeconds` east of UTC, then `suffix`.
    package static func append(microseconds: Int64, offsetSeconds: Int, suffix: Suffix, to bytes: inout [UInt8]) {
        let (seconds, micros) = (microseconds + Int64(offsetSeconds) * 1_000_000).quotientAndRemainder(
            dividingBy: 1_000_000)
        var secs = seconds
        var us = micros
        if us < 0 {
            us += 1_000_000
            secs -= 1
        }
        var (days, secondOfDay) = secs.quotientAndRemainder(dividingBy: 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(Int(days))
        let s = Int(secondOfDay)
        if (0...9999).contains(y) {
            digits(y, 4, &bytes)
        } else {
            bytes += Array(pad(y, 4).utf8)
        }
        bytes.append(UInt8(ascii: "-"))
        digits(m, 2, &bytes)
        bytes.append(UInt8(ascii: "-"))
        digits(d, 2, &bytes)
        bytes.append(UInt8(ascii: "T"))
        digits(s / 3600, 2, &bytes)
        bytes.append(UInt8(ascii: ":"))
        digits(s / 60 % 60, 2, &bytes)
        bytes.append(UInt8(ascii: ":"))
        digits(s % 60, 2, &bytes)
        bytes.append(UInt8(ascii: "."))
        digits(Int(us), 6, &bytes)
        switch suffix {
        case .z: bytes.append(UInt8(ascii: "Z"))
        case .none: break
        case .offset:
            let magnitude = abs(offsetSeconds) / 60
            bytes.append(offsetSeconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            digits(magnitude / 60, 2, &bytes)
            bytes.append(UInt8(ascii: ":"))
            digits(magnitude % 60, 2, &bytes)
        }
    }

    /// `value` (0 or more) in exactly `width` digits, zeros first.
    @inline(__always)
    private static func digits(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        for _ in 0..<width {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor % 10))
            rest %= divisor
            divisor /= 10
            if divisor == 0 { break }
        }
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    private static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    private static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// ``Timestamp/parse(_:)`` with a memory of the last minute parsed: consecutive samples share
/// `YYYY-MM-DDTHH:MM`, so the date is validated and converted once a minute, not once a sample.
package struct TimestampParser {
    private var headBytes: (UInt64, UInt64) = (0, 0)
    private var headSeconds: Int64 = 0
    private var hasHead = false

    package init() {}

    package mutating func parse(_ text: UnsafeRawBufferPointer) -> ParsedTimestamp? {
        guard text.count >= 19 else { return nil }
        let head = (text.loadUnaligned(as: UInt64.self), text.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        if !hasHead || head != headBytes {
            guard let minute = Timestamp.minuteSeconds(text) else { return nil }
            headBytes = head
            headSeconds = minute
            hasHead = true
        }
        return Timestamp.parseRest(text, minuteSeconds: headSeconds)
    }
}
