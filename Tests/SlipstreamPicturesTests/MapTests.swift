// The route map: positions kept and skipped, fitted to the view, its marks and its tiles.

import SlipstreamCore
import SlipstreamPictures
import Testing

@Suite struct MapTests {
    @Test func skipsMissingFixesAndMarksStartAndEndByShape() throws {
        let columns = RideFixture.route([(0, 0), (45.0, 7.0), (.nan, 7.1), (45.01, 7.01), (0, 0), (45.02, 7.0)])
        let pictures = RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil)
        #expect(pictures.kinds == [.map])
        let map = try #require(pictures.picture(.map, width: 800, height: 480))
        #expect(map.columnTitles == ["Latitude", "Longitude"])
        #expect(map.rows == [["45", "7"], ["45.01", "7.01"], ["45.02", "7"]])
        #expect(map.pointCount == 3)
        #expect(map.svg.contains(#"data-points="3""#))
        // A ring at the start, a square at the end.
        #expect(RideFixture.count(#"<circle class="start""#, in: map.svg) == 1)
        #expect(RideFixture.count(#"<rect class="end""#, in: map.svg) == 1)
        #expect(map.svg.contains("<title>Start</title>") && map.svg.contains("<title>End</title>"))
    }

    @Test func onlyZeroesIsNoMap() {
        let columns = RideFixture.route([(0, 0), (0, 0)])
        let pictures = RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil)
        #expect(pictures.kinds == [])
        #expect(pictures.picture(.map) == nil)
    }

    @Test func anEastwardRouteSpansTheWidthOnTheMiddleLine() throws {
        // No height: the width decides the scale, 16 view units of padding each side.
        let columns = RideFixture.route([(51.5, -0.2), (51.5, -0.1), (51.5, 0)])
        let map = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil).picture(.map, height: 480))
        let points = RideFixture.points(RideFixture.seriesPath(map.svg))
        #expect(points.map(\.x) == [16, 400, 784])
        #expect(points.map(\.y) == [240, 240, 240])
    }

    @Test func aSquareRouteKeepsItsAspectRatio() throws {
        // Near the equator a degree of latitude is a degree of longitude in world units (within 1e-8):
        // the height (480 - 32 = 448) decides the scale, and the route is as wide as it is high.
        let columns = RideFixture.route([(0.01, 0.01), (0.02, 0.02)])
        let map = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil).picture(.map, height: 480))
        let points = RideFixture.points(RideFixture.seriesPath(map.svg))
        #expect(points.count == 2)
        let width = abs(points[1].x - points[0].x)
        let height = abs(points[1].y - points[0].y)
        #expect(abs(height - 448) <= 0.1 && abs(width - 448) <= 0.2)
        #expect(points[1].y < points[0].y)  // north is up
    }

    @Test func theRouteIsThinnedToThreeTimesMaxPoints() throws {
        let pictures = RidePictures(
            columns: RideFixture.everyChannel(seconds: 36_000), utcOffsetSeconds: nil, maxHeartRate: nil)
        let map = try #require(pictures.picture(.map, height: 480, maxPoints: 1000))
        #expect(map.pointCount <= 3000 && map.pointCount > 1000)
        #expect(map.rows.first == ["45", "7"])
    }

    /// The route of `anEastwardRouteSpansTheWidthOnTheMiddleLine`: 0.2 degrees, 1/1800 of the world,
    /// drawn 768 units wide: the world is 1,382,400 units, 5400 tiles of 256, log2 = 12.4: zoom 13,
    /// whose tiles are drawn 168.75 units wide. The view's centre is tile x 4093.72, y 2724.32
    /// (-0.1 degrees, 51.5 degrees), and 400 by 240 units around it are 2.37 by 1.42 tiles: x 4091
    /// to 4096, y 2722 to 2725, 24 tiles.
    @Test func tilesCoverTheViewUnderTheRoute() throws {
        let columns = RideFixture.route([(51.5, -0.2), (51.5, -0.1), (51.5, 0)])
        let pictures = RidePictures(
            columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil,
            mapTiles: "https://tile.example.org/{z}/{x}/{y}.png?key=a&style=b")
        let map = try #require(pictures.picture(.map, height: 480))
        #expect(RideFixture.count("<image ", in: map.svg) == 24)
        #expect(map.svg.contains(#"<image href="https://tile.example.org/13/4093/2724.png?key=a&amp;style=b""#))
        #expect(map.svg.contains("/13/4091/2722.png") && map.svg.contains("/13/4096/2725.png"))
        #expect(!map.svg.contains("/13/4090/") && !map.svg.contains("/2726.png"))
        let tiles = try #require(map.svg.firstRange(of: "<image "))
        let route = try #require(map.svg.firstRange(of: #"class="series""#))
        #expect(tiles.lowerBound < route.lowerBound)
        let plain = try #require(
            RidePictures(columns: columns, utcOffsetSeconds: nil, maxHeartRate: nil).picture(.map, height: 480))
        #expect(!plain.svg.contains("<image"))
    }
}
