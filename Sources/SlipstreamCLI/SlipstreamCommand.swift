import ArgumentParser
import Slipstream

@main
struct SlipstreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipstream",
        abstract: "Summarize Terra Activity payloads (workouts from wearables), streaming, in bounded memory.",
        discussion: """
            Exit codes: 0 ok, 64 usage, 65 bad input data (malformed JSON or not an activity payload), \
            66 input not found or unreadable, 74 output error.
            """,
        version: "0.1.0",
        subcommands: [Summarize.self, Generate.self]
    )
}

extension OutputFormat: ExpressibleByArgument {}

struct Summarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one summary per activity, in Terra's field names.",
        discussion: """
            Reads a webhook envelope, an HTTP response envelope, a bare Activity, an array of \
            Activities, or several of these concatenated or one per line. Writes NDJSON, one Terra \
            Activity object per activity without its sample arrays, plus a `slipstream` object.
            """
    )

    @Argument(help: "The payload file; '-' or nothing reads standard input.")
    var input: String = "-"

    @Option(help: "ndjson: one Activity per line; json: a Terra envelope per payload.")
    var format: OutputFormat = .ndjson

    @Flag(help: "Indent the output.")
    var pretty = false

    func run() throws {
        let code = SummarizeJob(inputPath: input, format: format, pretty: pretty).run(diagnostic: StandardError.writeLine)
        if code != 0 { throw ExitCode(code) }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic, realistic ride payload (1 Hz samples, pauses, coasting) to standard output.")

    @Option(help: "Recorded seconds per activity.")
    var seconds = 3600

    @Option(help: "Activities in the payload.")
    var activities = 1

    @Option(help: "Seed: the same seed writes the same bytes.")
    var seed: UInt64 = 1

    @Flag(help: "Indent the payload.")
    var pretty = false

    func validate() throws {
        guard seconds >= 0 else { throw ValidationError("--seconds must be 0 or more") }
        guard activities >= 0 else { throw ValidationError("--activities must be 0 or more") }
    }

    func run() throws {
        let code = GenerateJob(options: GeneratorOptions(seconds: seconds, activities: activities, seed: seed, pretty: pretty))
            .run(diagnostic: StandardError.writeLine)
        if code != 0 { throw ExitCode(code) }
    }
}
