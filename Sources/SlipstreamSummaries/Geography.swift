// Distances on the Earth, track simplification and Google's encoded polyline format.

import RealModule
import SlipstreamCore

public enum Geography {
    /// Mean Earth radius in meters (IUGG), as most fitness platforms use.
    public static let earthRadiusMeters = 6_371_008.8

    /// Great-circle distance in meters between two points in degrees (haversine formula).
    public static func haversineMeters(_ lat1: Double, _ lng1: Double, _ lat2: Double, _ lng2: Double) -> Double {
        let toRadians = Double.pi / 180
        let dLat = (lat2 - lat1) * toRadians
        let dLng = (lng2 - lng1) * toRadians
        let a =
            square(Double.sin(dLat / 2))
            + Double.cos(lat1 * toRadians) * Double.cos(lat2 * toRadians) * square(Double.sin(dLng / 2))
        return 2 * earthRadiusMeters * Double.asin(min(1, a.squareRoot()))
    }

    private static func square(_ x: Double) -> Double { x * x }

    /// Indices of the points Douglas-Peucker keeps at `tolerance` meters (first and last always).
    /// Distances to a segment are measured on a local equirectangular projection, exact enough at
    /// the scale of a few meters. Iterative, so that long tracks cannot overflow the stack.
    public static func simplify(
        latitudes: some RandomAccessCollection<Double>, longitudes: some RandomAccessCollection<Double>,
        tolerance: Double
    ) -> [Int] {
        let lat = Array(latitudes)
        let lng = Array(longitudes)
        let n = lat.count
        guard n > 2 else { return Array(0..<n) }
        let toRadians = Double.pi / 180
        let scaleX = earthRadiusMeters * toRadians * Double.cos(lat[0] * toRadians)
        let scaleY = earthRadiusMeters * toRadians
        func x(_ i: Int) -> Double { (lng[i] - lng[0]) * scaleX }
        func y(_ i: Int) -> Double { (lat[i] - lat[0]) * scaleY }

        var keep = [Bool](repeating: false, count: n)
        keep[0] = true
        keep[n - 1] = true
        var pending = [(0, n - 1)]
        // Douglas-Peucker is O(n²) on adversarial tracks: past a budget of distance computations the
        // segments still pending keep all their points (more points, never a larger error).
        var budget = 64 * n + 1_000_000
        while let (first, last) = pending.popLast() {
            guard last > first + 1 else { continue }
            budget -= last - first - 1
            if budget < 0 {
                for i in first...last { keep[i] = true }
                continue
            }
            let ax = x(first), ay = y(first)
            let dx = x(last) - ax, dy = y(last) - ay
            let lengthSquared = dx * dx + dy * dy
            var farthest = first
            var farthestDistance = -1.0
            for i in (first + 1)..<last {
                let px = x(i) - ax, py = y(i) - ay
                var distance: Double
                if lengthSquared == 0 {
                    distance = (px * px + py * py).squareRoot()
                } else {
                    let t = max(0, min(1, (px * dx + py * dy) / lengthSquared))
                    let ex = px - t * dx, ey = py - t * dy
                    distance = (ex * ex + ey * ey).squareRoot()
                }
                if distance > farthestDistance {
                    farthestDistance = distance
                    farthest = i
                }
            }
            if farthestDistance > tolerance {
                keep[farthest] = true
                pending.append((first, farthest))
                pending.append((farthest, last))
            }
        }
        return keep.indices.filter { keep[$0] }
    }

    /// Google's encoded polyline (precision 5): each coordinate rounded to 1e-5 degrees, delta to the
    /// previous point, zig-zag signed, written in 5-bit chunks plus 63 with 0x20 marking continuation.
    public static func encodePolyline(latitudes: [Double], longitudes: [Double]) -> String {
        var bytes: [UInt8] = []
        var previous = (0, 0)
        for (lat, lng) in zip(latitudes, longitudes) {
            let point = (Int((lat * 1e5).rounded()), Int((lng * 1e5).rounded()))
            encode(point.0 - previous.0, into: &bytes)
            encode(point.1 - previous.1, into: &bytes)
            previous = point
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func encode(_ delta: Int, into bytes: inout [UInt8]) {
        var value = delta < 0 ? ~(delta << 1) : delta << 1
        while value >= 0x20 {
            bytes.append(UInt8((0x20 | (value & 0x1F)) + 63))
            value >>= 5
        }
        bytes.append(UInt8(value + 63))
    }
}
