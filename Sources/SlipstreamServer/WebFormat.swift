// How the pages write numbers, durations, distances and times: for people, with units.

import Foundation
import Hummingbird
import SlipstreamCore

enum WebFormat {
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "—" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? "\(h):\(pad(m)):\(pad(s))" : "\(m):\(pad(s))"
    }

    static func kilometres(_ meters: Double?) -> String {
        guard let meters, meters.isFinite else { return "—" }
        return String(format: "%.2f km", meters / 1000)
    }

    static func number(_ value: Double?, _ unit: String, decimals: Int = 0) -> String {
        guard let value, value.isFinite else { return "—" }
        return String(format: "%.\(decimals)f", value) + (unit.isEmpty ? "" : " " + unit)
    }

    /// `2024-05-04 07:30` in the activity's own offset (UTC when it has none).
    static func dateTime(_ microseconds: Int64, offsetSeconds: Int?) -> String {
        let text = Timestamp.format(microseconds: microseconds, offsetSeconds: offsetSeconds ?? 0)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
            + (offsetSeconds == nil ? " UTC" : "")
    }

    /// `2024-05-04` (UTC).
    static func day(_ microseconds: Int64) -> String {
        String(Timestamp.format(microseconds: microseconds, offsetSeconds: 0).prefix(10))
    }

    static func day(_ date: Date) -> String { day(Int64(date.timeIntervalSince1970) * 1_000_000) }

    /// Midnight UTC of a `YYYY-MM-DD` date, in microseconds; nil when it is not one.
    static func parseDay(_ text: String?) -> Int64? {
        guard let text, text.count == 10 else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.split(separator: "-").map(\.count) == [4, 2, 2], (1...12).contains(parts[1]),
            (1...31).contains(parts[2])
        else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // 2024-02-31 is not a date (Calendar would make it March 2).
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day], from: date) == components
        else { return nil }
        return Int64(date.timeIntervalSince1970) * 1_000_000
    }

    static let dayMicroseconds: Int64 = 86_400_000_000

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

extension Parameters {
    /// A path parameter percent-decoded (Hummingbird leaves path segments as sent).
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
