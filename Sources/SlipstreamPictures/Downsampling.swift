// Fewer points, the same picture: largest-triangle-three-buckets for charts (Steinarsson, 2013,
// "Downsampling Time Series for Visual Representation", chapter 4), and for a route, points
// closer than a fraction of a pixel dropped, then an even stride when too many remain.

package enum Downsampling {
    /// The indices of at most `maxPoints` samples of `values` over `times` (UTC microseconds, in
    /// order) that keep the series' shape: the first and the last, and between them one per bucket
    /// of equal sample count, the one that makes the largest triangle with the point kept before it
    /// and the average of the next bucket. All indices when there are no more than `maxPoints`;
    /// `maxPoints` below 2 counts as 2.
    package static func largestTriangleThreeBuckets(
        times: ContiguousArray<Int64>, values: ContiguousArray<Double>, maxPoints: Int
    ) -> [Int] {
        let count = min(times.count, values.count)
        let threshold = max(2, maxPoints)
        guard count > threshold else { return Array(0..<count) }
        return times.withUnsafeBufferPointer { times in
            values.withUnsafeBufferPointer { values in
                buckets(times: times, values: values, count: count, threshold: threshold)
            }
        }
    }

    private static func buckets(
        times: UnsafeBufferPointer<Int64>, values: UnsafeBufferPointer<Double>, count: Int, threshold: Int
    ) -> [Int] {
        let origin = times[0]
        // Seconds from the first sample: differences of microseconds stay exact as Double.
        func x(_ i: Int) -> Double { Double(times[i] - origin) / 1e6 }

        var kept: [Int] = [0]
        kept.reserveCapacity(threshold)
        // Buckets of `every` samples between the first and the last sample.
        let every = Double(count - 2) / Double(threshold - 2)
        var a = 0
        for bucket in 0..<(threshold - 2) {
            let nextStart = Int(Double(bucket + 1) * every) + 1
            let nextEnd = min(Int(Double(bucket + 2) * every) + 1, count)
            var averageX = 0.0
            var averageY = 0.0
            for j in nextStart..<nextEnd {
                averageX += x(j)
                averageY += values[j]
            }
            let nextCount = Double(nextEnd - nextStart)
            averageX /= nextCount
            averageY /= nextCount

            let start = Int(Double(bucket) * every) + 1
            let end = Int(Double(bucket + 1) * every) + 1
            let ax = x(a)
            let ay = values[a]
            var largest = -1.0
            var chosen = start
            for j in start..<end {
                // Twice the triangle's area; the factor does not change which is largest.
                let area = abs((ax - averageX) * (values[j] - ay) - (ax - x(j)) * (averageY - ay))
                if area > largest {
                    largest = area
                    chosen = j
                }
            }
            kept.append(chosen)
            a = chosen
        }
        kept.append(count - 1)
        return kept
    }

    /// The indices of `points` worth drawing as a line: a point less than `minimumDistance` from
    /// the last one kept is dropped (the last point is always kept); when more than `maxPoints`
    /// remain, an even stride of them with the first and the last. `maxPoints` below 2 counts as 2.
    package static func thinned(_ points: [(x: Double, y: Double)], minimumDistance: Double, maxPoints: Int) -> [Int] {
        guard let first = points.first else { return [] }
        var kept = [0]
        var last = first
        let squared = minimumDistance * minimumDistance
        for i in points.indices.dropFirst() {
            let dx = points[i].x - last.x
            let dy = points[i].y - last.y
            if dx * dx + dy * dy >= squared || i == points.count - 1 {
                kept.append(i)
                last = points[i]
            }
        }
        let limit = max(2, maxPoints)
        guard kept.count > limit else { return kept }
        // `limit` picks spread from the first to the last, both included.
        let step = Double(kept.count - 1) / Double(limit - 1)
        return (0..<limit).map { kept[Int((Double($0) * step).rounded())] }
    }
}
