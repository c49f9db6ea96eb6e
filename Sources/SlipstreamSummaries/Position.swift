// Position: start, end and center, the summary polyline, the track's length (docs/METRICS.md, "Position").

import SlipstreamCore

extension Summarizer {
    /// Start, end and center positions, the polyline, and the haversine length of the track.
    static func summarizePositions(
        _ position: SampleColumn, options: SummaryOptions, into summary: inout ActivitySummary
    ) {
        let n = position.count
        guard n > 0 else { return }
        let lat = position.values
        let lng = position.secondValues
        summary.startPosition = [lat[0], lng[0]]
        summary.endPosition = [lat[n - 1], lng[n - 1]]
        let middle = position.times[0] + (position.times[n - 1] - position.times[0]) / 2
        var nearest = 0
        for i in 0..<n where abs(position.times[i] - middle) < abs(position.times[nearest] - middle) { nearest = i }
        summary.centerPosition = [lat[nearest], lng[nearest]]
        let kept = Geography.simplify(latitudes: lat, longitudes: lng, tolerance: options.polylineToleranceMeters)
        summary.polyline = Geography.encodePolyline(latitudes: kept.map { lat[$0] }, longitudes: kept.map { lng[$0] })
    }

    /// Haversine meters from position `i - 1` to position `i`.
    static func metersBefore(_ i: Int, in position: SampleColumn) -> Double {
        Geography.haversineMeters(
            position.values[i - 1], position.secondValues[i - 1], position.values[i], position.secondValues[i])
    }
}
