// Web Mercator (EPSG:3857) as slippy-map tiles use it, in world units: the whole world is the
// square 0...1, x growing east from longitude -180, y growing south from latitude 85.0511.
//
//     x = (longitude + 180) / 360
//     y = (1 - ln(tan(latitude) + sec(latitude)) / pi) / 2
//       = 1/2 - ln((1 + sin(latitude)) / (1 - sin(latitude))) / (4 pi)   (one sine and one log)
//
// A tile at zoom z is 1/2^z of the world on a side: tile (floor(x * 2^z), floor(y * 2^z)).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

package enum WebMercator {
    /// The latitude where the projection's square ends (y is 0 or 1); latitudes beyond are held to it.
    package static let maxLatitude = 85.051_128_779_806_59

    /// A position in world units, 0...1 on both axes.
    package static func project(latitude: Double, longitude: Double) -> (x: Double, y: Double) {
        let sine = sin(min(max(latitude, -maxLatitude), maxLatitude) * Double.pi / 180)
        return ((longitude + 180) / 360, 0.5 - log((1 + sine) / (1 - sine)) / (4 * Double.pi))
    }

    /// The tile holding a position at `zoom`, as a slippy-map URL names it (`{z}/{x}/{y}`).
    package static func tile(latitude: Double, longitude: Double, zoom: Int) -> (x: Int, y: Int) {
        let world = project(latitude: latitude, longitude: longitude)
        return tile(x: world.x, y: world.y, zoom: zoom)
    }

    /// The tile holding a point in world units, held to the tiles that exist at `zoom`.
    package static func tile(x: Double, y: Double, zoom: Int) -> (x: Int, y: Int) {
        let tiles = Double(1 << zoom)
        let last = (1 << zoom) - 1
        return (min(max(Int((x * tiles).rounded(.down)), 0), last), min(max(Int((y * tiles).rounded(.down)), 0), last))
    }

    /// The zoom whose 256-pixel tiles are drawn at half to full size when the world is `scale` view
    /// units across, held to 0...maxZoom (a whole world under 256 units shrinks its one tile more).
    package static func zoom(forScale scale: Double, maxZoom: Int = 19) -> Int {
        guard scale > 256 else { return 0 }
        return min(maxZoom, Int(log2(scale / 256).rounded(.up)))
    }
}
