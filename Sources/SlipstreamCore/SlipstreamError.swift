/// The one error type of the library.
///
/// Every error knows where it happened: the input's name, the absolute byte offset, and, when the
/// input was read through ``ActivityReader``, the line and column and the JSON path. The text is
/// built only when asked for (`description`), never on the hot path.
public struct SlipstreamError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What kind of failure this is; also decides the process exit code.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The bytes are not JSON (yajl rejected them, or they ended too early).
        public static let malformedJSON = Kind(rawValue: "malformed-json")
        /// The bytes are not a FIT file as the protocol says (a header, a record, a CRC).
        public static let malformedFIT = Kind(rawValue: "malformed-fit")
        /// Valid JSON that is not a Terra Activity payload.
        public static let notActivityPayload = Kind(rawValue: "not-activity-payload")
        /// A Terra error response (`"status":"error"`, or any status other than `success`), with its message.
        public static let errorResponse = Kind(rawValue: "error-response")
        /// Not a failure, a notice: a valid response that carries no activities (Terra sent them to
        /// the webhook). Reported to the consumer's `problem` like the others; callers count it apart.
        public static let noActivities = Kind(rawValue: "no-activities")
        /// An archive or compressed stream is damaged (truncated, bad header, bad compression).
        public static let damagedArchive = Kind(rawValue: "damaged-archive")
        /// The input is in a format that cannot be read here (say, an archive where one payload was expected).
        public static let unsupportedFormat = Kind(rawValue: "unsupported-format")
        /// The input went past one of the ``ReadLimits``.
        public static let limitExceeded = Kind(rawValue: "limit-exceeded")
        /// The input could not be opened or read.
        public static let inputUnreadable = Kind(rawValue: "input-unreadable")
        /// Writing the output failed.
        public static let outputFailed = Kind(rawValue: "output-failed")
        /// The caller asked for something that cannot be done.
        public static let usage = Kind(rawValue: "usage")

        public var description: String { rawValue }

        /// True for the kinds that are notices, not failures (``noActivities``).
        public var isNotice: Bool { self == .noActivities }
    }

    public var kind: Kind
    /// The input's name as given by the user (`-` or `<stdin>` for standard input).
    public var source: String
    /// Absolute offset, from the first byte of the input, of the byte where the problem was seen.
    public var byteOffset: Int?
    /// 1-based line and column (in bytes) of `byteOffset`, when known.
    public var line: Int?
    public var column: Int?
    /// Where in the JSON document the problem is, e.g. `$.data[2].heart_rate_data`.
    public var jsonPath: String?
    public var message: String
    /// The limit the input went past (kind `limitExceeded`), for the caller to name it its own way;
    /// ``namingLimit(_:)`` writes the name into the message.
    public var limit: ReadLimits.Key?

    public init(
        _ kind: Kind, _ message: String, source: String = "", byteOffset: Int? = nil,
        line: Int? = nil, column: Int? = nil, jsonPath: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.source = source
        self.byteOffset = byteOffset
        self.line = line
        self.column = column
        self.jsonPath = jsonPath
    }

    /// The input went past one of the ``ReadLimits``: `what` happened, `limit` is the one.
    package static func limitExceeded(
        _ what: String, limit: ReadLimits.Key, source: String, byteOffset: Int?, line: Int? = nil, column: Int? = nil,
        jsonPath: String?
    ) -> SlipstreamError {
        var error = SlipstreamError(
            .limitExceeded, what, source: source, byteOffset: byteOffset, line: line, column: column, jsonPath: jsonPath
        )
        error.limit = limit
        return error
    }

    /// The error with its limit named in the message, `what (limit: NAME)`, by the caller's name for
    /// it (the CLI's is its flag); unchanged when it names no limit.
    public func namingLimit(_ name: (ReadLimits.Key) -> String) -> SlipstreamError {
        guard let limit else { return self }
        var named = self
        named.message += " (limit: \(name(limit)))"
        named.limit = nil
        return named
    }

    /// One line: `SOURCE:LINE:COLUMN (byte N): reason (at PATH)`; a limit not yet named is named by
    /// its ``ReadLimits`` property.
    public var description: String {
        if limit != nil { return namingLimit { "ReadLimits.\($0.rawValue)" }.description }
        var place = source.isEmpty ? "" : source
        if let line, let column {
            place += ":\(line):\(column)"
        }
        if let byteOffset {
            place += place.isEmpty ? "byte \(byteOffset)" : " (byte \(byteOffset))"
        }
        var text = place.isEmpty ? message : "\(place): \(message)"
        if let jsonPath { text += " (at \(jsonPath))" }
        return text
    }
}
