// One channel over time as an SVG chart: zone bands (heart rate), a grid with nice ticks, times of
// day along the bottom, and the downsampled line, broken where the recording paused.
//
//     unit  Heading
//      180 ┼────────────────────────  Z5
//      140 ┼───╱╲──╱╲_──  ──╱╲──────  Z3     (a pause: a gap in the line)
//      100 ┼──────────────────────────
//          07:30    08:00    08:30      UTC   (or no "UTC": local time)

import SlipstreamCore

/// The plot area of a chart and the mapping from time and value into it.
struct ChartFrame {
    var width: Double
    var height: Double
    var left = 52.0
    var top = 24.0
    /// Room at the right for the zones' names and the "UTC" after the last time of day.
    var right: Double { width - 40 }
    var bottom: Double { height - 24 }
    var times: ClosedRange<Int64>
    var low: Double
    var high: Double

    func x(_ time: Int64) -> Double {
        let span = Double(times.upperBound - times.lowerBound)
        guard span > 0 else { return (left + right) / 2 }
        return left + Double(time - times.lowerBound) / span * (right - left)
    }

    func y(_ value: Double) -> Double {
        bottom - (value - low) / (high - low) * (bottom - top)
    }
}

/// A heart rate zone in bpm: zone `number` from `low` up to `high`.
struct HeartRateZone {
    var number: Int
    var low: Double
    var high: Double
}

enum ChartPicture {
    /// Fills of zones 1 to 5, lighter to darker (luminance about 242, 231, 220, 206, 190 of 255),
    /// so that they step in greyscale too; zones past the fifth take the fifth's.
    static let zoneFills = ["#eef3f8", "#dcebd9", "#ecdcaa", "#efc9a0", "#eab2ae"]

    struct Options {
        var width: Int
        var height: Int
        var maxPoints: Int
        /// The x axis, shared by the charts of a ride so that they line up.
        var times: ClosedRange<Int64>
        var offsetSeconds: Int?
        var zones: [HeartRateZone] = []
        var placement = ""
    }

    static func draw(_ kind: PictureKind, _ chart: ChartChannel, _ column: SampleColumn, _ options: Options) -> Picture
    {
        let times = column.times
        let values = column.values
        let kept = Downsampling.largestTriangleThreeBuckets(times: times, values: values, maxPoints: options.maxPoints)
        var low = Double.infinity
        var high = -Double.infinity
        for value in values {
            low = min(low, value)
            high = max(high, value)
        }
        let frameHeight = Double(options.height)
        let axis = Ticks.valueAxis(
            low: low * chart.factor, high: high * chart.factor, count: max(2, Int((frameHeight - 48) / 40)))
        let frame = ChartFrame(
            width: Double(options.width), height: frameHeight, times: options.times, low: axis.low, high: axis.high)

        var svg = SVGText.open(kind, width: options.width, height: options.height, placement: options.placement)
        svg.reserveCapacity(kept.count * 12 + 4096)
        svg += zoneBands(options.zones, frame)
        svg += valueAxis(axis.step, frame, heading: kind.label, unit: chart.unit)
        svg += timeAxis(frame, offsetSeconds: options.offsetSeconds)
        svg += #"<path class="series" data-points="\#(kept.count)" fill="none" stroke="\#(chart.stroke)""#
        svg += #" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round" vector-effect="non-scaling-stroke""#
        svg += #" d=""#
        line(kept, times: times, values: values, factor: chart.factor, frame, into: &svg)
        svg += #""/></svg>"#

        let offset = options.offsetSeconds ?? 0
        let rows = kept.map { i in
            [
                Ticks.clock(times[i], offsetSeconds: offset),
                SVGText.number(values[i] * chart.factor, decimals: chart.decimals),
            ]
        }
        return Picture(
            kind: kind, svg: svg, pointCount: kept.count,
            columnTitles: [options.offsetSeconds == nil ? "Time (UTC)" : "Time", "\(kind.label) (\(chart.unit))"],
            rows: rows)
    }

    /// The path's `d`: the kept samples joined, a new subpath after each pause (``Pauses``) between
    /// two kept samples; a lone point between pauses is drawn as a dot (`h0` with round caps).
    static func line(
        _ kept: [Int], times: ContiguousArray<Int64>, values: ContiguousArray<Double>, factor: Double,
        _ frame: ChartFrame, into d: inout String
    ) {
        let pauses = Pauses.starts(times, threshold: Pauses.threshold(times))
        var nextPause = 0
        var pointsInSubpath = 0
        for index in kept {
            var breaks = pointsInSubpath == 0
            while nextPause < pauses.count && pauses[nextPause] <= index {
                breaks = true
                nextPause += 1
            }
            if breaks {
                if pointsInSubpath == 1 { d += "h0" }
                d += "M"
                pointsInSubpath = 0
            } else {
                d += " "
            }
            SVGText.append(frame.x(times[index]), to: &d)
            d += " "
            SVGText.append(frame.y(values[index] * factor), to: &d)
            pointsInSubpath += 1
        }
        if pointsInSubpath == 1 { d += "h0" }
    }

