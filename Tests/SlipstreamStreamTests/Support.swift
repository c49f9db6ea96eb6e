import Slipstream

/// Collects what a read produced as text: output records, then problems, then the error.
final class Collector: ActivityConsumer {
    var records: [ActivityRecord] = []
    var problems: [SlipstreamError] = []
    var columns: [ActivityColumns] { records.map(\.columns) }

    func activity(_ record: ActivityRecord) throws { records.append(record) }

    func problem(_ error: SlipstreamError) { problems.append(error) }
}

/// Reads `bytes` in chunks of `chunkSize` and renders what `summarize` writes (format and pretty as
/// given), then one line per problem and one for the error, each with kind, line, column, byte and path.
func render(
    _ bytes: [UInt8], chunkSize: Int = ActivityReader.chunkSize, format: OutputFormat = .ndjson,
    name: String = "input.json"
) -> String {
    var output: [UInt8] = []
    var diagnostics: [String] = []
    let writer = SummaryWriter(
        format: format, output: { output.append(contentsOf: $0) },
        problem: { diagnostics.append("\($0.kind.isNotice ? "note" : "problem"): \($0.kind) \($0)") })
    var source = MemorySource(bytes, name: name, chunkSize: max(1, chunkSize / 2))
    do {
        _ = try ActivityReader(chunkSize: chunkSize).read(&source, into: writer)
    } catch {
        try? writer.flushHeld()
        diagnostics.append("error: \(error.kind) \(error)")
    }
    return String(decoding: output, as: UTF8.self) + diagnostics.map { $0 + "\n" }.joined()
}
