// Largest-triangle-three-buckets against a series worked out by hand, its bounds on any series,
// and the thinning of a route.

import SlipstreamPictures
import Testing

@Suite struct DownsamplingTests {
    /// Seconds as the UTC microseconds the columns hold.
    static func times(_ seconds: [Int]) -> ContiguousArray<Int64> {
        ContiguousArray(seconds.map { Int64($0) * 1_000_000 })
    }

    /// Seven points, four kept. Buckets hold (7 - 2) / (4 - 2) = 2.5 samples between the first and
    /// the last: bucket 0 is samples 1...2 (floor(0 * 2.5) + 1 ..< floor(1 * 2.5) + 1), bucket 1
    /// samples 3...5, and the last point (6) is the third.
    ///
    ///     x: 0  1  2  3  4   5  6
    ///     y: 0  1  5  2  3  -1  1
    ///
    /// Twice a triangle's area with a = the point kept before, c = the next bucket's average:
    /// |(ax - cx)(y - ay) - (ax - x)(cy - ay)|.
    /// - Bucket 0: a = (0, 0), c = average of samples 3, 4, 5 = (4, (2 + 3 - 1) / 3) = (4, 4/3).
    ///   Sample 1: |(-4)(1) - (-1)(4/3)| = |-4 + 4/3| = 8/3. Sample 2: |(-4)(5) - (-2)(4/3)| =
    ///   |-20 + 8/3| = 52/3. Sample 2 wins.
    /// - Bucket 1: a = (2, 5), c = sample 6 = (6, 1).
    ///   Sample 3: |(-4)(2 - 5) - (2 - 3)(1 - 5)| = |12 - 4| = 8. Sample 4: |(-4)(-2) - (-2)(-4)| =
    ///   |8 - 8| = 0. Sample 5: |(-4)(-6) - (-3)(-4)| = |24 - 12| = 12. Sample 5 wins.
    /// Kept: 0, 2, 5, 6.
    @Test func keepsTheLargestTrianglesWorkedOutByHand() {
        let kept = Downsampling.largestTriangleThreeBuckets(
            times: Self.times([0, 1, 2, 3, 4, 5, 6]), values: [0, 1, 5, 2, 3, -1, 1], maxPoints: 4)
        #expect(kept == [0, 2, 5, 6])
    }

    @Test func keepsEverythingUpToMaxPoints() {
        let kept = Downsampling.largestTriangleThreeBuckets(
            times: Self.times([0, 1, 2]), values: [3, 1, 2], maxPoints: 3)
        #expect(kept == [0, 1, 2])
        #expect(
            Downsampling.largestTriangleThreeBuckets(times: [], values: [], maxPoints: 10) == [])
    }

    @Test(arguments: [2, 3, 7, 100, 999, 1000])
    func neverDrawsMoreThanMaxPointsAndKeepsTheEnds(maxPoints: Int) {
        let count = 36_000
        let times = Self.times(Array(0..<count))
        // A deterministic wiggle with spikes.
        let values = ContiguousArray(
            (0..<count).map { (i: Int) -> Double in
                let spike: Double = i % 997 == 0 ? 500 : 0
                return Double((i * 7919) % 211) + spike
            })
        let kept = Downsampling.largestTriangleThreeBuckets(times: times, values: values, maxPoints: maxPoints)
        #expect(kept.count == maxPoints)
        #expect(kept.first == 0)
        #expect(kept.last == count - 1)
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func maxPointsBelowTwoCountsAsTwo() {
        let kept = Downsampling.largestTriangleThreeBuckets(
            times: Self.times([0, 1, 2, 3]), values: [0, 9, 0, 1], maxPoints: 1)
        #expect(kept == [0, 3])
    }

    @Test func thinningDropsPointsCloserThanTheDistanceAndKeepsTheLast() {
        let points: [(x: Double, y: Double)] = [(0, 0), (0.1, 0), (0.3, 0.3), (1, 0), (1.2, 0), (1.3, 0)]
        // (0.1, 0) is 0.1 from (0, 0); (0.3, 0.3) is 0.42; (1, 0) is 1; (1.2, 0) is 0.2 from it; the last stays.
        #expect(Downsampling.thinned(points, minimumDistance: 0.5, maxPoints: 10) == [0, 3, 5])
        let line = (0..<10_000).map { (x: Double($0), y: 0.0) }
        let kept = Downsampling.thinned(line, minimumDistance: 0.5, maxPoints: 3000)
        #expect(kept.count == 3000)
        #expect(kept.first == 0 && kept.last == 9999)
    }
}
