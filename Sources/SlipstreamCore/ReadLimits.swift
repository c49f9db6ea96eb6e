/// How much one read may hold, so that hostile or broken input ends in a clean error naming the
/// limit (kind `limitExceeded`, exit 65) instead of unbounded memory. The defaults are far above
/// any real recording: a week-long ride at 1 Hz is 604,800 samples per channel.
public struct ReadLimits: Sendable, Equatable {
    /// Nesting of arrays and objects (`--max-depth`). Terra's deepest path is 5 levels.
    public var maxDepth = 256
    /// Bytes of one token (a string, a key, a number) or of the white space between two tokens
    /// (`--max-token-bytes`): yajl holds a token that spans chunks whole in memory.
    public var maxTokenBytes = 16 << 20
    /// Stored samples in one channel of one activity (`--max-samples`).
    public var maxSamplesPerChannel = 2_000_000
    /// Bytes of one top-level JSON value (`--max-payload-bytes`).
    public var maxPayloadBytes = 4 << 30

    public init() {}

    /// A limit by name, so that an error can say which one the input went past.
    public enum Key: String, Sendable, CaseIterable {
        case maxDepth, maxTokenBytes, maxSamplesPerChannel, maxPayloadBytes
    }
}
