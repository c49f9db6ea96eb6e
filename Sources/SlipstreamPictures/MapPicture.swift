// The route as an SVG map: positions projected with Web Mercator and fitted to the view keeping
// their aspect ratio, slippy-map tiles under them when a tile URL is given, a ring at the start and
// a square at the end (told apart by shape, not only by colour).

import SlipstreamCore

enum MapPicture {
    struct Options {
        var width: Int
        var height: Int
        /// Points of the route drawn at most.
        var maxPoints: Int
        /// A tile URL template with `{z}`, `{x}` and `{y}`.
        var tiles: String?
        var placement = ""
    }

    /// View units kept clear around the route.
    static let padding = 16.0
    /// The route is not enlarged past zoom 19 (about 0.3 m a view unit at the equator).
    static let maxScale = 256.0 * Double(1 << 19)

    /// The positions worth drawing: finite, not the (0, 0) a receiver writes before its fix.
    static func drawable(_ column: SampleColumn) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(column.count)
        for i in 0..<min(column.values.count, column.secondValues.count) {
            let latitude = column.values[i]
            let longitude = column.secondValues[i]
            guard latitude.isFinite, longitude.isFinite, latitude != 0 || longitude != 0 else { continue }
            indices.append(i)
        }
        return indices
    }

    static func draw(_ column: SampleColumn, _ options: Options) -> Picture? {
        let indices = drawable(column)
        guard !indices.isEmpty else { return nil }
        let world = indices.map { WebMercator.project(latitude: column.values[$0], longitude: column.secondValues[$0]) }
        var minX = world[0].x
        var maxX = minX
        var minY = world[0].y
        var maxY = minY
        for point in world {
            minX = min(minX, point.x)
            maxX = max(maxX, point.x)
            minY = min(minY, point.y)
            maxY = max(maxY, point.y)
        }
        let width = Double(options.width)
        let height = Double(options.height)
        let fits = [(width - 2 * padding) / (maxX - minX), (height - 2 * padding) / (maxY - minY)]
        let scale = min(fits.filter(\.isFinite).min() ?? maxScale, maxScale)
        let centre = (x: (minX + maxX) / 2, y: (minY + maxY) / 2)
        func view(_ point: (x: Double, y: Double)) -> (x: Double, y: Double) {
            (width / 2 + (point.x - centre.x) * scale, height / 2 + (point.y - centre.y) * scale)
        }
        let projected = world.map(view)
        let kept = Downsampling.thinned(projected, minimumDistance: 0.5, maxPoints: options.maxPoints)

        var svg = SVGText.open(.map, width: options.width, height: options.height, placement: options.placement)
        svg += ##"<rect class="land" width="\##(options.width)" height="\##(options.height)" fill="#f2f1ec"/>"##
        if let tiles = options.tiles {
            svg += tileImages(tiles, scale: scale, centre: centre, width: width, height: height)
        }
        var d = ""
        d.reserveCapacity(kept.count * 12)
        for (n, i) in kept.enumerated() {
            d += n == 0 ? "M" : " "
            SVGText.append(projected[i].x, to: &d)
            d += " "
            SVGText.append(projected[i].y, to: &d)
        }
        if kept.count == 1 { d += "h0" }
        let line = #" fill="none" stroke-linejoin="round" stroke-linecap="round" vector-effect="non-scaling-stroke""#
        svg += ##"<path class="casing"\##(line) stroke="#fff" stroke-width="5" d="\##(d)"/>"##
        svg += ##"<path class="series" data-points="\##(kept.count)"\##(line) stroke="#1d4e89""##
        svg += ##" stroke-width="2.5" d="\##(d)"/>"##
        svg += marks(start: projected[kept[0]], end: projected[kept[kept.count - 1]])
        svg += "</svg>"

        let rows = kept.map { i in
            let sample = indices[i]
            return [
                SVGText.number(column.values[sample], decimals: 5),
                SVGText.number(column.secondValues[sample], decimals: 5),
            ]
        }
        return Picture(
            kind: .map, svg: svg, pointCount: kept.count, columnTitles: ["Latitude", "Longitude"], rows: rows)
    }

    /// A white ring at the start, a black square at the end; the square fits inside the ring when a
    /// loop ends where it started.
    static func marks(start: (x: Double, y: Double), end: (x: Double, y: Double)) -> String {
        let x = SVGText.number(start.x)
        let y = SVGText.number(start.y)
        var svg = ##"<circle class="start" cx="\##(x)" cy="\##(y)" r="8""##
        svg += ##" fill="#fff" stroke="#1b5e20" stroke-width="3">"##
        svg += "<title>Start</title></circle>"
        svg += #"<rect class="end" x="\#(SVGText.number(end.x - 4))" y="\#(SVGText.number(end.y - 4))""#
        svg += ##" width="8" height="8" fill="#111" stroke="#fff" stroke-width="1"><title>End</title></rect>"##
        return svg
    }

    /// `<image>`s of the tiles that cover the view, at the zoom whose tiles are drawn at 128 to 256
    /// view units (``WebMercator/zoom(forScale:maxZoom:)``).
    static func tileImages(
        _ template: String, scale: Double, centre: (x: Double, y: Double), width: Double, height: Double
    ) -> String {
        let zoom = WebMercator.zoom(forScale: scale)
        let tiles = Double(1 << zoom)
        let size = scale / tiles
        let first = WebMercator.tile(x: centre.x - width / 2 / scale, y: centre.y - height / 2 / scale, zoom: zoom)
        let last = WebMercator.tile(x: centre.x + width / 2 / scale, y: centre.y + height / 2 / scale, zoom: zoom)
        var svg = #"<g class="tiles">"#
        for ty in first.y...last.y {
            for tx in first.x...last.x {
                let url = tileURL(template, zoom: zoom, x: tx, y: ty)
                let x = width / 2 + (Double(tx) / tiles - centre.x) * scale
                let y = height / 2 + (Double(ty) / tiles - centre.y) * scale
                svg += #"<image href="\#(SVGText.escaped(url))" x="\#(SVGText.number(x))" y="\#(SVGText.number(y))""#
                // A hair over the tile's size, so that no seam shows between neighbours.
                svg += #" width="\#(SVGText.number(size + 0.5))" height="\#(SVGText.number(size + 0.5))"/>"#
            }
        }
        return svg + "</g>"
    }

    /// `template` with `{z}`, `{x}` and `{y}` replaced.
    static func tileURL(_ template: String, zoom: Int, x: Int, y: Int) -> String {
        var url = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            url += rest[..<open]
            let tail = rest[open...]
            if tail.hasPrefix("{z}") {
                url += String(zoom)
            } else if tail.hasPrefix("{x}") {
                url += String(x)
            } else if tail.hasPrefix("{y}") {
                url += String(y)
            } else {
                url += "{"
                rest = rest[rest.index(after: open)...]
                continue
            }
            rest = rest[rest.index(open, offsetBy: 3)...]
        }
        return url + rest
    }
}
