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
        /// Valid JSON that is not a Terra Activity payload.
        public static let notActivityPayload = Kind(rawValue: "not-activity-payload")
        /// An archive or compressed stream is damaged (truncated, bad header, bad compression).
        public static let damagedArchive = Kind(rawValue: "damaged-archive")
        /// The input went past one of the ``ReadLimits``.
        public static let limitExceeded = Kind(rawValue: "limit-exceeded")
        /// The input could not be opened or read.
        public static let inputUnreadable = Kind(rawValue: "input-unreadable")
        /// Writing the output failed.
        public static let outputFailed = Kind(rawValue: "output-failed")
        /// The caller asked for something that cannot be done.
        public static let usage = Kind(rawValue: "usage")

        public var description: String { rawValue }

        /// The sysexits code a command-line tool should exit with for this kind.
        public var exitCode: Int32 {
            switch self {
            case .malformedJSON, .notActivityPayload, .damagedArchive, .limitExceeded: 65
            case .inputUnreadable: 66
            case .outputFailed: 74
            case .usage: 64
            default: 70
            }
        }
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

    /// The input went past one of the ``ReadLimits``: `what` happened, `flag` raises the limit.
    static func limitExceeded(
        _ what: String, flag: String, source: String, byteOffset: Int?, line: Int? = nil, column: Int? = nil, jsonPath: String?
    ) -> SlipstreamError {
        SlipstreamError(
            .limitExceeded, "\(what) (limit: \(flag))", source: source, byteOffset: byteOffset, line: line, column: column,
            jsonPath: jsonPath)
    }

    /// One line: `SOURCE:LINE:COLUMN (byte N): reason (at PATH)`.
    public var description: String {
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
