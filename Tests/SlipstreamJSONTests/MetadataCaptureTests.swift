import Foundation
import Slipstream
import Testing

/// What later stages need of an activity's `metadata` is read by the router as it passes, once:
/// `type` and the UTC offset `start_time` is written with; and each payload's own `type`.
@Suite struct MetadataCaptureTests {
    final class Types: ActivityConsumer {
        var records: [ActivityRecord] = []
        var types: [String] = []
        func activity(_ record: ActivityRecord) throws { records.append(record) }
        func problem(_ error: SlipstreamError) {}
        func typeRead(_ type: String) { types.append(type) }
    }

    static func read(_ json: String) throws -> Types {
        let consumer = Types()
        let stream = ActivityStream(consumer: consumer)
        try Array(json.utf8).withUnsafeBytes { try stream.feed($0) }
        try stream.finish()
        return consumer
    }

    @Test(
        arguments: [
            (#"{"type":1,"start_time":"2024-05-04T07:30:00+02:00"}"#, 1, 7200),
            (#"{"start_time":"2024-05-04T07:30:00.5-05:30","type":16}"#, 16, -19_800),
            (#"{"start_time":"2024-05-04T07:30:00+0100"}"#, nil, 3600),
            (#"{"start_time":"2024-05-04T07:30:00Z","type":"1"}"#, nil, 0),
            (#"{"start_time":"2024-05-04T07:30:00"}"#, nil, nil),
            (#"{"device":{"type":5},"type":3.7}"#, 3, nil),
            (#"{"type":-2,"start_time":12}"#, nil, nil),
        ] as [(String, Int?, Int?)])
    func typeAndOffsetAreTheMetadataObjectsOwn(metadata: String, type: Int?, offset: Int?) throws {
        let read = try Self.read(#"{"metadata":"# + metadata + #","heart_rate_data":{"detailed":{"hr_samples":[]}}}"#)
        #expect(read.records.count == 1)
        #expect(read.records.first?.activityType == type)
        #expect(read.records.first?.startOffsetSeconds == offset)
    }

    @Test func eachPayloadsTypeIsHandedOnAsRead() throws {
        let read = try Self.read(
            #"{"type":"auth","user":{"user_id":"u1"},"status":"success"}"#
                + #"{"type":"activity","user":{"user_id":"u1"},"data":[{"metadata":{"summary_id":"a"}}]}"#
                + #"{"data":[]}"#)
        #expect(read.types == ["auth", "activity"])
        #expect(read.records.map(\.summaryID) == ["a"])
    }
}
