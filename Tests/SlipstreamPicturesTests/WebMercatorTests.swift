// Web Mercator against coordinates whose world units and tiles are known.

import SlipstreamPictures
import Testing

@Suite struct WebMercatorTests {
    @Test func theOriginIsTheCentreAndTheAntimeridianTheEdges() {
        let centre = WebMercator.project(latitude: 0, longitude: 0)
        #expect(centre.x == 0.5)
        #expect(abs(centre.y - 0.5) < 1e-12)
        #expect(WebMercator.project(latitude: 0, longitude: 180).x == 1)
        #expect(WebMercator.project(latitude: 0, longitude: -180).x == 0)
    }

    @Test func theSquareEndsAt85Degrees() {
        #expect(abs(WebMercator.project(latitude: WebMercator.maxLatitude, longitude: 0).y) < 1e-12)
        #expect(abs(WebMercator.project(latitude: -WebMercator.maxLatitude, longitude: 0).y - 1) < 1e-12)
        // Beyond it latitudes are held to the edge, not sent to infinity.
        #expect(abs(WebMercator.project(latitude: 90, longitude: 0).y) < 1e-12)
    }

    /// London, 51.5074 N 0.1278 W, at zoom 10 (1024 tiles a side):
    /// x = (-0.1278 + 180) / 360 = 0.499645 -> 0.499645 * 1024 = 511.64 -> tile 511;
    /// latitude 0.898974 rad: tan 1.257506 + sec 1.606649 = 2.864154, ln = 1.052273, / pi = 0.334949,
    /// y = (1 - 0.334949) / 2 = 0.332526 -> * 1024 = 340.51 -> tile 340.
    @Test func londonIsInTile511And340AtZoom10() {
        let world = WebMercator.project(latitude: 51.5074, longitude: -0.1278)
        #expect(abs(world.x - 0.499645) < 1e-6)
        #expect(abs(world.y - 0.332526) < 1e-6)
        let tile = WebMercator.tile(latitude: 51.5074, longitude: -0.1278, zoom: 10)
        #expect(tile.x == 511 && tile.y == 340)
        // The same as slippy-map URLs number it at zoom 0 and 1: one tile, then the north-west quarter.
        #expect(WebMercator.tile(latitude: 51.5074, longitude: -0.1278, zoom: 0) == (0, 0))
        #expect(WebMercator.tile(latitude: 51.5074, longitude: -0.1278, zoom: 1) == (0, 0))
        #expect(WebMercator.tile(latitude: 51.5074, longitude: 0.1278, zoom: 1) == (1, 0))
    }

    @Test func tilesAreNeverDrawnLargerThanTheirSize() {
        // The world 800 view units across: zoom 2 draws 256-unit tiles at 200.
        #expect(WebMercator.zoom(forScale: 800) == 2)
        #expect(WebMercator.zoom(forScale: 1024) == 2)
        #expect(WebMercator.zoom(forScale: 1025) == 3)
        #expect(WebMercator.zoom(forScale: 100) == 0)
        #expect(WebMercator.zoom(forScale: 1e12) == 19)
    }
}