    /// Bands behind the line, one per zone within the axis, dashed lines at their lower bounds, and
    /// each zone's name right of the plot where its band has room.
    static func zoneBands(_ zones: [HeartRateZone], _ frame: ChartFrame) -> String {
        guard !zones.isEmpty else { return "" }
        var svg = #"<g class="zones">"#
        var labels = ""
        let width = SVGText.number(frame.right - frame.left)
        for zone in zones {
            let low = max(zone.low, frame.low)
            let high = min(zone.high, frame.high)
            guard high > low else { continue }
            let top = frame.y(high)
            let bottom = frame.y(low)
            let fill = zoneFills[min(zone.number - 1, zoneFills.count - 1)]
            svg += #"<rect class="zone zone-\#(zone.number)" x="\#(SVGText.number(frame.left))""#
            svg += #" y="\#(SVGText.number(top))""#
            svg += #" width="\#(width)" height="\#(SVGText.number(bottom - top))" fill="\#(fill)"/>"#
            if zone.low >= frame.low {
                let y = SVGText.number(bottom)
                svg += #"<line class="zone-bound" x1="\#(SVGText.number(frame.left))" y1="\#(y)""#
                svg += ##" x2="\##(SVGText.number(frame.right))" y2="\##(y)" stroke="#777" stroke-dasharray="4 3"/>"##
            }
            if bottom - top >= 12 {
                let middle = SVGText.number((top + bottom) / 2 + 4)
                labels += #"<text x="\#(SVGText.number(frame.right + 4))" y="\#(middle)">Z\#(zone.number)</text>"#
            }
        }
        return svg + ##"<g class="zone-labels" \##(SVGText.font) fill="#555">"## + labels + "</g></g>"
    }

    /// Grid lines at the value ticks with their labels, the heading and the unit above them.
    static func valueAxis(_ step: Double, _ frame: ChartFrame, heading: String, unit: String) -> String {
        let decimals = Ticks.decimals(forStep: step)
        let count = Int(((frame.high - frame.low) / step).rounded())
        var grid = ##"<g class="grid" stroke="#d9d9d9" stroke-width="1">"##
        var labels = ##"<g class="axis axis-y" \##(SVGText.font) fill="#333" text-anchor="end">"##
        let left = SVGText.number(frame.left)
        let right = SVGText.number(frame.right)
        for k in 0...count {
            let value = frame.low + Double(k) * step
            let y = SVGText.number(frame.y(value))
            grid += #"<line x1="\#(left)" y1="\#(y)" x2="\#(right)" y2="\#(y)"/>"#
            labels += #"<text x="\#(SVGText.number(frame.left - 6))" y="\#(SVGText.number(frame.y(value) + 4))">"#
            labels += SVGText.number(value, decimals: decimals) + "</text>"
        }
        labels += #"<text class="unit" x="\#(SVGText.number(frame.left - 6))" y="15">\#(SVGText.escaped(unit))</text>"#
        labels += "</g>"
        let title =
            ##"<text class="heading" x="\##(left)" y="15" \##(SVGText.font) fill="#222" font-weight="bold">"##
            + SVGText.escaped(heading) + "</text>"
        return grid + "</g>" + labels + title
    }

    /// The time axis: a line along the bottom, ticks at a clock step with their times of day, and
    /// "UTC" at its right end unless the times are local; a label that would run into it is left out.
    static func timeAxis(_ frame: ChartFrame, offsetSeconds: Int?) -> String {
        let seconds = Double(frame.times.upperBound - frame.times.lowerBound) / 1e6
        let step = Ticks.timeStep(seconds: seconds, count: max(1, Int((frame.right - frame.left) / 90)))
        let offset = offsetSeconds ?? 0
        let caption = offsetSeconds == nil ? "UTC" : ""
        let captionStart = frame.width - 4 - Double(caption.count) * 6.5
        let baseline = SVGText.number(frame.bottom + 16)
        let bottom = SVGText.number(frame.bottom)
        var svg = ##"<g class="axis axis-x" stroke="#999" stroke-width="1">"##
        svg += #"<line x1="\#(SVGText.number(frame.left))" y1="\#(bottom)" x2="\#(SVGText.number(frame.right))""#
        svg += #" y2="\#(bottom)"/>"#
        var labels = ##"<g \##(SVGText.font) fill="#333" text-anchor="middle">"##
        let ticks = Ticks.times(
            from: frame.times.lowerBound, to: frame.times.upperBound, step: step, offsetSeconds: offset)
        for tick in ticks {
            let x = frame.x(tick)
            let text = Ticks.label(tick, step: step, offsetSeconds: offset)
            svg += #"<line x1="\#(SVGText.number(x))" y1="\#(bottom)" x2="\#(SVGText.number(x))""#
            svg += #" y2="\#(SVGText.number(frame.bottom + 4))"/>"#
            guard x + Double(text.count) * 3.25 < captionStart - 6 else { continue }
            labels += #"<text x="\#(SVGText.number(x))" y="\#(baseline)">\#(text)</text>"#
        }
        if !caption.isEmpty {
            labels += #"<text class="time-basis" x="\#(SVGText.number(frame.width - 4))" y="\#(baseline)""#
            labels += #" text-anchor="end">\#(caption)</text>"#
        }
        return svg + "</g>" + labels + "</g>"
    }
}
