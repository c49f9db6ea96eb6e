import Slipstream
import Testing

/// The closure entry point a Swift user calls (the README shows it).
@Suite struct LibraryAPITests {
    @Test func forEachActivityHandsOverEveryActivityAndEveryProblem() throws {
        let payload = """
            {"type":"activity","data":[
             {"metadata":{"summary_id":"a"},"power_data":{"power_samples":[
              {"timestamp":"2024-01-01T10:00:00Z","watts":100},{"timestamp":"2024-01-01T10:00:03Z","watts":200},
              {"timestamp":"2024-01-01T10:00:04Z","watts":300}]}},
             {"metadata":{"summary_id":"b"}}],
             "user":{"user_id":"u-9","provider":"XOSS"}}
            ["not an activity"]
            """
        var source = MemorySource(Array(payload.utf8))
        var seen: [(String?, Double?, String?)] = []
        var problems: [String] = []
        let report = try ActivityReader().forEachActivity(in: &source, problem: { problems.append($0.message) }) {
            record in
            seen.append((record.summaryID, record.summary.power.mean, record.userID))
        }
        // Weights: 100 W for 3 s, 200 W for 1 s, 300 W for the median interval (2 s) -> (300 + 200 + 600) / 6.
        #expect(seen.map(\.0) == ["a", "b"])
        #expect(seen[0].1 == 1100.0 / 6)
        #expect(seen[1].1 == nil)
        #expect(seen.map(\.2) == ["u-9", "u-9"])
        #expect(report.activities == 2 && report.payloads == 2 && report.problems == 1)
        #expect(problems.count == 1)
    }

    @Test func anErrorThrownByTheClosureStopsTheRead() {
        struct Stop: Error {}
        let payload = #"[{"metadata":{}},{"metadata":{}},{"metadata":{}}]"#
        var source = MemorySource(Array(payload.utf8))
        var calls = 0
        #expect(throws: SlipstreamError.self) {
            try ActivityReader().forEachActivity(in: &source) { _ in
                calls += 1
                if calls == 2 { throw Stop() }
            }
        }
        #expect(calls == 2)
    }
}
