// `slipstream convert`: each payload written as a Terra webhook delivers it, samples included:
//
//     {"type":"activity","version":"2022-03-16","data":[{"metadata":{…},"device_data":{…},
//       "heart_rate_data":{"summary":{"avg_hr_bpm":…},"detailed":{"hr_samples":[{"timestamp":"…",
//       "bpm":142,"timer_duration_seconds":12},…]}},…}],"user":{…}}
//
// Where the samples stand comes from the schema table, where the summary values stand from
// SummaryField paths; the summary values are those the input carried (a FIT session's totals), not
// ours, as a device's upload would have them. Activities go out as they are finished; `user` comes
// after `data` because a payload's user is known only at its end (JSON objects are unordered).

import SlipstreamCore

public final class TerraPayloadWriter: ActivityConsumer {
    private let pretty: Bool
    private let output: ([UInt8]) throws -> Void
    private let onProblem: (SlipstreamError) -> Void
    private var activitiesInPayload = 0

    public init(
        pretty: Bool = false, output: @escaping ([UInt8]) throws -> Void, problem: @escaping (SlipstreamError) -> Void
    ) {
        self.pretty = pretty
        self.output = output
        self.onProblem = problem
    }

    public func activity(_ record: ActivityRecord) throws {
        var writer = JSONWriter()
        Self.encode(record, into: &writer)
        var bytes: [UInt8] = Array((activitiesInPayload == 0 ? Self.head : ",").utf8)
        bytes += pretty ? prettyPrinted(writer.bytes) : writer.bytes
        activitiesInPayload += 1
        try output(bytes)
    }

    public func payloadEnded(user: RawJSON?) throws {
        var writer = JSONWriter()
        writer.raw(user)
        var bytes: [UInt8] = Array(((activitiesInPayload == 0 ? Self.head : "") + "],\"user\":").utf8) + writer.bytes
        bytes += Array("}\n".utf8)
        activitiesInPayload = 0
        try output(bytes)
    }

    public func problem(_ error: SlipstreamError) { onProblem(error) }

    private static let head = #"{"type":"activity","version":"2022-03-16","data":["#

    /// One activity with its samples, as Terra's Activity object.
    static func encode(_ record: ActivityRecord, into writer: inout JSONWriter) {
        let root = Node()
        for (field, value) in record.providerValues {
            root.child(field.path.dropLast()).leaves.append((field.path[field.path.count - 1], .value(value)))
        }
        for schema in Schema.channels where record.columns[schema.channel].count > 0 {
            root.child(schema.container).leaves.append((schema.listKey, .samples(schema)))
        }
        writer.beginObject()
        writer.key("metadata")
        writer.raw(record.metadata)
        if let device = record.deviceData {
            writer.key("device_data")
            writer.raw(device)
        }
        // A recording's times are all UTC or all local (a FIT file counting from power-on).
        let stored = record.columns.columns.reduce(0) { $0 + $1.count }
        root.write(
            into: &writer, columns: record.columns,
            local: stored > 0 && record.columns.timestampsWithoutOffset == stored)
        if record.timerAtEnd != nil || record.movingSeconds != nil {
            // Slipstream's own, as Terra's shape has no word for when the device's timer stopped or
            // for the seconds a swimmer swam.
            writer.key("slipstream")
            writer.beginObject()
            if let timerEnd = record.timerAtEnd {
                writer.key("timer_end_seconds")
                writer.number(timerEnd)
            }
            if let moving = record.movingSeconds {
                writer.key("moving_seconds")
                writer.number(moving)
            }
            writer.endObject()
        }
        writer.endObject()
    }

    /// The nested objects of an activity, children in the order they were first named.
    private final class Node {
        enum Leaf { case value(RawJSON), samples(ChannelSchema) }
        var children: [(name: StaticString, node: Node)] = []
        var leaves: [(name: StaticString, leaf: Leaf)] = []

        func child(_ path: some Collection<StaticString>) -> Node {
            var node = self
            for name in path {
                if let existing = node.children.first(where: { $0.name == name }) {
                    node = existing.node
                } else {
                    let next = Node()
                    node.children.append((name, next))
                    node = next
                }
            }
            return node
        }

        /// - Parameter local: the samples' times are local time: written without an offset.
        func write(into writer: inout JSONWriter, columns: ActivityColumns, local: Bool) {
            for (name, leaf) in leaves {
                writer.key(name)
                switch leaf {
                case .value(let value): writer.raw(value)
                case .samples(let schema): writeSamples(columns[schema.channel], schema, local: local, into: &writer)
                }
            }
            for (name, node) in children {
                writer.key(name)
                writer.beginObject()
                node.write(into: &writer, columns: columns, local: local)
                writer.endObject()
            }
        }

        private func writeSamples(
            _ column: SampleColumn, _ schema: ChannelSchema, local: Bool, into writer: inout JSONWriter
        ) {
            writer.beginArray()
            for i in 0..<column.count {
                SampleWriter.write(column, at: i, schema: schema, times: local ? .local : .utc, into: &writer)
            }
            writer.endArray()
        }
    }
}
