// Columns built by hand for the picture tests, and what to read back out of an SVG.

import SlipstreamCore

enum RideFixture {
    /// 2024-05-04T07:31:05Z.
    static let start: Int64 = 1_714_807_865_000_000

    /// A column of `channel` with a sample at each of `seconds` after ``start``, valued by `value`.
    static func columns(
        _ channel: Channel, seconds: [Int], value: (Int) -> Double = { 100 + Double($0 % 80) },
        into columns: ActivityColumns = ActivityColumns()
    ) -> ActivityColumns {
        var columns = columns
        for second in seconds {
            columns[channel].append(time: start + Int64(second) * 1_000_000, timer: nil, value: value(second))
        }
        return columns
    }

    /// Positions, one a second from ``start``.
    static func route(_ points: [(Double, Double)], into columns: ActivityColumns = ActivityColumns())
        -> ActivityColumns
    {
        var columns = columns
        for (i, point) in points.enumerated() {
            columns[.position].append(
                time: start + Int64(i) * 1_000_000, timer: nil, latitude: point.0, longitude: point.1)
        }
        return columns
    }

    /// Every channel at 1 Hz for `seconds`: a ride as a head unit records it.
    static func everyChannel(seconds: Int) -> ActivityColumns {
        var columns = ActivityColumns()
        let all = Array(0..<seconds)
        for channel in [Channel.heartRate, .power, .cadence, .speed, .elevation, .temperature] {
            columns = Self.columns(channel, seconds: all, value: { 20 + Double(($0 * 7919) % 97) }, into: columns)
        }
        let route = all.map { i in (45.0 + Double(i) * 1e-5, 7.0 + Double(i % 3000) * 2e-5) }
        return Self.route(route, into: columns)
    }

    /// The `d` of the picture's `class="series"` path.
    static func seriesPath(_ svg: String) -> String {
        guard let series = svg.firstRange(of: #"class="series""#),
            let d = svg[series.upperBound...].firstRange(of: #" d=""#)
        else { return "" }
        let rest = svg[d.upperBound...]
        return String(rest[..<(rest.firstIndex(of: "\"") ?? rest.endIndex)])
    }

    /// The points of a path's `d` (M and implicit line-tos; an `h0` dot is its point).
    static func points(_ d: String) -> [(x: Double, y: Double)] {
        let values = d.replacing("h0", with: "").split(whereSeparator: { $0 == "M" || $0 == " " }).compactMap {
            Double($0)
        }
        return stride(from: 0, to: values.count - 1, by: 2).map { (values[$0], values[$0 + 1]) }
    }

    /// How many times `part` occurs in `text`.
    static func count(_ part: String, in text: String) -> Int { text.ranges(of: part).count }
}
