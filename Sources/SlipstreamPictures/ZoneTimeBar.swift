// Time in heart-rate zones as one bar: a segment per zone as wide as its share of the time, darker
// as the zone is harder (readable in greyscale), each labelled with its zone and time below.

/// One zone's time, as the summary's `hr_zone_data` says.
public struct ZoneTime: Sendable, Equatable {
    public var zone: Int
    public var seconds: Double

    public init(zone: Int, seconds: Double) {
        self.zone = zone
        self.seconds = seconds
    }
}

public enum ZoneTimeBar {
    /// The bar as an `<svg role="img">`; nil when no zone has time.
    public static func svg(_ zones: [ZoneTime], width: Int = 800) -> String? {
        let total = zones.reduce(0) { $0 + max(0, $1.seconds) }
        guard total > 0 else { return nil }
        let shades = ["#f0f0f0", "#d0d0d0", "#a8a8a8", "#808080", "#585858", "#303030"]
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Time in heart-rate zones\" viewBox=\"0 0 \(width) 70\">"
            + "<title>Time in heart-rate zones</title>"
        var x = 0.0
        for zone in zones where zone.seconds > 0 {
            let w = Double(width) * zone.seconds / total
            let shade = shades[min(max(zone.zone, 0), shades.count - 1)]
            svg +=
                "<rect class=\"zone zone-\(zone.zone)\" x=\"\(format(x))\" y=\"4\" width=\"\(format(w))\" height=\"32\""
            svg += " fill=\"\(shade)\" stroke=\"#000\" stroke-width=\"0.5\"/>"
            if w >= 48 {
                svg +=
                    "<text x=\"\(format(x + 4))\" y=\"54\" font-size=\"12\" fill=\"#000\">Z\(zone.zone) \(clock(zone.seconds))</text>"
            }
            x += w
        }
        return svg + "</svg>"
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        let (h, m, r) = (s / 3600, s / 60 % 60, s % 60)
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
