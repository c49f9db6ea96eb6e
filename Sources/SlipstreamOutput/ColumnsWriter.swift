// `slipstream columns`: every activity's samples as one table, a row per instant.
//
// The rows are the union of the channels' timestamps (each channel is in time order once its
// activity has closed), merged like sorted lists; a channel with no sample at an instant leaves its
// cell empty. `timer_seconds` is the timer of the first channel, in the column order, that has a
// sample with a timer at that instant.

import SlipstreamCore

/// The shape of `columns`' output.
public enum ColumnsFormat: String, CaseIterable, Sendable {
    /// A header, then a row per instant.
    case csv
    /// One object per instant, absent values as null.
    case ndjson
}

/// An ``ActivityConsumer`` that writes each activity's columns as rows.
public final class ColumnsWriter: ActivityConsumer {
    /// The columns, in order: then one per channel of the schema table (position gives lat and lng).
    public static let header = ["activity", "timestamp", "timer_seconds"] + Schema.channels.flatMap(\.columnNames)

    private let format: ColumnsFormat
    private let output: ([UInt8]) throws -> Void
    private let onProblem: (SlipstreamError) -> Void
    private var wroteHeader = false
    /// Rows written so far.
    public private(set) var rows = 0

    /// - Parameters:
    ///   - writesHeader: write the CSV header before the first row (false when the caller wrote it
    ///     once for several writers).
    public init(
        format: ColumnsFormat = .csv, writesHeader: Bool = true, output: @escaping ([UInt8]) throws -> Void,
        problem: @escaping (SlipstreamError) -> Void
    ) {
        self.format = format
        self.output = output
        self.onProblem = problem
        wroteHeader = !writesHeader
    }

    /// The CSV header line.
    public static func headerRow() -> [UInt8] {
        var csv = CSVWriter()
        for name in header { csv.text(name) }
        csv.endRow()
        return csv.bytes
    }

    public func problem(_ error: SlipstreamError) { onProblem(error) }

    public func activity(_ record: ActivityRecord) throws {
        try write(record.columns, activity: record.summaryID ?? record.jsonPath)
    }

    /// One activity's rows (the service's stored samples come this way).
    public func write(_ columns: ActivityColumns, activity: String) throws {
        if format == .csv && !wroteHeader {
            try output(Self.headerRow())
            wroteHeader = true
        }
        let channels = columns.columns
        // Where each channel's cells start in `values`.
        let firstCell = Schema.channels.reduce(into: [0]) { $0.append($0.last! + $1.columnNames.count) }
        var next = [Int](repeating: 0, count: channels.count)
        var values = [Double?](repeating: nil, count: firstCell.last!)
        var csv = CSVWriter()
        var json = JSONWriter()
        while true {
            var instant = Int64.max
            for (c, column) in channels.enumerated() where next[c] < column.count {
                instant = min(instant, column.times[next[c]])
            }
            if instant == .max { break }
            var timer: Double?
            for i in values.indices { values[i] = nil }
            for (c, column) in channels.enumerated() where next[c] < column.count && column.times[next[c]] == instant {
                let i = next[c]
                values[firstCell[c]] = column.values[i]
                // position: lat, lng
                if Schema.channels[c].isCoordinate { values[firstCell[c] + 1] = column.secondValues[i] }
                if timer == nil, !column.timers[i].isNaN { timer = column.timers[i] }
                next[c] += 1
            }
            let timestamp = Timestamp.format(microseconds: instant)
            switch format {
            case .csv:
                csv.text(activity)
                csv.text(timestamp)
                csv.number(timer)
                for value in values { csv.number(value) }
                csv.endRow()
            case .ndjson:
                json.beginObject()
                json.key("activity")
                json.string(activity)
                json.key("timestamp")
                json.string(timestamp)
                json.key("timer_seconds")
                json.number(timer)
                for (name, value) in zip(Self.header.dropFirst(3), values) {
                    json.key(name)
                    json.number(value)
                }
                json.endObject()
                json.appendNewline()
            }
            rows += 1
            if csv.bytes.count >= 1 << 16 || json.bytes.count >= 1 << 16 { try flush(&csv, &json) }
        }
        try flush(&csv, &json)
    }

    private func flush(_ csv: inout CSVWriter, _ json: inout JSONWriter) throws {
        if !csv.bytes.isEmpty { try output(csv.bytes) }
        if !json.bytes.isEmpty { try output(json.bytes) }
        csv.reset()
        json.reset()
    }
}
