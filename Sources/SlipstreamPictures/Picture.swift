// One picture of a ride: an SVG document and the values it plots, for a table beside it.

/// What a ride can be drawn as: its route and a chart per channel over time.
public enum PictureKind: String, CaseIterable, Sendable {
    case map, heartRate = "hr", power, speed, cadence, elevation, temperature

    /// The `aria-label` and heading: "Route map", "Heart rate", ...
    public var label: String {
        switch self {
        case .map: "Route map"
        case .heartRate: "Heart rate"
        case .power: "Power"
        case .speed: "Speed"
        case .cadence: "Cadence"
        case .elevation: "Elevation"
        case .temperature: "Temperature"
        }
    }
}

/// An `<svg role="img">` and the points it draws, as rows of text for a table.
public struct Picture: Sendable {
    public var kind: PictureKind
    /// A complete `<svg …>…</svg>` element: presentation attributes and classes, no `style`.
    public var svg: String
    /// How many points the picture draws (after downsampling).
    public var pointCount: Int
    /// Column titles of ``rows``, with units: ["Time", "Heart rate (bpm)"].
    public var columnTitles: [String]
    /// The plotted points, formatted.
    public var rows: [[String]]

    public init(kind: PictureKind, svg: String, pointCount: Int, columnTitles: [String], rows: [[String]]) {
        self.kind = kind
        self.svg = svg
        self.pointCount = pointCount
        self.columnTitles = columnTitles
        self.rows = rows
    }
}
