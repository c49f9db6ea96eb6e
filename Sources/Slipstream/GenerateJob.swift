/// `slipstream generate`: a deterministic payload on standard output.
public struct GenerateJob: Sendable {
    public var options: GeneratorOptions

    public init(options: GeneratorOptions) { self.options = options }

    /// - Returns: 0, or 74 when standard output cannot be written.
    public func run(diagnostic: (String) -> Void) -> Int32 {
        let sink = FileSink()
        do {
            try PayloadGenerator.generate(options) { bytes throws(SlipstreamError) in try sink.write(bytes) }
            try sink.flush()
            return 0
        } catch let error as SlipstreamError {
            diagnostic("slipstream: \(error)")
            return error.kind.exitCode
        } catch {
            diagnostic("slipstream: \(error)")
            return 74
        }
    }
}
