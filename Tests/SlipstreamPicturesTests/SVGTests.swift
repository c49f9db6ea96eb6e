// What every picture must be: labelled for assistive technology, escaped, and free of inline
// styles (the pages' Content-Security-Policy forbids them).

import SlipstreamCore
import SlipstreamPictures
import Testing

@Suite struct SVGTests {
    static let pictures = RidePictures(
        columns: RideFixture.everyChannel(seconds: 600), utcOffsetSeconds: nil, maxHeartRate: 185,
        mapTiles: "https://t.example.org/{z}/{x}/{y}.png")

    @Test(arguments: PictureKind.allCases)
    func everyPictureIsALabelledImageWithoutStyles(kind: PictureKind) throws {
        let picture = try #require(Self.pictures.picture(kind))
        let svg = picture.svg
        #expect(
            svg.hasPrefix(
                #"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\#(kind.label)" viewBox="0 0 800 240""#
            ))
        #expect(svg.contains("<title>\(kind.label)</title>"))
        #expect(svg.hasSuffix("</svg>"))
        #expect(!svg.contains("style="))
        #expect(!svg.contains("<style"))
        #expect(RideFixture.count(#"class="series""#, in: svg) == 1)
        #expect(svg.contains(#"data-points="\#(picture.pointCount)""#))
        #expect(picture.kind == kind)
    }

    @Test func labelsAreTheKindsNames() {
        #expect(
            PictureKind.allCases.map(\.label) == [
                "Route map", "Heart rate", "Power", "Speed", "Cadence", "Elevation", "Temperature",
            ])
    }

    @Test func textIsEscaped() {
        #expect(SVGText.escaped(#"a<b & "c" 'd'>"#) == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        #expect(SVGText.escaped("plain 142 bpm") == "plain 142 bpm")
        #expect(SVGText.escaped("°C") == "°C")
    }

    @Test func numbersAreShortAndFixed() {
        #expect(SVGText.number(12.5) == "12.5")
        #expect(SVGText.number(3.0) == "3")
        #expect(SVGText.number(-0.04) == "0")
        #expect(SVGText.number(-0.06) == "-0.1")
        #expect(SVGText.number(7.005_49, decimals: 5) == "7.00549")
        #expect(SVGText.number(45.000_001, decimals: 5) == "45")
        #expect(SVGText.number(.nan) == "0")
    }

    @Test func aSheetStacksThePicturesUnderAnEscapedTitle() throws {
        let sheet = try #require(
            Self.pictures.sheet([.heartRate, .map, .power], title: #"Ride <1> & "2""#))
        #expect(sheet.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" role="group""#))
        #expect(sheet.contains(#"aria-label="Ride &lt;1&gt; &amp; &quot;2&quot;""#))
        #expect(sheet.contains(#"width="800" height="960" viewBox="0 0 800 960""#))
        #expect(!sheet.contains("<1>") && !sheet.contains("style="))
        // In PictureKind order: the map (480 high), then heart rate and power (240 each).
        let map = try #require(sheet.firstRange(of: #"aria-label="Route map" viewBox="0 0 800 480" x="0" y="0""#))
        let heart = try #require(sheet.firstRange(of: #"aria-label="Heart rate" viewBox="0 0 800 240" x="0" y="480""#))
        let power = try #require(sheet.firstRange(of: #"aria-label="Power" viewBox="0 0 800 240" x="0" y="720""#))
        #expect(map.lowerBound < heart.lowerBound && heart.lowerBound < power.lowerBound)
        let nothing = RidePictures(columns: ActivityColumns(), utcOffsetSeconds: nil, maxHeartRate: nil)
        #expect(nothing.sheet(PictureKind.allCases, title: "empty") == nil)
    }
}
