/// What a progress line shows.
public struct BatchProgress: Sendable {
    public var payloadsDone: Int
    /// Payloads found so far (archives are counted as they are read).
    public var payloadsFound: Int
    public var failed: Int
    /// JSON bytes parsed per second.
    public var bytesPerSecond: Double
    /// Bytes of the input files (compressed, as on disk) read so far, and in all.
    public var inputBytesDone: Int
    public var inputBytesTotal: Int
    public var elapsedSeconds: Double
    public var finished: Bool

    /// Seconds left, from the share of the input files read so far; nil before anything is known.
    public var secondsLeft: Double? {
        guard inputBytesTotal > 0, inputBytesDone > 0, elapsedSeconds > 0 else { return nil }
        let share = min(1, Double(inputBytesDone) / Double(inputBytesTotal))
        return elapsedSeconds * (1 - share) / share
    }
}
