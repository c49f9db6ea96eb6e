// Inputs for benchmarks: generated payload files and the columns of their activities.

import Slipstream
import SlipstreamFixtures

public enum BenchPayloads {
    /// The sizes the benchmark suites use: ~2.5 MB (one hour), ~25 MB (one ten-hour ride),
    /// ~200 MB (eight ten-hour rides).
    public static let small = GeneratorOptions(seconds: 3600, activities: 1, seed: 1)
    public static let medium = GeneratorOptions(seconds: 36000, activities: 1, seed: 1)
    public static let large = GeneratorOptions(seconds: 36000, activities: 8, seed: 1)

    /// Writes a generated payload to `path`.
    public static func write(_ options: GeneratorOptions, to path: String) throws {
        let sink = try FileSink(path: path)
        _ = try PayloadGenerator.generate(options) { bytes in try sink.write(bytes) }
        try sink.flush()
    }

    /// Writes a generated payload to a temporary file (once per process and size) and returns its path.
    public static func file(_ options: GeneratorOptions) throws -> String {
        let path = FileSystem.temporaryPath(
            named: "slipstream-\(options.activities)x\(options.seconds)s-seed\(options.seed)", extension: "json")
        try write(options, to: path)
        return path
    }

    /// The columns of every activity in the file, copied out of the reader.
    public static func columns(of path: String) throws -> [ActivityColumns] {
        final class Keeper: ActivityConsumer {
            var kept: [ActivityColumns] = []
            func activity(_ record: ActivityRecord) throws { kept.append(record.columns) }
            func problem(_ error: SlipstreamError) {}
        }
        var source = try FileSource(path: path)
        let keeper = Keeper()
        _ = try ActivityReader(summaries: false).read(&source, into: keeper)
        return keeper.kept
    }
}
