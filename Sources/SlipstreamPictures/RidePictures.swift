// The entry point: a ride's columns in, its pictures out, each drawn when asked for.

import SlipstreamCore

/// The pictures of one ride: its route map and a chart per channel over time, as SVG.
///
///     let pictures = RidePictures(columns: record.columns, utcOffsetSeconds: record.startOffsetSeconds,
///                                 maxHeartRate: record.summary.maxHeartRateUsed)
///     for kind in pictures.kinds { page += pictures.picture(kind)!.svg }
public struct RidePictures: Sendable {
    public let columns: ActivityColumns
    /// The wall clock the times of day are written in, seconds east of UTC; nil writes UTC.
    public let utcOffsetSeconds: Int?
    /// Heart rate zones are drawn behind the heart rate when this is known (and above 0).
    public let maxHeartRate: Double?
    /// Lower bounds of zones 1, 2…, in percent of ``maxHeartRate``, ascending.
    public let heartRateZoneBounds: [Double]
    /// A slippy-map tile URL template, `https://tile.example.org/{z}/{x}/{y}.png`: tiles under the route.
    public let mapTiles: String?
    /// The pictures this ride has data for, in ``PictureKind`` order (the map first when it has positions).
    public let kinds: [PictureKind]
    /// The times the charts span, from the first sample of any charted channel to the last.
    private let times: ClosedRange<Int64>?

    public init(
        columns: ActivityColumns, utcOffsetSeconds: Int?, maxHeartRate: Double?,
        heartRateZoneBounds: [Double] = [50, 60, 70, 80, 90], mapTiles: String? = nil
    ) {
        self.columns = columns
        self.utcOffsetSeconds = utcOffsetSeconds
        self.maxHeartRate = maxHeartRate.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        self.heartRateZoneBounds = heartRateZoneBounds
        self.mapTiles = mapTiles
        var kinds: [PictureKind] = []
        var first = Int64.max
        var last = Int64.min
        for kind in PictureKind.allCases {
            if let chart = ChartChannel(kind) {
                let times = columns[chart.channel].times
                guard let start = times.first, let end = times.last else { continue }
                first = min(first, start)
                last = max(last, end)
                kinds.append(kind)
            } else if !MapPicture.drawable(columns[.position]).isEmpty {
                kinds.append(kind)
            }
        }
        self.kinds = kinds
        times = first <= last ? first...last : nil
    }

    /// One picture, `width` by `height` view units (at least 160 by 100); nil when the ride has no
    /// data for it. Charts draw at most `maxPoints` points (at least 2), the map three times as many.
    public func picture(_ kind: PictureKind, width: Int = 800, height: Int = 240, maxPoints: Int = 1000) -> Picture? {
        picture(kind, width: width, height: height, maxPoints: maxPoints, placement: "")
    }

    /// `placement`: attributes that place the picture in a sheet.
    func picture(_ kind: PictureKind, width: Int, height: Int, maxPoints: Int, placement: String) -> Picture? {
        let width = max(160, width)
        let height = max(100, height)
        let maxPoints = max(2, maxPoints)
        guard let chart = ChartChannel(kind) else {
            let options = MapPicture.Options(
                width: width, height: height, maxPoints: 3 * maxPoints, tiles: mapTiles, placement: placement)
            return MapPicture.draw(columns[.position], options)
        }
        let column = columns[chart.channel]
        guard let times, !column.times.isEmpty else { return nil }
        var options = ChartPicture.Options(
            width: width, height: height, maxPoints: maxPoints, times: times, offsetSeconds: utcOffsetSeconds,
            placement: placement)
        if kind == .heartRate { options.zones = zones }
        return ChartPicture.draw(kind, chart, column, options)
    }

    /// Zones 1, 2… in bpm, the last one open above; none without a max heart rate.
    var zones: [HeartRateZone] {
        guard let maxHeartRate else { return [] }
        let bounds = heartRateZoneBounds.map { $0 / 100 * maxHeartRate }
        return bounds.indices.map { i in
            HeartRateZone(number: i + 1, low: bounds[i], high: i + 1 < bounds.count ? bounds[i + 1] : .infinity)
        }
    }

    /// One SVG document of the `kinds` asked for that the ride has data for, stacked top to bottom
    /// (the map `mapHeight` high, each chart `chartHeight`) under one `title`, for a file of its own;
    /// nil when the ride has none of them.
    public func sheet(
        _ kinds: [PictureKind], title: String, width: Int = 800, chartHeight: Int = 240, mapHeight: Int = 480,
        maxPoints: Int = 1000
    ) -> String? {
        let width = max(160, width)
        var body = ""
        var y = 0
        for kind in PictureKind.allCases where kinds.contains(kind) && self.kinds.contains(kind) {
            let height = max(100, kind == .map ? mapHeight : chartHeight)
            let placement = #" x="0" y="\#(y)" width="\#(width)" height="\#(height)""#
            guard
                let picture = picture(kind, width: width, height: height, maxPoints: maxPoints, placement: placement)
            else { continue }
            body += picture.svg
            y += height
        }
        guard y > 0 else { return nil }
        let label = SVGText.escaped(title)
        return #"<svg xmlns="http://www.w3.org/2000/svg" role="group" aria-label="\#(label)""#
            + #" width="\#(width)" height="\#(y)" viewBox="0 0 \#(width) \#(y)">"#
            + "<title>\(label)</title>" + body + "</svg>\n"
    }
}
