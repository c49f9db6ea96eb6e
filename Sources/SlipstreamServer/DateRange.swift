// `start_date` and `end_date` of the historical API: `YYYY-MM-DD` (UTC midnight) or 10-digit unix
// seconds; activities whose start time is in [start, end).

import Foundation
import SlipstreamCore
import SlipstreamStorage

struct DateRange: Equatable {
    /// UTC epoch microseconds.
    var start: Int64
    var end: Int64

    /// - Throws: ``Problem`` 400 naming the parameter that is missing or malformed.
    init(start: String?, end: String?, now: Date) throws(Problem) {
        guard let start else { throw .badRequest("start_date is required: YYYY-MM-DD or unix seconds") }
        self.start = try Self.parse(start, name: "start_date")
        self.end =
            try end.map { v throws(Problem) in try Self.parse(v, name: "end_date") }
            ?? Int64(now.timeIntervalSince1970 * 1_000_000)
        guard self.start <= self.end else {
            throw .badRequest("end_date (\(end ?? "now")) is before start_date (\(start))")
        }
    }

    /// The number of days the range spans, rounded up (for the per-hour limit).
    var days: Int { Int((end - start + 86_400_000_000 - 1) / 86_400_000_000) }

    static func parse(_ text: String, name: String) throws(Problem) -> Int64 {
        let bytes = Array(text.utf8)
        if bytes.count == 10, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let seconds = Int64(text)
        {
            return seconds * 1_000_000
        }
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let parsed = Array((text + "T00:00:00Z").utf8).withUnsafeBytes({ Timestamp.parse($0) })
        {
            return parsed.microseconds
        }
        throw .badRequest("\(name) '\(text)' is neither a date YYYY-MM-DD nor 10-digit unix seconds")
    }
}
