// What the library reports, in the command line's words: sysexits codes and flag names.

import ArgumentParser
import Slipstream

extension SlipstreamError.Kind {
    /// The sysexits code for this kind of failure.
    var exitCode: Int32 {
        switch self {
        case .malformedJSON, .malformedFIT, .notActivityPayload, .errorResponse, .damagedArchive, .limitExceeded,
            .unsupportedFormat:
            65
        case .inputUnreadable: 66
        case .outputFailed: 74
        case .usage: 64
        default: 70
        }
    }
}

extension ReadLimits.Key {
    /// The flag that raises this limit.
    @Sendable static func flag(_ key: ReadLimits.Key) -> String {
        switch key {
        case .maxDepth: "--max-depth"
        case .maxTokenBytes: "--max-token-bytes"
        case .maxSamplesPerChannel: "--max-samples"
        case .maxPayloadBytes: "--max-payload-bytes"
        }
    }
}
